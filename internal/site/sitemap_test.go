package site_test

import (
	"context"
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/feed/feedtest"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
)

type indexDoc struct {
	Locs []string `xml:"sitemap>loc"`
}

func getXML(t *testing.T, f *fixture, path string, v any) string {
	t.Helper()
	r := f.get(t, path)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Fatalf("GET %s: %d %q", path, r.status, r.header.Get("Content-Type"))
	}
	if err := xml.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return r.body
}

func TestSitemapsWithReciprocalAlternates(t *testing.T) {
	f := fixtureAt(t, demoNow)
	var idx indexDoc
	body := getXML(t, f, "/sitemap.xml", &idx)
	var want []string
	for _, l := range lang.All() {
		want = append(want, origin+"/sitemaps/"+l.Code+".xml")
	}
	want = append(want, origin+"/sitemaps/news.xml")
	if !slices.Equal(idx.Locs, want) {
		t.Errorf("index lists %v, want %v", idx.Locs, want)
	}
	feedtest.SitemapIndex(t, []byte(body))

	// Every URL of every language sitemap, with its alternates by hreflang.
	alts := map[string]map[string]string{}
	for _, l := range lang.All() {
		var doc feedtest.URLSet
		body := getXML(t, f, "/sitemaps/"+l.Code+".xml", &doc)
		n, err := f.db.CountPublished(context.Background(), store.ListQuery{Now: demoNow, Lang: l.Code})
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.URLs) != n {
			t.Errorf("%s: %d URLs, want %d", l.Code, len(doc.URLs), n)
		}
		for _, u := range doc.URLs {
			if !strings.HasPrefix(u.Loc, origin+"/"+l.Code+"/") {
				t.Errorf("%s sitemap lists %s", l.Code, u.Loc)
			}
			if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
				t.Errorf("%s lastmod %q", u.Loc, u.LastMod)
			}
			set := map[string]string{}
			for _, a := range u.Links {
				if a.Rel != "alternate" {
					t.Errorf("%s: rel %q", u.Loc, a.Rel)
				}
				set[a.Hreflang] = a.Href
			}
			if set[l.Tag] != u.Loc {
				t.Errorf("%s does not list itself as %s (has %q)", u.Loc, l.Tag, set[l.Tag])
			}
			alts[u.Loc] = set
		}
		feedtest.Sitemap(t, []byte(body))
	}
	for loc, set := range alts {
		// The demo translates every story into all seven languages.
		if len(set) != 8 {
			t.Errorf("%s has %d alternates, want 7 languages and x-default", loc, len(set))
		}
		if !strings.HasPrefix(set["x-default"], origin+"/en/") {
			t.Errorf("%s: x-default %q is not the English original", loc, set["x-default"])
		}
		for tag, href := range set {
			back, ok := alts[href]
			if !ok {
				t.Errorf("%s names %s %s, which no sitemap lists", loc, tag, href)
				continue
			}
			if !maps(back, set) {
				t.Errorf("not reciprocal: %s lists %v, its alternate %s lists %v", loc, set, href, back)
			}
		}
	}
}

func maps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestNewsSitemapWindow(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
	}{
		{"just after the last stories", demoNow},
		{"a week later", demoNow.Add(7 * 24 * time.Hour)},
		{"a day and a half later", demoNow.Add(36 * time.Hour)},
	}
	base := newFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := withClock(t, base, tt.now)
			// What the window should hold, from the store directly.
			var want []string
			for off := 0; ; off += 200 {
				list, err := f.db.PublishedStories(context.Background(), store.ListQuery{Now: tt.now, Limit: 200, Offset: off})
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range list {
					if tt.now.Sub(st.PublishedAt) < 48*time.Hour {
						want = append(want, st.Headline)
					}
				}
				if len(list) < 200 {
					break
				}
			}
			var doc feedtest.URLSet
			body := getXML(t, f, "/sitemaps/news.xml", &doc)
			var got []string
			for _, u := range doc.URLs {
				n := u.News
				if n == nil {
					t.Fatalf("%s has no news entry", u.Loc)
				}
				got = append(got, n.Title)
				code := strings.Split(strings.TrimPrefix(u.Loc, origin+"/"), "/")[0]
				l, _ := lang.Get(code)
				if n.Language != l.NewsLang || n.Name == "" {
					t.Errorf("%s: news language %q name %q, want %q", u.Loc, n.Language, n.Name, l.NewsLang)
				}
				if code == "zh" && (n.Language != "zh-cn" || n.Name != "印度河子午线通讯社") {
					t.Errorf("Chinese entry: %q %q", n.Language, n.Name)
				}
				pub, err := time.Parse(time.RFC3339, n.Date)
				if err != nil || tt.now.Sub(pub) >= 48*time.Hour {
					t.Errorf("%s published %q, outside the window", u.Loc, n.Date)
				}
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("news sitemap holds %d stories, want %d", len(got), len(want))
			}
			var idx indexDoc
			getXML(t, f, "/sitemap.xml", &idx)
			listed := slices.Contains(idx.Locs, origin+"/sitemaps/news.xml")
			if listed != (len(want) > 0) {
				t.Errorf("index lists the news sitemap: %v, with %d stories in it", listed, len(want))
			}
			if len(want) > 0 { // an empty urlset is not valid, which is why the index leaves it out
				feedtest.Sitemap(t, []byte(body))
			}
		})
	}
}
