package ingest

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html/charset"
)

// The parts of a NewsML-G2 newsItem an import needs. Element names are
// matched in any namespace, so both the default-namespace documents
// agencies send and prefixed ones read the same.
type g2Item struct {
	GUID     string `xml:"guid,attr"`
	Version  string `xml:"version,attr"`
	Lang     string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ItemMeta struct {
		ItemClass      g2QCode  `xml:"itemClass"`
		Provider       g2Party  `xml:"provider"`
		VersionCreated string   `xml:"versionCreated"`
		FirstCreated   string   `xml:"firstCreated"`
		PubStatus      g2QCode  `xml:"pubStatus"`
		Links          []g2Link `xml:"link"`
	} `xml:"itemMeta"`
	ContentMeta struct {
		ContentCreated string `xml:"contentCreated"`
		Language       []struct {
			Tag string `xml:"tag,attr"`
		} `xml:"language"`
		Headline    []g2Label   `xml:"headline"`
		Description []g2Label   `xml:"description"`
		Subject     []g2Subject `xml:"subject"`
		Keyword     []string    `xml:"keyword"`
		By          []g2Label   `xml:"by"`
		Creator     []g2Party   `xml:"creator"`
		AltID       []struct {
			Type  string `xml:"type,attr"`
			Value string `xml:",chardata"`
		} `xml:"altId"`
	} `xml:"contentMeta"`
	ContentSet struct {
		InlineXML []struct {
			ContentType string `xml:"contenttype,attr"`
			Inner       string `xml:",innerxml"`
		} `xml:"inlineXML"`
		InlineData []struct {
			ContentType string `xml:"contenttype,attr"`
			Encoding    string `xml:"encoding,attr"`
			Text        string `xml:",chardata"`
		} `xml:"inlineData"`
	} `xml:"contentSet"`
}

type g2QCode struct {
	QCode string `xml:"qcode,attr"`
	URI   string `xml:"uri,attr"`
}

// g2Label is a text element that may hold inline markup (headline, by,
// description): its inner XML is read as HTML.
type g2Label struct {
	Role  string `xml:"role,attr"`
	Inner string `xml:",innerxml"`
}

type g2Party struct {
	QCode   string   `xml:"qcode,attr"`
	Literal string   `xml:"literal,attr"`
	Name    []string `xml:"name"`
}

type g2Subject struct {
	QCode   string   `xml:"qcode,attr"`
	Literal string   `xml:"literal,attr"`
	Name    []string `xml:"name"`
}

type g2Link struct {
	Rel         string `xml:"rel,attr"`
	Href        string `xml:"href,attr"`
	ContentType string `xml:"contenttype,attr"`
	Lang        string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
}

// readNewsML reads a newsItem, or a newsMessage and every newsItem in its
// itemSet, streaming: each item is decoded and handed on before the next
// is read, so a document cut short still gives the items before the cut
// (and then an error). Other G2 items (packageItem, conceptItem, ...) are
// reported with ErrNotText.
//
// The decoder is strict, as NewsML-G2 senders are machines that write
// well-formed XML, but it knows the HTML entities (&nbsp; in XHTML
// bodies). It expands no entity a document declares itself, so
// "billion laughs" declarations come to nothing.
func (r *run) readNewsML(in io.Reader) error {
	doc, err := readDocument(in, r.opt.MaxDocument)
	if err != nil {
		return err
	}
	doc, repaired := prepareXML(doc)
	if err := checkXMLDepth(doc); err != nil {
		return err
	}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	dec.Entity = xml.HTMLEntity
	dec.CharsetReader = charset.NewReaderLabel

	n, root := 0, ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if root == "" {
				return fmt.Errorf("%w: no root element", ErrMalformed)
			}
			return nil
		}
		if err != nil {
			return xmlFatal(err, n)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = se.Name.Local
			if root != "newsItem" && root != "newsMessage" {
				return fmt.Errorf("%w: the root element is <%s>, not newsItem or newsMessage", ErrUnknownFormat, clip(root, 40))
			}
		}
		switch se.Name.Local {
		case "newsItem":
		case "packageItem", "conceptItem", "knowledgeItem", "planningItem", "catalogItem":
			n++
			if err := r.next(); err != nil {
				return err
			}
			r.bad("item "+strconv.Itoa(n), attr(se, "guid"), fmt.Errorf("%w: a %s", ErrNotText, se.Name.Local))
			if err := dec.Skip(); err != nil {
				return xmlFatal(err, n)
			}
			continue
		default:
			continue // the newsMessage's header and itemSet: go inside
		}
		n++
		if err := r.next(); err != nil {
			return err
		}
		var it g2Item
		if err := dec.DecodeElement(&it, &se); err != nil {
			return xmlFatal(err, n-1)
		}
		raw, err := newsMLItem(&it)
		raw.repaired = repaired
		pos := "item " + strconv.Itoa(n)
		if err != nil {
			r.bad(pos, raw.guid, err)
			continue
		}
		if err := r.emit(pos, raw); err != nil {
			return err
		}
	}
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// xmlFatal describes an XML error that stops the read.
func xmlFatal(err error, done int) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		if strings.Contains(syn.Msg, "unexpected EOF") {
			return fmt.Errorf("%w: the XML is cut short at line %d (after %d items)", ErrMalformed, syn.Line, done)
		}
		return fmt.Errorf("%w: XML line %d: %s (after %d items)", ErrMalformed, syn.Line, syn.Msg, done)
	}
	return fmt.Errorf("%w: XML: %v (after %d items)", ErrMalformed, err, done)
}

