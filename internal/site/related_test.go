package site_test

import (
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/pagecache"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// relatedSite is f's store served by a site with a search index that the
// change-log follower has brought up to date; ix is nil for a site without
// search.
func relatedSite(t *testing.T, f *fixture, ix *search.Index) *fixture {
	t.Helper()
	s, err := site.New(site.Options{Store: f.db, Catalog: f.cat, BaseURL: origin, Search: ix})
	if err != nil {
		t.Fatal(err)
	}
	g := *f
	g.srv = httptest.NewServer(s.Handler())
	t.Cleanup(g.srv.Close)
	return &g
}

func relatedIndex(t *testing.T, db store.Store) *search.Index {
	t.Helper()
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	fl, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fl.FollowOnce(t.Context()); err != nil {
		t.Fatal(err)
	}
	return ix
}

// relatedBlock cuts the "Related stories" section out of a page, "" when
// there is none.
func relatedBlock(body string) string {
	i := strings.Index(body, `<section class="block related" id="q_related"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

var relatedCardLink = regexp.MustCompile(`<h3 lang="([^"]+)" dir="([^"]+)"><a href="([^"]+)">`)

type relatedCard struct{ Tag, Dir, Href string }

func relatedCards(block string) []relatedCard {
	var out []relatedCard
	for _, m := range relatedCardLink.FindAllStringSubmatch(block, -1) {
		out = append(out, relatedCard{m[1], m[2], m[3]})
	}
	return out
}

func relatedPath(st story.Story) string { return (&url.URL{Path: render.StoryPath(st)}).EscapedPath() }

// TestRelatedStories: every story page of the demo shows a "Related
// stories" block of one to five stories in its own language, with the
// language's heading, direction and dates; the editors' pins come first;
// killed stories and the story itself never show.
func TestRelatedStories(t *testing.T) {
	base := newFixture(t)
	ix := relatedIndex(t, base.db)
	f := relatedSite(t, base, ix)
	ctx := t.Context()
	keys := []string{"01-xi-astana-state-visit", "02-sco-summit-preview", "03-islamabad-electric-buses",
		"04-lahore-smog-school-hours", "05-karachi-port-containers", "06-textile-exports-quarter",
		"07-women-cricket-series", "08-squash-open-islamabad", "09-glacier-monitoring-stations",
		"10-urdu-speech-dataset", "11-lahore-literature-festival", "12-mosque-restoration-reopens"}

	for _, l := range lang.All() {
		t.Run(l.Code, func(t *testing.T) {
			shown := 0
			for _, key := range keys {
				st := f.member(t, key, l.Code)
				if st.Status != story.StatusPublished {
					continue
				}
				r := f.get(t, relatedPath(st))
				if r.status != 200 {
					t.Fatalf("%s: status %d", render.StoryPath(st), r.status)
				}
				block := relatedBlock(r.body)
				if block == "" {
					continue
				}
				shown++
				if !strings.Contains(block, `<h2 class="block-title" id="q_related_title">`+template(f.cat.T(l.Code, "related.title"))+`</h2>`) {
					t.Errorf("%s: related block without its %s heading: %.400s", key, l.Code, block)
				}
				cards := relatedCards(block)
				if len(cards) < 1 || len(cards) > 5 {
					t.Errorf("%s: %d related stories, want 1 to 5", key, len(cards))
				}
				for _, c := range cards {
					if c.Tag != l.Tag || c.Dir != l.Dir || !strings.HasPrefix(c.Href, "/"+l.Code+"/") {
						t.Errorf("%s: related card %+v is not a %s story", key, c, l.Code)
					}
					if strings.EqualFold(c.Href, relatedPath(st)) {
						t.Errorf("%s: the story is related to itself", key)
					}
				}
			}
			// The demo's stories share tags and words (Lahore, Islamabad,
			// climate, trade): most pages find something.
			if shown < 6 {
				t.Errorf("only %d of %d %s story pages show related stories", shown, len(keys), l.Code)
			}
		})
	}

	// Pins first, in the page's language and direction, with the reader's
	// date. A killed story leaves every list at once, before the index
	// catches up.
	ur := f.member(t, "09-glacier-monitoring-stations", "ur")
	cricket := f.member(t, "07-women-cricket-series", "ur")
	squash := f.member(t, "08-squash-open-islamabad", "ur")
	for _, id := range []int64{cricket.ID, squash.ID} {
		if err := f.db.SetRelatedChoice(ctx, store.RelatedChoice{StoryID: ur.ID, OtherID: id, Kind: store.RelatedPin}, audit.Entry{}); err != nil {
			t.Fatal(err)
		}
	}
	r := f.get(t, relatedPath(ur))
	if !strings.Contains(r.body, `<html lang="ur" dir="rtl">`) {
		t.Fatalf("Urdu page is not rtl")
	}
	block := relatedBlock(r.body)
	cards := relatedCards(block)
	if len(cards) < 2 || !strings.EqualFold(cards[0].Href, relatedPath(cricket)) || !strings.EqualFold(cards[1].Href, relatedPath(squash)) {
		t.Fatalf("Urdu related %+v: want the pins %s, %s first", cards, render.StoryPath(cricket), render.StoryPath(squash))
	}
	if cards[0].Tag != "ur" || cards[0].Dir != "rtl" {
		t.Errorf("pinned card %+v: want lang ur, dir rtl", cards[0])
	}
	pub, err := f.db.PublicStory(ctx, cricket.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	l, _ := lang.Get("ur")
	date := l.FormatDate(pub.PublishedAt.In(relatedZone(t)))
	if !strings.Contains(block, `<time datetime="`+pub.PublishedAt.UTC().Format(time.RFC3339)+`">`+date+`</time>`) {
		t.Errorf("pinned card lacks its Urdu date %q: %.600s", date, block)
	}
	if len(cards) > 5 {
		t.Errorf("%d related stories", len(cards))
	}
	if _, err := f.db.KillStory(ctx, cricket.ID, store.Kill{Notice: "واپس لے لی گئی۔", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	cards = relatedCards(relatedBlock(f.get(t, relatedPath(ur)).body))
	if len(cards) == 0 || !strings.EqualFold(cards[0].Href, relatedPath(squash)) {
		t.Errorf("after the kill, related %+v: want the other pin first", cards)
	}
	for _, c := range cards {
		if strings.EqualFold(c.Href, relatedPath(cricket)) {
			t.Errorf("the killed story is still related: %+v", cards)
		}
	}

	// Without search, the pins alone; without pins, no block at all.
	bare := relatedSite(t, base, nil)
	cards = relatedCards(relatedBlock(bare.get(t, relatedPath(ur)).body))
	if len(cards) != 1 || !strings.EqualFold(cards[0].Href, relatedPath(squash)) {
		t.Errorf("without search, related %+v: want the one live pin", cards)
	}
	en := f.member(t, "09-glacier-monitoring-stations", "en")
	if block := relatedBlock(bare.get(t, relatedPath(en)).body); block != "" {
		t.Errorf("a page without search or pins has a related block: %.300s", block)
	}
}

func relatedZone(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Karachi")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestRelatedStoriesLeaveCachedPages: a page cached with a related story
// is dropped as soon as the change log says that story was killed, not
// when the cached page expires.
func TestRelatedStoriesLeaveCachedPages(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	s, err := site.New(site.Options{Store: f.db, Catalog: f.cat, BaseURL: origin, Search: relatedIndex(t, f.db)})
	if err != nil {
		t.Fatal(err)
	}
	cache := pagecache.New(pagecache.Options{Next: s.Handler(), TTL: time.Hour})
	g := *f
	g.srv = httptest.NewServer(cache)
	t.Cleanup(g.srv.Close)

	st := f.member(t, "09-glacier-monitoring-stations", "en")
	path := relatedPath(st)
	cards := relatedCards(relatedBlock(g.get(t, path).body))
	if len(cards) == 0 {
		t.Fatal("the page shows no related stories")
	}
	m := regexp.MustCompile(`/([0-9]+)-`).FindStringSubmatch(cards[0].Href)
	if m == nil {
		t.Fatalf("related link %q", cards[0].Href)
	}
	victim, _ := strconv.ParseInt(m[1], 10, 64)
	seq, err := f.db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.KillStory(ctx, victim, store.Kill{Notice: "Withdrawn.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	shows := func() bool {
		for _, c := range relatedCards(relatedBlock(g.get(t, path).body)) {
			if c.Href == cards[0].Href {
				return true
			}
		}
		return false
	}
	if !shows() {
		t.Fatal("the page was not cached: the test proves nothing")
	}
	cache.FollowOnce(ctx, f.db, seq, slog.New(slog.DiscardHandler))
	if shows() {
		t.Errorf("after the kill reached the cache, the page still relates killed story %d", victim)
	}
}
