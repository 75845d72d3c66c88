-- Readers see a published story as its latest published version, never the
-- working copy that editors may be changing: every public read goes through
-- this view. Identity, slug and times stay the story's own.
CREATE VIEW public_stories AS
SELECT s.id, s.family_id, s.lang, v.headline, s.slug, v.summary, v.byline,
       v.dateline_place, v.dateline_date, v.section, v.tags, v.body, s.version, s.status,
       s.translated_from_id, s.translated_from_version, s.author_id, s.publish_at, s.embargo_until,
       s.created_at, s.updated_at, s.published_at
FROM stories s
JOIN story_versions v ON v.story_id = s.id AND v.version = s.version
WHERE s.status = 'published';
