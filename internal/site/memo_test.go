package site_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// countingStore counts the section counts and the section lists asked of
// the store.
type countingStore struct {
	store.Store
	n        atomic.Int64
	sections atomic.Int64
}

func (c *countingStore) Sections(ctx context.Context) ([]story.Section, error) {
	c.sections.Add(1)
	return c.Store.Sections(ctx)
}

func (c *countingStore) CountPublished(ctx context.Context, q store.ListQuery) (int, error) {
	if q.Section != "" {
		c.n.Add(1)
	}
	return c.Store.CountPublished(ctx, q)
}

// TestSectionCountsRemembered: a section's count and the frame (the
// agency and sections) are read once while the change log stays put,
// again after a publication (and the page lists the new story with it),
// and again once they are a minute old; a section saved meanwhile shows
// in the menu then.
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
		for _, path := range []string{"/en/business/", "/en/", "/ur/business/"} {
			res := f.get(t, path)
			if res.status != 200 || !strings.Contains(res.body, wantText) {
				t.Fatalf("%s: %d, want 200 with %q", path, res.status, wantText)
			}
		}
		if got := cs.n.Load(); got != 2*wantCounts {
			t.Errorf("%d section counts asked of the store, want %d", got, 2*wantCounts)
		}
		// The home page reads the sections for its blocks, the frame for
		// its menu: one read for all three pages.
		if got := cs.sections.Load(); got != wantCounts {
			t.Errorf("sections read %d times, want %d", got, wantCounts)
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

	// Sections are saved without a change of their own: the menu shows
	// a new one at the latest once what was read is a minute old.
	if err := db.SaveSection(ctx, story.Section{Key: "weather", Position: 99, Names: map[string]string{"en": "Weather desk"}}); err != nil {
		t.Fatal(err)
	}
	clock.Add(int64(2 * time.Minute))
	get(3, "Weather desk")
}

// watchedStore counts the related cards asked of the store, and fails
// the log's end or the cards on demand.
type watchedStore struct {
	store.Store
	cards              atomic.Int64
	failSeq, failCards atomic.Bool
}

func (w *watchedStore) LastSeq(ctx context.Context) (int64, error) {
	if w.failSeq.Load() {
		return 0, errors.New("store down")
	}
	return w.Store.LastSeq(ctx)
}

func (w *watchedStore) PublicCardsByID(ctx context.Context, ids []int64, now time.Time) (map[int64]story.Story, error) {
	if w.failCards.Load() {
		return nil, errors.New("store down")
	}
	w.cards.Add(int64(len(ids)))
	return w.Store.PublicCardsByID(ctx, ids, now)
}

// watchedSite is the demo site with related stories, over a watchedStore.
func watchedSite(t *testing.T) (*fixture, *watchedStore) {
	t.Helper()
	base := newFixture(t)
	ws := &watchedStore{Store: base.db}
	s, err := site.New(site.Options{Store: ws, Catalog: base.cat, BaseURL: origin, Search: relatedIndex(t, base.db)})
	if err != nil {
		t.Fatal(err)
	}
	f := *base
	f.srv = httptest.NewServer(s.Handler())
	t.Cleanup(f.srv.Close)
	return &f, ws
}

// TestRelatedCardsRemembered: a related story's card is read once while
// the change log stays put; a second render of the same pages reads none,
// shows the same cards, and a kill (which moves the log) drops the
// killed story's card from them at once.
func TestRelatedCardsRemembered(t *testing.T) {
	f, cs := watchedSite(t)

	keys := []string{"03-islamabad-electric-buses", "04-lahore-smog-school-hours", "09-glacier-monitoring-stations", "11-lahore-literature-festival"}
	render := func() map[string]string {
		blocks := map[string]string{}
		for _, key := range keys {
			st := f.member(t, key, "en")
			r := f.get(t, relatedPath(st))
			if r.status != 200 {
				t.Fatalf("%s: %d", key, r.status)
			}
			blocks[key] = relatedBlock(r.body)
		}
		return blocks
	}
	first := render()
	read := cs.cards.Load()
	if read == 0 {
		t.Fatal("no related cards were read: the pages show none")
	}
	if again := render(); !sameBlocks(again, first) {
		t.Error("the second render shows other related stories")
	}
	if n := cs.cards.Load() - read; n != 0 {
		t.Errorf("the second render read %d cards again, want 0", n)
	}

	// Kill a story that one of the pages relates.
	cards := relatedCards(first[keys[0]])
	if len(cards) == 0 {
		t.Fatalf("no related story on %s", keys[0])
	}
	m := regexp.MustCompile(`/([0-9]+)-`).FindStringSubmatch(cards[0].Href)
	if m == nil {
		t.Fatalf("related link %q", cards[0].Href)
	}
	victim, _ := strconv.ParseInt(m[1], 10, 64)
	if _, err := f.db.KillStory(context.Background(), victim, store.Kill{Notice: "Withdrawn.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	after := render()
	if strings.Contains(after[keys[0]], "/"+strconv.FormatInt(victim, 10)+"-") {
		t.Errorf("the killed story %d is still related after the kill", victim)
	}
}

func sameBlocks(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestMemoStoreFailures: when the log's end cannot be read, pages fail
// with an error page that still has its frame (built from an empty
// agency); when related cards cannot be read, the story page fails, and
// nothing of the failure is remembered: the next render shows the cards.
func TestMemoStoreFailures(t *testing.T) {
	f, fs := watchedSite(t)

	fs.failSeq.Store(true)
	for _, path := range []string{"/en/", "/ur/business/", "/en/business/page/30/"} {
		r := f.get(t, path)
		if r.status != http.StatusInternalServerError {
			t.Errorf("%s with the log unreadable: %d, want 500", path, r.status)
		}
		for _, want := range []string{`<html lang=`, `<nav class="languages"`, `<footer>`, `</html>`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("%s: error page without %q", path, want)
			}
		}
	}
	fs.failSeq.Store(false)

	st := f.member(t, "04-lahore-smog-school-hours", "en")
	fs.failCards.Store(true)
	if r := f.get(t, relatedPath(st)); r.status != http.StatusInternalServerError {
		t.Errorf("story page with its related cards unreadable: %d, want 500", r.status)
	}
	fs.failCards.Store(false)
	r := f.get(t, relatedPath(st))
	if r.status != 200 || len(relatedCards(relatedBlock(r.body))) == 0 {
		t.Errorf("after the store recovered: %d with %d related cards, want 200 with some", r.status, len(relatedCards(relatedBlock(r.body))))
	}
}
