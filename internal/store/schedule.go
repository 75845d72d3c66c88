package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// liftBatch is how many due embargoes LiftEmbargoes reads at a time.
const liftBatch = 100

// ScheduleStory sets when a draft or submitted story is to be published,
// or with the zero time clears it. The time may be past: the scheduler then
// publishes at its next look. Published and killed stories have nothing to
// schedule (ErrBadMove). a's time and story default to the change's.
func (db *DB) ScheduleStory(ctx context.Context, id int64, at time.Time, a audit.Entry) (story.Story, error) {
	now := storeTime(db.now())
	var out story.Story
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		s, err := storyByID(ctx, c, id, true)
		if err != nil {
			return err
		}
		if s.Status != story.StatusDraft && s.Status != story.StatusSubmitted {
			return fmt.Errorf("%w: a %s story cannot be scheduled", ErrBadMove, s.Status)
		}
		s.PublishAt, s.UpdatedAt = storeTime(at), now
		_, err = c.exec(ctx, `UPDATE stories SET publish_at = ?, updated_at = ? WHERE id = ?`,
			db.timeArg(s.PublishAt), db.timeArg(s.UpdatedAt), s.ID)
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
		return story.Story{}, fmt.Errorf("store: schedule story %d: %w", id, err)
	}
	return out, nil
}

// DueStories lists the draft and submitted stories whose PublishAt is at or
// before now (zero for the store's clock), the longest overdue first. A
// limit of 0 or less means 50; more than 200 means 200.
func (db *DB) DueStories(ctx context.Context, now time.Time, limit int) ([]story.Story, error) {
	if limit <= 0 {
		limit = defaultDesk
	}
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM stories
		WHERE status IN (?, ?) AND publish_at IS NOT NULL AND publish_at <= ?
		ORDER BY publish_at, id
		LIMIT ?`,
		string(story.StatusDraft), string(story.StatusSubmitted), db.timeArg(db.nowOr(now)),
		min(limit, maxDesk))
	if err != nil {
		return nil, fmt.Errorf("store: due stories: %w", err)
	}
	return out, nil
}

// LiftEmbargoes lifts every embargo that ended at or before now (zero for
// the store's clock) on a published story and is not yet marked lifted.
// Each story is lifted in a transaction of its own, with its embargo_lift
// change (at the embargo's end, when the story became public, however late
// the lift runs) and an audit entry by "system"; so a failure halfway
// keeps the lifts before it, which are returned with the error. Nodes
// lifting at once each lift a story at most once between them: the mark is
// set by an UPDATE that rechecks it under the row lock.
func (db *DB) LiftEmbargoes(ctx context.Context, now time.Time) ([]story.Story, error) {
	now = storeTime(db.nowOr(now))
	var lifted []story.Story
	for {
		ids, err := db.dueEmbargoes(ctx, now)
		if err != nil {
			return lifted, fmt.Errorf("store: lift embargoes: %w", err)
		}
		n := 0
		for _, id := range ids {
			s, ok, err := db.liftEmbargo(ctx, id, now)
			if err != nil {
				return lifted, fmt.Errorf("store: lift embargo of story %d: %w", id, err)
			}
			if ok {
				lifted = append(lifted, s)
				n++
			}
		}
		// A batch that lifted nothing was lifted by someone else; stop
		// there rather than read it again.
		if len(ids) < liftBatch || n == 0 {
			return lifted, nil
		}
	}
}

// dueEmbargoes reads a batch of ids for LiftEmbargoes, from the partial
// index of embargoes still to lift.
func (db *DB) dueEmbargoes(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := db.read().query(ctx, `
		SELECT id FROM stories
		WHERE embargo_until IS NOT NULL AND embargo_lifted = FALSE
			AND embargo_until <= ? AND status = ?
		ORDER BY embargo_until, id
		LIMIT ?`,
		db.timeArg(now), string(story.StatusPublished), liftBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// liftEmbargo lifts one story's embargo if it is still due, reporting
// whether it did.
func (db *DB) liftEmbargo(ctx context.Context, id int64, now time.Time) (story.Story, bool, error) {
	var out story.Story
	var ok bool
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		ok = false
		res, err := c.exec(ctx, `
			UPDATE stories SET embargo_lifted = TRUE
			WHERE id = ? AND embargo_until IS NOT NULL AND embargo_lifted = FALSE
				AND embargo_until <= ? AND status = ?`,
			id, db.timeArg(now), string(story.StatusPublished))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // lifted meanwhile, corrected with a new embargo, or killed
		}
		s, err := storyByID(ctx, c, id, false) // locked already by the UPDATE
		if err != nil {
			return err
		}
		if _, err := db.appendChange(ctx, c, tx, story.ChangeEmbargoLift, s, s.EmbargoUntil); err != nil {
			return err
		}
		err = db.appendAudit(ctx, c, audit.Entry{
			At:      now,
			Actor:   "system",
			Action:  audit.StoryEmbargoLift,
			StoryID: s.ID,
			Detail:  "embargo until " + s.EmbargoUntil.Format(time.RFC3339),
		})
		if err != nil {
			return err
		}
		out, ok = s, true
		return nil
	})
	return out, ok, err
}
