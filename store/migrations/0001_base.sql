-- Foundation: audit trail, operators, the ente, App IO services.
-- Times are UTC RFC 3339 text; booleans are 0/1 integers (portable to PostgreSQL).

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    operatore  TEXT NOT NULL,
    entita     TEXT NOT NULL,
    entita_id  TEXT NOT NULL,
    azione     TEXT NOT NULL CHECK (azione IN ('crea', 'modifica', 'elimina')),
    campo      TEXT NOT NULL DEFAULT '',
    prima      TEXT,
    dopo       TEXT
);
CREATE INDEX audit_entita ON audit (entita, entita_id, id);

CREATE TABLE operatori (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    nome           TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    ruolo          TEXT NOT NULL CHECK (ruolo IN ('operatore', 'operatore_invio', 'supervisore', 'amministratore')),
    password_hash  TEXT NOT NULL,
    attivo         INTEGER NOT NULL DEFAULT 1,
    ultimo_accesso TEXT,
    modificato_il  TEXT NOT NULL,
    modificato_da  TEXT NOT NULL
);

CREATE TABLE ente (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    denominazione  TEXT NOT NULL,
    codice_fiscale TEXT NOT NULL,
    codice_ipa     TEXT NOT NULL DEFAULT '',
    settore        TEXT NOT NULL DEFAULT '',
    indirizzo      TEXT NOT NULL DEFAULT '',
    modificato_il  TEXT NOT NULL,
    modificato_da  TEXT NOT NULL
);

-- The API key of each service lives in the OS keyring, never here.
CREATE TABLE servizi_io (
    id              INTEGER PRIMARY KEY,
    nome            TEXT NOT NULL UNIQUE,
    service_id      TEXT NOT NULL UNIQUE,
    base_url        TEXT NOT NULL,
    livello         TEXT NOT NULL DEFAULT 'STANDARD' CHECK (livello IN ('STANDARD', 'ADVANCED')),
    importo_massimo INTEGER NOT NULL DEFAULT 0,
    attivo          INTEGER NOT NULL DEFAULT 1,
    modificato_il   TEXT NOT NULL,
    modificato_da   TEXT NOT NULL
);
