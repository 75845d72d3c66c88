-- The translation desk, SQLite flavour: who translates what by when, the
-- translator's work segment by segment, the translation memory with its
-- gram index, the glossary, and the positions of change-log followers.

-- One assignment per translation draft; assigning again replaces it.
CREATE TABLE assignments (
    story_id    INTEGER PRIMARY KEY REFERENCES stories (id),
    assignee_id INTEGER NOT NULL REFERENCES users (id),
    due_at      TEXT, -- NULL: no deadline
    assigned_by INTEGER REFERENCES users (id), -- NULL for the system
    assigned_at TEXT NOT NULL,
    done_at     TEXT -- NULL while open; set when the translation is published
);
-- A translator's queue: their open assignments, due first.
CREATE INDEX assignments_queue ON assignments (assignee_id, done_at, due_at);

-- The translator's work on a draft, one row per source segment, aligned
-- with version source_version of the source (every row of a story has the
-- same one), so that the desk can realign the work when the source changes.
CREATE TABLE translation_units (
    story_id       INTEGER NOT NULL REFERENCES stories (id),
    seg_index      INTEGER NOT NULL CHECK (seg_index >= 0),
    source_version INTEGER NOT NULL CHECK (source_version >= 0),
    target         TEXT NOT NULL,
    PRIMARY KEY (story_id, seg_index)
);

-- The translation memory. story_id is a plain number, not a reference: a
-- memory imported from another agency's TMX names stories this database
-- never had. Duplicates are kept out by the hashes (a long target could
-- outgrow an index entry, its hash cannot).
CREATE TABLE tm_units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    src_lang    TEXT NOT NULL,
    tgt_lang    TEXT NOT NULL,
    source      TEXT NOT NULL,
    target      TEXT NOT NULL,
    source_hash TEXT NOT NULL, -- of the normalised source: exact matches
    target_hash TEXT NOT NULL, -- of the target as stored
    story_id    INTEGER,
    created_at  TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    UNIQUE (src_lang, tgt_lang, source_hash, target_hash)
);

-- Which unit holds which gram of its source, per language pair, so that
-- fuzzy-match candidates are found by index. WITHOUT ROWID keeps each row
-- in the one b-tree that lookups read.
CREATE TABLE tm_grams (
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    gram     TEXT NOT NULL,
    unit_id  INTEGER NOT NULL REFERENCES tm_units (id),
    PRIMARY KEY (src_lang, tgt_lang, gram, unit_id)
) WITHOUT ROWID;
CREATE INDEX tm_grams_unit ON tm_grams (unit_id);

-- How many units hold each gram: lookups read only a segment's rarest
-- grams, whose lists are short however large the memory grows.
CREATE TABLE tm_gram_counts (
    src_lang TEXT NOT NULL,
    tgt_lang TEXT NOT NULL,
    gram     TEXT NOT NULL,
    n        INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (src_lang, tgt_lang, gram)
) WITHOUT ROWID;

-- Approved terms per language pair, one per normalised source.
CREATE TABLE glossary_terms (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    src_lang    TEXT NOT NULL,
    tgt_lang    TEXT NOT NULL,
    source      TEXT NOT NULL,
    target      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    source_norm TEXT NOT NULL,
    UNIQUE (src_lang, tgt_lang, source_norm)
);

-- Where each follower of the change log stands.
CREATE TABLE followers (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL CHECK (seq >= 0)
);

-- The desk dashboard counts families with a version published since a time.
CREATE INDEX story_versions_published ON story_versions (published_at);
