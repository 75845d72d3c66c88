package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

const relatedColumns = `story_id, other_id, kind, position, set_by, set_at`

// RelatedChoices lists a story's pins in order, then its exclusions.
func (db *DB) RelatedChoices(ctx context.Context, storyID int64) ([]RelatedChoice, error) {
	out, err := relatedChoices(ctx, db.read(), storyID)
	if err != nil {
		return nil, fmt.Errorf("store: related choices of story %d: %w", storyID, err)
	}
	return out, nil
}

// relatedChoices reads on c, so that a write can read what its own
// transaction sees. Exclusions have position 0; sorting them after the pins
// is what the CASE does.
func relatedChoices(ctx context.Context, c conn, storyID int64) ([]RelatedChoice, error) {
	rows, err := c.query(ctx, `
		SELECT `+relatedColumns+`
		FROM related_choices
		WHERE story_id = ?
		ORDER BY CASE WHEN kind = 'pin' THEN 0 ELSE 1 END, position, set_at, other_id`,
		storyID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRelated)
}

func scanRelated(r scanner) (RelatedChoice, error) {
	var c RelatedChoice
	var kind string
	var by sql.NullInt64
	if err := r.Scan(&c.StoryID, &c.OtherID, &kind, &c.Position, &by, scanTime{&c.SetAt}); err != nil {
		return RelatedChoice{}, err
	}
	c.Kind, c.SetBy = RelatedKind(kind), by.Int64
	return c, nil
}

// SetRelatedChoice pins or excludes a story. The story's row is locked
// first, so that two editors pinning at once number the pins one after the
// other rather than both taking the same place.
func (db *DB) SetRelatedChoice(ctx context.Context, c RelatedChoice, a audit.Entry) error {
	if err := checkRelated(c); err != nil {
		return fmt.Errorf("store: related choice of story %d: %w", c.StoryID, err)
	}
	now := storeTime(db.now())
	err := db.write(ctx, func(cn conn, tx *sql.Tx) error {
		st, err := storyByID(ctx, cn, c.StoryID, true)
		if err != nil {
			return fmt.Errorf("story %d: %w", c.StoryID, err)
		}
		if _, err := storyByID(ctx, cn, c.OtherID, false); err != nil {
			return fmt.Errorf("story %d: %w", c.OtherID, err)
		}
		if c.SetBy != 0 {
			// Checked here rather than left to the foreign key, whose error
			// differs by database, so that an unknown user is ErrNotFound.
			if err := userExists(ctx, cn, c.SetBy); err != nil {
				return fmt.Errorf("user %d: %w", c.SetBy, err)
			}
		}
		cur, err := relatedChoices(ctx, cn, c.StoryID)
		if err != nil {
			return err
		}
		pins := pinOrder(cur, c)
		pos := 0
		if c.Kind == RelatedPin {
			pos = slices.Index(pins, c.OtherID) + 1
		}
		// Positions are not unique, so the row may take its place before
		// the others move round it.
		_, err = cn.exec(ctx, `
			INSERT INTO related_choices (`+relatedColumns+`)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (story_id, other_id) DO UPDATE SET
				kind = excluded.kind, position = excluded.position,
				set_by = excluded.set_by, set_at = excluded.set_at`,
			c.StoryID, c.OtherID, string(c.Kind), pos, nullID(c.SetBy), db.timeArg(now))
		if err != nil {
			return err
		}
		if err := renumberPins(ctx, cn, c.StoryID, cur, pins); err != nil {
			return err
		}
		// The public page shows the list: tell the page caches of every node.
		if _, err := db.appendChange(ctx, cn, tx, story.ChangeRelated, st, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, cn, withDefaults(a, now, c.StoryID, 0))
	})
	if err != nil {
		return fmt.Errorf("store: related choice of story %d about %d: %w", c.StoryID, c.OtherID, err)
	}
	return nil
}

// DeleteRelatedChoice removes a pin or an exclusion; the pins after a
// removed pin move up.
func (db *DB) DeleteRelatedChoice(ctx context.Context, storyID, otherID int64, a audit.Entry) error {
	now := storeTime(db.now())
	err := db.write(ctx, func(cn conn, tx *sql.Tx) error {
		st, err := storyByID(ctx, cn, storyID, true)
		if err != nil {
			return fmt.Errorf("story %d: %w", storyID, err)
		}
		cur, err := relatedChoices(ctx, cn, storyID)
		if err != nil {
			return err
		}
		res, err := cn.exec(ctx, `DELETE FROM related_choices WHERE story_id = ? AND other_id = ?`, storyID, otherID)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		var pins []int64
		for _, ch := range cur {
			if ch.Kind == RelatedPin && ch.OtherID != otherID {
				pins = append(pins, ch.OtherID)
			}
		}
		if err := renumberPins(ctx, cn, storyID, cur, pins); err != nil {
			return err
		}
		if _, err := db.appendChange(ctx, cn, tx, story.ChangeRelated, st, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, cn, withDefaults(a, now, storyID, 0))
	})
	if err != nil {
		return fmt.Errorf("store: delete related choice of story %d about %d: %w", storyID, otherID, err)
	}
	return nil
}

func checkRelated(c RelatedChoice) error {
	switch {
	case c.StoryID <= 0 || c.OtherID <= 0:
		return fmt.Errorf("%w: story ids must be positive", story.ErrInvalid)
	case c.StoryID == c.OtherID:
		return fmt.Errorf("%w: a story cannot be related to itself", story.ErrInvalid)
	case !c.Kind.Valid():
		return fmt.Errorf("%w: related choice %q is neither pin nor exclude", story.ErrInvalid, c.Kind)
	case c.Position < 0 || (c.Kind == RelatedExclude && c.Position != 0):
		return fmt.Errorf("%w: position %d does not fit a %s", story.ErrInvalid, c.Position, c.Kind)
	case c.SetBy < 0:
		return fmt.Errorf("%w: user id %d", story.ErrInvalid, c.SetBy)
	}
	return nil
}

// pinOrder is the story's pins, in order, once c is applied to cur.
func pinOrder(cur []RelatedChoice, c RelatedChoice) []int64 {
	var pins []int64
	for _, ch := range cur {
		if ch.Kind == RelatedPin && ch.OtherID != c.OtherID {
			pins = append(pins, ch.OtherID)
		}
	}
	if c.Kind != RelatedPin {
		return pins
	}
	at := len(pins)
	switch {
	case c.Position > 0:
		at = min(c.Position-1, len(pins))
	default:
		// Pinned again without a place: it stays where it was.
		if i := slices.IndexFunc(cur, func(ch RelatedChoice) bool {
			return ch.Kind == RelatedPin && ch.OtherID == c.OtherID
		}); i >= 0 {
			at = i // pins come first in cur, so i is its place among them
		}
	}
	return slices.Insert(pins, at, c.OtherID)
}

// renumberPins gives pins the positions 1, 2, ... in order, writing only
// the rows whose position changed (cur holds the positions before).
func renumberPins(ctx context.Context, c conn, storyID int64, cur []RelatedChoice, pins []int64) error {
	was := make(map[int64]int, len(cur))
	for _, ch := range cur {
		if ch.Kind == RelatedPin {
			was[ch.OtherID] = ch.Position
		}
	}
	for i, id := range pins {
		pos, ok := was[id]
		if ok && pos == i+1 {
			continue
		}
		_, err := c.exec(ctx, `UPDATE related_choices SET position = ? WHERE story_id = ? AND other_id = ? AND kind = 'pin'`,
			i+1, storyID, id)
		if err != nil {
			return err
		}
	}
	return nil
}
