package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/story"
)

// Page sizes for Changes: a follower catching up reads in pages this big.
const (
	defaultChanges = 100
	maxChanges     = 1000
)

// Changes returns the change log entries after afterSeq, oldest first. A
// limit of 0 or less means 100; more than 1000 means 1000.
func (db *DB) Changes(ctx context.Context, afterSeq int64, limit int) ([]story.Change, error) {
	if limit <= 0 {
		limit = defaultChanges
	}
	limit = min(limit, maxChanges)
	rows, err := db.read().query(ctx, `
		SELECT seq, kind, story_id, family_id, lang, version, at
		FROM changes
		WHERE seq > ?
		ORDER BY seq
		LIMIT ?`,
		afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	defer rows.Close()
	var out []story.Change
	for rows.Next() {
		var ch story.Change
		var kind string
		err := rows.Scan(&ch.Seq, &kind, &ch.StoryID, &ch.FamilyID, &ch.Lang, &ch.Version, scanTime{&ch.At})
		if err != nil {
			return nil, fmt.Errorf("store: changes: %w", err)
		}
		ch.Kind = story.ChangeKind(kind)
		out = append(out, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: changes: %w", err)
	}
	return out, nil
}

// LastSeq is the newest entry's sequence number, 0 for an empty log.
func (db *DB) LastSeq(ctx context.Context) (int64, error) {
	var seq int64
	if err := db.read().queryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("store: last seq: %w", err)
	}
	return seq, nil
}

// appendChange adds an entry for s to the change log, inside the caller's
// transaction so that the entry exists exactly when the change does.
func (db *DB) appendChange(ctx context.Context, c conn, tx *sql.Tx, kind story.ChangeKind, s story.Story, at time.Time) (int64, error) {
	if err := db.d.lockChanges(ctx, tx); err != nil {
		return 0, err
	}
	var seq int64
	err := c.queryRow(ctx, `
		INSERT INTO changes (kind, story_id, family_id, lang, version, at)
		VALUES (?, ?, ?, ?, ?, ?)
		RETURNING seq`,
		string(kind), s.ID, s.FamilyID, s.Lang, s.Version, db.timeArg(at)).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("append change: %w", err)
	}
	if err := db.d.announce(ctx, tx); err != nil {
		return 0, err
	}
	if c.appended != nil {
		*c.appended = true
	}
	return seq, nil
}
