package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/story"
)

// Page sizes for the published lists.
const (
	defaultList = 20
	maxList     = 200
)

// PublishedStories lists published stories that readers may see at q.Now,
// newest first (ties by id, newest first, so pages never overlap or skip).
// The page's ids are picked from the story rows alone, along one of the
// list indexes (a later page skips index entries, not joined rows), and
// only those rows are then read through the view. CROSS JOIN makes SQLite
// loop over the page and look each story up, rather than walk every
// published story in date order and test it against the page (over
// 100 ms at 100,000 stories); PostgreSQL reads it as a plain join.
func (db *DB) PublishedStories(ctx context.Context, q ListQuery) ([]story.Story, error) {
	where, args := db.publishedWhere(q)
	limit, offset := page(q)
	cols := storyColumns
	if q.NoBody {
		cols = storyColumnsNoBody
	}
	paging := "LIMIT ? OFFSET ?"
	switch {
	case q.All:
		paging = ""
	case q.After != nil:
		// A row value: both databases seek the list index to it. Written
		// out as published_at < ? OR (… = ? AND id < ?), SQLite walked the
		// index from the cursor's time on (3.9 ms at page 700, against
		// 0.3 ms at page 2).
		where += " AND (published_at, id) < (?, ?)"
		args = append(args, db.timeArg(q.After.PublishedAt), q.After.ID)
		paging = "LIMIT ?"
		args = append(args, limit)
	default:
		args = append(args, limit, offset)
	}
	out, err := queryStories(ctx, db.read(), `
		WITH page AS (
			SELECT id AS page_id FROM stories
			WHERE `+where+`
			ORDER BY published_at DESC, id DESC
			`+paging+`)
		SELECT `+cols+`
		FROM page CROSS JOIN public_stories
		WHERE id = page_id
		ORDER BY published_at DESC, id DESC`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("store: published stories: %w", err)
	}
	return out, nil
}

