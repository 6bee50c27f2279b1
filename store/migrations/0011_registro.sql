-- PEC reseller panel (issue 5): domains, owners (titolari) with their addresses
-- and companies, certified mailboxes (caselle), agents and their packages,
-- assistants and their packages, documents, and the outbox the sync engine
-- pushes to the provider. Every change is audited and queued in the outbox in
-- the same transaction (store/registro.go).
--
-- assistente_id on titolari, indirizzi, attivita and caselle is the assistant
-- account that inserted the record (NULL = the reseller): an assistant's
-- queries are scoped on it.

CREATE TABLE domini (
    id             INTEGER PRIMARY KEY,
    dominio        TEXT NOT NULL UNIQUE,            -- lower case, e.g. pec.studiorossi.it
    certificato    INTEGER NOT NULL DEFAULT 0,      -- 1 when the provider certified it
    stato          TEXT NOT NULL DEFAULT '',        -- the provider's state of the request
    richiesto_il   TEXT NOT NULL DEFAULT '',
    certificato_il TEXT NOT NULL DEFAULT '',
    modificato_il  TEXT NOT NULL,
    modificato_da  TEXT NOT NULL
);

CREATE TABLE assistenti (
    id                   INTEGER PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,     -- the Sportello operator account (operatori.username)
    nome                 TEXT NOT NULL,
    cognome              TEXT NOT NULL,
    codice_fiscale       TEXT NOT NULL,
    email_pec            TEXT NOT NULL,            -- for communications
    attivo               INTEGER NOT NULL DEFAULT 1,
    gestione_a_pacchetti INTEGER NOT NULL DEFAULT 0,
    modificato_il        TEXT NOT NULL,
    modificato_da        TEXT NOT NULL
);

CREATE TABLE assistenti_domini (
    assistente_id INTEGER NOT NULL REFERENCES assistenti (id),
    dominio_id    INTEGER NOT NULL REFERENCES domini (id),
    PRIMARY KEY (assistente_id, dominio_id)
);

