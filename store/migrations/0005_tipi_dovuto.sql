-- Kinds of payment the ente bills (trasporto scolastico, mensa, COSAP…):
-- what a pagoPA debt position and its notice need besides the debtor.
CREATE TABLE tipi_dovuto (
    id                 INTEGER PRIMARY KEY,
    codice             TEXT NOT NULL UNIQUE,
    descrizione        TEXT NOT NULL,
    tassonomia         TEXT NOT NULL,            -- pagoPA taxonomy, e.g. 9/0101108TS/
    iban               TEXT NOT NULL,
    segregazione       INTEGER NOT NULL CHECK (segregazione BETWEEN 0 AND 99),
    conto_postale      TEXT NOT NULL DEFAULT '', -- adds the Poste section to the notice
    intestatario_conto TEXT NOT NULL DEFAULT '',
    attivo             INTEGER NOT NULL DEFAULT 1,
    modificato_il      TEXT NOT NULL,
    modificato_da      TEXT NOT NULL
);
