-- The wire's subscribers, SQLite flavour: organisations that take the
-- wire, their API keys (only a hash is kept) and their webhook endpoints.
-- Entitlements are JSON arrays of codes, as story tags are; an empty array
-- means everything.

CREATE TABLE subscribers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    contact    TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    languages  TEXT NOT NULL DEFAULT '[]',
    sections   TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);

-- A key is found by the SHA-256 of the key, never stored itself; prefix is
-- its first characters, shown so that people can tell keys apart.
CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    prefix        TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
);
CREATE INDEX api_keys_subscriber ON api_keys (subscriber_id, id);
CREATE INDEX api_keys_prefix ON api_keys (prefix);

-- Removing an endpoint only clears active, so that deliveries keep what
-- they refer to. The secret signs webhooks, so it is kept as it is.
CREATE TABLE endpoints (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    url           TEXT NOT NULL,
    secret        TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL
);
CREATE INDEX endpoints_subscriber ON endpoints (subscriber_id, id);