CREATE TABLE pacchetti_assistente (
    id            INTEGER PRIMARY KEY,
    assistente_id INTEGER NOT NULL REFERENCES assistenti (id),
    nome          TEXT NOT NULL,
    quantita      INTEGER NOT NULL CHECK (quantita > 0),
    durata_anni   INTEGER NOT NULL CHECK (durata_anni > 0),
    stato         TEXT NOT NULL DEFAULT 'ATTIVO' CHECK (stato IN ('ATTIVO', 'SOSPESO')),
    creato_il     TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
CREATE INDEX pacchetti_assistente_assistente ON pacchetti_assistente (assistente_id);

CREATE TABLE titolari (
    id             INTEGER PRIMARY KEY,
    nome           TEXT NOT NULL,
    cognome        TEXT NOT NULL,
    codice_fiscale TEXT NOT NULL UNIQUE,
    tipo           TEXT NOT NULL CHECK (tipo IN ('PRIVATO', 'AZIENDA', 'LIBERO_PROFESSIONISTA', 'DITTA_INDIVIDUALE',
                                                 'NO_PROFIT', 'PUBBLICA_AMMINISTRAZIONE')),
    email          TEXT NOT NULL DEFAULT '',
    telefono       TEXT NOT NULL DEFAULT '',
    cellulare      TEXT NOT NULL DEFAULT '',
    assistente_id  INTEGER REFERENCES assistenti (id),
    inserito_da    TEXT NOT NULL,
    inserito_il    TEXT NOT NULL,
    modificato_il  TEXT NOT NULL,
    modificato_da  TEXT NOT NULL
);
CREATE INDEX titolari_cognome ON titolari (cognome COLLATE NOCASE, nome COLLATE NOCASE);
CREATE INDEX titolari_assistente ON titolari (assistente_id);

CREATE TABLE indirizzi (
    id            INTEGER PRIMARY KEY,
    titolare_id   INTEGER NOT NULL REFERENCES titolari (id),
    via           TEXT NOT NULL,
    civico        TEXT NOT NULL,
    cap           TEXT NOT NULL,
    comune        TEXT NOT NULL,
    provincia     TEXT NOT NULL,
    telefono      TEXT NOT NULL,
    fax           TEXT NOT NULL DEFAULT '',
    cellulare     TEXT NOT NULL DEFAULT '',
    assistente_id INTEGER REFERENCES assistenti (id),
    inserito_da   TEXT NOT NULL,
    inserito_il   TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
CREATE INDEX indirizzi_titolare ON indirizzi (titolare_id);

CREATE TABLE attivita (
    id              INTEGER PRIMARY KEY,
    titolare_id     INTEGER NOT NULL REFERENCES titolari (id),
    indirizzo_id    INTEGER NOT NULL REFERENCES indirizzi (id),
    ragione_sociale TEXT NOT NULL,
    partita_iva     TEXT NOT NULL,
    assistente_id   INTEGER REFERENCES assistenti (id),
    inserito_da     TEXT NOT NULL,
    inserito_il     TEXT NOT NULL,
    modificato_il   TEXT NOT NULL,
    modificato_da   TEXT NOT NULL
);
CREATE INDEX attivita_titolare ON attivita (titolare_id);

CREATE TABLE agenti (
    id              INTEGER PRIMARY KEY,
    ragione_sociale TEXT NOT NULL,
    nome            TEXT NOT NULL,
    cognome         TEXT NOT NULL,
    email           TEXT NOT NULL,
    attivo          INTEGER NOT NULL DEFAULT 1,
    modificato_il   TEXT NOT NULL,
    modificato_da   TEXT NOT NULL
);

CREATE TABLE agenti_domini (
    agente_id  INTEGER NOT NULL REFERENCES agenti (id),
    dominio_id INTEGER NOT NULL REFERENCES domini (id),
    PRIMARY KEY (agente_id, dominio_id)
);

-- agente_id NULL: a package of the reseller itself (the postmaster's, bought
-- from the provider); the assistants' packages never exceed those.
CREATE TABLE pacchetti (
    id            INTEGER PRIMARY KEY,
    agente_id     INTEGER REFERENCES agenti (id),
    nome          TEXT NOT NULL,
    quantita      INTEGER NOT NULL CHECK (quantita > 0),
    durata_anni   INTEGER NOT NULL CHECK (durata_anni > 0),
    creato_il     TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
CREATE INDEX pacchetti_agente ON pacchetti (agente_id);

CREATE TABLE caselle (
    id            INTEGER PRIMARY KEY,
    indirizzo     TEXT NOT NULL UNIQUE,            -- the PEC address, nome@dominio, lower case
    dominio_id    INTEGER NOT NULL REFERENCES domini (id),
    titolare_id   INTEGER NOT NULL REFERENCES titolari (id),
    indirizzo_id  INTEGER NOT NULL REFERENCES indirizzi (id),
    attivita_id   INTEGER REFERENCES attivita (id),
    agente_id     INTEGER REFERENCES agenti (id),
    stato         TEXT NOT NULL DEFAULT 'IN_ATTESA' CHECK (stato IN ('IN_ATTESA', 'ATTIVA', 'SOSPESA', 'CESSATA')),
    inserita_il   TEXT NOT NULL,
    attivata_il   TEXT NOT NULL DEFAULT '',
    inserita_da   TEXT NOT NULL,                   -- the operator
    assistente_id INTEGER REFERENCES assistenti (id),
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
CREATE INDEX caselle_dominio ON caselle (dominio_id, id);
CREATE INDEX caselle_titolare ON caselle (titolare_id);
CREATE INDEX caselle_inserita ON caselle (inserita_il);
CREATE INDEX caselle_assistente ON caselle (assistente_id, id);
CREATE INDEX caselle_agente ON caselle (agente_id);

-- A mailbox is in at most one package.
CREATE TABLE caselle_pacchetti (
    casella_id   INTEGER PRIMARY KEY REFERENCES caselle (id),
    pacchetto_id INTEGER NOT NULL REFERENCES pacchetti (id),
    associata_il TEXT NOT NULL
);
CREATE INDEX caselle_pacchetti_pacchetto ON caselle_pacchetti (pacchetto_id);

-- Signed contracts and other PDFs of a mailbox. The content is kept in the
-- database (size-limited by core/registro): it commits with its audit and
-- outbox rows, goes into the online backup (VACUUM INTO) with everything
-- else, and cannot be lost or changed behind the database's back as a file
-- in a folder could. sha256 (hex) is the fingerprint shown and synced.
CREATE TABLE documenti (
    id           INTEGER PRIMARY KEY,
    casella_id   INTEGER NOT NULL REFERENCES caselle (id),
    tipo         TEXT NOT NULL,                     -- CONTRATTO, NUOVE_CREDENZIALI, SUBENTRO, CESSAZIONE, ALTRO
    nome         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    dimensione   INTEGER NOT NULL,
    contenuto    BLOB NOT NULL,
    caricato_il  TEXT NOT NULL,
    caricato_da  TEXT NOT NULL
);
CREATE INDEX documenti_casella ON documenti (casella_id);

-- Changes waiting for the provider, written in the transaction of the change.
CREATE TABLE outbox (
    id        INTEGER PRIMARY KEY,
    entita    TEXT NOT NULL,
    entita_id TEXT NOT NULL,
    operazione TEXT NOT NULL CHECK (operazione IN ('crea', 'modifica', 'elimina')),
    payload   TEXT NOT NULL,                       -- JSON: the record's fields after the change
    creato_il TEXT NOT NULL,
    stato     TEXT NOT NULL DEFAULT 'PENDING' CHECK (stato IN ('PENDING', 'SENT', 'FAILED', 'CONFLICT')),
    tentativi INTEGER NOT NULL DEFAULT 0,
    errore    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_stato ON outbox (stato, id);
