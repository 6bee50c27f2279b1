-- Confirmation e-mails of the PEC reseller panel (issue 5, core/registro/conferme.go):
-- when a mailbox becomes ATTIVA, in the same transaction, one row per
-- mailbox waits here to be sent to its owner. message_id is fixed at
-- insertion, before any attempt. stato:
--   DA_INVIARE  waiting (also after a temporary failure: tentativi counts them)
--   INVIO       in flight: committed before the SMTP call, settled after it;
--               a row found INVIO at the start of a run may have been
--               accepted and becomes INCERTA
--   INVIATA     accepted by the server (inviata_il)
--   ERRORE      refused for good, or too many temporary failures (errore)
--   INCERTA     outcome unknown: never sent again automatically
CREATE TABLE registro_conferme (
    id          INTEGER PRIMARY KEY,
    casella_id  INTEGER NOT NULL UNIQUE REFERENCES caselle (id),
    destinatari TEXT NOT NULL DEFAULT '',
    oggetto     TEXT NOT NULL,
    testo       TEXT NOT NULL,
    message_id  TEXT NOT NULL UNIQUE,
    stato       TEXT NOT NULL DEFAULT 'DA_INVIARE'
                CHECK (stato IN ('DA_INVIARE', 'INVIO', 'INVIATA', 'ERRORE', 'INCERTA')),
    tentativi   INTEGER NOT NULL DEFAULT 0,
    errore      TEXT NOT NULL DEFAULT '',
    creata_il   TEXT NOT NULL,
    inviata_il  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX registro_conferme_stato ON registro_conferme (stato, id);
