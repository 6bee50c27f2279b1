-- Indexes of the PEC reseller registro at scale (issue 5, docs/BENCHMARKS.md):
-- an assistant's searches are scoped on assistente_id, so each filter the
-- GUI offers gets an index led by it. Without them an assistant's search by
-- date or domain walked all of the assistant's mailboxes (caselle_assistente)
-- and looked each one up in the table.
CREATE INDEX caselle_assistente_inserita ON caselle (assistente_id, inserita_il);
CREATE INDEX caselle_assistente_dominio ON caselle (assistente_id, dominio_id, id);
-- The owners' list is ordered by surname and name: scoped, the index also
-- gives the order and the surname prefix range (t.cognome LIKE 'x%').
CREATE INDEX titolari_assistente_cognome ON titolari (assistente_id, cognome COLLATE NOCASE, nome COLLATE NOCASE);
-- An assistant's search by part of the address scans only their own
-- addresses, in the index (the reseller's scans sqlite_autoindex_caselle_1).
CREATE INDEX caselle_assistente_indirizzo ON caselle (assistente_id, indirizzo);
