-- Webhook deliveries, SQLite flavour: the durable queue of the wire's push.
-- One row per (endpoint, change-log entry), made by the webhook follower of
-- the change log in the same transaction that moves its position, so that a
-- change is queued once however often the follower crashes or runs on
-- several nodes. A worker leases a due row (status leased, lease_until in
-- the future), posts it and records the outcome; a lease that runs out
-- (the worker died) makes the row due again. attempts only grows: it counts
-- claims and fences a worker whose lease ran out from recording over the
-- worker that took the row after it.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id     INTEGER NOT NULL REFERENCES endpoints (id) ON DELETE CASCADE, -- endpoints are only deactivated; the cascade follows subscribers'
    change_seq      INTEGER NOT NULL,
    story_id        INTEGER NOT NULL REFERENCES stories (id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    event           TEXT NOT NULL CHECK (event IN ('publish', 'correct', 'kill')),
    delivery_id     TEXT NOT NULL UNIQUE, -- sent as X-Qasid-Delivery, the same on every attempt
    status          TEXT NOT NULL CHECK (status IN ('pending', 'leased', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT, -- NULL unless leased
    give_up_at      TEXT NOT NULL, -- after this a failed attempt fails the delivery for good
    last_status     INTEGER NOT NULL DEFAULT 0, -- HTTP status of the last attempt; 0 for none or a network error
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    delivered_at    TEXT, -- NULL until delivered
    UNIQUE (endpoint_id, change_seq)
);
-- The workers' question: what is due? Pending rows by due time, and leased
-- rows by lease end (to take back the work of a dead worker).
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_lease ON deliveries (status, lease_until);
-- The admin's delivery log: an endpoint's deliveries, newest first.
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id, id DESC);
