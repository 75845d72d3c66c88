package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/story"
)

// PublicStoriesByID is PublicStory for many stories in one query: the
// stories with the given ids that readers may see at now, as published,
// by id. An id that names no story, or one readers cannot see (a draft,
// killed, under embargo), is absent from the map. A page that shows a
// list of stories (the related stories beside a story) loads them with
// one query instead of one each.
func (db *DB) PublicStoriesByID(ctx context.Context, ids []int64, now time.Time) (map[int64]story.Story, error) {
	out, err := db.publicByID(ctx, ids, now, storyColumns)
	if err != nil {
		return nil, fmt.Errorf("store: public stories by id: %w", err)
	}
	return out, nil
}

// PublicCardsByID is PublicStoriesByID without the bodies: a list of
// stories on a page (related stories) prints their headlines, and reading
// five bodies of several kilobytes each was a fifth of the list's cost.
func (db *DB) PublicCardsByID(ctx context.Context, ids []int64, now time.Time) (map[int64]story.Story, error) {
	out, err := db.publicByID(ctx, ids, now, storyColumnsNoBody)
	if err != nil {
		return nil, fmt.Errorf("store: public cards by id: %w", err)
	}
	return out, nil
}

func (db *DB) publicByID(ctx context.Context, ids []int64, now time.Time, cols string) (map[int64]story.Story, error) {
	out := make(map[int64]story.Story, len(ids))
	readerNow := db.timeArg(db.nowOr(now))
	err := inChunks(ids, storiesChunk, func(args []any) error {
		// The ids drive the join (CROSS JOIN keeps SQLite from walking
		// every published story by status instead: the view's filter
		// matches an index, the id list does not look like one to it).
		list, err := queryStories(ctx, db.read(), `
			WITH wanted(want_id) AS (VALUES `+valueRows(len(args))+`)
			SELECT `+cols+`
			FROM wanted CROSS JOIN public_stories
			WHERE id = want_id AND `+publicNow,
			append(args, readerNow)...)
		for _, s := range list {
			out[s.ID] = s
		}
		return err
	})
	return out, err
}

// valueRows returns n rows of one id for a VALUES list: "(CAST(? AS
// BIGINT)), ...". The cast tells PostgreSQL the placeholders' type, which
// a bare VALUES list does not.
func valueRows(n int) string {
	return strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT)), ", n), ", ")
}
