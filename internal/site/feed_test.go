package site_test

import (
	"context"
	"encoding/xml"
	"github.com/qasid/qasid/internal/render"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/feed/feedtest"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
)

const origin = "https://news.example.org"

// demoNow is just after the demo's last stories (24 November 2026, 09:00
// in Karachi), so that the last two days hold some of them and not all.
var demoNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.FixedZone("PKT", 5*3600))

// fixtureAt is the demo site with its clock at now.
func fixtureAt(t *testing.T, now time.Time) *fixture {
	t.Helper()
	return withClock(t, newFixture(t), now)
}

// withClock is f's store served by a site whose clock is at now; loading
// the demo is the slow part, so tests with several clocks share it.
func withClock(t *testing.T, f *fixture, now time.Time) *fixture {
	t.Helper()
	s, err := site.New(site.Options{Store: f.db, Catalog: f.cat, BaseURL: origin, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	g := *f
	g.srv = httptest.NewServer(s.Handler())
	t.Cleanup(g.srv.Close)
	return &g
}

// local turns an absolute URL of the site into a path to request.
func local(t *testing.T, u string) string {
	t.Helper()
	p, ok := strings.CutPrefix(u, origin)
	if !ok {
		t.Fatalf("URL %q is not absolute on %s", u, origin)
	}
	return p
}

type rssDoc struct {
	Channel struct {
		Self struct {
			Href string `xml:"href,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Title    string `xml:"title"`
		Link     string `xml:"link"`
		Language string `xml:"language"`
		Items    []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			GUID        string `xml:"guid"`
			PubDate     string `xml:"pubDate"`
			Description string `xml:"description"`
			Category    string `xml:"category"`
			Creator     string `xml:"http://purl.org/dc/elements/1.1/ creator"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atomDoc struct {
	Lang    string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Author  string `xml:"author>name"`
	Entries []struct {
		ID      string `xml:"id"`
		Author  string `xml:"author>name"`
		Content struct {
			Type string `xml:"type,attr"`
			Div  struct {
				Dir string `xml:"dir,attr"`
			} `xml:"http://www.w3.org/1999/xhtml div"`
		} `xml:"content"`
	} `xml:"entry"`
}

func TestFeedsInEveryLanguage(t *testing.T) {
	f := fixtureAt(t, demoNow)
	ctx := context.Background()
	rssLang := map[string]string{"en": "en", "ur": "ur", "zh": "zh-cn", "ar": "ar", "ru": "ru", "fr": "fr", "es": "es"}
	for _, l := range lang.All() {
		t.Run(l.Code, func(t *testing.T) {
			want, err := f.db.PublishedStories(ctx, store.ListQuery{Now: demoNow, Lang: l.Code, Limit: 50})
			if err != nil {
				t.Fatal(err)
			}
			r := f.get(t, "/feeds/"+l.Code+".rss")
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
				t.Fatalf("RSS: %d %q", r.status, r.header.Get("Content-Type"))
			}
			var doc rssDoc
			if err := xml.Unmarshal([]byte(r.body), &doc); err != nil {
				t.Fatal(err)
			}
			ch := doc.Channel
			if ch.Language != rssLang[l.Code] || ch.Self.Href != origin+"/feeds/"+l.Code+".rss" || ch.Link != origin+"/"+l.Code+"/" {
				t.Errorf("channel language %q self %q link %q", ch.Language, ch.Self.Href, ch.Link)
			}
			if len(ch.Items) != len(want) || len(want) == 0 {
				t.Fatalf("%d items, want %d", len(ch.Items), len(want))
			}
			for i, it := range ch.Items {
				st := want[i]
				if it.Title != st.Headline || it.Link != origin+(&url.URL{Path: render.StoryPath(st)}).EscapedPath() || it.GUID != it.Link {
					t.Errorf("item %d: %q %q guid %q", i, it.Title, it.Link, it.GUID)
				}
				pub, err := time.Parse(time.RFC1123Z, it.PubDate)
				if err != nil || !pub.Equal(st.PublishedAt) {
					t.Errorf("item %d pubDate %q, want %v", i, it.PubDate, st.PublishedAt)
				}
				// The dateline opens the description, in the story's place and language.
				if !strings.HasPrefix(it.Description, st.Dateline.Place) || !strings.HasSuffix(it.Description, st.Summary) {
					t.Errorf("item %d description %q: want dateline (%s…) then summary", i, it.Description, st.Dateline.Place)
				}
				if it.Creator == "" || it.Category == "" {
					t.Errorf("item %d: creator %q category %q", i, it.Creator, it.Category)
				}
			}
			if p := f.get(t, local(t, ch.Items[0].Link)); p.status != http.StatusOK {
				t.Errorf("item link %s: %d", ch.Items[0].Link, p.status)
			}

			a := f.get(t, "/feeds/"+l.Code+".atom")
			if a.status != http.StatusOK || a.header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
				t.Fatalf("Atom: %d %q", a.status, a.header.Get("Content-Type"))
			}
			var at atomDoc
			if err := xml.Unmarshal([]byte(a.body), &at); err != nil {
				t.Fatal(err)
			}
			if at.Lang != l.Tag || at.Author == "" || len(at.Entries) != len(want) {
				t.Errorf("feed xml:lang %q author %q entries %d", at.Lang, at.Author, len(at.Entries))
			}
			for i, e := range at.Entries {
				if e.Author == "" || e.Content.Type != "xhtml" || e.Content.Div.Dir != l.Dir {
					t.Errorf("entry %d: author %q content %q dir %q, want dir %s", i, e.Author, e.Content.Type, e.Content.Div.Dir, l.Dir)
				}
			}
			feedtest.Atom(t, []byte(a.body))
		})
	}
}

func TestSectionFeeds(t *testing.T) {
	f := fixtureAt(t, demoNow)
	for _, ext := range []string{"rss", "atom"} {
		r := f.get(t, "/feeds/ar/world."+ext)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", ext, r.status)
		}
		if ext == "atom" {
			feedtest.Atom(t, []byte(r.body))
			continue
		}
		var doc rssDoc
		if err := xml.Unmarshal([]byte(r.body), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Channel.Items) == 0 || !strings.HasPrefix(doc.Channel.Title, "العالم") || doc.Channel.Link != origin+"/ar/world/" {
			t.Errorf("channel %q %q with %d items", doc.Channel.Title, doc.Channel.Link, len(doc.Channel.Items))
		}
		for _, it := range doc.Channel.Items {
			if it.Category != "العالم" || !strings.HasPrefix(it.Link, origin+"/ar/world/") {
				t.Errorf("item %q in %q at %s", it.Title, it.Category, it.Link)
			}
		}
	}
}

func TestFeedAndSitemapAddresses(t *testing.T) {
	f := fixtureAt(t, demoNow)
	tests := []struct {
		path string
		want int
	}{
		{"/feeds/en.rss", 200},
		{"/feeds/zh.atom", 200},
		{"/feeds/ur/sport.atom", 200},
		{"/feeds/xx.rss", 404},
		{"/feeds/EN.rss", 404},
		{"/feeds/en.json", 404},
		{"/feeds/en", 404},
		{"/feeds/en.rss.rss", 404},
		{"/feeds/xx/world.rss", 404},
		{"/feeds/en/nosuch.atom", 404},
		{"/feeds/en/world.xml", 404},
		{"/sitemap.xml", 200},
		{"/sitemaps/en.xml", 200},
		{"/sitemaps/news.xml", 200},
		{"/sitemaps/xx.xml", 404},
		{"/sitemaps/en", 404},
		{"/sitemaps/en-1.xml", 404},
		{"/sitemaps/en-2.xml", 404}, // 12 stories fit on one page
		{"/sitemaps/en-02.xml", 404},
		{"/sitemaps/en--2.xml", 404},
		{"/sitemaps/en-99999999999999999999.xml", 404},
		// The page routes still answer around the new ones.
		{"/en/world/", 200},
		{"/en/", 200},
		{"/lang/en", 303},
	}
	for _, tt := range tests {
		if r := f.get(t, tt.path); r.status != tt.want {
			t.Errorf("GET %s: %d, want %d", tt.path, r.status, tt.want)
		}
	}
}

func TestFeedConditionalGet(t *testing.T) {
	f := fixtureAt(t, demoNow)
	for _, path := range []string{"/feeds/fr.rss", "/feeds/fr/world.atom", "/sitemaps/fr.xml", "/sitemaps/news.xml", "/sitemap.xml"} {
		t.Run(path, func(t *testing.T) {
			first := f.get(t, path)
			etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
			if first.status != 200 || etag == "" || lm == "" {
				t.Fatalf("%d, ETag %q, Last-Modified %q", first.status, etag, lm)
			}
			tests := []struct {
				name   string
				header map[string]string
				want   int
			}{
				{"same ETag", map[string]string{"If-None-Match": etag}, 304},
				{"ETag among others", map[string]string{"If-None-Match": `"x", ` + etag}, 304},
				{"other ETag", map[string]string{"If-None-Match": `"other"`}, 200},
				{"not modified since", map[string]string{"If-Modified-Since": lm}, 304},
				{"modified since", map[string]string{"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}, 200},
				// If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3).
				{"other ETag, not modified since", map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": lm}, 200},
			}
			for _, tt := range tests {
				r := f.do(t, "GET", path, tt.header)
				if r.status != tt.want {
					t.Errorf("%s: %d, want %d", tt.name, r.status, tt.want)
				}
				if r.status == 304 && r.body != "" {
					t.Errorf("%s: 304 with a body", tt.name)
				}
			}
			if again := f.get(t, path); again.header.Get("ETag") != etag || again.body != first.body {
				t.Error("the same state gave a different document")
			}
		})
	}
}

// A kill takes a story out of the feed without adding a newer item: the
// feed must still count as modified for a client that sends only
// If-Modified-Since.
func TestFeedModifiedByKill(t *testing.T) {
	f := fixtureAt(t, demoNow)
	first := f.get(t, "/feeds/es.rss")
	lm := first.header.Get("Last-Modified")
	old := f.member(t, "01-xi-astana-state-visit", "es")
	if _, err := f.db.KillStory(context.Background(), old.ID, store.Kill{Notice: "Retirada.", At: demoNow}); err != nil {
		t.Fatal(err)
	}
	r := f.do(t, "GET", "/feeds/es.rss", map[string]string{"If-Modified-Since": lm})
	if r.status != http.StatusOK || strings.Contains(r.body, old.Headline) {
		t.Errorf("after a kill: %d (killed story listed: %v), want 200 without it", r.status, strings.Contains(r.body, old.Headline))
	}
	if r.header.Get("ETag") == first.header.Get("ETag") {
		t.Error("the ETag did not change with the feed")
	}
}

func TestRobots(t *testing.T) {
	f := fixtureAt(t, demoNow)
	r := f.get(t, "/robots.txt")
	for _, line := range []string{"User-agent: *", "Allow: /", "Disallow: /desk/", "Disallow: /wire/", "Sitemap: " + origin + "/sitemap.xml"} {
		if !strings.Contains(r.body, line+"\n") {
			t.Errorf("robots.txt lacks %q:\n%s", line, r.body)
		}
	}
}

func TestPagesLinkTheirFeeds(t *testing.T) {
	f := fixtureAt(t, demoNow)
	tests := []struct{ path, want, not string }{
		{"/ur/", `<link rel="alternate" type="application/atom+xml" href="/feeds/ur.atom"`, "/feeds/ur/"},
		{"/zh/business/", `<link rel="alternate" type="application/rss+xml" href="/feeds/zh/business.rss"`, "/feeds/zh/world"},
	}
	for _, tt := range tests {
		r := f.get(t, tt.path)
		if !strings.Contains(r.body, tt.want) || strings.Contains(r.body, tt.not) {
			t.Errorf("%s: want %s and not %s", tt.path, tt.want, tt.not)
		}
	}
}
