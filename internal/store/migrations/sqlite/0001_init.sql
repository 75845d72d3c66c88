-- Qasid's first schema, SQLite flavour. Times are TEXT in UTC, written as
-- 2006-01-02T15:04:05.000000000Z: fixed width, so they sort as text.
-- Ids use AUTOINCREMENT so that an id, once public in a URL or an
-- [[also:ID]] token, is never handed out again.

CREATE TABLE agency (
    id        INTEGER PRIMARY KEY CHECK (id = 1), -- one row: the agency running this Qasid
    time_zone TEXT NOT NULL
);

CREATE TABLE agency_text (
    lang    TEXT PRIMARY KEY,
    name    TEXT NOT NULL DEFAULT '',
    tagline TEXT NOT NULL DEFAULT '',
    credit  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE sections (
    key      TEXT PRIMARY KEY,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE section_names (
    section_key TEXT NOT NULL REFERENCES sections (key) ON DELETE CASCADE,
    lang        TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (section_key, lang)
);

CREATE TABLE families (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT UNIQUE, -- NULL for families without a name; NULLs never collide
    created_at TEXT NOT NULL
);

CREATE TABLE stories (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    family_id               INTEGER NOT NULL REFERENCES families (id),
    lang                    TEXT NOT NULL,
    headline                TEXT NOT NULL,
    slug                    TEXT NOT NULL DEFAULT '',
    summary                 TEXT NOT NULL DEFAULT '',
    byline                  TEXT NOT NULL DEFAULT '',
    dateline_place          TEXT NOT NULL DEFAULT '',
    dateline_date           TEXT NOT NULL DEFAULT ''
        CHECK (dateline_date = '' OR dateline_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    section                 TEXT NOT NULL,
    tags                    TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    body                    TEXT NOT NULL DEFAULT '',
    version                 INTEGER NOT NULL DEFAULT 0 CHECK (version >= 0),
    status                  TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'published', 'killed')),
    translated_from_id      INTEGER REFERENCES stories (id),
    translated_from_version INTEGER NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    published_at            TEXT, -- first publication; NULL until then
    UNIQUE (family_id, lang)
);

-- The published lists: everything, by language, and by language and section.
CREATE INDEX stories_published ON stories (status, published_at DESC, id DESC);
CREATE INDEX stories_lang_published ON stories (lang, status, published_at DESC, id DESC);
CREATE INDEX stories_lang_section_published ON stories (lang, section, status, published_at DESC, id DESC);

CREATE TABLE story_versions (
    story_id        INTEGER NOT NULL REFERENCES stories (id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    headline        TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    byline          TEXT NOT NULL DEFAULT '',
    dateline_place  TEXT NOT NULL DEFAULT '',
    dateline_date   TEXT NOT NULL DEFAULT '',
    section         TEXT NOT NULL,
    tags            TEXT NOT NULL DEFAULT '[]',
    body            TEXT NOT NULL DEFAULT '',
    correction_note TEXT NOT NULL DEFAULT '',
    killed          INTEGER NOT NULL DEFAULT 0 CHECK (killed IN (0, 1)),
    published_at    TEXT NOT NULL,
    PRIMARY KEY (story_id, version)
);

-- The change log. AUTOINCREMENT keeps seq strictly growing even if the
-- newest row were ever deleted, which a follower's cursor relies on.
CREATE TABLE changes (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL,
    story_id  INTEGER NOT NULL REFERENCES stories (id),
    family_id INTEGER NOT NULL REFERENCES families (id),
    lang      TEXT NOT NULL,
    version   INTEGER NOT NULL,
    at        TEXT NOT NULL
);
