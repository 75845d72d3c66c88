-- Voice-over renderings, SQLite flavour: one row per story version, both
-- the durable queue entry and the record of its result. The voice-over
-- follower of the change log queues a row for each publish and
-- correction in the same transaction that moves its position; a worker
-- leases a due row (state running, lease_owner, lease_until in the
-- future), renders it and records the outcome; a lease that runs out (the
-- worker died) makes the row due again. attempts only grows: it counts
-- claims and fences a worker whose lease ran out from recording over the
-- one that took the row after it. tries counts claims since the row was
-- last queued, for the retry policy. The file fields describe the latest
-- successful rendering and survive a re-run until a new file replaces it.
CREATE TABLE audio_renderings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id        INTEGER NOT NULL REFERENCES stories (id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'unavailable', 'superseded')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    tries           INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
    next_attempt_at TEXT NOT NULL,
    lease_owner     TEXT NOT NULL DEFAULT '',
    lease_until     TEXT, -- NULL unless running
    error           TEXT NOT NULL DEFAULT '',
    blob_key        TEXT NOT NULL DEFAULT '', -- '' until a rendering succeeded
    mime            TEXT NOT NULL DEFAULT '',
    bytes           INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    duration_ms     INTEGER NOT NULL DEFAULT 0 CHECK (duration_ms >= 0),
    provider        TEXT NOT NULL DEFAULT '', -- the engine that spoke it
    created_at      TEXT NOT NULL,
    started_at      TEXT, -- the latest claim
    finished_at     TEXT, -- the latest outcome
    UNIQUE (story_id, version)
);
-- The workers' question: what is due? Queued rows by due time, and
-- running rows by lease end (to take back the work of a dead worker).
CREATE INDEX audio_renderings_due ON audio_renderings (state, next_attempt_at);
CREATE INDEX audio_renderings_lease ON audio_renderings (state, lease_until);
