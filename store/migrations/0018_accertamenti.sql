-- The clerk side of reconciliation (MyPivot): offices, budget chapters and
-- assessments (Anagrafiche capitoli), payments associated to an
-- assessment, the operators' flags on anomalies, and what a tipo dovuto
-- needs to be paid at the counter.

-- Uffici: the ente's offices, by their code.
CREATE TABLE ric_uffici (
    codice        TEXT NOT NULL PRIMARY KEY,
    denominazione TEXT NOT NULL DEFAULT '',
    attivo        INTEGER NOT NULL DEFAULT 1,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);

-- Capitoli contabili of an office, per budget year (anno 0: any year).
CREATE TABLE ric_capitoli (
    ufficio       TEXT NOT NULL REFERENCES ric_uffici (codice),
    codice        TEXT NOT NULL,
    anno          INTEGER NOT NULL DEFAULT 0,
    descrizione   TEXT NOT NULL DEFAULT '',
    attivo        INTEGER NOT NULL DEFAULT 1,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL,
    PRIMARY KEY (ufficio, codice, anno)
);

-- Accertamenti: the expected revenue of a chapter; payments are associated
-- to one by hand or from their debt record's bilancio.
CREATE TABLE ric_accertamenti (
    id            INTEGER PRIMARY KEY,
    ufficio       TEXT NOT NULL,
    capitolo      TEXT NOT NULL,
    anno          INTEGER NOT NULL DEFAULT 0,
    codice        TEXT NOT NULL,
    descrizione   TEXT NOT NULL DEFAULT '',
    importo       INTEGER NOT NULL DEFAULT 0,      -- expected, cents (0: not stated)
    stato         TEXT NOT NULL DEFAULT 'APERTO' CHECK (stato IN ('APERTO', 'CHIUSO')),
    creato_il     TEXT NOT NULL,
    creato_da     TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL,
    UNIQUE (ufficio, capitolo, anno, codice)
);

-- A payment (IUV + IUR) counted in an assessment, for its amount.
CREATE TABLE ric_accertamenti_pagamenti (
    accertamento_id INTEGER NOT NULL REFERENCES ric_accertamenti (id),
    iuv             TEXT NOT NULL,
    iur             TEXT NOT NULL,
    importo         INTEGER NOT NULL,
    associato_il    TEXT NOT NULL,
    associato_da    TEXT NOT NULL,
    PRIMARY KEY (accertamento_id, iuv, iur)
);
CREATE INDEX ric_accertamenti_pagamenti_iuv ON ric_accertamenti_pagamenti (iuv, iur);

-- Segnalazioni: an operator flags a classified row (usually an anomaly)
-- with a note; every flag, later note and closing is a row (Storico
-- Segnalazioni).
CREATE TABLE ric_segnalazioni (
    id          INTEGER PRIMARY KEY,
    chiave_tipo TEXT NOT NULL CHECK (chiave_tipo IN ('PAGAMENTO', 'FLUSSO', 'TESORERIA')),
    chiave      TEXT NOT NULL,
    iur         TEXT NOT NULL DEFAULT '',
    classe      TEXT NOT NULL,
    nota        TEXT NOT NULL,
    stato       TEXT NOT NULL CHECK (stato IN ('APERTA', 'CHIUSA')),
    creata_il   TEXT NOT NULL,
    creata_da   TEXT NOT NULL
);
CREATE INDEX ric_segnalazioni_chiave ON ric_segnalazioni (chiave_tipo, chiave, iur, id);

-- A tipo dovuto in the catalogue of spontaneous payments: a fixed amount
-- (0: the citizen or the clerk states it) and where its revenue goes.
ALTER TABLE tipi_dovuto ADD COLUMN importo_fisso INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tipi_dovuto ADD COLUMN spontaneo INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tipi_dovuto ADD COLUMN ufficio TEXT NOT NULL DEFAULT '';
ALTER TABLE tipi_dovuto ADD COLUMN capitolo TEXT NOT NULL DEFAULT '';
ALTER TABLE tipi_dovuto ADD COLUMN accertamento TEXT NOT NULL DEFAULT '';
