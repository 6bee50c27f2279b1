-- How Sportello reaches the PEC provider's provisioning API for the
-- reseller (the key is in the OS keyring, never here). One row.
CREATE TABLE provider_config (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    url           TEXT NOT NULL,
    modificato_il TEXT NOT NULL,
    modificato_da TEXT NOT NULL
);
