package search_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// followed is a newsroom with an index that follows it.
type followed struct {
	*newsroom
	ix *search.Index
	f  *search.Follower
}

func newFollowed(t *testing.T, db store.Store) *followed {
	t.Helper()
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	n := newNewsroom(t, db)
	f, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix, Now: func() time.Time { return n.now }})
	if err != nil {
		t.Fatal(err)
	}
	return &followed{newsroom: n, ix: ix, f: f}
}

func (x *followed) follow(t *testing.T) int {
	t.Helper()
	n, err := x.f.FollowOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// found lists the stories a query finds in a scope, every page of them,
// and whether each hit was a working copy.
func (x *followed) found(t *testing.T, scope search.Scope, q string) map[int64]bool {
	t.Helper()
	out := map[int64]bool{}
	for offset := 0; ; offset += 100 {
		res, err := x.ix.Search(context.Background(), search.Request{Query: q, Scope: scope, Offset: offset, Limit: 100})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		for _, h := range res.Hits {
			if _, dup := out[h.StoryID]; dup {
				t.Errorf("search %q: story %d found twice", q, h.StoryID)
			}
			out[h.StoryID] = h.Working
		}
		if len(res.Hits) < 100 {
			if int(res.Total) != len(out) {
				t.Errorf("search %q: total %d, %d hits", q, res.Total, len(out))
			}
			return out
		}
	}
}

func (x *followed) position(t *testing.T) int64 {
	t.Helper()
	pos, err := x.ix.Position()
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

func (x *followed) lastSeq(t *testing.T) int64 {
	t.Helper()
	last, err := x.db.LastSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return last
}

func keys(m map[int64]bool) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestFollowerKeepsPublicAndDeskApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newFollowed(t, db)
		if n := x.follow(t); n != 0 || x.position(t) != 0 {
			t.Fatalf("empty log: %d rebuilt, position %d", n, x.position(t))
		}
		pub := x.create(t, "en", "Harbour cranes arrive", "The cranes reached the harbour.")
		x.publish(t, pub.ID, time.Time{})
		draft := x.create(t, "en", "Harbour strike planned", "Dockers plan a strike.")

		// A new index catches up with the whole store.
		if n := x.follow(t); n != 2 {
			t.Errorf("first pass rebuilt %d stories, want 2", n)
		}
		if x.position(t) != x.lastSeq(t) {
			t.Errorf("position %d, log at %d", x.position(t), x.lastSeq(t))
		}
		if got := keys(x.found(t, search.ScopePublic, "harbour")); !slices.Equal(got, []int64{pub.ID}) {
			t.Errorf("public search found %v, want only the published story %d", got, pub.ID)
		}
		if got := keys(x.found(t, search.ScopeDesk, "harbour")); !slices.Equal(got, []int64{pub.ID, draft.ID}) {
			t.Errorf("desk search found %v, want %d and the draft %d", got, pub.ID, draft.ID)
		}

		// A word only in a published story's working copy: the desk finds
		// the working copy, readers do not; readers still find the version.
		x.edit(t, pub.ID, func(s *story.Story) { s.Body = "The cranes reached the harbour. Gantry inspection follows." })
		if n := x.follow(t); n != 1 {
			t.Errorf("one edit rebuilt %d stories", n)
		}
		if got := x.found(t, search.ScopePublic, "gantry"); len(got) != 0 {
			t.Errorf("readers find an unpublished edit: %v", got)
		}
		if got := x.found(t, search.ScopeDesk, "gantry"); len(got) != 1 || !got[pub.ID] {
			t.Errorf("desk search for the edit: %v, want story %d as a working copy", got, pub.ID)
		}
		if got := x.found(t, search.ScopePublic, "cranes"); len(got) != 1 || got[pub.ID] {
			t.Errorf("readers lost the published version: %v", got)
		}
		if got := x.found(t, search.ScopeDesk, "cranes"); len(got) != 1 || !got[pub.ID] {
			t.Errorf("desk sees %v, want the working copy only", got)
		}

		// Publishing the edit makes it one document again.
		x.publish(t, pub.ID, time.Time{})
		x.follow(t)
		if got := x.found(t, search.ScopePublic, "gantry"); len(got) != 1 || got[pub.ID] {
			t.Errorf("after the correction readers see %v", got)
		}
		if got := x.found(t, search.ScopeDesk, "gantry"); len(got) != 1 || got[pub.ID] {
			t.Errorf("after the correction the desk sees %v, want the published document", got)
		}
		if n, err := x.ix.Count(); err != nil || n != 2 {
			t.Errorf("index holds %d documents (%v), want 2", n, err)
		}
	})
}

