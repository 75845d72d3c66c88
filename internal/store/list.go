package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/story"
)

// Page sizes for the published lists.
const (
	defaultList = 20
	maxList     = 200
)

// PublishedStories lists published stories, newest first (ties by id,
// newest first, so pages never overlap or skip).
func (db *DB) PublishedStories(ctx context.Context, q ListQuery) ([]story.Story, error) {
	where, args := publishedWhere(q)
	limit, offset := page(q)
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM stories
		WHERE `+where+`
		ORDER BY published_at DESC, id DESC
		LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("store: published stories: %w", err)
	}
	return out, nil
}

// CountPublished counts what PublishedStories would list without paging.
func (db *DB) CountPublished(ctx context.Context, q ListQuery) (int, error) {
	where, args := publishedWhere(q)
	var n int
	err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM stories WHERE `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count published: %w", err)
	}
	return n, nil
}

// publishedWhere builds the filter from fixed clauses only; values always
// travel as arguments. Leaving out an empty filter, rather than writing
// (? = ” OR lang = ?), lets both databases use the list indexes.
func publishedWhere(q ListQuery) (string, []any) {
	clauses := []string{"status = ?"}
	args := []any{string(story.StatusPublished)}
	if q.Lang != "" {
		clauses = append(clauses, "lang = ?")
		args = append(args, q.Lang)
	}
	if q.Section != "" {
		clauses = append(clauses, "section = ?")
		args = append(args, q.Section)
	}
	return strings.Join(clauses, " AND "), args
}

// page turns a query's paging into a limit and offset. Out-of-range values
// come from URLs (?page=-3) more often than from bugs, so they are clamped
// rather than refused: a negative offset reads the first page.
func page(q ListQuery) (limit, offset int) {
	limit = q.Limit
	if limit <= 0 {
		limit = defaultList
	}
	return min(limit, maxList), max(q.Offset, 0)
}

// Untranslated lists, newest first, one published story for each family
// that has no published member in lang: the family's original (the member
// not translated from another) if it is published, else its earliest
// published member. section, when not empty, keeps the families whose
// chosen member is in that section.
func (db *DB) Untranslated(ctx context.Context, lang string, section string, limit int) ([]story.Story, error) {
	if lang == "" {
		return nil, fmt.Errorf("store: untranslated: %w: a language is required", story.ErrInvalid)
	}
	if limit <= 0 {
		limit = defaultList
	}
	limit = min(limit, maxList)
	where, args := "member_rank = 1", []any{string(story.StatusPublished), lang, string(story.StatusPublished)}
	if section != "" {
		where += " AND section = ?"
		args = append(args, section)
	}
	out, err := queryStories(ctx, db.read(), `
		WITH candidates AS (
			SELECT `+storyColumns+`,
				ROW_NUMBER() OVER (
					PARTITION BY family_id
					ORDER BY CASE WHEN translated_from_id IS NULL THEN 0 ELSE 1 END, id
				) AS member_rank
			FROM stories s
			WHERE status = ?
				AND NOT EXISTS (
					SELECT 1 FROM stories t
					WHERE t.family_id = s.family_id AND t.lang = ? AND t.status = ?
				)
		)
		SELECT `+storyColumns+`
		FROM candidates
		WHERE `+where+`
		ORDER BY published_at DESC, id DESC
		LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: untranslated into %q: %w", lang, err)
	}
	return out, nil
}
