package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// SetStatus moves a story between draft and submitted: a reporter handing
// a draft to the editors, or an editor sending it back. Publishing and
// killing make versions and changes and have their own methods, so any
// other move, including to the status the story already has, is
// ErrBadMove. a's time and story default to the move's.
func (db *DB) SetStatus(ctx context.Context, id int64, to story.Status, a audit.Entry) (story.Story, error) {
	if to != story.StatusDraft && to != story.StatusSubmitted {
		return story.Story{}, fmt.Errorf("store: set status of story %d: %w: only draft and submitted, not %q", id, ErrBadMove, to)
	}
	now := storeTime(db.now())
	var out story.Story
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		s, err := storyByID(ctx, c, id, true)
		if err != nil {
			return err
		}
		if !story.CanMove(s.Status, to) {
			return fmt.Errorf("%w: a %s story cannot become %s", ErrBadMove, s.Status, to)
		}
		s.Status, s.UpdatedAt = to, now
		_, err = c.exec(ctx, `UPDATE stories SET status = ?, updated_at = ? WHERE id = ?`,
			string(s.Status), db.timeArg(s.UpdatedAt), s.ID)
		if err != nil {
			return err
		}
		if _, err := db.appendChange(ctx, c, tx, story.ChangeEdit, s, now); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, c, withDefaults(a, now, s.ID, 0)); err != nil {
			return err
		}
		out = s
		return nil
	})
	if err != nil {
		return story.Story{}, fmt.Errorf("store: set status of story %d: %w", id, err)
	}
	return out, nil
}