func TestFollowerEmbargoAndKill(t *testing.T) {
	x := newFollowed(t, storetest.SQLite(t))
	ctx := context.Background()
	lift := x.now.Add(time.Hour)
	emb := x.create(t, "fr", "Résultats trimestriels", "Les exportations textiles progressent.")
	x.publish(t, emb.ID, lift)
	gone := x.create(t, "fr", "Rappel de produits", "Les exportations reculent.")
	x.publish(t, gone.ID, time.Time{})
	x.follow(t)
	if got := keys(x.found(t, search.ScopePublic, "exportations")); !slices.Equal(got, []int64{gone.ID}) {
		t.Errorf("before the lift readers find %v, want only %d", got, gone.ID)
	}
	if got := x.found(t, search.ScopeDesk, "exportations"); len(got) != 2 {
		t.Errorf("the desk finds %v, want both", got)
	}

	x.now = lift.Add(time.Minute)
	if lifted, err := x.db.LiftEmbargoes(ctx, x.now); err != nil || len(lifted) != 1 {
		t.Fatalf("lift: %v %v", lifted, err)
	}
	x.kill(t, gone.ID)
	x.follow(t)
	if got := keys(x.found(t, search.ScopePublic, "exportations")); !slices.Equal(got, []int64{emb.ID}) {
		t.Errorf("after the lift and the kill readers find %v, want only %d", got, emb.ID)
	}
	if got := x.found(t, search.ScopeDesk, "exportations"); len(got) != 2 || !got[gone.ID] {
		t.Errorf("the desk finds %v, want both, the killed one by its working copy", got)
	}
}

func TestFollowerBatchesAndResumes(t *testing.T) {
	x := newFollowed(t, storetest.SQLite(t))
	first := x.create(t, "en", "Opening story", "Nothing yet.")
	x.publish(t, first.ID, time.Time{})
	x.follow(t)
	start := x.position(t)

	// 260 stories changed three times each: 780 changes, more than one
	// batch, and each story rebuilt once per batch it appears in.
	var ids []int64
	for i := range 260 {
		s := x.create(t, "en", fmt.Sprintf("Bulletin %d", i), "Routine bulletin.")
		x.edit(t, s.ID, func(s *story.Story) { s.Body = "Routine bulletin, revised." })
		x.publish(t, s.ID, time.Time{})
		ids = append(ids, s.ID)
	}
	last := x.lastSeq(t)
	if last-start < 600 {
		t.Fatalf("only %d changes", last-start)
	}
	n := x.follow(t)
	if n < 260 || n > 260+2 {
		t.Errorf("rebuilt %d stories for 260 changed ones", n)
	}
	if x.position(t) != last {
		t.Errorf("position %d, want %d", x.position(t), last)
	}
	if got := x.found(t, search.ScopePublic, "revised"); len(got) != 260 {
		t.Errorf("found %d revised bulletins, want 260", len(got))
	}

	// Nothing new: nothing rebuilt, position unchanged.
	if n := x.follow(t); n != 0 || x.position(t) != last {
		t.Errorf("idle pass rebuilt %d, position %d", n, x.position(t))
	}

	// The index's own position decides where a pass starts: moved back,
	// the pass does the changes after it again, and only those.
	x.edit(t, first.ID, func(s *story.Story) { s.Headline = "Opening story, updated" })
	before := x.lastSeq(t)
	if err := x.ix.Apply(context.Background(), nil, nil, before-1); err != nil {
		t.Fatal(err)
	}
	if n := x.follow(t); n != 1 {
		t.Errorf("pass from the moved position rebuilt %d stories, want 1", n)
	}
	if got := x.found(t, search.ScopeDesk, "updated"); len(got) != 1 || !got[first.ID] {
		t.Errorf("desk search after resuming: %v", got)
	}
}

