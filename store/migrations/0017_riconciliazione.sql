-- Reconciliation (MyPivot model): the imported files, the ente's debt
-- records (dovuti), the three sides (receipts, reporting flows, treasury)
-- as the importers normalise them, and the classification the engine
-- (core/riconciliazione) derives from them. Amounts are in cents.
--
-- The big tables are WITHOUT ROWID, keyed on what the engine groups and
-- joins by: a scan in key order is a scan of the table itself, and a
-- secondary index carries the key (so ric_fdr_pagamenti_iuv covers the
-- engine's whole pass over the reporting lines).
CREATE TABLE ric_file (
    id           INTEGER PRIMARY KEY,
    tipo         TEXT NOT NULL CHECK (tipo IN ('RT', 'FDR', 'CASSA', 'DOVUTI', 'PAGATI')),
    nome         TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,   -- the same file is imported once
    formato      TEXT NOT NULL DEFAULT '',
    righe        INTEGER NOT NULL DEFAULT 0,
    importato_il TEXT NOT NULL,
    importato_da TEXT NOT NULL
);

-- Receipts: one row per transfer (indice) of a payment (IUV + IUR).
CREATE TABLE ric_rt (
    iuv         TEXT NOT NULL,
    iur         TEXT NOT NULL,
    indice      INTEGER NOT NULL DEFAULT 1,
    iud         TEXT NOT NULL DEFAULT '',
    cf_ente     TEXT NOT NULL DEFAULT '',
    importo     INTEGER NOT NULL,
    esito       TEXT NOT NULL CHECK (esito IN ('OK', 'KO')),
    data_esito  TEXT NOT NULL DEFAULT '',
    cf_pagatore TEXT NOT NULL DEFAULT '',
    pagatore    TEXT NOT NULL DEFAULT '',
    psp         TEXT NOT NULL DEFAULT '',
    tipo_dovuto TEXT NOT NULL DEFAULT '',
    causale     TEXT NOT NULL DEFAULT '',
    file_id     INTEGER NOT NULL REFERENCES ric_file (id),
    PRIMARY KEY (iuv, iur, indice)
) WITHOUT ROWID;
CREATE INDEX ric_rt_iud ON ric_rt (iud) WHERE iud != '';

-- Reporting flows (FdR): a newer import of the same IUF replaces the flow
-- and its lines.
CREATE TABLE ric_fdr (
    iuf              TEXT NOT NULL PRIMARY KEY,
    data_flusso      TEXT NOT NULL DEFAULT '',
    iur_regolamento  TEXT NOT NULL DEFAULT '',
    data_regolamento TEXT NOT NULL DEFAULT '',
    psp              TEXT NOT NULL DEFAULT '',
    n_pagamenti      INTEGER NOT NULL,
    importo_totale   INTEGER NOT NULL,
    file_id          INTEGER NOT NULL REFERENCES ric_file (id)
) WITHOUT ROWID;

-- A flow's lines in file order (n from 1). esito: 0 executed, 3 revoked
-- (negative amount), 4 stand-in, 8 stand-in without RPT, 9 without RPT.
CREATE TABLE ric_fdr_pagamenti (
    iuf        TEXT NOT NULL REFERENCES ric_fdr (iuf) ON DELETE CASCADE,
    n          INTEGER NOT NULL,
    iuv        TEXT NOT NULL,
    iur        TEXT NOT NULL,
    indice     INTEGER NOT NULL DEFAULT 1,
    importo    INTEGER NOT NULL,
    esito      INTEGER NOT NULL CHECK (esito IN (0, 3, 4, 8, 9)),
    data_esito TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (iuf, n)
) WITHOUT ROWID;
CREATE INDEX ric_fdr_pagamenti_iuv ON ric_fdr_pagamenti (iuv, iur, indice, esito);

-- Treasury credits (giornale di cassa). chiave is the movement's identity
-- as the importer builds it, so that STORNATO can delete it; iuf and iuv
-- are what the causale names (empty when it names none), iuv_importo the
-- amount of /RFS/<IUV>/<importo> (NULL when the causale has none).
CREATE TABLE ric_tesoreria (
    chiave         TEXT NOT NULL PRIMARY KEY,
    esercizio      INTEGER NOT NULL,
    bolletta       TEXT NOT NULL DEFAULT '',
    data_contabile TEXT NOT NULL DEFAULT '',
    data_valuta    TEXT NOT NULL DEFAULT '',
    importo        INTEGER NOT NULL,
    causale        TEXT NOT NULL DEFAULT '',
    cliente        TEXT NOT NULL DEFAULT '',
    iuf            TEXT NOT NULL DEFAULT '',
    iuv            TEXT NOT NULL DEFAULT '',
    iuv_importo    INTEGER,
    file_id        INTEGER NOT NULL REFERENCES ric_file (id)
) WITHOUT ROWID;
CREATE INDEX ric_tesoreria_iuf ON ric_tesoreria (iuf);
CREATE INDEX ric_tesoreria_iuv ON ric_tesoreria (iuv);

-- The ente's debt records: from Sportello's own notices (no file) or an
-- imported CSV.
CREATE TABLE ric_dovuti (
    iud          TEXT NOT NULL PRIMARY KEY,
    iuv          TEXT NOT NULL DEFAULT '',
    importo      INTEGER NOT NULL,
    tipo_dovuto  TEXT NOT NULL DEFAULT '',
    cf           TEXT NOT NULL DEFAULT '',
    anagrafica   TEXT NOT NULL DEFAULT '',
    causale      TEXT NOT NULL DEFAULT '',
    ufficio      TEXT NOT NULL DEFAULT '',
    capitolo     TEXT NOT NULL DEFAULT '',
    accertamento TEXT NOT NULL DEFAULT '',
    scadenza     TEXT NOT NULL DEFAULT '',
    fonte        TEXT NOT NULL CHECK (fonte IN ('SPORTELLO', 'CSV')),
    file_id      INTEGER REFERENCES ric_file (id)
) WITHOUT ROWID;
CREATE INDEX ric_dovuti_iuv ON ric_dovuti (iuv);

-- The engine's result: one row per label a payment (IUV + IUR, IUR empty
-- for a debt record never paid), flow (IUF) or treasury movement (chiave)
-- carries. Keyed label first: a page of one label is a range of the key, a
-- full run appends label after label, and the rows of one key are found
-- with classe IN (every label), so no second index is kept up to date.
CREATE TABLE ric_classi (
    classe      TEXT NOT NULL,
    chiave_tipo TEXT NOT NULL CHECK (chiave_tipo IN ('PAGAMENTO', 'FLUSSO', 'TESORERIA')),
    chiave      TEXT NOT NULL,
    iur         TEXT NOT NULL DEFAULT '',
    dettaglio   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (classe, chiave_tipo, chiave, iur)
) WITHOUT ROWID;

-- Rows of ric_classi per label, kept by the engine with them.
CREATE TABLE ric_classi_conteggi (
    classe TEXT NOT NULL PRIMARY KEY,
    n      INTEGER NOT NULL
);
