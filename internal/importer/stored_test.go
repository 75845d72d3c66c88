package importer

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/clock"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// The stories an import hands to ImportOptions.Stored are the stories as
// stored: a search index can be built from them instead of from the store
// and come out the same. Each batch's position covers its changes.
func TestImportStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		world(t, db)
		// A clock with nanoseconds, which the store does not keep.
		s := newService(t, db, Options{Now: clock.NewFake(start.Add(123456789)).Now})
		in := file() + "\n" +
			`{"id":"d:1:fr","lang":"fr","headline":"Daté","body":"` + text(8, 40) + `","published":"2026-04-01T10:11:12.987654321Z","source":"S","tags":["Élections","Paris"]}`
		var batches []Stored
		sum, err := s.Import(ctx, strings.NewReader(in), "wire.jsonl", ImportOptions{Publish: true, BatchSize: 3, Stored: func(b Stored) { batches = append(batches, b) }})
		if err != nil {
			t.Fatal(err)
		}
		if len(batches) < 2 {
			t.Fatalf("%d batches handed over, want one per batch that made stories", len(batches))
		}
		changes, err := db.Changes(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		lastSeq := int64(0)
		now := start.Add(time.Hour)
		for _, b := range batches {
			if b.Seq < lastSeq {
				t.Errorf("positions go back: %d after %d", b.Seq, lastSeq)
			}
			lastSeq = b.Seq
			for _, st := range b.Stories {
				ids = append(ids, st.ID)
				for _, ch := range changes {
					if ch.StoryID == st.ID && ch.Seq > b.Seq {
						t.Errorf("story %d has change %d after its batch's position %d", st.ID, ch.Seq, b.Seq)
					}
				}
				stored, err := db.Story(ctx, st.ID)
				if err != nil {
					t.Fatal(err)
				}
				if st.FamilyID != stored.FamilyID || st.Version != 1 || st.Status != story.StatusPublished || !st.PublishedAt.Equal(stored.PublishedAt) {
					t.Errorf("story %d handed over as family %d v%d %s at %v; stored as family %d at %v",
						st.ID, st.FamilyID, st.Version, st.Status, st.PublishedAt, stored.FamilyID, stored.PublishedAt)
				}
				want, gone, err := search.Docs(ctx, db, []int64{st.ID}, now)
				if err != nil || len(gone) != 0 {
					t.Fatalf("documents of story %d from the store: %v, %v", st.ID, gone, err)
				}
				if got := search.StoryDocs(st, &st); !sameDocs(got, want) {
					t.Errorf("story %d: documents as handed over\n%+v\nfrom the store\n%+v", st.ID, got, want)
				}
			}
		}
		slices.Sort(ids)
		if len(slices.Compact(ids)) != sum.Imported || sum.Imported != 6 {
			t.Errorf("%d stories handed over, %d imported", len(ids), sum.Imported)
		}

		// Drafts are handed over too, as drafts.
		batches = nil
		sum, err = s.Import(ctx, strings.NewReader(line("dr:1:en", "en", "Draft", text(40, 30), "")), "d.jsonl", ImportOptions{Stored: func(b Stored) { batches = append(batches, b) }})
		if err != nil || sum.Imported != 1 || len(batches) != 1 || len(batches[0].Stories) != 1 {
			t.Fatalf("draft import: %+v, %d batches, %v", sum, len(batches), err)
		}
		if d := batches[0].Stories[0]; d.Status != story.StatusDraft || d.Version != 0 || !d.PublishedAt.IsZero() || d.ID == 0 {
			t.Errorf("draft handed over as %+v", d)
		}
	})
}

func sameDocs(a, b []search.Doc) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !x.Time.Equal(y.Time) || !slices.Equal(x.Tags, y.Tags) {
			return false
		}
		x.Time, y.Time, x.Tags, y.Tags = time.Time{}, time.Time{}, nil, nil
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}
