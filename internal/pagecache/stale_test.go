package pagecache_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/pagecache"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
)

// publicPages lists every cacheable public page of the agency: homes,
// sections, stories, feeds and sitemaps in every language.
func publicPages(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := t.Context()
	secs, err := db.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/sitemap.xml", "/sitemaps/news.xml"}
	for _, code := range lang.Codes() {
		pages = append(pages, "/"+code+"/", "/feeds/"+code+".rss", "/feeds/"+code+".atom", "/sitemaps/"+code+".xml")
		for _, s := range secs {
			pages = append(pages, "/"+code+"/"+s.Key+"/", "/feeds/"+code+"/"+s.Key+".rss")
		}
		list, err := db.PublishedStories(ctx, store.ListQuery{Lang: code, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range list {
			pages = append(pages, render.StoryPath(st))
		}
	}
	return pages
}

func body(t *testing.T, h http.Handler, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

// TestNoStalePageAfterChange warms the cache with every public page of the
// demo agency, corrects a story (a new headline, and a move to another
// section), lets the cache follow the change log, and then compares every
// page the cache serves with what the site renders now: none may differ.
// It also checks that the pages the change does not touch stay cached, and
// does the same for a kill.
func TestNoStalePageAfterChange(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	fresh := s.Handler()
	cache := pagecache.New(pagecache.Options{Next: fresh})
	seq, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}

	pages := publicPages(t, db)
	for _, p := range pages {
		if code, _ := body(t, cache, p); code != 200 {
			t.Fatalf("%s: %d while warming", p, code)
		}
		if !cache.Has(p, "") {
			t.Fatalf("%s was not cached", p)
		}
	}

	// The story to change: an English one, with members in other languages.
	list, err := db.PublishedStories(ctx, store.ListQuery{Lang: "en", Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no English story: %v", err)
	}
	target := list[0]
	family, err := db.Family(ctx, target.FamilyID)
	if err != nil {
		t.Fatal(err)
	}
	secs, _ := db.Sections(ctx)
	other := ""
	for _, sec := range secs {
		if sec.Key != target.Section {
			other = sec.Key
			break
		}
	}

	check := func(what string) {
		t.Helper()
		seq = cache.FollowOnce(ctx, db, seq, nil)
		stale := 0
		for _, p := range pages {
			_, want := body(t, fresh, p)
			_, got := body(t, cache, p)
			if got != want {
				stale++
				t.Errorf("after %s, %s is stale", what, p)
				if testing.Verbose() {
					i := 0
					for i < len(got) && i < len(want) && got[i] == want[i] {
						i++
					}
					t.Logf("cached: %q\nfresh:  %q", got[max(0, i-200):min(len(got), i+200)], want[max(0, i-200):min(len(want), i+200)])
				}
			}
		}
		if stale == 0 {
			t.Logf("after %s: all %d pages fresh", what, len(pages))
		}
	}

	// A correction with a new headline and a new section.
	st, err := db.Story(ctx, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Headline = "Corrected: " + st.Headline
	st.Section = other
	if err := db.UpdateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	// Before the publication, an edit changes nothing readers see: the
	// cache keeps everything.
	before, _ := cache.Stats()
	seq = cache.FollowOnce(ctx, db, seq, nil)
	if after, _ := cache.Stats(); after != before {
		t.Errorf("an edit of a working copy dropped %d pages", before-after)
	}
	if _, err := db.PublishStory(ctx, st.ID, store.Publish{At: time.Now(), CorrectionNote: "The headline was wrong."}); err != nil {
		t.Fatal(err)
	}
	check("a correction")

	// What the change does not touch stays cached: the Urdu home, the
	// pages of stories of other families, other languages' feeds.
	for _, p := range []string{"/ur/", "/feeds/zh.rss", "/sitemaps/ru.xml"} {
		if !cache.Has(p, "") {
			t.Errorf("%s was dropped by a change that does not touch it", p)
		}
	}
	members := map[int64]bool{}
	for _, m := range family {
		members[m.ID] = true
	}
	untouched := 0
	for _, p := range pages {
		tags, _ := pagecache.Tags(p, "")
		if len(tags) == 1 && strings.HasPrefix(tags[0], "story:") {
			id := strings.TrimPrefix(tags[0], "story:")
			isMember := false
			for m := range members {
				if id == strconv.FormatInt(m, 10) {
					isMember = true
				}
			}
			if !isMember && cache.Has(p, "") {
				untouched++
			}
		}
	}
	if untouched == 0 {
		t.Error("no story page outside the family stayed cached")
	}

	// A kill.
	if _, err := db.KillStory(ctx, st.ID, store.Kill{Notice: "Withdrawn.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	seq = cache.FollowOnce(ctx, db, seq, nil)
	if code, _ := body(t, cache, render.StoryPath(st)); code != http.StatusGone {
		t.Errorf("killed story answers %d from the cache, want 410", code)
	}
	// The killed page is no longer a public page; every other must be fresh.
	var live []string
	for _, p := range pages {
		if p != render.StoryPath(target) && p != render.StoryPath(st) {
			live = append(live, p)
		}
	}
	pages = live
	check("a kill")
}
