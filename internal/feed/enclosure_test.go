package feed_test

import (
	"encoding/xml"
	"errors"
	"testing"

	"github.com/qasid/qasid/internal/feed"
	"github.com/qasid/qasid/internal/feed/feedtest"
	"github.com/qasid/qasid/internal/lang"
)

// withPhoto is the sample feed with a lead photo on its first item.
func withPhoto(l lang.Language) (feed.Feed, feed.Enclosure) {
	f := sample(l)
	e := feed.Enclosure{URL: "https://news.example.org/media/12-0123456789abcdef/1600.jpg", Length: 183_204, Type: "image/jpeg"}
	f.Items[0].Enclosure = &e
	return f, e
}

// The lead photo is an RSS <enclosure> with url, length and type; items
// without one have none.
func TestRSSEnclosure(t *testing.T) {
	f, want := withPhoto(mustLang("ur"))
	b, err := feed.RSS(f)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Items []struct {
			Enclosures []struct {
				URL    string `xml:"url,attr"`
				Length int64  `xml:"length,attr"`
				Type   string `xml:"type,attr"`
			} `xml:"enclosure"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatalf("RSS does not parse: %v\n%s", err, b)
	}
	if len(got.Items) != 2 || len(got.Items[0].Enclosures) != 1 || len(got.Items[1].Enclosures) != 0 {
		t.Fatalf("enclosures %+v: want one, on the first item", got.Items)
	}
	if e := got.Items[0].Enclosures[0]; e.URL != want.URL || e.Length != want.Length || e.Type != want.Type {
		t.Errorf("enclosure %+v, want %+v", e, want)
	}
}

// In Atom it is a link rel="enclosure" beside the alternate, and the feed
// stays valid against RFC 4287's schema.
func TestAtomEnclosure(t *testing.T) {
	for _, l := range lang.All() {
		f, want := withPhoto(l)
		b, err := feed.Atom(f)
		if err != nil {
			t.Fatal(err)
		}
		feedtest.Atom(t, b)
		var got struct {
			Entries []struct {
				Links []struct {
					Rel    string `xml:"rel,attr"`
					Type   string `xml:"type,attr"`
					Length int64  `xml:"length,attr"`
					Href   string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		links := got.Entries[0].Links
		if len(links) != 2 || links[0].Rel != "alternate" || links[1].Rel != "enclosure" ||
			links[1].Href != want.URL || links[1].Length != want.Length || links[1].Type != want.Type {
			t.Errorf("%s: first entry's links %+v", l.Code, links)
		}
		if n := len(got.Entries[1].Links); n != 1 {
			t.Errorf("%s: second entry has %d links, want only its alternate", l.Code, n)
		}
	}
}

func TestEnclosureIncomplete(t *testing.T) {
	f := sample(mustLang("en"))
	f.Items[1].Enclosure = &feed.Enclosure{URL: "https://news.example.org/media/x.jpg", Type: "image/jpeg"}
	for _, enc := range []func(feed.Feed) ([]byte, error){feed.RSS, feed.Atom} {
		if _, err := enc(f); !errors.Is(err, feed.ErrInvalid) {
			t.Errorf("an enclosure without a length: %v, want ErrInvalid", err)
		}
	}
}

func mustLang(code string) lang.Language {
	l, ok := lang.Get(code)
	if !ok {
		panic("no language " + code)
	}
	return l
}
