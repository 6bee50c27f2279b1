-- Job engine (core/jobs): long, remote, resumable work and its items.
-- Times are UTC text with exactly nine fractional digits ("…T15:04:05.000000000Z"),
-- so that comparing and ordering them as text is comparing them as times; '' means "none".

CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    ref         TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL CHECK (state IN ('pending', 'running', 'paused', 'cancelled', 'done')),
    operatore   TEXT NOT NULL,
    total       INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    -- The run that works on the job, and until when its claim holds without a heartbeat.
    runner      TEXT NOT NULL DEFAULT '',
    lease_until TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_kind_ref ON jobs (kind, ref);
CREATE INDEX jobs_state ON jobs (state);

-- Items refer to the job by its integer id: 100k rows carry 8 bytes each instead of a UUID.
CREATE TABLE job_items (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'done', 'failed', 'uncertain', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at TEXT NOT NULL DEFAULT '',
    last_error  TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    UNIQUE (job_id, item_key)
);
-- Serves the claim (pending items due first), the per-state counts and the per-state pages.
CREATE INDEX job_items_queue ON job_items (job_id, state, next_try_at);