// newsMLItem maps one decoded newsItem.
func newsMLItem(it *g2Item) (rawItem, error) {
	im, cm := &it.ItemMeta, &it.ContentMeta
	raw := rawItem{guid: it.GUID, lang: it.Lang}
	if class := im.ItemClass.QCode + im.ItemClass.URI; class != "" && !strings.Contains(lowerASCII(class), "text") {
		return raw, fmt.Errorf("%w: item class %q", ErrNotText, clip(class, 40))
	}
	for _, l := range cm.Language {
		if strings.TrimSpace(l.Tag) != "" {
			raw.lang = l.Tag
			break
		}
	}
	if v, err := strconv.Atoi(strings.TrimSpace(it.Version)); err == nil && v > 0 {
		raw.version = v
	}
	raw.canceled = strings.Contains(lowerASCII(im.PubStatus.QCode+im.PubStatus.URI), "canceled")

	if h, ok := pickLabel(cm.Headline, "main"); ok {
		raw.headline, raw.headlineHTML = xmlInner(h.Inner), true
	}
	if d, ok := pickLabel(cm.Description, "summary"); ok {
		raw.summary, raw.summaryHTML = xmlInner(d.Inner), true
	}
	if b, ok := pickLabel(cm.By, ""); ok {
		raw.byline = htmlText(xmlInner(b.Inner))
	} else {
		for _, c := range cm.Creator {
			if name := firstOf(c.Name, c.Literal); name != "" {
				raw.byline = name
				break
			}
		}
	}
	raw.source = firstOf(im.Provider.Name, im.Provider.Literal)

	for _, s := range cm.Subject {
		name := firstOf(s.Name, s.Literal)
		scheme, code, _ := strings.Cut(s.QCode, ":")
		switch {
		case strings.Contains(lowerASCII(scheme), "section"):
			if raw.section == "" {
				raw.section = firstNonEmpty(name, code)
			}
		case name == "", mediaTopic(s.QCode):
			// A code alone names nothing a reader can see; Media Topic
			// labels are English whatever the item's language.
		default:
			raw.tags = append(raw.tags, name)
		}
	}
	raw.tags = append(raw.tags, cm.Keyword...)

	for _, a := range cm.AltID {
		if strings.Contains(lowerASCII(a.Type), "family") && strings.TrimSpace(a.Value) != "" {
			raw.family = qualifiedFamily(raw.guid, strings.TrimSpace(a.Value))
			break
		}
	}
	for _, l := range im.Links {
		if strings.Contains(lowerASCII(l.ContentType), "html") && (l.Lang == "" || l.Lang == raw.lang) {
			raw.url = l.Href
			break
		}
	}

	raw.published = parseTime(firstNonEmpty(im.FirstCreated, cm.ContentCreated, im.VersionCreated))
	raw.updated = parseTime(im.VersionCreated)

	cs := &it.ContentSet
	body := false
	for _, x := range cs.InlineXML {
		if strings.Contains(lowerASCII(x.ContentType), "html") {
			raw.body, raw.isHTML, body = xmlInner(x.Inner), true, true
			break
		}
	}
	if !body {
		for _, d := range cs.InlineData {
			if ct := lowerASCII(d.ContentType); ct != "" && !strings.HasPrefix(ct, "text/") {
				continue
			}
			text := d.Text
			if lowerASCII(d.Encoding) == "base64" {
				b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(text), ""))
				if err != nil {
					return raw, fmt.Errorf("%w: inlineData is not valid base64", ErrMalformed)
				}
				text = string(b)
			}
			raw.body, raw.isHTML, body = text, strings.Contains(lowerASCII(d.ContentType), "html"), true
			break
		}
	}
	if !body && len(cs.InlineXML) > 0 {
		// Another XML vocabulary (NITF): its <p> elements still make
		// paragraphs, and its headline block is dropped as a head.
		raw.body, raw.isHTML = xmlInner(cs.InlineXML[0].Inner), true
	}
	return raw, nil
}

// pickLabel picks the label whose role ends in the given role ("main"
// matches "hld:main"), or the first.
func pickLabel(ls []g2Label, role string) (g2Label, bool) {
	for _, l := range ls {
		if role != "" && strings.HasSuffix(l.Role, ":"+role) && strings.TrimSpace(l.Inner) != "" {
			return l, true
		}
	}
	for _, l := range ls {
		if strings.TrimSpace(l.Inner) != "" {
			return l, true
		}
	}
	return g2Label{}, false
}

// xmlInner prepares inner XML for htmlText, which reads HTML: HTML has no
// CDATA sections outside SVG and MathML, so their text is escaped in place.
func xmlInner(s string) string {
	if !strings.Contains(s, "<![CDATA[") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for {
		i := strings.Index(s, "<![CDATA[")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		s = s[i+len("<![CDATA["):]
		j := strings.Index(s, "]]>")
		if j < 0 {
			b.WriteString(html.EscapeString(s))
			return b.String()
		}
		b.WriteString(html.EscapeString(s[:j]))
		s = s[j+len("]]>"):]
	}
}
