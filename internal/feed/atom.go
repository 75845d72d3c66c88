package feed

import (
	"encoding/xml"
	"time"
)

// epoch stands in for the updated time of a feed without items: Atom
// requires one, and a fixed value keeps the document, and so its ETag, the
// same from one request to the next.
var epoch = time.Unix(0, 0).UTC()

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel      string `xml:"rel,attr"`
	Type     string `xml:"type,attr,omitempty"`
	Hreflang string `xml:"hreflang,attr,omitempty"`
	Href     string `xml:"href,attr"`
	Length   int64  `xml:"length,attr,omitempty"`
}

type atomEntry struct {
	ID        string        `xml:"id"`
	Title     string        `xml:"title"`
	Links     []atomLink    `xml:"link"` // the alternate, then the enclosure when there is one
	Published string        `xml:"published"`
	Updated   string        `xml:"updated"`
	Author    atomPerson    `xml:"author"`
	Category  *atomCategory `xml:"category"`
	Content   atomContent   `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type  string `xml:"type,attr"`
	Inner string `xml:",innerxml"`
}

func atomDate(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Atom encodes f as an Atom 1.0 feed. Its xml:lang is the language's BCP 47
// tag. Atom has no direction attribute, so each entry's text goes out as
// XHTML content in a <div> that carries dir (and lang, which an XHTML div
// does not inherit from xml:lang in every reader). Every entry has an
// author: its byline, else the feed's.
func Atom(f Feed) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	updated := f.Updated
	if updated.IsZero() {
		updated = epoch
	}
	doc := atomFeed{
		Lang:     f.Lang.Tag,
		ID:       f.SelfURL,
		Title:    f.Title,
		Subtitle: f.Description,
		Updated:  atomDate(updated),
		Author:   atomPerson{Name: f.Author},
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL},
			{Rel: "alternate", Type: "text/html", Hreflang: f.Lang.Tag, Href: f.SiteURL},
		},
		Gen: "Qasid",
	}
	for _, it := range f.Items {
		author := it.Author
		if author == "" {
			author = f.Author
		}
		e := atomEntry{
			ID:        it.URL,
			Title:     it.Title,
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Hreflang: f.Lang.Tag, Href: it.URL}},
			Published: atomDate(it.Published),
			Updated:   atomDate(later(it.Published, it.Updated)),
			Author:    atomPerson{Name: author},
			Content:   atomContent{Type: "xhtml", Inner: xhtmlText(f.Lang.Tag, f.Lang.Dir, it.Dateline, it.Summary)},
		}
		if it.Category != "" {
			e.Category = &atomCategory{Term: it.Category}
		}
		if enc := it.Enclosure; enc != nil {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: enc.Type, Length: enc.Length, Href: enc.URL})
		}
		doc.Entries = append(doc.Entries, e)
	}
	return encode(doc)
}

// xhtmlText is an item's dateline and summary as the XHTML <div> Atom's
// xhtml content wants, built from escaped text only.
func xhtmlText(tag, dir, dateline, summary string) string {
	s := `<div xmlns="http://www.w3.org/1999/xhtml" lang="` + escape(tag) + `" dir="` + escape(dir) + `"><p>`
	if dateline != "" {
		s += `<span class="dateline">` + escape(dateline) + `</span> `
	}
	return s + escape(summary) + `</p></div>`
}
