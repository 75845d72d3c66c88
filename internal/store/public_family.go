package store

import (
	"context"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/story"
)

// Family reads for pages that would otherwise ask once per story: a story
// page needs the story and its family, a sitemap thousands of families.

// PublicFamilyOf lists the members readers may see at now of the family of
// story id, as published, ordered by language code: the story itself among
// them when it is public. One query where PublicStory then PublicFamily
// took two. A story that does not exist gives an empty list.
func (db *DB) PublicFamilyOf(ctx context.Context, id int64, now time.Time) ([]story.Story, error) {
	out, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM public_stories
		WHERE family_id = (SELECT family_id FROM stories WHERE id = ?) AND `+publicNow+`
		ORDER BY lang`,
		id, db.timeArg(db.nowOr(now)))
	if err != nil {
		return nil, fmt.Errorf("store: public family of story %d: %w", id, err)
	}
	return out, nil
}

// familiesChunk bounds the ids of one PublicFamilies query. Chunks are
// full but for the last, so a long run of them uses one statement text.
const familiesChunk = 200

// PublicFamilies is PublicFamily for many families at once, for pages that
// link to the members (sitemaps): the members readers may see at now, as
// published but with an empty Body, ordered by language code, by family
// id. A family with no public member is absent from the map.
func (db *DB) PublicFamilies(ctx context.Context, familyIDs []int64, now time.Time) (map[int64][]story.Story, error) {
	out := make(map[int64][]story.Story, len(familyIDs))
	readerNow := db.timeArg(db.nowOr(now))
	err := inChunks(familyIDs, familiesChunk, func(args []any) error {
		list, err := queryStories(ctx, db.read(), `
			SELECT `+storyColumnsNoBody+`
			FROM public_stories
			WHERE family_id IN (`+placeholders(len(args))+`) AND `+publicNow+`
			ORDER BY family_id, lang`,
			append(args, readerNow)...)
		for _, s := range list {
			out[s.FamilyID] = append(out[s.FamilyID], s)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: public families: %w", err)
	}
	return out, nil
}
