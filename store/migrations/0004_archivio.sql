-- "Oggetto contiene" over a million notifications: a trigram index finds
-- the few rows holding a substring without reading every subject (LIKE
-- '%…%' cannot use a b-tree). External content: the text stays only in
-- notifiche. New rows enter the index in bulk from InsertNotifiche (a
-- per-row trigger costs 2 s per 100,000 rows); triggers follow updates and
-- deletes.
CREATE VIRTUAL TABLE notifiche_oggetto USING fts5 (
    oggetto, content = 'notifiche', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO notifiche_oggetto (notifiche_oggetto) VALUES ('rebuild');

CREATE TRIGGER notifiche_oggetto_del AFTER DELETE ON notifiche BEGIN
    INSERT INTO notifiche_oggetto (notifiche_oggetto, rowid, oggetto) VALUES ('delete', old.id, old.oggetto);
END;
CREATE TRIGGER notifiche_oggetto_upd AFTER UPDATE OF oggetto ON notifiche BEGIN
    INSERT INTO notifiche_oggetto (notifiche_oggetto, rowid, oggetto) VALUES ('delete', old.id, old.oggetto);
    INSERT INTO notifiche_oggetto (rowid, oggetto) VALUES (new.id, new.oggetto);
END;

-- Duplicates are looked for among the notifications still to be sent
-- (store.ImpronteInAttesa reads them through notifiche_stato): an index on
-- the fingerprints of the whole archive costs more on every import than it
-- saves.
DROP INDEX notifiche_impronta;

-- A flow's notifications in file order (the rowid follows the index key):
-- its export and its list page by "flusso_id = ? AND id > ?" without
-- sorting the flow at every page.
CREATE INDEX notifiche_flusso_ordine ON notifiche (flusso_id);

-- "Tentativi invio" counts every call of every round: the job engine
-- restarts an item's count when the operator re-queues it, so the count
-- of the rounds before is kept here.
ALTER TABLE notifiche ADD COLUMN tentativi_precedenti INTEGER NOT NULL DEFAULT 0;
