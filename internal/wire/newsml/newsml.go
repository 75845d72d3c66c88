// Package newsml writes a story version as a NewsML-G2 2.35 newsItem (power
// conformance), from the same Item the ninjs encoder writes, so the two
// formats never disagree.
//
// The XSD fixes the order of elements, and the struct fields below follow
// it: newsItem → catalogRef → catalog → rightsInfo → itemMeta → contentMeta
// → contentSet. The body goes in contentSet/inlineXML as an XHTML document,
// which the XSD does not check: ninjs.CleanBody makes it well-formed.
package newsml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/wire/ninjs"
)

// Namespaces and the IPTC catalog that resolves the ninat, stat, sig, drol
// and medtop schemes used below.
const (
	nsNAR      = "http://iptc.org/std/nar/2006-10-01/"
	nsXHTML    = "http://www.w3.org/1999/xhtml"
	catalogURL = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"
)

type newsItem struct {
	XMLName         xml.Name    `xml:"newsItem"`
	XMLNS           string      `xml:"xmlns,attr"`
	GUID            string      `xml:"guid,attr"`
	Version         int         `xml:"version,attr"`
	Standard        string      `xml:"standard,attr"`
	StandardVersion string      `xml:"standardversion,attr"`
	Conformance     string      `xml:"conformance,attr"`
	Lang            string      `xml:"xml:lang,attr"`
	CatalogRef      href        `xml:"catalogRef"`
	Catalog         catalog     `xml:"catalog"`
	RightsInfo      rightsInfo  `xml:"rightsInfo"`
	ItemMeta        itemMeta    `xml:"itemMeta"`
	ContentMeta     contentMeta `xml:"contentMeta"`
	ContentSet      *contentSet `xml:"contentSet,omitempty"`
}

type href struct {
	Href string `xml:"href,attr"`
}

// catalog declares our own section scheme, so that its qcodes resolve.
type catalog struct {
	Scheme scheme `xml:"scheme"`
}

type scheme struct {
	Alias string `xml:"alias,attr"`
	URI   string `xml:"uri,attr"`
}

type rightsInfo struct {
	CopyrightHolder party  `xml:"copyrightHolder"`
	CopyrightNotice string `xml:"copyrightNotice"`
	UsageTerms      string `xml:"usageTerms"`
}

type party struct {
	URI  string `xml:"uri,attr,omitempty"`
	Name string `xml:"name,omitempty"`
}

type qcode struct {
	QCode string `xml:"qcode,attr"`
}

type itemMeta struct {
	ItemClass      qcode  `xml:"itemClass"`
	Provider       party  `xml:"provider"`
	VersionCreated string `xml:"versionCreated"`
	FirstCreated   string `xml:"firstCreated"`
	Embargoed      string `xml:"embargoed,omitempty"`
	PubStatus      qcode  `xml:"pubStatus"`
	EdNote         string `xml:"edNote,omitempty"`
	Signal         *qcode `xml:"signal,omitempty"`
	Link           []link `xml:"link"`
}

type link struct {
	Rel         string `xml:"rel,attr"`
	Href        string `xml:"href,attr"`
	ContentType string `xml:"contenttype,attr,omitempty"`
	Size        int64  `xml:"size,attr,omitempty"` // of a photo (picture.go)
	Lang        string `xml:"xml:lang,attr,omitempty"`
	Title       string `xml:"title,omitempty"`
}

type contentMeta struct {
	Icon           []icon    `xml:"icon"` // the lead photo (picture.go)
	ContentCreated string    `xml:"contentCreated"`
	Located        *located  `xml:"located,omitempty"`
	Creator        *party    `xml:"creator,omitempty"`
	Language       language  `xml:"language"`
	Genre          *genre    `xml:"genre,omitempty"`
	Keyword        []string  `xml:"keyword"`
	Subject        []subject `xml:"subject"`
	Slugline       string    `xml:"slugline,omitempty"`
	Headline       string    `xml:"headline,omitempty"`
	Dateline       string    `xml:"dateline,omitempty"`
	By             string    `xml:"by,omitempty"`
	Creditline     string    `xml:"creditline,omitempty"`
	Description    *describe `xml:"description,omitempty"`
}

type located struct {
	Name string `xml:"name"`
}

type language struct {
	Tag string `xml:"tag,attr"`
}

type genre struct {
	QCode string `xml:"qcode,attr"`
	Name  string `xml:"name"`
}

type subject struct {
	Type  string `xml:"type,attr"`
	QCode string `xml:"qcode,attr"`
	Name  string `xml:"name"`
}

type describe struct {
	Role string `xml:"role,attr"`
	Text string `xml:",chardata"`
}

type contentSet struct {
	InlineXML inlineXML `xml:"inlineXML"`
}

