package feed_test

import (
	"encoding/xml"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/feed"
	"github.com/qasid/qasid/internal/feed/feedtest"
)

func TestSitemapWithAlternatesAndNews(t *testing.T) {
	en, zh := "https://news.example.org/en/world/1-talks", "https://news.example.org/zh/world/2-会谈"
	alts := []feed.Alternate{{Hreflang: "en", Href: en}, {Hreflang: "zh-Hans", Href: zh}, {Hreflang: "x-default", Href: en}}
	urls := []feed.URL{
		{Loc: en, LastMod: t2, Alternates: alts},
		{Loc: zh, LastMod: t1, Alternates: alts,
			News: &feed.News{Name: "印度河子午线通讯社", Language: "zh-cn", Published: t1, Title: "会谈 <开始> & 结束"}},
	}
	b, err := feed.Encode(urls)
	if err != nil {
		t.Fatal(err)
	}
	var got feedtest.URLSet
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.URLs) != 2 || got.URLs[0].Loc != en || got.URLs[0].LastMod != "2024-07-03T04:30:00Z" {
		t.Fatalf("urls %+v", got.URLs)
	}
	if n := got.URLs[1].News; n == nil || n.Language != "zh-cn" || n.Title != "会谈 <开始> & 结束" || n.Date != "2024-07-02T04:00:00Z" {
		t.Errorf("news entry %+v", n)
	}
	if got.URLs[0].News != nil {
		t.Error("a URL without news got a news entry")
	}
	if l := got.URLs[0].Links; len(l) != 3 || l[2].Hreflang != "x-default" || l[1].Rel != "alternate" {
		t.Errorf("links %+v", l)
	}
	feedtest.Sitemap(t, b)
}

func TestPlainSitemapDeclaresNoExtensions(t *testing.T) {
	b, err := feed.Encode([]feed.URL{{Loc: "https://news.example.org/en/"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "xmlns:news") || strings.Contains(string(b), "xmlns:xhtml") {
		t.Errorf("unused namespaces declared:\n%s", b)
	}
	feedtest.Sitemap(t, b)
}

func TestSitemapIndex(t *testing.T) {
	b, err := feed.EncodeIndex([]feed.Sitemap{
		{Loc: "https://news.example.org/sitemaps/en.xml"},
		{Loc: "https://news.example.org/sitemaps/news.xml", LastMod: t2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "<lastmod>2024-07-03T04:30:00Z</lastmod>") {
		t.Errorf("index:\n%s", b)
	}
	feedtest.SitemapIndex(t, b)
}

func TestSitemapLimits(t *testing.T) {
	many := func(n int, news bool) []feed.URL {
		out := make([]feed.URL, n)
		for i := range out {
			out[i].Loc = "https://news.example.org/en/world/" + strconv.Itoa(i+1)
			if news {
				out[i].News = &feed.News{Name: "A", Language: "en", Published: t1, Title: "T"}
			}
		}
		return out
	}
	tests := []struct {
		name string
		urls []feed.URL
		ok   bool
	}{
		{"50,000 URLs", many(feed.MaxURLs, false), true},
		{"50,001 URLs", many(feed.MaxURLs+1, false), false},
		{"1,000 news URLs", many(feed.MaxNewsURLs, true), true},
		{"1,001 news URLs", many(feed.MaxNewsURLs+1, true), false},
		{"URL without location", []feed.URL{{LastMod: time.Now()}}, false},
		{"news without title", []feed.URL{{Loc: "https://news.example.org/en/", News: &feed.News{Name: "A", Language: "en", Published: t1}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := feed.Encode(tt.urls)
			if tt.ok && err != nil || !tt.ok && !errors.Is(err, feed.ErrInvalid) {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}
