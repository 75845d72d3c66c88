package related_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// glacier publishes the filler and eight English stories about glaciers,
// similar enough that each has a full list, and returns the glacier ones.
func (f *fixture) glacier(t *testing.T) []story.Story {
	t.Helper()
	f.filler(t)
	var out []story.Story
	for i, s := range []struct{ h, b string }{
		{"Glacier monitoring stations open in the Karakoram", "Scientists opened glacier monitoring stations to measure melting ice and the risk of floods."},
		{"Glacier melt speeds up in the Karakoram", "Melting ice in Karakoram glacier valleys raises the risk of floods, scientists say."},
		{"Glacier lake floods threaten mountain villages", "Floods from glacier lakes threaten villages as the ice melts."},
		{"Scientists warn of a hotter summer for glaciers", "Climate scientists warn the heat will speed up melting glacier ice."},
		{"Monitoring stations to track glacier ice", "New stations will measure how fast the ice of each glacier melts."},
		{"Flood warnings issued for northern glacier valleys", "Melting glacier ice swells rivers; the floods may reach villages."},
		{"Karakoram glaciers surge while others melt", "Some glaciers of the Karakoram grow as scientists measure the ice."},
		{"Villagers move away from glacier lakes", "Families leave villages below glacier lakes before the floods."},
	} {
		tags := []string{"glaciers"}
		if i%2 == 0 {
			tags = append(tags, "climate")
		}
		out = append(out, f.published(t, "en", s.h, s.b, tags...))
	}
	return out
}

