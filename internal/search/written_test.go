package search_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// readCounter is a store that records which stories were read back.
type readCounter struct {
	store.Store
	mu   sync.Mutex
	read map[int64]int
}

func (c *readCounter) Stories(ctx context.Context, ids []int64) (map[int64]story.Story, error) {
	c.mu.Lock()
	for _, id := range ids {
		c.read[id]++
	}
	c.mu.Unlock()
	return c.Store.Stories(ctx, ids)
}

func (c *readCounter) readBack() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int64
	for id := range c.read {
		out = append(out, id)
	}
	slices.Sort(out)
	clear(c.read)
	return out
}

// importStories creates stories the way the importer does and describes
// them as the importer's Stored hook does.
func importStories(t *testing.T, db store.Store, publish bool, headlines ...string) search.Written {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC)
	var in []store.ImportedStory
	for _, h := range headlines {
		s := story.Story{Lang: "en", Headline: h, Slug: "s", Section: "world", Body: h + " reported today.", Status: story.StatusDraft}
		if publish {
			s.Status = story.StatusPublished
		}
		in = append(in, store.ImportedStory{Story: s, PublishedAt: at})
	}
	res, err := db.ImportStories(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var w search.Written
	for i, r := range res {
		s := in[i].Story
		s.ID, s.FamilyID = r.StoryID, r.FamilyID
		if publish {
			s.Version, s.PublishedAt = 1, at
		}
		w.Stories = append(w.Stories, s)
	}
	if w.Seq, err = db.LastSeq(ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestFollowWritten(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rc := &readCounter{Store: db, read: map[int64]int{}}
		ix, err := search.OpenMemory()
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		f, err := search.NewFollower(search.FollowerOptions{Store: rc, Index: ix})
		if err != nil {
			t.Fatal(err)
		}
		x := &followed{newsroom: newNewsroom(t, db), ix: ix, f: f}

		// An index that never followed the log is built from the store.
		first := importStories(t, db, true, "Lighthouse keeper retires")
		if _, err := f.FollowWritten(ctx, first); err != nil {
			t.Fatal(err)
		}
		rc.readBack()
		if got := keys(x.found(t, search.ScopePublic, "lighthouse")); !slices.Equal(got, []int64{first.Stories[0].ID}) {
			t.Errorf("new index: found %v", got)
		}
		if x.position(t) != first.Seq {
			t.Errorf("position %d, want %d", x.position(t), first.Seq)
		}

		// Following: published stories are indexed as written, without
		// reading them back; a draft, a story someone edited before the
		// batch's position was read, and another writer's story are read.
		other := x.create(t, "en", "Lighthouse museum opens", "Visitors climbed the tower.")
		w := importStories(t, db, true, "Lighthouse lamp replaced", "Lighthouse storm damage")
		drafts := importStories(t, db, false, "Lighthouse draft notes")
		edited := w.Stories[1]
		x.edit(t, edited.ID, func(s *story.Story) { s.Body = "Lighthouse storm damage: keepers count broken panes." })
		w.Stories = append(w.Stories, drafts.Stories...)
		if w.Seq, err = db.LastSeq(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := f.FollowWritten(ctx, w); err != nil {
			t.Fatal(err)
		}
		want := []int64{other.ID, edited.ID, drafts.Stories[0].ID}
		slices.Sort(want)
		if got := rc.readBack(); !slices.Equal(got, want) {
			t.Errorf("read back %v, want only %v", got, want)
		}
		if x.position(t) != w.Seq {
			t.Errorf("position %d, want %d", x.position(t), w.Seq)
		}
		if got := keys(x.found(t, search.ScopePublic, "lighthouse")); !slices.Equal(got, []int64{first.Stories[0].ID, w.Stories[0].ID, edited.ID}) {
			t.Errorf("public search found %v", got)
		}
		if got := x.found(t, search.ScopeDesk, "panes"); len(got) != 1 || !got[edited.ID] {
			t.Errorf("the edit made meanwhile is not what the desk finds: %v", got)
		}
		if got := keys(x.found(t, search.ScopeDesk, "lighthouse")); len(got) != 5 {
			t.Errorf("desk search found %v, want all five stories", got)
		}

		// A batch the index is past already changes nothing.
		if n, err := f.FollowWritten(ctx, first); err != nil || n != 0 {
			t.Errorf("an old batch again: %d stories, %v", n, err)
		}
		if x.position(t) != w.Seq || len(rc.readBack()) != 0 {
			t.Errorf("an old batch moved the position or read the store")
		}

		// The documents of a story indexed as written are those the store
		// would give.
		got := search.StoryDocs(w.Stories[0], &w.Stories[0])
		fromStore, gone, err := search.Docs(ctx, db, []int64{w.Stories[0].ID}, time.Now())
		if err != nil || len(gone) != 0 {
			t.Fatalf("docs from the store: %v %v", gone, err)
		}
		if len(got) != 1 || len(fromStore) != 1 || !sameDoc(got[0], fromStore[0]) {
			t.Errorf("as written %+v\nfrom the store %+v", got, fromStore)
		}
	})
}

func sameDoc(a, b search.Doc) bool {
	same := slices.Equal(a.Tags, b.Tags) && a.Time.Equal(b.Time)
	a.Tags, b.Tags, a.Time, b.Time = nil, nil, time.Time{}, time.Time{}
	return same && reflect.DeepEqual(a, b)
}
