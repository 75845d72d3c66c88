package ingest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
)

// readFeed reads an RSS (0.9x, 1.0, 2.0) or Atom 1.0 feed with gofeed,
// which copes with the sloppiness of real feeds (undeclared entities,
// unescaped ampersands, odd date formats, legacy encodings). The feed is
// read whole, within Options.MaxDocument.
//
// Each item's language is its own dc:language, else the feed's, else
// Options.Lang; its source is Options.Source, else the feed's title. Items
// without a guid are identified by their link. Titles and bodies are taken
// as HTML: feeds escape markup in both.
func (r *run) readFeed(in io.Reader) error {
	doc, err := readDocument(in, r.opt.MaxDocument)
	if err != nil {
		return err
	}
	doc, repaired := prepareXML(doc)
	if len(bytes.TrimSpace(doc)) == 0 {
		return fmt.Errorf("%w: the input is empty", ErrMalformed)
	}
	if err := checkXMLDepth(doc); err != nil {
		return err
	}
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(doc))
	var cut error
	if err != nil && strings.Contains(err.Error(), "unexpected EOF") {
		// A download cut short: read the items that arrived whole, then
		// say the feed was cut.
		if head := closeTruncatedFeed(doc); head != nil {
			if f, err2 := gofeed.NewParser().Parse(bytes.NewReader(head)); err2 == nil {
				feed, err = f, nil
				cut = fmt.Errorf("%w: the feed is cut short after item %d; the items before were read", ErrMalformed, len(f.Items))
			}
		}
	}
	if err != nil {
		return fmt.Errorf("%w: not a readable RSS or Atom feed: %v", ErrMalformed, err)
	}
	noun := "item"
	switch feed.FeedType {
	case "rss":
	case "atom":
		noun = "entry"
	default:
		return fmt.Errorf("%w: a %s feed, not RSS or Atom", ErrUnknownFormat, feed.FeedType)
	}
	base, _ := url.Parse(strings.TrimSpace(feed.Link))
	source := ""
	if r.opt.Source == "" {
		source = feed.Title
	}
	for i, it := range feed.Items {
		if it == nil {
			continue
		}
		if err := r.next(); err != nil {
			return err
		}
		raw := feedItem(it, feed, base)
		raw.source, raw.repaired = source, repaired
		if err := r.emit(noun+" "+strconv.Itoa(i+1), raw); err != nil {
			return err
		}
	}
	return cut
}

// closeTruncatedFeed returns the part of a cut RSS 2.0 or Atom document up
// to its last whole item, with the elements around the items closed again;
// nil if it has no whole item.
func closeTruncatedFeed(doc []byte) []byte {
	end, closing := "</item>", "</channel></rss>"
	if f, _ := detectXML(doc[:min(len(doc), DetectSize)]); f == Atom {
		end, closing = "</entry>", "</feed>"
	}
	i := bytes.LastIndex(doc, []byte(end))
	if i < 0 {
		return nil
	}
	out := append([]byte{}, doc[:i+len(end)]...)
	return append(out, closing...)
}

// feedItem maps a gofeed item, which gofeed has already made the same for
// RSS and Atom.
func feedItem(it *gofeed.Item, feed *gofeed.Feed, base *url.URL) rawItem {
	link := strings.TrimSpace(it.Link)
	if base != nil && base.IsAbs() && link != "" {
		if u, err := url.Parse(link); err == nil {
			link = base.ResolveReference(u).String()
		}
	}
	raw := rawItem{
		guid:         firstNonEmpty(it.GUID, link),
		url:          link,
		lang:         feed.Language,
		headline:     it.Title,
		headlineHTML: true,
		isHTML:       true,
		tags:         it.Categories,
	}
	if it.DublinCoreExt != nil {
		raw.lang = firstOf(it.DublinCoreExt.Language, feed.Language)
	}
	// content:encoded or Atom content is the story; the description (RSS)
	// or summary (Atom) is then its summary. Without content, the
	// description is all the story there is.
	if strings.TrimSpace(it.Content) != "" {
		raw.body = it.Content
		raw.summary, raw.summaryHTML = it.Description, true
	} else {
		raw.body = it.Description
	}
	var names []string
	for _, p := range it.Authors {
		if p != nil && strings.TrimSpace(p.Name) != "" {
			names = append(names, strings.TrimSpace(p.Name))
		}
	}
	raw.byline = strings.Join(names, ", ")
	raw.published = timeOf(it.PublishedParsed)
	raw.updated = timeOf(it.UpdatedParsed)
	if raw.published.IsZero() {
		raw.published = raw.updated
	}
	return raw
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// readDocument reads a whole document of at most max bytes.
func readDocument(in io.Reader, max int64) ([]byte, error) {
	doc, err := io.ReadAll(io.LimitReader(in, max+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if int64(len(doc)) > max {
		return nil, fmt.Errorf("%w: the document is larger than %d bytes", ErrTooLarge, max)
	}
	return doc, nil
}

// prepareXML makes a document that is declared (or defaults to be) UTF-8
// parseable when some of it is not: invalid bytes become U+FFFD, and the
// items holding them are refused later (rawItem.repaired), instead of one
// bad byte losing the whole feed. It also drops the control characters XML
// 1.0 forbids, which broken CMSs leave in feeds and which would otherwise
// stop the parser too. A document in a declared legacy encoding
// (windows-1256, ISO-8859-1, GB2312...) is left to the parser's charset
// conversion, which always yields valid UTF-8.
func prepareXML(doc []byte) ([]byte, bool) {
	doc = bytes.TrimPrefix(doc, []byte("\uFEFF"))
	repaired := false
	if enc := declaredEncoding(doc); enc == "" || enc == "utf-8" || enc == "utf8" || enc == "us-ascii" {
		if !utf8.Valid(doc) {
			doc = bytes.ToValidUTF8(doc, []byte("\uFFFD"))
			repaired = true
		}
	}
	if bytes.IndexFunc(doc, xmlForbidden) >= 0 {
		doc = bytes.Map(func(r rune) rune {
			if xmlForbidden(r) {
				return -1
			}
			return r
		}, doc)
	}
	return doc, repaired
}

// xmlForbidden reports the C0 controls XML 1.0 does not allow.
func xmlForbidden(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r'
}

// declaredEncoding reads the encoding of the XML declaration, lower case,
// or "" when there is none.
func declaredEncoding(doc []byte) string {
	if !bytes.HasPrefix(doc, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(doc, []byte("?>"))
	if end < 0 || end > 500 {
		return ""
	}
	decl := string(doc[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	rest, ok := strings.CutPrefix(rest, "=")
	if !ok {
		return ""
	}
	rest = strings.TrimLeft(rest, " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	q := rest[0]
	name, _, ok := strings.Cut(rest[1:], string(q))
	if !ok {
		return ""
	}
	return lowerASCII(name)
}

// maxXMLDepth bounds how deeply a document's elements may nest. Real feeds
// and NewsML-G2 items nest a few dozen deep at most (XHTML bodies
// included); gofeed reads unknown namespaced elements recursively, and a
// hostile feed of a million nested elements would take it minutes and
// gigabytes.
const maxXMLDepth = 500

// checkXMLDepth refuses a document nested deeper than maxXMLDepth. It
// scans raw tokens only, and leaves every other fault to the real parser,
// which reports it better (and reads what it can of a truncated feed).
func checkXMLDepth(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = false
	dec.CharsetReader = charset.NewReaderLabel
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return fmt.Errorf("%w: elements nested deeper than %d", ErrMalformed, maxXMLDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}