type inlineXML struct {
	ContentType string `xml:"contenttype,attr"`
	Lang        string `xml:"xml:lang,attr"`
	Dir         string `xml:"dir,attr,omitempty"`
	Inner       string `xml:",innerxml"`
}

// Encode writes one version of a story as a NewsML-G2 newsItem.
func Encode(in ninjs.Input) ([]byte, error) {
	it, err := ninjs.Describe(in)
	if err != nil {
		return nil, fmt.Errorf("newsml: %w", err)
	}
	return Marshal(it)
}

// Marshal writes an Item as a NewsML-G2 2.35 newsItem document.
func Marshal(it ninjs.Item) ([]byte, error) {
	org := party{URI: it.BaseURL + "/", Name: it.AgencyName}
	doc := newsItem{
		XMLNS:           nsNAR,
		GUID:            it.GUID,
		Version:         it.Version,
		Standard:        "NewsML-G2",
		StandardVersion: "2.35",
		Conformance:     "power",
		Lang:            it.Lang.Tag,
		CatalogRef:      href{Href: catalogURL},
		Catalog:         catalog{Scheme: scheme{Alias: ninjs.SectionScheme, URI: ninjs.SectionSchemeURI(it.BaseURL)}},
		RightsInfo: rightsInfo{
			CopyrightHolder: org,
			CopyrightNotice: it.CopyrightNotice,
			UsageTerms:      it.UsageTerms,
		},
		ItemMeta: itemMeta{
			ItemClass:      qcode{"ninat:text"},
			Provider:       org,
			VersionCreated: it.VersionCreated.Format(time.RFC3339),
			FirstCreated:   it.FirstCreated.Format(time.RFC3339),
			PubStatus:      qcode{"stat:usable"},
			EdNote:         it.CorrectionNote,
		},
		ContentMeta: contentMeta{
			ContentCreated: it.FirstCreated.Format(time.RFC3339),
			Language:       language{Tag: it.Lang.Tag},
			Keyword:        it.Tags,
			Slugline:       it.Slug,
			Headline:       it.Headline,
			Dateline:       it.Dateline,
			By:             it.Byline,
			Creditline:     it.Credit,
		},
	}
	im, cm := &doc.ItemMeta, &doc.ContentMeta
	switch {
	case it.Canceled:
		im.PubStatus = qcode{"stat:canceled"}
	case it.Version > 1:
		// IPTC's signal for "this version corrects an earlier one".
		im.Signal = &qcode{"sig:correction"}
	}
	if !it.Embargo.IsZero() {
		im.Embargoed = it.Embargo.Format(time.RFC3339)
	}
	if it.WebURL != "" {
		im.Link = append(im.Link, link{Rel: "irel:seeAlso", Href: it.WebURL, ContentType: "text/html"})
	}
	for _, t := range it.Translations {
		im.Link = append(im.Link, link{Rel: "irel:seeAlso", Href: t.URI, Lang: t.Lang.Tag, Title: t.Headline})
	}
	im.Link = append(im.Link, pictureLinks(it)...) // the photos
	cm.Icon = leadIcons(it)
	if it.Place != "" {
		cm.Located = &located{Name: it.Place}
	}
	if it.Byline != "" {
		cm.Creator = &party{Name: it.Byline}
	}
	if !it.Canceled {
		cm.Genre = &genre{QCode: "genre:Current", Name: "Current"}
	}
	for _, s := range it.Subjects {
		cm.Subject = append(cm.Subject, subject{Type: "cpnat:abstract", QCode: s.QCode, Name: s.Name})
	}
	if it.Summary != "" {
		cm.Description = &describe{Role: "drol:summary", Text: it.Summary}
	}
	if it.Body.XHTML != "" || it.Headline != "" {
		set := &contentSet{InlineXML: inlineXML{
			ContentType: "application/xhtml+xml",
			Lang:        it.Lang.Tag,
			Inner:       XHTMLDocument(it),
		}}
		if it.Lang.RTL() {
			set.InlineXML.Dir = "rtl"
		}
		doc.ContentSet = set
	}

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("newsml: encode story %d: %w", it.StoryID, err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// XHTMLDocument is the body as a whole XHTML document, the content of
// inlineXML: html (with the story's language and direction), a head with
// the headline as title, and the cleaned body.
func XHTMLDocument(it ninjs.Item) string {
	var b bytes.Buffer
	b.WriteString(`<html xmlns="` + nsXHTML + `" lang="` + it.Lang.Tag + `" xml:lang="` + it.Lang.Tag + `" dir="` + it.Lang.Dir + `">`)
	b.WriteString(`<head><title>`)
	xml.EscapeText(&b, []byte(it.Headline))
	b.WriteString(`</title></head><body>`)
	b.WriteString(it.Body.XHTML)
	b.WriteString(`</body></html>`)
	return b.String()
}