// caughtUp tells the index it holds the whole change log, as the search
// follower's position would after indexing it.
func (f *fixture) caughtUp(t *testing.T) int64 {
	t.Helper()
	last, err := f.db.LastSeq(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := f.ix.Apply(t.Context(), nil, nil, last); err != nil {
		t.Fatal(err)
	}
	return last
}

func (f *fixture) pageIDs(t *testing.T, svc *related.Service, st story.Story, now time.Time) []int64 {
	t.Helper()
	list, err := svc.ForPage(t.Context(), st, now)
	if err != nil {
		t.Fatalf("page list of %d: %v", st.ID, err)
	}
	return storyIDs(list)
}

// TestLists: the follower works out a list for every published story, no
// further than the index has read; a page reads its list and shows what a
// live search would, with the editors' choices, links and kills applied;
// a correction's page searches live until its list is worked out again.
func TestLists(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newFixture(t, db)
		now := base.Add(24 * time.Hour) // the stories are a day old: no neighbours are refreshed
		svc := related.New(related.Options{Store: db, Index: f.ix, Now: func() time.Time { return now }, Workers: 2})
		gl := f.glacier(t)
		main := gl[0]

		// No list yet: the page searches live.
		if got, want := f.pageIDs(t, svc, main, now), f.forIDs(t, main, now); !slices.Equal(got, want) || len(want) != related.Limit {
			t.Fatalf("page without a list %v, live %v; want the same five", got, want)
		}

		// The index has read only half the log: so far and no further.
		last, err := db.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		half := last / 2
		if err := f.ix.Apply(ctx, nil, nil, half); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CatchUp(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if seq, err := db.FollowerSeq(ctx, related.FollowerName); err != nil || seq != half {
			t.Fatalf("follower at %d (%v), want the index's %d", seq, err, half)
		}
		f.caughtUp(t)
		if _, err := svc.CatchUp(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if seq, _ := db.FollowerSeq(ctx, related.FollowerName); seq != last {
			t.Fatalf("follower at %d, want %d", seq, last)
		}
		for _, st := range gl {
			l, ok, err := db.RelatedList(ctx, st.ID)
			if err != nil || !ok || l.Version != st.Version {
				t.Fatalf("list of %d: %+v ok %v err %v", st.ID, l, ok, err)
			}
			want, err := svc.Candidates(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(l.IDs, want) || len(l.IDs) < related.Limit {
				t.Errorf("list of %d %v, want the index's %v", st.ID, l.IDs, want)
			}
			if got, live := f.pageIDs(t, svc, st, now), f.forIDs(t, st, now); !slices.Equal(got, live) {
				t.Errorf("page of %d %v, live %v", st.ID, got, live)
			}
		}

		// The page reads the stored list: a list stored by hand, in an
		// order the index would not give, is what it shows.
		l, _, _ := db.RelatedList(ctx, main.ID)
		mine := slices.Clone(l.IDs)
		slices.Reverse(mine)
		if _, err := db.SaveRelatedLists(ctx, related.FollowerName, last, []store.RelatedList{{StoryID: main.ID, Version: main.Version, IDs: mine}}); err != nil {
			t.Fatal(err)
		}
		if got := f.pageIDs(t, svc, main, now); !slices.Equal(got, mine[:related.Limit]) {
			t.Errorf("page %v, want the stored list's first five %v", got, mine[:related.Limit])
		}
		if _, err := db.SaveRelatedLists(ctx, related.FollowerName, last, []store.RelatedList{l}); err != nil {
			t.Fatal(err)
		}

		// Pins, exclusions and kills are applied when the page renders.
		live := f.forIDs(t, main, now)
		f.choose(t, main.ID, live[3], store.RelatedPin)
		f.choose(t, main.ID, live[0], store.RelatedExclude)
		f.kill(t, live[1])
		got, want := f.pageIDs(t, svc, main, now), f.forIDs(t, main, now)
		if !slices.Equal(got, want) || got[0] != live[3] || contains(got, live[0]) || contains(got, live[1]) {
			t.Errorf("page %v, live %v: want the pin %d first, without %d (excluded) and %d (killed)", got, want, live[3], live[0], live[1])
		}

		// A correction: the page searches live until the follower has
		// worked its list out again, for the new version.
		fixed, err := db.PublishStory(ctx, gl[2].ID, store.Publish{At: base.Add(2 * time.Hour), CorrectionNote: "Spelling."})
		if err != nil {
			t.Fatal(err)
		}
		f.index(t, fixed)
		if got, want := f.pageIDs(t, svc, fixed, now), f.forIDs(t, fixed, now); !slices.Equal(got, want) {
			t.Errorf("corrected page %v, live %v", got, want)
		}
		f.caughtUp(t)
		if _, err := svc.CatchUp(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if l, _, _ := db.RelatedList(ctx, fixed.ID); l.Version != fixed.Version {
			t.Errorf("list of the corrected story at version %d, want %d", l.Version, fixed.Version)
		}
	})
}

// TestListsNeighbours: a story published within the week joins the lists
// of the stories most like it, and each list that changed appends a
// related change, so that cached pages drop; an archive story's does not.
func TestListsNeighbours(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	f := newFixture(t, db)
	now := base.Add(time.Hour)
	svc := related.New(related.Options{Store: db, Index: f.ix, Now: func() time.Time { return now }})
	f.glacier(t)
	f.caughtUp(t)
	if _, err := svc.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	before, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh := f.published(t, "en", "Glacier lake floods: villages in the Karakoram move away from melting ice",
		"Scientists say glacier lakes in the Karakoram swell as the ice melts, and villages below them prepare for floods.", "glaciers", "climate")
	f.caughtUp(t)
	if _, err := svc.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	l, _, _ := db.RelatedList(ctx, fresh.ID)
	joined := 0
	for _, id := range l.IDs[:related.Limit] {
		nl, ok, err := db.RelatedList(ctx, id)
		if err != nil || !ok {
			t.Fatalf("list of %d: ok %v err %v", id, ok, err)
		}
		if slices.Contains(nl.IDs, fresh.ID) {
			joined++
		}
	}
	if joined == 0 {
		t.Errorf("the new story is in none of the lists of the stories most like it (%v)", l.IDs)
	}
	chs, err := db.Changes(ctx, before, 100)
	if err != nil {
		t.Fatal(err)
	}
	var relatedChanges []int64
	for _, ch := range chs {
		if ch.Kind == story.ChangeRelated {
			relatedChanges = append(relatedChanges, ch.StoryID)
		}
	}
	if len(relatedChanges) != joined {
		t.Errorf("related changes for %v; want one for each of the %d lists the new story joined", relatedChanges, joined)
	}

	// A story first published long ago (an import) leaves other lists be.
	before = f.caughtUp(t)
	old := f.draft(t, "en", "Glacier floods reach Karakoram villages", "Melting glacier ice floods villages in the Karakoram.", "glaciers")
	if _, err := db.PublishStory(ctx, old.ID, store.Publish{At: now.Add(-30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	old, _ = db.Story(ctx, old.ID)
	f.index(t, old)
	f.caughtUp(t)
	if _, err := svc.CatchUp(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := db.RelatedList(ctx, old.ID); !ok {
		t.Error("the archive story has no list")
	}
	chs, _ = db.Changes(ctx, before, 100)
	for _, ch := range chs {
		if ch.Kind == story.ChangeRelated {
			t.Errorf("an archive story changed the list of %d", ch.StoryID)
		}
	}
}

// TestListsRun: the follower's loop takes the lease and keeps up with the
// log as it grows; a node that does not hold the lease works nothing out.
func TestListsRun(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFixture(t, db)
	now := time.Now()
	svc := related.New(related.Options{Store: db, Index: f.ix})
	f.glacier(t)
	last := f.caughtUp(t)

	// Another node holds the lease: this one waits.
	if held, err := db.TryLease(t.Context(), "related", "other", now, now.Add(time.Hour)); err != nil || !held {
		t.Fatalf("lease for the other node: %v %v", held, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx, 20*time.Millisecond, "me") }()
	time.Sleep(200 * time.Millisecond)
	if seq, _ := db.FollowerSeq(t.Context(), related.FollowerName); seq != 0 {
		t.Errorf("follower moved to %d while another node held the lease", seq)
	}
	if err := db.ReleaseLease(t.Context(), "related", "other"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		seq, err := db.FollowerSeq(t.Context(), related.FollowerName)
		if err != nil {
			t.Fatal(err)
		}
		if seq == last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("follower at %d after 10 s, want %d", seq, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	// A clean stop gives the lease up.
	if held, err := db.TryLease(t.Context(), "related", "other", now, now.Add(time.Hour)); err != nil || !held {
		t.Errorf("lease after the loop stopped: %v %v", held, err)
	}
}

// TestListsRunShort: a page whose stored list loses too many stories (a
// kill, a deletion since) searches live when the list was full, since the
// index may hold more than it kept; a list the index could not fill is
// all there is, and the page shows what survives of it.
func TestListsRunShort(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	f := newFixture(t, db)
	now := base.Add(24 * time.Hour)
	svc := related.New(related.Options{Store: db, Index: f.ix, Now: func() time.Time { return now }})
	gl := f.glacier(t)
	main, last := gl[0], f.caughtUp(t)
	live := f.forIDs(t, main, now)
	if len(live) != related.Limit {
		t.Fatalf("live list %v, want %d", live, related.Limit)
	}
	// A full list of which only two stories are still there.
	full := []int64{gl[3].ID, gl[5].ID}
	for i := int64(1); len(full) < related.Stored; i++ {
		full = append(full, 1_000_000+i)
	}
	if _, err := db.SaveRelatedLists(ctx, related.FollowerName, last, []store.RelatedList{{StoryID: main.ID, Version: main.Version, IDs: full}}); err != nil {
		t.Fatal(err)
	}
	if got := f.pageIDs(t, svc, main, now); !slices.Equal(got, live) {
		t.Errorf("full list run short: page %v, want the live search's %v", got, live)
	}
	// The same two survivors in a list the index could not fill.
	short := append([]int64{}, full[:related.Stored-1]...)
	if _, err := db.SaveRelatedLists(ctx, related.FollowerName, last, []store.RelatedList{{StoryID: main.ID, Version: main.Version, IDs: short}}); err != nil {
		t.Fatal(err)
	}
	if got := f.pageIDs(t, svc, main, now); !slices.Equal(got, []int64{gl[3].ID, gl[5].ID}) {
		t.Errorf("short list: page %v, want the two survivors %d and %d", got, gl[3].ID, gl[5].ID)
	}
}

// TestRefreshFails: a closed index is an error of the pass, and the
// follower stays where it was.
func TestRefreshFails(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFixture(t, db)
	svc := related.New(related.Options{Store: db, Index: f.ix})
	f.glacier(t)
	f.caughtUp(t)
	if err := f.ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(t.Context(), nil); !errors.Is(err, search.ErrClosed) {
		t.Errorf("with a closed index: %v, want search.ErrClosed", err)
	}
	if seq, err := db.FollowerSeq(t.Context(), related.FollowerName); err != nil || seq != 0 {
		t.Errorf("follower at %d (%v) after a failed pass", seq, err)
	}
}
