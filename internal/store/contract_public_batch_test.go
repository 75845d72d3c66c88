package store

import (
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/qasid/qasid/internal/story"
)

func publicBatchContract() []contractTest {
	return []contractTest{
		{"public stories by id", testPublicStoriesByID},
		{"public stories by id: many ids", testPublicStoriesByIDMany},
	}
}

// testPublicStoriesByID: the batch read sees exactly what PublicStory
// sees, story by story: the published version, never the working copy,
// and nothing of a draft, a killed story, one under embargo or an id that
// names no story.
func testPublicStoriesByID(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	pub := draft(t, db, fam, "en", func(s *story.Story) { s.Body = "Version one."; s.Tags = []string{"a"} })
	publish(t, db, pub.ID, at(1))
	corrected := draft(t, db, family(t, db), "en", func(s *story.Story) { s.Body = "First." })
	c := publish(t, db, corrected.ID, at(1))
	c.Body = "Corrected."
	if err := db.UpdateStory(ctx, &c); err != nil {
		t.Fatal(err)
	}
	publish(t, db, corrected.ID, at(2))
	plain := draft(t, db, fam, "ur")
	killed := draft(t, db, family(t, db), "fr")
	publish(t, db, killed.ID, at(1))
	if _, err := db.KillStory(ctx, killed.ID, Kill{Notice: "Withdrawn.", At: at(3)}); err != nil {
		t.Fatal(err)
	}
	embargoed := draft(t, db, family(t, db), "es")
	if _, err := db.PublishStory(ctx, embargoed.ID, Publish{At: at(1), EmbargoUntil: at(120)}); err != nil {
		t.Fatal(err)
	}
	// The working copy changes after publication; readers do not see it.
	w, err := db.Story(ctx, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.Headline, w.Body = "Unpublished headline", "Unpublished body."
	if err := db.UpdateStory(ctx, &w); err != nil {
		t.Fatal(err)
	}

	all := []int64{pub.ID, corrected.ID, plain.ID, killed.ID, embargoed.ID, 987654, pub.ID}
	for _, now := range []int{4, 121} {
		got, err := db.PublicStoriesByID(ctx, all, at(now))
		if err != nil {
			t.Fatalf("at %d: %v", now, err)
		}
		// Whatever the batch holds, PublicStory says the same, story by story.
		var want []int64
		for _, id := range all {
			one, err := db.PublicStory(ctx, id, at(now))
			if err != nil {
				if _, ok := got[id]; ok {
					t.Errorf("at %d: batch holds %d, which PublicStory refuses (%v)", now, id, err)
				}
				continue
			}
			if !slices.Contains(want, id) {
				want = append(want, id)
			}
			if !reflect.DeepEqual(got[id], one) {
				t.Errorf("at %d: batch gives %+v for %d, PublicStory %+v", now, got[id], id, one)
			}
		}
		if len(got) != len(want) {
			t.Errorf("at %d: batch holds %d stories, want %v", now, len(got), want)
		}
		// The cards are the same stories without their bodies.
		cards, err := db.PublicCardsByID(ctx, all, at(now))
		if err != nil {
			t.Fatalf("cards at %d: %v", now, err)
		}
		for id, st := range got {
			st.Body = ""
			if !reflect.DeepEqual(cards[id], st) {
				t.Errorf("at %d: card %+v for %d, want %+v", now, cards[id], id, st)
			}
		}
		if len(cards) != len(got) {
			t.Errorf("at %d: %d cards for %d stories", now, len(cards), len(got))
		}
	}
	got, err := db.PublicStoriesByID(ctx, all, at(4))
	if err != nil {
		t.Fatal(err)
	}
	if s := got[pub.ID]; s.Headline != "Headline en" || s.Body != "Version one." || !slices.Equal(s.Tags, []string{"a"}) {
		t.Errorf("published story read as %q %q %v; want the published version", s.Headline, s.Body, s.Tags)
	}
	if s := got[corrected.ID]; s.Body != "Corrected." || s.Version != 2 {
		t.Errorf("corrected story read as %q v%d; want the correction", s.Body, s.Version)
	}
	for _, id := range []int64{plain.ID, killed.ID, embargoed.ID} {
		if _, ok := got[id]; ok {
			t.Errorf("story %d (draft, killed or under embargo) is in the batch", id)
		}
	}
	if later, _ := db.PublicStoriesByID(ctx, []int64{embargoed.ID}, at(121)); len(later) != 1 {
		t.Errorf("after its embargo, story %d is not in the batch", embargoed.ID)
	}

	// Nothing asked, nothing found, and ids no story can have.
	for _, ids := range [][]int64{nil, {}, {0, -1, math.MinInt64, math.MaxInt64}} {
		got, err := db.PublicStoriesByID(ctx, ids, at(4))
		if err != nil || len(got) != 0 {
			t.Errorf("PublicStoriesByID(%v) = %v, %v; want an empty map", ids, got, err)
		}
	}
}

// testPublicStoriesByIDMany: more ids than one query takes, the stories
// found in every part.
func testPublicStoriesByIDMany(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	var stories []int64
	for range 3 {
		s := draft(t, db, family(t, db), "en")
		publish(t, db, s.ID, at(1))
		stories = append(stories, s.ID)
	}
	// The stories sit at the start, across the first chunk boundary and at
	// the end of 2.5 chunks of ids, most of which name no story.
	n := storiesChunk*5/2 + 1
	ids := make([]int64, 0, n)
	for i := range n {
		ids = append(ids, int64(1_000_000+i))
	}
	ids[0], ids[storiesChunk], ids[n-1] = stories[0], stories[1], stories[2]
	got, err := db.PublicStoriesByID(t.Context(), ids, at(2))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(stories) {
		t.Errorf("batch of %d ids found %d stories, want %v", n, len(got), stories)
	}
	for _, id := range stories {
		if got[id].ID != id {
			t.Errorf("story %d missing from the batch", id)
		}
	}
}
