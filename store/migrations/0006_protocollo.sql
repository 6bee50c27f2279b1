-- The ente's own protocol register (used when no external protocol system
-- is configured): a yearly progressive number that never repeats or skips,
-- because it is taken inside the transaction that stores the registration.
CREATE TABLE protocollo (
    id            INTEGER PRIMARY KEY,
    anno          INTEGER NOT NULL,
    numero        INTEGER NOT NULL,
    registrato_il TEXT NOT NULL,
    verso         TEXT NOT NULL CHECK (verso IN ('USCITA', 'ENTRATA')),
    oggetto       TEXT NOT NULL,
    corrispondente TEXT NOT NULL,            -- name and fiscal code or address
    riferimento   TEXT NOT NULL DEFAULT '',  -- caller's key (e.g. batch/row): registering twice returns the first
    segnatura     TEXT NOT NULL,             -- the XML stamp
    operatore     TEXT NOT NULL,
    UNIQUE (anno, numero)
);
CREATE UNIQUE INDEX protocollo_riferimento ON protocollo (riferimento) WHERE riferimento != '';

CREATE TABLE protocollo_allegati (
    protocollo_id INTEGER NOT NULL REFERENCES protocollo (id),
    nome          TEXT NOT NULL,
    sha256        TEXT NOT NULL,             -- hex
    dimensione    INTEGER NOT NULL,
    PRIMARY KEY (protocollo_id, nome)
);
