-- Templates of the cover letter (lettera di accompagnamento) that goes
-- with each pagoPA notice sent by PEC or e-mail: subject line, body and
-- signature with {{Campo}} merge fields (core/lettere). The built-in
-- template is not stored here: core/impostazioni offers it until a
-- template of the same name is saved, which then takes its place.
CREATE TABLE modelli_lettera (
    id            INTEGER PRIMARY KEY,
    nome          TEXT NOT NULL UNIQUE,
    oggetto       TEXT NOT NULL,
    testo         TEXT NOT NULL,
    firma         TEXT NOT NULL DEFAULT '',
    attivo        INTEGER NOT NULL DEFAULT 1,
    creato_il     TEXT NOT NULL,
    creato_da     TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
