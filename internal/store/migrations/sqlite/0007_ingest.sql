-- Ingest, SQLite flavour: stories other agencies sent (from imported files
-- and polled feeds), kept for the desk's incoming list and so that the
-- same story is never imported twice, and the feeds polled.

-- One row per item read. (source, guid) is the item's identity at its
-- source and url, when there is one, its identity on the web: either seen
-- again means the same item, which is not stored twice. Near-duplicates
-- (the same text with small edits, found by SimHash) are stored, with state
-- duplicate and duplicate_of naming the earlier item, so that an editor can
-- compare them. story_id is the story made from the item, if any.
CREATE TABLE ingest_items (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT NOT NULL,
    guid         TEXT NOT NULL,
    url          TEXT, -- NULL when the item has none; NULLs never collide
    lang         TEXT NOT NULL,
    headline     TEXT NOT NULL DEFAULT '',
    summary      TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    byline       TEXT NOT NULL DEFAULT '',
    section      TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings, as story tags
    family_key   TEXT NOT NULL DEFAULT '', -- links translations of one story at the source
    published    TEXT, -- as the source gives it; NULL for none
    received_at  TEXT NOT NULL,
    simhash      INTEGER NOT NULL DEFAULT 0, -- the text's 64-bit SimHash, stored as a signed integer
    feed_id      INTEGER, -- the feed it came from; NULL for a file import. No reference: removing a feed keeps its items
    duplicate_of INTEGER REFERENCES ingest_items (id),
    story_id     INTEGER UNIQUE REFERENCES stories (id),
    state        TEXT NOT NULL DEFAULT 'incoming' CHECK (state IN ('incoming', 'used', 'dismissed', 'duplicate')),
    UNIQUE (source, guid)
);
CREATE UNIQUE INDEX ingest_items_url ON ingest_items (url);
-- The incoming list, newest first, by state and by language or source.
CREATE INDEX ingest_items_state ON ingest_items (state, id DESC);
CREATE INDEX ingest_items_lang ON ingest_items (lang, state, id DESC);
CREATE INDEX ingest_items_source ON ingest_items (source, state, id DESC);

-- The SimHash bands of each item: near-duplicate candidates are the items
-- of one language that share at least one band, found by index instead of
-- by comparing a new item with every earlier one. A band value carries its
-- band's number, so that equal bits in different bands do not match.
CREATE TABLE ingest_bands (
    lang    TEXT NOT NULL,
    band    INTEGER NOT NULL,
    item_id INTEGER NOT NULL REFERENCES ingest_items (id),
    PRIMARY KEY (lang, band, item_id)
) WITHOUT ROWID;

-- Feeds the poller reads. Each is polled every poll_every seconds; a
-- failure records last_error and pushes next_poll_at back (failures counts
-- them in a row, for the backoff). A poller leases a due feed (lease_until,
-- lease_owner) before polling it, so that with several nodes each poll
-- runs once; a lease that runs out (the poller died) makes the feed due
-- again. etag and last_modified are the validators of the last answer,
-- sent back so that an unchanged feed costs a 304.
CREATE TABLE feeds (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    url            TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    lang           TEXT NOT NULL DEFAULT '', -- for items that do not say; '' for none
    section        TEXT NOT NULL DEFAULT '',
    poll_every     INTEGER NOT NULL CHECK (poll_every > 0), -- seconds
    etag           TEXT NOT NULL DEFAULT '',
    last_modified  TEXT NOT NULL DEFAULT '',
    last_polled_at TEXT,
    next_poll_at   TEXT NOT NULL,
    last_error     TEXT NOT NULL DEFAULT '',
    failures       INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_new       INTEGER NOT NULL DEFAULT 0, -- items added by the last poll
    lease_until    TEXT,
    lease_owner    TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);
-- The pollers' question: which feeds are due?
CREATE INDEX feeds_due ON feeds (next_poll_at);
