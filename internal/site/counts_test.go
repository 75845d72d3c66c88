package site_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// countingStore counts the section counts asked of the store.
type countingStore struct {
	store.Store
	n atomic.Int64
}

func (c *countingStore) CountPublished(ctx context.Context, q store.ListQuery) (int, error) {
	if q.Section != "" {
		c.n.Add(1)
	}
	return c.Store.CountPublished(ctx, q)
}

// TestSectionCountsRemembered: a section's count is read once while the
// change log stays put, again after a publication (and the page lists the
// new story with it), and again once it is a minute old.
func TestSectionCountsRemembered(t *testing.T) {
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	var cs *countingStore
	f := newFixture(t, func(o *site.Options) {
		cs = &countingStore{Store: o.Store}
		o.Store, o.Now = cs, now
	})
	ctx, db := context.Background(), f.db

	get := func(wantCounts int64, wantText string) {
		t.Helper()
		res := f.get(t, "/en/business/")
		if res.status != 200 || !strings.Contains(res.body, wantText) {
			t.Fatalf("section page: %d, want 200 with %q", res.status, wantText)
		}
		if got := cs.n.Load(); got != wantCounts {
			t.Errorf("%d section counts asked of the store, want %d", got, wantCounts)
		}
	}
	get(1, "</html>")
	get(1, "</html>")

	fam, err := db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	st := story.Story{FamilyID: fam, Lang: "en", Headline: "Cotton mills report a busy quarter", Section: "business", Status: story.StatusDraft}
	if err := db.CreateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(ctx, st.ID, store.Publish{At: now().Add(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	get(2, "Cotton mills report a busy quarter")
	get(2, "Cotton mills report a busy quarter")
	clock.Add(int64(2 * time.Minute))
	get(3, "Cotton mills report a busy quarter")
}
