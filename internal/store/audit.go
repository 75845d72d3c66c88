package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
)

// Page sizes for Audit.
const (
	defaultAudit = 50
	maxAudit     = 500
)

// Bounds on an audit entry's text. An entry is a record of what happened,
// not input to check: text that is too long or malformed (a hostile user
// agent, a pasted note) is clipped and cleaned rather than refused, so that
// the log can never be the reason a publish or a login fails.
const (
	maxAuditActor  = 320 // an email address, with room to spare
	maxAuditIP     = 64
	maxAuditDetail = 2000
)

// AppendAudit writes one entry on its own, for events that change nothing
// else in the store (a login, a logout). At defaults to the store's clock.
func (db *DB) AppendAudit(ctx context.Context, e audit.Entry) error {
	if e.Action == "" {
		return errors.New("store: append audit: the entry has no action")
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		return db.appendAudit(ctx, c, e)
	})
	if err != nil {
		return fmt.Errorf("store: append audit: %w", err)
	}
	return nil
}

// Audit lists entries newest first. Query.UserID matches entries where the
// user acted as well as those where they were acted on.
func (db *DB) Audit(ctx context.Context, q audit.Query) ([]audit.Entry, error) {
	var clauses []string
	var args []any
	if q.StoryID != 0 {
		clauses = append(clauses, "story_id = ?")
		args = append(args, q.StoryID)
	}
	if q.UserID != 0 {
		clauses = append(clauses, "(actor_id = ? OR user_id = ?)")
		args = append(args, q.UserID, q.UserID)
	}
	where := ""
	if len(clauses) > 0 {
		where = "WHERE " + strings.Join(clauses, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultAudit
	}
	limit = min(limit, maxAudit)
	rows, err := db.read().query(ctx, `
		SELECT id, at, actor_id, actor, action, story_id, user_id, ip, detail
		FROM audit_log
		`+where+`
		ORDER BY id DESC
		LIMIT ? OFFSET ?`,
		append(args, limit, max(q.Offset, 0))...)
	if err != nil {
		return nil, fmt.Errorf("store: audit: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var action string
		var actorID, storyID, userID sql.NullInt64
		err := rows.Scan(&e.ID, scanTime{&e.At}, &actorID, &e.Actor, &action, &storyID, &userID, &e.IP, &e.Detail)
		if err != nil {
			return nil, fmt.Errorf("store: audit: %w", err)
		}
		e.Action = audit.Action(action)
		e.ActorID, e.StoryID, e.UserID = actorID.Int64, storyID.Int64, userID.Int64
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit: %w", err)
	}
	return out, nil
}

// appendAudit writes e inside the caller's transaction, so that the entry
// exists exactly when the change it describes does. An entry without an
// action is skipped: callers that audit nothing (the demo loader, an
// importer) pass the zero Entry.
func (db *DB) appendAudit(ctx context.Context, c conn, e audit.Entry) error {
	if e.Action == "" {
		return nil
	}
	if e.At.IsZero() {
		e.At = db.now()
	}
	_, err := c.exec(ctx, `
		INSERT INTO audit_log (at, actor_id, actor, action, story_id, user_id, ip, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		db.timeArg(e.At), nullID(e.ActorID), recordText(e.Actor, maxAuditActor),
		recordText(string(e.Action), maxAuditActor), nullID(e.StoryID), nullID(e.UserID),
		recordText(e.IP, maxAuditIP), recordText(e.Detail, maxAuditDetail))
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// withDefaults fills what the store knows and the caller may leave out: the
// time of the event and the story or user it is about.
func withDefaults(e audit.Entry, at time.Time, storyID, userID int64) audit.Entry {
	if e.At.IsZero() {
		e.At = at
	}
	if e.StoryID == 0 {
		e.StoryID = storyID
	}
	if e.UserID == 0 {
		e.UserID = userID
	}
	return e
}

// recordText makes outside text storable in a record on both databases:
// valid UTF-8, no NUL byte (PostgreSQL refuses one), at most max runes.
func recordText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "\uFFFD")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}
