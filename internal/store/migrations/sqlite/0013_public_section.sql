-- The section readers see a story in is its published version's, which
-- until now only story_versions held: every section page and section feed
-- filtered on it through the public_stories view's join, which no index of
-- stories could serve (a quarter of a second for page 1 of a section of
-- 14,000 stories; more for later pages and for the count). public_section
-- keeps it on the story row, written by the store in the same transaction
-- as the version it comes from (publish, correction, kill, import), so that
-- one index answers the filter, the newest-first order and the count.
-- '' until the first publication.
ALTER TABLE stories ADD COLUMN public_section TEXT NOT NULL DEFAULT '';

UPDATE stories SET public_section = (
    SELECT v.section FROM story_versions v
    WHERE v.story_id = stories.id AND v.version = stories.version)
WHERE version > 0;

-- The two other list indexes take embargo_until at the end too: without
-- it, skipping to a later page (a sitemap's 5,000th story, a section's
-- page 700) read every skipped story's row to test its embargo.
DROP INDEX stories_published;
CREATE INDEX stories_published ON stories (status, published_at DESC, id DESC, embargo_until);
DROP INDEX stories_lang_published;
CREATE INDEX stories_lang_published ON stories (lang, status, published_at DESC, id DESC, embargo_until);

-- embargo_until comes last so that the count and the page's ids are read
-- from the index alone.
CREATE INDEX stories_public_section ON stories (lang, public_section, status, published_at DESC, id DESC, embargo_until);

-- The view reads the section from the story row, where the index is: the
-- same value as the version's, by the invariant above.
DROP VIEW public_stories;
CREATE VIEW public_stories AS
SELECT s.id, s.family_id, s.lang, v.headline, s.slug, v.summary, v.byline,
       v.dateline_place, v.dateline_date, s.public_section AS section, v.tags, v.body, s.version, s.status,
       s.translated_from_id, s.translated_from_version, s.author_id, s.publish_at, s.embargo_until,
       s.created_at, s.updated_at, s.published_at
FROM stories s
JOIN story_versions v ON v.story_id = s.id AND v.version = s.version
WHERE s.status = 'published';
