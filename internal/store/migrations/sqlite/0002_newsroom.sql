-- The newsroom, SQLite flavour: the people who use the desk, their
-- sessions and failed logins, the audit log, and what stories need for
-- scheduling and embargoes. Booleans are INTEGER 0 or 1, as in 0001
-- (SQLite reads TRUE and FALSE as 1 and 0).

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE, -- lower case (auth.NormalizeEmail): one login per person
    name          TEXT NOT NULL DEFAULT '',
    roles         TEXT NOT NULL DEFAULT '[]', -- JSON array of role names
    pairs         TEXT NOT NULL DEFAULT '[]', -- JSON array of {"from": code, "to": code}
    ui_lang       TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    password_hash TEXT NOT NULL DEFAULT '', -- empty: no password login
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- A session is found by the hash of its token; the token itself is never
-- stored. Ending a user ends their sessions.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip         TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE INDEX sessions_user ON sessions (user_id);

-- One row per failed login, so that "failures since T" is an exact count
-- for any T, on every node that shares the database.
CREATE TABLE login_failures (
    key TEXT NOT NULL, -- an account's email or a client address
    at  TEXT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);

-- The audit log is a record: it has no foreign keys, so that an entry can
-- always be written and outlives whatever it names. actor is the actor's
-- email at the time, so the log reads without joins.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    at       TEXT NOT NULL,
    actor_id INTEGER, -- NULL for the system or an unknown login
    actor    TEXT NOT NULL DEFAULT '',
    action   TEXT NOT NULL,
    story_id INTEGER,
    user_id  INTEGER,
    ip       TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_story ON audit_log (story_id, id DESC);
CREATE INDEX audit_log_user ON audit_log (user_id, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id DESC);

-- SQLite adds a column with a REFERENCES clause only with a NULL default,
-- which is what an author unknown to older rows needs anyway.
ALTER TABLE stories ADD COLUMN author_id INTEGER REFERENCES users (id);
ALTER TABLE stories ADD COLUMN publish_at TEXT; -- when the scheduler publishes a draft or submitted story
ALTER TABLE stories ADD COLUMN embargo_until TEXT; -- a published story stays off public pages until then
ALTER TABLE stories ADD COLUMN embargo_lifted INTEGER NOT NULL DEFAULT 0 CHECK (embargo_lifted IN (0, 1));

-- The scheduler's work (DueStories), the desk's lists (DeskStories), a
-- reporter's own stories, and the embargoes still to lift: a partial index,
-- since nearly every story has none.
CREATE INDEX stories_due ON stories (status, publish_at);
CREATE INDEX stories_desk ON stories (updated_at DESC, id DESC);
CREATE INDEX stories_author ON stories (author_id, updated_at DESC, id DESC);
CREATE INDEX stories_embargo_pending ON stories (embargo_until, id)
    WHERE embargo_until IS NOT NULL AND embargo_lifted = FALSE; -- written as the store's queries write it

-- Each version remembers the embargo it was published under, for the wire.
ALTER TABLE story_versions ADD COLUMN embargo_until TEXT;
