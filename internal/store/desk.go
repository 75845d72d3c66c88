package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/story"
)

// Page sizes for the desk's lists.
const (
	defaultDesk = 50
	maxDesk     = 200
)

// DeskStories lists stories of any status for the desk, most recently
// updated first (ties by id, newest first, so pages never overlap).
func (db *DB) DeskStories(ctx context.Context, q DeskQuery) ([]story.Story, error) {
	where, args := deskWhere(q)
	limit := q.Limit
	if limit <= 0 {
		limit = defaultDesk
	}
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM stories
		`+where+`
		ORDER BY updated_at DESC, id DESC
		LIMIT ? OFFSET ?`,
		append(args, min(limit, maxDesk), max(q.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("store: desk stories: %w", err)
	}
	return out, nil
}

// CountDeskStories counts what DeskStories would list without paging.
func (db *DB) CountDeskStories(ctx context.Context, q DeskQuery) (int, error) {
	where, args := deskWhere(q)
	var n int
	if err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM stories `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count desk stories: %w", err)
	}
	return n, nil
}

// deskWhere builds DeskQuery's filter, like publishedWhere, from fixed
// clauses with values as arguments. Langs is a handful of codes (a
// translator's target languages), well inside any placeholder limit.
func deskWhere(q DeskQuery) (string, []any) {
	var clauses []string
	var args []any
	if q.Status != "" {
		clauses = append(clauses, "status = ?")
		args = append(args, string(q.Status))
	}
	if q.Lang != "" {
		clauses = append(clauses, "lang = ?")
		args = append(args, q.Lang)
	}
	if q.Section != "" {
		clauses = append(clauses, "section = ?")
		args = append(args, q.Section)
	}
	if q.AuthorID != 0 {
		clauses = append(clauses, "author_id = ?")
		args = append(args, q.AuthorID)
	}
	if len(q.Langs) > 0 {
		clauses = append(clauses, "lang IN ("+placeholders(len(q.Langs))+")")
		for _, l := range q.Langs {
			args = append(args, l)
		}
	}
	if len(clauses) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(clauses, " AND "), args
}

// SearchHeadlines finds published stories whose headline contains q, newest
// first, in lang when it is not empty: the desk's Also Read picker. Embargoed
// stories are found too, since editors may link to them ahead of the lift.
// Case is folded by each database's lower(): ASCII on both, and beyond ASCII
// on PostgreSQL. q is matched literally; its % and _ are not wildcards.
// A limit of 0 or less means 20; more than 200 means 200.
func (db *DB) SearchHeadlines(ctx context.Context, q, lang string, limit int) ([]story.Story, error) {
	q = strings.TrimSpace(q)
	if err := checkText("search", q, story.MaxHeadline); err != nil {
		return nil, fmt.Errorf("store: search headlines: %w", err)
	}
	if limit <= 0 {
		limit = defaultList
	}
	where, args := "status = ? AND lower(headline) LIKE '%' || lower(?) || '%' ESCAPE '\\'",
		[]any{string(story.StatusPublished), escapeLike(q)}
	if lang != "" {
		where += " AND lang = ?"
		args = append(args, lang)
	}
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM stories
		WHERE `+where+`
		ORDER BY published_at DESC, id DESC
		LIMIT ?`,
		append(args, min(limit, maxList))...)
	if err != nil {
		return nil, fmt.Errorf("store: search headlines: %w", err)
	}
	return out, nil
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
