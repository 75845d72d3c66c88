// Package feed encodes what the public site offers to feed readers and
// search engines: RSS 2.0 and Atom (RFC 4287) feeds, sitemaps with hreflang
// alternates, sitemap indexes and Google News sitemaps.
//
// The encoders are pure functions from values to bytes: they know nothing
// of the store or of HTTP, so that the site, a future bake command and the
// tests all produce the same documents. Absolute URLs are made by the
// caller, which knows the public origin.
//
// A story's lead photo goes out as an enclosure: RSS <enclosure> and Atom
// <link rel="enclosure">, each with its URL, size in bytes and type.
package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
)

// Feed is one feed, whatever its format: a language's latest stories, or a
// language's latest stories in one section.
type Feed struct {
	Title       string
	Description string        // RSS <description>, Atom <subtitle>
	Lang        lang.Language // every item is in this language
	SiteURL     string        // absolute URL of the HTML page the feed follows
	SelfURL     string        // absolute URL of this very document; also the Atom feed id
	Author      string        // the feed's author: the agency, standing in for entries without a byline
	Updated     time.Time     // the newest item's Updated; see Newest
	Items       []Item        // newest first
}

// Item is one story in a feed.
type Item struct {
	URL       string // absolute canonical URL: RSS link and permalink guid, Atom link and id
	Title     string
	Dateline  string // the formatted dateline, "Astana, 2 July 2024, (IMN):"
	Summary   string
	Author    string // the byline; empty means the feed's author
	Category  string // the section's name in the feed's language
	Published time.Time
	Updated   time.Time  // the latest version; Published when never corrected
	Enclosure *Enclosure // the lead photo; nil for none
}

// Enclosure is a file that goes with an item: a story's lead photo.
type Enclosure struct {
	URL    string // absolute
	Length int64  // in bytes
	Type   string // e.g. image/jpeg
}

// Description is the text feeds carry for an item: the dateline, as the
// agency prints it, followed by the summary.
func (it Item) Description() string {
	return strings.TrimSpace(it.Dateline + " " + it.Summary)
}

// Newest is the latest Updated (or Published) time among items, the zero
// time for none.
func Newest(items []Item) time.Time {
	var t time.Time
	for _, it := range items {
		t = later(t, later(it.Published, it.Updated))
	}
	return t
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// ErrInvalid marks a feed or sitemap that cannot be encoded because a
// required value is missing or a limit is broken.
var ErrInvalid = errors.New("feed: invalid")

func (f Feed) check() error {
	var probs []string
	if f.Title == "" {
		probs = append(probs, "feed title is empty")
	}
	if f.Lang.Code == "" {
		probs = append(probs, "feed language is unset")
	}
	if f.SelfURL == "" || f.SiteURL == "" {
		probs = append(probs, "feed URLs are empty")
	}
	if f.Author == "" {
		// Atom needs an author for every entry; the feed's covers those
		// without a byline, so it must be there.
		probs = append(probs, "feed author is empty")
	}
	for i, it := range f.Items {
		if it.URL == "" || it.Title == "" || it.Published.IsZero() {
			probs = append(probs, fmt.Sprintf("item %d lacks a URL, title or publication time", i))
		}
		if e := it.Enclosure; e != nil && (e.URL == "" || e.Type == "" || e.Length <= 0) {
			probs = append(probs, fmt.Sprintf("item %d has an enclosure without a URL, type or length", i))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// encode writes v as an XML document with its declaration.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("feed: encode: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// escape is XML character data, with characters XML forbids replaced.
func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder cannot fail
	return b.String()
}
