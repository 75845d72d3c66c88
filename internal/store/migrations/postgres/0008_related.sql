-- Editors' choices about a story's related stories, PostgreSQL flavour:
-- another story pinned to the top of its list, or excluded from it. A story
-- holds at most one choice about another, so pinning an excluded story
-- turns the exclusion into a pin. Pins are numbered 1, 2, ... in the order
-- readers see them; an exclusion has position 0.

CREATE TABLE related_choices (
    story_id BIGINT NOT NULL REFERENCES stories (id),
    other_id BIGINT NOT NULL REFERENCES stories (id),
    kind     TEXT COLLATE "C" NOT NULL CHECK (kind IN ('pin', 'exclude')),
    position INTEGER NOT NULL DEFAULT 0,
    set_by   BIGINT REFERENCES users (id) ON DELETE SET NULL, -- NULL for the system
    set_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (story_id, other_id),
    CHECK (story_id <> other_id),
    CHECK ((kind = 'pin' AND position > 0) OR (kind = 'exclude' AND position = 0))
);
