package feed

import (
	"encoding/xml"
	"time"
)

// RSS language codes follow the table in STANDARDS.md, whose RSS column is
// the Google News one: ISO 639 codes, and zh-cn for Simplified Chinese,
// which older readers know where they do not know zh-Hans.

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Language    string    `xml:"language"`
	LastBuild   string    `xml:"lastBuildDate,omitempty"`
	Generator   string    `xml:"generator"`
	Self        rssSelf   `xml:"atom:link"`
	Items       []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	GUID        rssGUID       `xml:"guid"`
	PubDate     string        `xml:"pubDate"`
	Description string        `xml:"description,omitempty"`
	Creator     string        `xml:"dc:creator"`
	Category    string        `xml:"category,omitempty"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
}

// rssEnclosure is RSS 2.0's <enclosure>: all three attributes are required.
type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink bool   `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// rssDate is RFC 822 as RSS 2.0 asks, with the four-digit year its
// specification recommends (RFC 1123), in UTC.
func rssDate(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// RSS encodes f as an RSS 2.0 document. Items name their author with
// dc:creator, because RSS's own <author> must be an e-mail address.
func RSS(f Feed) ([]byte, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	ch := rssChannel{
		Title:       f.Title,
		Link:        f.SiteURL,
		Description: f.Description,
		Language:    f.Lang.NewsLang,
		Generator:   "Qasid",
		Self:        rssSelf{Href: f.SelfURL, Rel: "self", Type: "application/rss+xml"},
	}
	if ch.Description == "" {
		ch.Description = f.Title // required by RSS 2.0
	}
	if !f.Updated.IsZero() {
		ch.LastBuild = rssDate(f.Updated)
	}
	for _, it := range f.Items {
		author := it.Author
		if author == "" {
			author = f.Author
		}
		item := rssItem{
			Title:       it.Title,
			Link:        it.URL,
			GUID:        rssGUID{IsPermaLink: true, Value: it.URL},
			PubDate:     rssDate(it.Published),
			Description: it.Description(),
			Creator:     author,
			Category:    it.Category,
		}
		if e := it.Enclosure; e != nil {
			item.Enclosure = &rssEnclosure{URL: e.URL, Length: e.Length, Type: e.Type}
		}
		ch.Items = append(ch.Items, item)
	}
	return encode(rssDoc{Version: "2.0", Atom: "http://www.w3.org/2005/Atom",
		DC: "http://purl.org/dc/elements/1.1/", Channel: ch})
}