// CountPublished counts what PublishedStories would list without paging,
// from the story rows alone: a published story always has the version its
// row names, so the view's join would not change the count, only slow it.
func (db *DB) CountPublished(ctx context.Context, q ListQuery) (int, error) {
	where, args := db.publishedWhere(q)
	var n int
	err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM stories WHERE `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count published: %w", err)
	}
	return n, nil
}

// PageEnds numbers the list's entries in its order and keeps every per-th:
// one pass over the list index, where reading page n by OFFSET reads the
// n-1 pages before it again, each time.
func (db *DB) PageEnds(ctx context.Context, q ListQuery, per int) ([]ListCursor, error) {
	if per <= 0 {
		return nil, fmt.Errorf("store: page ends: %w: %d stories a page", story.ErrInvalid, per)
	}
	where, args := db.publishedWhere(q)
	rows, err := db.read().query(ctx, `
		SELECT published_at, id FROM (
			SELECT published_at, id, ROW_NUMBER() OVER (ORDER BY published_at DESC, id DESC) AS n
			FROM stories
			WHERE `+where+`) AS numbered
		WHERE n % ? = 0
		ORDER BY n`, append(args, per)...)
	if err != nil {
		return nil, fmt.Errorf("store: page ends: %w", err)
	}
	defer rows.Close()
	var out []ListCursor
	for rows.Next() {
		var c ListCursor
		if err := rows.Scan(scanTime{&c.PublishedAt}, &c.ID); err != nil {
			return nil, fmt.Errorf("store: page ends: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: page ends: %w", err)
	}
	return out, nil
}

// publishedWhere builds the filter on the stories table from fixed clauses
// only; values always travel as arguments. Leaving out an empty filter,
// rather than writing (? = ” OR lang = ?), lets both databases use the
// list indexes. The section is the published version's (public_section),
// not the working copy's.
func (db *DB) publishedWhere(q ListQuery) (string, []any) {
	clauses := []string{"status = ?", publicNow}
	args := []any{string(story.StatusPublished), db.timeArg(db.nowOr(q.Now))}
	if q.Lang != "" {
		clauses = append(clauses, "lang = ?")
		args = append(args, q.Lang)
	}
	if q.Section != "" {
		clauses = append(clauses, "public_section = ?")
		args = append(args, q.Section)
	}
	return strings.Join(clauses, " AND "), args
}

// publicNow is the embargo half of story.Story.Public, for a query whose
// next argument is the reader's now. A lifted embargo needs no flag here:
// its time has passed.
const publicNow = "(embargo_until IS NULL OR embargo_until <= ?)"

// nowOr is t, or the store's clock for the zero time.
func (db *DB) nowOr(t time.Time) time.Time {
	if t.IsZero() {
		return db.now()
	}
	return t
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
// chosen member is in that section. "Published" means what readers may see
// at now (zero for the store's clock): an embargoed member is neither
// listed nor counted as a translation, since readers cannot see it yet.
func (db *DB) Untranslated(ctx context.Context, lang string, section string, limit int, now time.Time) ([]story.Story, error) {
	if lang == "" {
		return nil, fmt.Errorf("store: untranslated: %w: a language is required", story.ErrInvalid)
	}
	if limit <= 0 {
		limit = defaultList
	}
	limit = min(limit, maxList)
	readerNow := db.timeArg(db.nowOr(now))
	sectionFilter := ""
	args := []any{string(story.StatusPublished), readerNow, lang, string(story.StatusPublished), readerNow,
		string(story.StatusPublished), readerNow}
	if section != "" {
		sectionFilter = "AND section = ?"
		args = append(args, section)
	}
	// The family's representative is its public original, else its public
	// member with the lowest id: a public story is one when no public
	// member of its family ranks ahead of it. Written with NOT EXISTS
	// rather than a window over every public story, so that the newest-
	// first index walk stops after limit rows instead of ranking the
	// whole archive (seconds at 100,000 stories).
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM public_stories s
		WHERE status = ? AND `+publicNow+`
			AND NOT EXISTS (
				SELECT 1 FROM stories t
				WHERE t.family_id = s.family_id AND t.lang = ? AND t.status = ?
					AND (t.embargo_until IS NULL OR t.embargo_until <= ?)
			)
			AND NOT EXISTS (
				SELECT 1 FROM stories o
				WHERE o.family_id = s.family_id AND o.id <> s.id AND o.status = ?
					AND (o.embargo_until IS NULL OR o.embargo_until <= ?)
					AND ((o.translated_from_id IS NULL AND s.translated_from_id IS NOT NULL)
						OR ((o.translated_from_id IS NULL) = (s.translated_from_id IS NULL) AND o.id < s.id))
			)
			`+sectionFilter+`
		ORDER BY published_at DESC, id DESC
		LIMIT ?`,
		append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: untranslated into %q: %w", lang, err)
	}
	return out, nil
}

// PublicStory is a story as readers see it at now: its latest published
// version. A story that is not published, or still under embargo, is
// ErrNotFound.
func (db *DB) PublicStory(ctx context.Context, id int64, now time.Time) (story.Story, error) {
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM public_stories
		WHERE id = ? AND `+publicNow,
		id, db.timeArg(db.nowOr(now)))
	if err != nil {
		return story.Story{}, fmt.Errorf("store: public story %d: %w", id, err)
	}
	if len(out) == 0 {
		return story.Story{}, fmt.Errorf("store: public story %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// PublicFamily lists the members of a family that readers may see at now,
// as published, ordered by language code.
func (db *DB) PublicFamily(ctx context.Context, familyID int64, now time.Time) ([]story.Story, error) {
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM public_stories
		WHERE family_id = ? AND `+publicNow+`
		ORDER BY lang`,
		familyID, db.timeArg(db.nowOr(now)))
	if err != nil {
		return nil, fmt.Errorf("store: public family %d: %w", familyID, err)
	}
	return out, nil
}
