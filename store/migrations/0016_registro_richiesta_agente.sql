-- An agent chosen for a mailbox that is not active yet is only a request
-- ("richiesta di assegnazione"): it becomes the association when the
-- provider activates the mailbox, and can be withdrawn until then.
ALTER TABLE caselle ADD COLUMN agente_in_richiesta INTEGER NOT NULL DEFAULT 0;
UPDATE caselle SET agente_in_richiesta = 1 WHERE agente_id IS NOT NULL AND stato = 'IN_ATTESA';
