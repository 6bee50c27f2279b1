-- How Sportello reaches pagoPA's GPD for the ente (the subscription key is
-- in the OS keyring, never here). One row.
CREATE TABLE pagopa_config (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    gpd_url       TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
ALTER TABLE avvisi ADD COLUMN stato_gpd TEXT NOT NULL DEFAULT '';
