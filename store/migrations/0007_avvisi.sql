-- Mass payment notices: a batch (lotto) is one imported list; each row
-- gets its notice number (IUV) and IUPD at import, inside the importing
-- transaction, so that generating again never makes a second one.
CREATE TABLE avvisi_lotti (
    id                 INTEGER PRIMARY KEY,
    uuid               TEXT NOT NULL UNIQUE,
    tipo_dovuto_id     INTEGER NOT NULL REFERENCES tipi_dovuto (id),
    scadenza           TEXT NOT NULL,            -- YYYY-MM-DD
    causale            TEXT NOT NULL,
    protocollazione    INTEGER NOT NULL,
    oggetto_protocollo TEXT NOT NULL DEFAULT '',
    spedizione         TEXT NOT NULL CHECK (spedizione IN ('PEC', 'EMAIL')),
    file_origine       TEXT NOT NULL,
    stato              TEXT NOT NULL,
    totale             INTEGER NOT NULL,
    centesimi          INTEGER NOT NULL,         -- sum of the batch
    creato_il          TEXT NOT NULL,
    modificato_il      TEXT NOT NULL,
    modificato_da      TEXT NOT NULL
);

CREATE TABLE avvisi (
    id                 INTEGER PRIMARY KEY,
    lotto_id           INTEGER NOT NULL REFERENCES avvisi_lotti (id),
    riga               INTEGER NOT NULL,
    intestazione       TEXT NOT NULL,
    codice_fiscale     TEXT NOT NULL,
    partita_iva        TEXT NOT NULL,
    centesimi          INTEGER NOT NULL,
    causale            TEXT NOT NULL,
    oggetto_protocollo TEXT NOT NULL,
    indirizzo_pec      TEXT NOT NULL,
    indirizzo          TEXT NOT NULL,
    cap                TEXT NOT NULL,
    comune             TEXT NOT NULL,
    provincia          TEXT NOT NULL,
    iuv                TEXT NOT NULL UNIQUE,
    codice_avviso      TEXT NOT NULL UNIQUE,
    iupd               TEXT NOT NULL UNIQUE,
    stato              TEXT NOT NULL DEFAULT 'DA_GENERARE',
    errore             TEXT NOT NULL DEFAULT '',
    modificato_il      TEXT NOT NULL,
    modificato_da      TEXT NOT NULL,
    UNIQUE (lotto_id, riga)
);
CREATE INDEX avvisi_cf ON avvisi (codice_fiscale);
CREATE INDEX avvisi_piva ON avvisi (partita_iva);
CREATE INDEX avvisi_lotto_stato ON avvisi (lotto_id, stato);

-- The last base used per segregation code: notice numbers are never reused.
CREATE TABLE sequenze_iuv (
    segregazione INTEGER PRIMARY KEY,
    ultimo       INTEGER NOT NULL
);
