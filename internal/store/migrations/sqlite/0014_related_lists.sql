-- A story's related list, worked out ahead of its page: the ids the search
-- index ranked most like the story's published version, best first,
-- before the editors' pins, exclusions and the page's own links are
-- applied (those are read when the page renders, so a new pin shows at
-- once). A change-log follower fills it when a story is published or
-- corrected; a story page costs one row instead of a similarity search.
-- version is the published version the list was worked out from: a page
-- of a later version searches live until its list is worked out again.
-- ids are decimal story ids joined by commas, a dozen at most.
CREATE TABLE related_lists (
    story_id    INTEGER PRIMARY KEY REFERENCES stories(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    ids         TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