// hidingStore is the store with one story missing, as after a restore
// from an older backup: the store has no way to delete a story.
type hidingStore struct {
	store.Store
	hide int64
}

func (h hidingStore) Stories(ctx context.Context, ids []int64) (map[int64]story.Story, error) {
	m, err := h.Store.Stories(ctx, ids)
	delete(m, h.hide)
	return m, err
}

func TestFollowerRemovesStoriesThatAreGone(t *testing.T) {
	db := storetest.SQLite(t)
	x := newFollowed(t, db)
	s := x.create(t, "en", "Vanishing story", "Soon gone.")
	x.publish(t, s.ID, time.Time{})
	kept := x.create(t, "en", "Vanishing act reviewed", "Stays.")
	x.follow(t)
	if got := x.found(t, search.ScopeDesk, "vanishing"); len(got) != 2 {
		t.Fatalf("found %v", got)
	}
	f, err := search.NewFollower(search.FollowerOptions{Store: hidingStore{Store: db, hide: s.ID}, Index: x.ix})
	if err != nil {
		t.Fatal(err)
	}
	x.edit(t, s.ID, func(st *story.Story) { st.Summary = "Changed." })
	x.edit(t, kept.ID, func(st *story.Story) { st.Summary = "Changed too." })
	if n, err := f.FollowOnce(context.Background()); err != nil || n != 2 {
		t.Fatalf("pass: %d, %v", n, err)
	}
	if got := keys(x.found(t, search.ScopeDesk, "vanishing")); !slices.Equal(got, []int64{kept.ID}) {
		t.Errorf("desk finds %v, want only %d", got, kept.ID)
	}
	if got := x.found(t, search.ScopePublic, "vanishing"); len(got) != 0 {
		t.Errorf("readers find %v of a story that is gone", got)
	}
}

func TestReindex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newFollowed(t, db)
		var want []int64
		for i := range 450 {
			s := x.create(t, []string{"en", "ur", "zh", "ar", "ru", "fr", "es"}[i%7], fmt.Sprintf("Archive item %d", i), "Archive text.")
			if i%3 != 0 {
				x.publish(t, s.ID, time.Time{})
			}
			want = append(want, s.ID)
		}
		// Something stale in the index that reindex must clear.
		if err := x.ix.Apply(context.Background(), []search.Doc{{StoryID: 999999, Lang: "en", Headline: "Stale archive",
			Section: "world", Public: true, Desk: true}}, nil, 0); err != nil {
			t.Fatal(err)
		}
		last := x.lastSeq(t)
		var calls [][2]int
		n, err := x.f.Reindex(context.Background(), func(done, total int) { calls = append(calls, [2]int{done, total}) })
		if err != nil {
			t.Fatal(err)
		}
		if n != 450 {
			t.Errorf("reindexed %d stories, want 450", n)
		}
		if x.position(t) != last {
			t.Errorf("position %d, want the log's end before the rebuild %d", x.position(t), last)
		}
		if c, _ := x.ix.Count(); c != 450 {
			t.Errorf("%d documents, want 450", c)
		}
		if len(calls) < 2 || calls[0] != [2]int{0, 450} || calls[len(calls)-1] != [2]int{450, 450} {
			t.Errorf("progress calls %v", calls)
		}
		for i := 1; i < len(calls); i++ {
			if calls[i][0] < calls[i-1][0] {
				t.Errorf("progress went back: %v", calls)
			}
		}
		if got := x.found(t, search.ScopeDesk, "stale"); len(got) != 0 {
			t.Errorf("reindex kept a stale document: %v", got)
		}
		got := keys(x.found(t, search.ScopeDesk, "archive"))
		if !slices.Equal(got, want) {
			t.Errorf("desk finds %d stories after reindex, want %d", len(got), len(want))
		}
		// What changes after the rebuild's start is picked up by the next pass.
		x.edit(t, want[0], func(s *story.Story) { s.Body = "Archive text, amended." })
		if n := x.follow(t); n != 1 {
			t.Errorf("pass after reindex rebuilt %d", n)
		}
	})
}
