-- A family's public members by status: the "from other languages" lists
-- ask, for each candidate story, whether another public member of its
-- family ranks ahead of it. Without this index SQLite answered from the
-- status index and walked every published story per candidate (over a
-- second per home page at 100,000 stories; a quarter of a millisecond
-- with it).
CREATE INDEX stories_family_status ON stories (family_id, status);
