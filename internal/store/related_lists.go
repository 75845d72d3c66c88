package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/story"
)

// maxRelatedIDs bounds a stored list: a few more than a page shows, so
// that pins and exclusions rarely leave the page short of its own list.
const maxRelatedIDs = 50

// RelatedList reads story storyID's stored list.
func (db *DB) RelatedList(ctx context.Context, storyID int64) (RelatedList, bool, error) {
	l := RelatedList{StoryID: storyID}
	var ids string
	err := db.read().queryRow(ctx, `SELECT version, ids FROM related_lists WHERE story_id = ?`, storyID).Scan(&l.Version, &ids)
	if errors.Is(err, sql.ErrNoRows) {
		return RelatedList{}, false, nil
	}
	if err != nil {
		return RelatedList{}, false, fmt.Errorf("store: related list of story %d: %w", storyID, err)
	}
	if l.IDs, err = parseIDList(ids); err != nil {
		return RelatedList{}, false, fmt.Errorf("store: related list of story %d: %w", storyID, err)
	}
	return l, true, nil
}

// SaveRelatedLists stores lists and moves the follower, in one transaction.
func (db *DB) SaveRelatedLists(ctx context.Context, follower string, seq int64, lists []RelatedList) (int, error) {
	if err := checkFollower(follower, seq); err != nil {
		return 0, fmt.Errorf("store: save related lists: %w", err)
	}
	for _, l := range lists {
		if l.StoryID < 1 || l.Version < 1 || len(l.IDs) > maxRelatedIDs {
			return 0, fmt.Errorf("store: save related lists: %w: story %d version %d with %d ids (at most %d)",
				story.ErrInvalid, l.StoryID, l.Version, len(l.IDs), maxRelatedIDs)
		}
	}
	now := storeTime(db.now())
	changed := 0
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		changed = 0
		for _, l := range lists {
			ids := formatIDList(l.IDs)
			var old string
			err := c.queryRow(ctx, `SELECT ids FROM related_lists WHERE story_id = ?`, l.StoryID).Scan(&old)
			had := err == nil
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("story %d: %w", l.StoryID, err)
			}
			st, err := storyByID(ctx, c, l.StoryID, false)
			if errors.Is(err, ErrNotFound) {
				continue // deleted since its list was worked out
			}
			if err != nil {
				return fmt.Errorf("story %d: %w", l.StoryID, err)
			}
			if _, err := c.exec(ctx, `
				INSERT INTO related_lists (story_id, version, ids, computed_at) VALUES (?, ?, ?, ?)
				ON CONFLICT (story_id) DO UPDATE SET
					version = excluded.version, ids = excluded.ids, computed_at = excluded.computed_at`,
				l.StoryID, l.Version, ids, db.timeArg(now)); err != nil {
				return fmt.Errorf("story %d: %w", l.StoryID, err)
			}
			if had && old != ids {
				if _, err := db.appendChange(ctx, c, tx, story.ChangeRelated, st, now); err != nil {
					return fmt.Errorf("story %d: %w", l.StoryID, err)
				}
				changed++
			}
		}
		return setFollower(ctx, c, follower, seq)
	})
	if err != nil {
		return 0, fmt.Errorf("store: save related lists: %w", err)
	}
	return changed, nil
}

// formatIDList writes ids as the column holds them: "12,7,40".
func formatIDList(ids []int64) string {
	b := make([]byte, 0, len(ids)*7)
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(b)
}

// parseIDList reads what formatIDList wrote.
func parseIDList(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]int64, 0, len(parts))
	for _, p := range parts {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id < 1 {
			return nil, fmt.Errorf("bad id %q in list %q", p, s)
		}
		out = append(out, id)
	}
	return slices.Clip(out), nil
}
