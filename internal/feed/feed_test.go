package feed_test

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/feed"
	"github.com/qasid/qasid/internal/feed/feedtest"
	"github.com/qasid/qasid/internal/lang"
)

// Parsed shapes, written apart from the encoder's so that a misspelt
// element name fails here rather than agreeing with itself.
type rss struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		// Self comes before Link: encoding/xml gives an element to the
		// first field that matches, and "link" alone matches any namespace.
		Self struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"http://www.w3.org/2005/Atom link"`
		Title       string `xml:"title"`
		Link        string `xml:"link"`
		Description string `xml:"description"`
		Language    string `xml:"language"`
		Items       []struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			PubDate     string `xml:"pubDate"`
			Description string `xml:"description"`
			Category    string `xml:"category"`
			GUID        struct {
				IsPermaLink string `xml:"isPermaLink,attr"`
				Value       string `xml:",chardata"`
			} `xml:"guid"`
			Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
		} `xml:"item"`
	} `xml:"channel"`
}

type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Author  []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Published string `xml:"published"`
		Updated   string `xml:"updated"`
		Author    []struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Content struct {
			Type string `xml:"type,attr"`
			Div  struct {
				XMLName xml.Name
				Dir     string `xml:"dir,attr"`
				Text    string `xml:",innerxml"`
			} `xml:"http://www.w3.org/1999/xhtml div"`
		} `xml:"content"`
	} `xml:"entry"`
}

var (
	t1 = time.Date(2024, 7, 2, 4, 0, 0, 0, time.UTC)
	t2 = time.Date(2024, 7, 3, 9, 30, 0, 0, time.FixedZone("PKT", 5*3600))
)

func sample(l lang.Language) feed.Feed {
	base := "https://news.example.org/" + l.Code
	items := []feed.Item{
		{URL: base + "/world/2-b", Title: "Second <b>bold</b> & </title> story", Dateline: "Astana, 3 July 2024, (IMN):",
			Summary: "Leaders met.", Author: "Sana Qureshi", Category: "World", Published: t2, Updated: t2},
		{URL: base + "/world/1-a", Title: "First story", Summary: "A summary\x00 with a NUL.", Published: t1,
			Updated: t1.Add(48 * time.Hour)},
	}
	return feed.Feed{Title: "Agency – " + l.Name, Description: "Tagline", Lang: l, SiteURL: base + "/",
		SelfURL: "https://news.example.org/feeds/" + l.Code + ".atom", Author: "Indus Meridian", Items: items,
		Updated: feed.Newest(items)}
}

func TestRSSInEveryLanguage(t *testing.T) {
	wantLang := map[string]string{"en": "en", "ur": "ur", "zh": "zh-cn", "ar": "ar", "ru": "ru", "fr": "fr", "es": "es"}
	for _, l := range lang.All() {
		t.Run(l.Code, func(t *testing.T) {
			f := sample(l)
			b, err := feed.RSS(f)
			if err != nil {
				t.Fatal(err)
			}
			var got rss
			if err := xml.Unmarshal(b, &got); err != nil {
				t.Fatalf("RSS does not parse: %v\n%s", err, b)
			}
			ch := got.Channel
			if got.Version != "2.0" || ch.Language != wantLang[l.Code] || ch.Title != f.Title || ch.Link != f.SiteURL {
				t.Errorf("channel: version %q language %q title %q link %q", got.Version, ch.Language, ch.Title, ch.Link)
			}
			if ch.Self.Rel != "self" || ch.Self.Href != f.SelfURL {
				t.Errorf("atom:link self = %+v", ch.Self)
			}
			if len(ch.Items) != 2 {
				t.Fatalf("%d items, want 2", len(ch.Items))
			}
			first, second := ch.Items[0], ch.Items[1]
			if first.Title != f.Items[0].Title {
				t.Errorf("title %q did not survive escaping", first.Title)
			}
			if first.GUID.IsPermaLink != "true" || first.GUID.Value != f.Items[0].URL || first.Link != f.Items[0].URL {
				t.Errorf("guid %+v link %q", first.GUID, first.Link)
			}
			pub, err := time.Parse(time.RFC1123Z, first.PubDate)
			if err != nil || !pub.Equal(t2) {
				t.Errorf("pubDate %q = %v (%v), want %v", first.PubDate, pub, err, t2)
			}
			if first.Description != "Astana, 3 July 2024, (IMN): Leaders met." {
				t.Errorf("description %q: want dateline then summary", first.Description)
			}
			if first.Creator != "Sana Qureshi" || second.Creator != f.Author {
				t.Errorf("creators %q, %q: want the byline, then the agency", first.Creator, second.Creator)
			}
			if !utf8.ValidString(second.Description) || strings.ContainsRune(second.Description, 0) {
				t.Errorf("a NUL reached the feed: %q", second.Description)
			}
		})
	}
}

func TestAtomInEveryLanguage(t *testing.T) {
	for _, l := range lang.All() {
		t.Run(l.Code, func(t *testing.T) {
			f := sample(l)
			b, err := feed.Atom(f)
			if err != nil {
				t.Fatal(err)
			}
			var got atom
			if err := xml.Unmarshal(b, &got); err != nil {
				t.Fatalf("Atom does not parse: %v\n%s", err, b)
			}
			if got.Lang != l.Tag {
				t.Errorf("xml:lang = %q, want %q", got.Lang, l.Tag)
			}
			if len(got.Author) != 1 || got.Author[0].Name != f.Author {
				t.Errorf("feed author %+v", got.Author)
			}
			if u, err := time.Parse(time.RFC3339, got.Updated); err != nil || !u.Equal(t1.Add(48*time.Hour)) {
				t.Errorf("feed updated %q, want the newest item's time", got.Updated)
			}
			self := false
			for _, ln := range got.Links {
				self = self || ln.Rel == "self" && ln.Href == f.SelfURL
			}
			if !self {
				t.Errorf("no rel=self link in %+v", got.Links)
			}
			if len(got.Entries) != 2 {
				t.Fatalf("%d entries", len(got.Entries))
			}
			for i, e := range got.Entries {
				// The schema cannot check that each entry has an author.
				if len(e.Author) != 1 || e.Author[0].Name == "" {
					t.Errorf("entry %d has no author", i)
				}
				if e.Content.Type != "xhtml" || e.Content.Div.Dir != l.Dir {
					t.Errorf("entry %d content type %q dir %q, want xhtml %s", i, e.Content.Type, e.Content.Div.Dir, l.Dir)
				}
				if _, err := time.Parse(time.RFC3339, e.Published); err != nil {
					t.Errorf("entry %d published %q: %v", i, e.Published, err)
				}
			}
			if got.Entries[1].Updated != "2024-07-04T04:00:00Z" || got.Entries[1].Published != "2024-07-02T04:00:00Z" {
				t.Errorf("corrected entry: published %s updated %s", got.Entries[1].Published, got.Entries[1].Updated)
			}
			if !strings.Contains(got.Entries[0].Content.Div.Text, `<span class="dateline">Astana, 3 July 2024, (IMN):</span> Leaders met.`) {
				t.Errorf("content %q lacks the dateline and summary", got.Entries[0].Content.Div.Text)
			}
			feedtest.Atom(t, b)
		})
	}
}

func TestEmptyAtomIsStableAndValid(t *testing.T) {
	f := sample(lang.Default())
	f.Items, f.Updated = nil, time.Time{}
	a, err := feed.Atom(f)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := feed.Atom(f)
	if string(a) != string(b) {
		t.Error("an empty feed differs between two encodings, so its ETag would too")
	}
	feedtest.Atom(t, a)
}

func TestInvalidFeeds(t *testing.T) {
	tests := []struct {
		name   string
		change func(*feed.Feed)
	}{
		{"no title", func(f *feed.Feed) { f.Title = "" }},
		{"no language", func(f *feed.Feed) { f.Lang = lang.Language{} }},
		{"no author", func(f *feed.Feed) { f.Author = "" }},
		{"no self URL", func(f *feed.Feed) { f.SelfURL = "" }},
		{"item without URL", func(f *feed.Feed) { f.Items[0].URL = "" }},
		{"item without date", func(f *feed.Feed) { f.Items[1].Published = time.Time{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := sample(lang.Default())
			tt.change(&f)
			if _, err := feed.RSS(f); !errors.Is(err, feed.ErrInvalid) {
				t.Errorf("RSS: err = %v, want ErrInvalid", err)
			}
			if _, err := feed.Atom(f); !errors.Is(err, feed.ErrInvalid) {
				t.Errorf("Atom: err = %v, want ErrInvalid", err)
			}
		})
	}
}

// FuzzFeeds feeds arbitrary headlines, summaries and bylines (text from
// the desk, and so from outside) to both encoders: the output must always
// be well-formed XML that gives the text back, less what XML cannot carry.
func FuzzFeeds(f *testing.F) {
	f.Add("</title><script>alert(1)</script>", "]]> & <!-- -->", "A\x00B")
	f.Add("سرخی", "خلاصہ\u200f", "\xff\xfe")
	f.Fuzz(func(t *testing.T, title, summary, byline string) {
		if title == "" {
			title = "x"
		}
		fd := sample(lang.Default())
		fd.Items[0].Title, fd.Items[0].Summary, fd.Items[0].Author = title, summary, byline
		b, err := feed.RSS(fd)
		if err != nil {
			t.Fatal(err)
		}
		var r rss
		if err := xml.Unmarshal(b, &r); err != nil {
			t.Fatalf("RSS not well-formed: %v", err)
		}
		if clean(title) == title && r.Channel.Items[0].Title != strings.ReplaceAll(title, "\r", "\n") {
			t.Errorf("title %q came back as %q", title, r.Channel.Items[0].Title)
		}
		a, err := feed.Atom(fd)
		if err != nil {
			t.Fatal(err)
		}
		var at atom
		if err := xml.Unmarshal(a, &at); err != nil {
			t.Fatalf("Atom not well-formed: %v", err)
		}
	})
}

// clean is s without the characters XML 1.0 cannot hold.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return -1
	}, s)
}
