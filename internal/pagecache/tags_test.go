package pagecache_test

import (
	"slices"
	"testing"

	"github.com/qasid/qasid/internal/pagecache"
	"github.com/qasid/qasid/internal/story"
)

// TestChangeTagsOwnPage: a change of the related list or a finished
// voice-over changes the story's own page and nothing else; an edit of a
// working copy changes nothing readers see. None of them needs the store.
func TestChangeTagsOwnPage(t *testing.T) {
	for _, c := range []struct {
		kind story.ChangeKind
		want []string
	}{
		{story.ChangeRelated, []string{"story:7"}},
		{story.ChangeAudio, []string{"story:7"}},
		{story.ChangeEdit, nil},
	} {
		got, err := pagecache.ChangeTags(t.Context(), nil, story.Change{Seq: 3, Kind: c.kind, StoryID: 7, FamilyID: 2, Lang: "ur", Version: 1})
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%s: tags %v (%v), want %v", c.kind, got, err, c.want)
		}
	}
}
