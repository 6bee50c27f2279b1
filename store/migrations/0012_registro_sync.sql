-- Sync engine of the PEC reseller panel (core/registro/sync.go): the
-- provider's identity of the local records, the state of each outbox row
-- being sent, the cursor of the provider's feed and the conflicts waiting
-- for the operator.

-- The provider's id and version of a local titolare or casella. impronta is
-- the content last sent or received (provider JSON without id, version and
-- times): a change that would send the same content is not sent again.
-- stato is the provider's status of a casella as last known.
CREATE TABLE registro_remoti (
    entita    TEXT NOT NULL CHECK (entita IN ('titolare', 'casella')),
    id_locale INTEGER NOT NULL,
    id_remoto TEXT NOT NULL,
    versione  INTEGER NOT NULL DEFAULT 0,
    impronta  TEXT NOT NULL DEFAULT '',
    stato     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (entita, id_locale)
);
CREATE UNIQUE INDEX registro_remoti_remoto ON registro_remoti (entita, id_remoto);

-- in_volo_dal: set (committed) before the remote call of the row starts,
-- cleared with its outcome; a row found in flight at the next round may
-- have reached the provider, so a create is looked up before it is sent
-- again. prossimo_tentativo: the backoff of a temporary failure.
ALTER TABLE outbox ADD COLUMN in_volo_dal TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN prossimo_tentativo TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_entita ON outbox (entita, entita_id, stato);

-- One row: the feed cursor (saved in the transaction of the page it
-- applied) and the outcome of the last round, for the status bar.
CREATE TABLE registro_sync (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    cursore          TEXT NOT NULL DEFAULT '',
    ultimo_ok        TEXT NOT NULL DEFAULT '',
    ultimo_errore    TEXT NOT NULL DEFAULT '',
    ultimo_tentativo TEXT NOT NULL DEFAULT '',
    online           INTEGER NOT NULL DEFAULT 1
);
INSERT INTO registro_sync (id) VALUES (1);

-- A record changed both locally and by the provider: both versions, as the
-- provider's JSON, for the operator to choose (never overwritten silently).
CREATE TABLE registro_conflitti (
    id              INTEGER PRIMARY KEY,
    entita          TEXT NOT NULL,                  -- titolare, casella
    id_locale       INTEGER NOT NULL,
    id_remoto       TEXT NOT NULL,
    outbox_id       INTEGER NOT NULL DEFAULT 0,     -- the local change that met it (0: found in the feed)
    locale          TEXT NOT NULL,                  -- JSON: the record as Sportello would send it
    remoto          TEXT NOT NULL,                  -- JSON: the provider's current record
    versione_remota INTEGER NOT NULL,
    rilevato_il     TEXT NOT NULL,
    stato           TEXT NOT NULL DEFAULT 'APERTO' CHECK (stato IN ('APERTO', 'LOCALE', 'REMOTO')),
    risolto_il      TEXT NOT NULL DEFAULT '',
    risolto_da      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX registro_conflitti_entita ON registro_conflitti (entita, id_locale, stato);
CREATE INDEX registro_conflitti_stato ON registro_conflitti (stato, id);
