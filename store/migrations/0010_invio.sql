-- Sending mass payment notices by PEC or e-mail, and the PEC receipts.

-- The cover letter a batch goes out with, copied at import so that editing
-- the template later does not change a batch being sent.
ALTER TABLE avvisi_lotti ADD COLUMN lettera_oggetto TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi_lotti ADD COLUMN lettera_testo TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi_lotti ADD COLUMN lettera_firma TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi_lotti ADD COLUMN job_invio TEXT NOT NULL DEFAULT '';

-- stato_invio: '' (not queued), DA_INVIARE, IN_INVIO, INVIATO (handed to
-- the SMTP server), ACCETTATO, CONSEGNATO, NON_ACCETTATO, ERRORE_CONSEGNA,
-- PREAVVISO_ERRORE, ERRORE_INVIO, INCERTO, ANNULLATO.
-- message_id is the Message-ID of the current send: fixed before the first
-- attempt, so that the receipts of an interrupted send still find the row.
ALTER TABLE avvisi ADD COLUMN stato_invio TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi ADD COLUMN tentativi_invio INTEGER NOT NULL DEFAULT 0;
ALTER TABLE avvisi ADD COLUMN errore_invio TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi ADD COLUMN inviato_il TEXT NOT NULL DEFAULT '';
ALTER TABLE avvisi ADD COLUMN consegnato_il TEXT NOT NULL DEFAULT '';
CREATE INDEX avvisi_stato_invio ON avvisi (lotto_id, stato_invio);

-- Every Message-ID a notice was ever sent with (re-sends take a new one):
-- receipts of an older send are kept as evidence of that send.
CREATE TABLE avvisi_messaggi (
    message_id TEXT PRIMARY KEY,
    avviso_id  INTEGER NOT NULL REFERENCES avvisi (id),
    creato_il  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX avvisi_messaggi_avviso ON avvisi_messaggi (avviso_id);

-- The ente's outgoing mailboxes (one PEC, one ordinary). Passwords are in
-- the OS keyring; ca_pem is a public certificate to trust besides the
-- system's (a provider with a private CA, or the sandbox).
CREATE TABLE posta_caselle (
    tipo           TEXT PRIMARY KEY CHECK (tipo IN ('PEC', 'EMAIL')),
    indirizzo      TEXT NOT NULL,
    utente         TEXT NOT NULL,
    smtp_host      TEXT NOT NULL,
    smtp_porta     INTEGER NOT NULL,
    smtp_sicurezza TEXT NOT NULL,
    imap_host      TEXT NOT NULL DEFAULT '',
    imap_porta     INTEGER NOT NULL DEFAULT 0,
    imap_sicurezza TEXT NOT NULL DEFAULT '',
    ca_pem         TEXT NOT NULL DEFAULT '',
    modificato_il  TEXT NOT NULL,
    modificato_da  TEXT NOT NULL
);

-- PEC receipts read from the mailbox, raw message kept as legal evidence.
CREATE TABLE pec_ricevute (
    id             INTEGER PRIMARY KEY,
    casella        TEXT NOT NULL,
    uid_validity   INTEGER NOT NULL,
    uid            INTEGER NOT NULL,
    tipo           TEXT NOT NULL,
    riferimento    TEXT NOT NULL,           -- Message-ID of the message it is about
    destinatario   TEXT NOT NULL DEFAULT '',
    errore         TEXT NOT NULL DEFAULT '',
    errore_esteso  TEXT NOT NULL DEFAULT '',
    oggetto        TEXT NOT NULL DEFAULT '',
    identificativo TEXT NOT NULL DEFAULT '',
    data           TEXT NOT NULL,           -- the provider's time
    letta_il       TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    eml            BLOB NOT NULL,
    UNIQUE (casella, uid_validity, uid)
);
CREATE INDEX pec_ricevute_riferimento ON pec_ricevute (riferimento);

-- How far each mailbox has been read.
CREATE TABLE pec_letture (
    casella      TEXT PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    ultimo_uid   INTEGER NOT NULL
);
