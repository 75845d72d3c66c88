package feed

import (
	"encoding/xml"
	"fmt"
	"time"
)

// Limits of the sitemaps protocol and of Google News.
const (
	MaxURLs     = 50_000   // URLs in one sitemap file
	MaxBytes    = 50 << 20 // size of one sitemap file, uncompressed
	MaxNewsURLs = 1_000    // URLs in one Google News sitemap
	NewsWindow  = 48 * time.Hour
)

// URL is one page in a sitemap.
type URL struct {
	Loc        string // absolute
	LastMod    time.Time
	Alternates []Alternate // every language version, this one included, plus x-default
	News       *News       // set in a Google News sitemap
}

// Alternate is a language version of a page, as <xhtml:link rel="alternate">.
type Alternate struct {
	Hreflang string // BCP 47 tag, or x-default
	Href     string // absolute
}

// News is the Google News entry of a story.
type News struct {
	Name      string    // the publication's name in the story's language
	Language  string    // Google's code: ISO 639, zh-cn for Simplified Chinese
	Published time.Time // first publication
	Title     string
}

// Sitemap is one entry of a sitemap index.
type Sitemap struct {
	Loc     string
	LastMod time.Time // optional
}

type urlset struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	XHTML   string   `xml:"xmlns:xhtml,attr,omitempty"`
	News    string   `xml:"xmlns:news,attr,omitempty"`
	URLs    []urlXML `xml:"url"`
}

type urlXML struct {
	Loc     string     `xml:"loc"`
	LastMod string     `xml:"lastmod,omitempty"`
	News    *newsXML   `xml:"news:news"`
	Links   []xhtmlXML `xml:"xhtml:link"`
}

type xhtmlXML struct {
	Rel      string `xml:"rel,attr"`
	Hreflang string `xml:"hreflang,attr"`
	Href     string `xml:"href,attr"`
}

type newsXML struct {
	Name     string `xml:"news:publication>news:name"`
	Language string `xml:"news:publication>news:language"`
	Date     string `xml:"news:publication_date"`
	Title    string `xml:"news:title"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapXML `xml:"sitemap"`
}

type sitemapXML struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// w3cDate is the W3C datetime sitemaps use, with its zone.
func w3cDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Encode writes a sitemap (a <urlset>). It declares the xhtml and news
// namespaces only when some URL uses them. More than MaxURLs URLs, more than
// MaxNewsURLs news entries, or more than MaxBytes of output is an error:
// the caller pages.
func Encode(urls []URL) ([]byte, error) {
	if len(urls) > MaxURLs {
		return nil, fmt.Errorf("%w: %d URLs in one sitemap, at most %d", ErrInvalid, len(urls), MaxURLs)
	}
	doc := urlset{URLs: make([]urlXML, 0, len(urls))}
	news := 0
	for i, u := range urls {
		if u.Loc == "" {
			return nil, fmt.Errorf("%w: sitemap URL %d has no location", ErrInvalid, i)
		}
		x := urlXML{Loc: u.Loc, LastMod: w3cDate(u.LastMod)}
		for _, a := range u.Alternates {
			x.Links = append(x.Links, xhtmlXML{Rel: "alternate", Hreflang: a.Hreflang, Href: a.Href})
			doc.XHTML = "http://www.w3.org/1999/xhtml"
		}
		if n := u.News; n != nil {
			if n.Name == "" || n.Language == "" || n.Title == "" || n.Published.IsZero() {
				return nil, fmt.Errorf("%w: news entry for %s lacks a name, language, title or date", ErrInvalid, u.Loc)
			}
			news++
			x.News = &newsXML{Name: n.Name, Language: n.Language, Date: w3cDate(n.Published), Title: n.Title}
			doc.News = "http://www.google.com/schemas/sitemap-news/0.9"
		}
		doc.URLs = append(doc.URLs, x)
	}
	if news > MaxNewsURLs {
		return nil, fmt.Errorf("%w: %d news entries in one sitemap, at most %d", ErrInvalid, news, MaxNewsURLs)
	}
	return sized(encode(doc))
}

// EncodeIndex writes a sitemap index.
func EncodeIndex(maps []Sitemap) ([]byte, error) {
	if len(maps) > MaxURLs {
		return nil, fmt.Errorf("%w: %d sitemaps in one index, at most %d", ErrInvalid, len(maps), MaxURLs)
	}
	doc := sitemapIndex{}
	for _, m := range maps {
		doc.Sitemaps = append(doc.Sitemaps, sitemapXML{Loc: m.Loc, LastMod: w3cDate(m.LastMod)})
	}
	return sized(encode(doc))
}

func sized(b []byte, err error) ([]byte, error) {
	if err == nil && len(b) > MaxBytes {
		return nil, fmt.Errorf("%w: sitemap of %d bytes, at most %d", ErrInvalid, len(b), MaxBytes)
	}
	return b, err
}
