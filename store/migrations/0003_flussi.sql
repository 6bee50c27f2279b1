-- App IO flows (Gestione Flussi) and notifications (Archivio Notifiche).
-- Times are UTC text "2006-01-02T15:04:05.000000000Z" ('' = none), as in 0002.

CREATE TABLE flussi (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    servizio_id     INTEGER NOT NULL REFERENCES servizi_io (id),
    creato_il       TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    stato           TEXT NOT NULL CHECK (stato IN ('INATTIVO', 'ATTIVO', 'IN_INVIO', 'INVIATO', 'INVIO_INCOMPLETO')),
    contesto        TEXT NOT NULL DEFAULT '',   -- contesto applicativo (who/what produced the flow)
    chiave          TEXT NOT NULL DEFAULT '',   -- chiave applicativo (the producer's own reference)
    errore          TEXT NOT NULL DEFAULT '',
    file_origine    TEXT NOT NULL DEFAULT '',
    totale          INTEGER NOT NULL DEFAULT 0,
    job_uuid        TEXT NOT NULL DEFAULT '',   -- the send job, once the flow is sent
    modificato_il   TEXT NOT NULL,
    modificato_da   TEXT NOT NULL
);
CREATE INDEX flussi_servizio ON flussi (servizio_id, creato_il);
CREATE INDEX flussi_stato ON flussi (stato, creato_il);
CREATE INDEX flussi_creato ON flussi (creato_il);

CREATE TABLE notifiche (
    id                  INTEGER PRIMARY KEY,
    uuid                TEXT NOT NULL UNIQUE,
    flusso_id           INTEGER REFERENCES flussi (id) ON DELETE CASCADE, -- NULL: single notification
    riga                INTEGER NOT NULL DEFAULT 0,   -- row of the imported file
    servizio_id         INTEGER NOT NULL REFERENCES servizi_io (id),
    codice_fiscale      TEXT NOT NULL,
    oggetto             TEXT NOT NULL,
    contenuto           TEXT NOT NULL,
    scadenza            TEXT NOT NULL DEFAULT '',
    importo             INTEGER NOT NULL DEFAULT 0,   -- euro cents, 0 = no payment
    codice_avviso       TEXT NOT NULL DEFAULT '',
    paga_dopo_scadenza  INTEGER NOT NULL DEFAULT 1,
    -- identical-message key (service, fiscal code, subject, markdown, payment data), for duplicates
    impronta            TEXT NOT NULL,
    -- transmission
    stato_invio         TEXT NOT NULL DEFAULT 'DA_INVIARE' CHECK (stato_invio IN
                        ('DA_INVIARE', 'IN_INVIO', 'INVIATA', 'NON_RAGGIUNGIBILE', 'ERRORE', 'ESITO_INCERTO', 'ANNULLATA')),
    id_messaggio        TEXT NOT NULL DEFAULT '',     -- ID consegna App IO (ULID)
    tentativi           INTEGER NOT NULL DEFAULT 0,
    inviata_il          TEXT NOT NULL DEFAULT '',
    errore              TEXT NOT NULL DEFAULT '',
    -- delivery, from getMessage
    stato_consegna      TEXT NOT NULL DEFAULT '',     -- ACCEPTED THROTTLED PROCESSED REJECTED FAILED
    stato_mail          TEXT NOT NULL DEFAULT '',
    stato_webhook       TEXT NOT NULL DEFAULT '',
    stato_lettura       TEXT NOT NULL DEFAULT '',
    stato_pagamento     TEXT NOT NULL DEFAULT '',
    verificata_il       TEXT NOT NULL DEFAULT '',
    creata_il           TEXT NOT NULL,
    modificato_il       TEXT NOT NULL,
    modificato_da       TEXT NOT NULL
);
-- The archive lists newest first (ORDER BY id DESC): an index on one column
-- keeps its entries in rowid order, so a filter on it pages without sorting.
CREATE INDEX notifiche_flusso ON notifiche (flusso_id, stato_invio);
CREATE INDEX notifiche_cf ON notifiche (codice_fiscale);
CREATE INDEX notifiche_servizio ON notifiche (servizio_id);
CREATE INDEX notifiche_stato ON notifiche (stato_invio);
CREATE INDEX notifiche_consegna ON notifiche (stato_consegna);
CREATE INDEX notifiche_impronta ON notifiche (impronta);
CREATE INDEX notifiche_creata ON notifiche (creata_il);
-- Sent notifications whose delivery IO may still change (the refresher's queue).
CREATE INDEX notifiche_da_verificare ON notifiche (verificata_il)
    WHERE stato_invio = 'INVIATA' AND stato_consegna NOT IN ('PROCESSED', 'REJECTED', 'FAILED');

-- getProfile answers, cached with a TTL: "not on IO" and "service disabled" are facts of a
-- moment, so a cached answer is reused only while fresh.
CREATE TABLE profili_io (
    servizio_id     INTEGER NOT NULL REFERENCES servizi_io (id) ON DELETE CASCADE,
    codice_fiscale  TEXT NOT NULL,
    esito           TEXT NOT NULL CHECK (esito IN ('RAGGIUNGIBILE', 'NON_ISCRITTO', 'SERVIZIO_DISATTIVATO')),
    verificato_il   TEXT NOT NULL,
    PRIMARY KEY (servizio_id, codice_fiscale)
);
