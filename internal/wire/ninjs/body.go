package ninjs

// The body as the wire sends it. Both encoders need the same thing: markup
// that is well-formed XML (NewsML-G2 embeds it as inlineXML) and also valid
// HTML (ninjs carries it as text/html), without scripts or event handlers,
// with links made absolute so they work on a subscriber's site. The body
// normally comes from the site's sanitising renderer, but a kill notice or a
// future caller may hand us anything, so the serialiser trusts nothing.

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/words"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Fragment is a body cleaned for the wire.
type Fragment struct {
	XHTML string // well-formed XHTML content (no wrapper element), also valid HTML
	Text  string // its text, whitespace collapsed, for counts and plain-text consumers
	Chars int    // characters (runes) of Text
	Words int    // words of Text by Unicode word boundaries (UAX #29); each Han ideograph counts as one
}

// CleanBody parses body as an HTML fragment (as the inside of <body>) and
// writes it back as well-formed XHTML. Relative links are resolved against
// base when base is non-nil. Scripts, styles, comments, SVG/MathML islands
// and on* attributes are dropped; text that XML cannot hold (control
// characters, invalid UTF-8) is removed or replaced.
func CleanBody(body string, base *url.URL) Fragment {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	// ParseFragment reads from a strings.Reader, which never fails; its
	// error is only ever one of the reader's.
	nodes, err := html.ParseFragment(strings.NewReader(CleanText(body)), ctx)
	if err != nil {
		nodes = []*html.Node{{Type: html.TextNode, Data: CleanText(body)}}
	}
	w := xhtmlWriter{base: base}
	for _, n := range nodes {
		w.node(n)
	}
	text := strings.Join(strings.Fields(w.text.String()), " ")
	return Fragment{
		XHTML: w.out.String(),
		Text:  text,
		Chars: utf8.RuneCountInString(text),
		Words: countWords(text),
	}
}

// voidElements are the HTML elements that never have content; XHTML writes
// them self-closed.
func voidElement(name string) bool {
	switch name {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

// droppedElement reports elements whose whole subtree never goes on the
// wire: active content and document-level elements a fragment must not carry.
func droppedElement(name string) bool {
	switch name {
	case "script", "style", "template", "noscript", "iframe", "object", "embed", "frame", "frameset",
		"head", "title", "meta", "link", "base", "form", "input", "button", "select", "textarea":
		return true
	}
	return false
}

// blockElement reports elements after which the plain text gets a space, so
// that "<p>a</p><p>b</p>" counts two words.
func blockElement(name string) bool {
	switch name {
	case "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "tr", "td", "th", "dd", "dt":
		return true
	}
	return false
}

type xhtmlWriter struct {
	base *url.URL
	out  strings.Builder
	text strings.Builder
}

func (w *xhtmlWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		// Character references ("&#1;") decode to characters that the
		// cleaning of the source could not see: clean again.
		data := CleanText(n.Data)
		w.out.WriteString(escapeXML(data, false))
		w.text.WriteString(data)
	case html.ElementNode:
		w.element(n)
	case html.DocumentNode:
		w.children(n)
	}
	// Comments, doctypes and raw nodes are left out.
}

func (w *xhtmlWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
}

func (w *xhtmlWriter) element(n *html.Node) {
	name := n.Data
	// Foreign content (SVG, MathML) would need its own namespace in XHTML;
	// news bodies have none, so it is dropped rather than half-converted.
	if n.Namespace != "" || droppedElement(name) {
		return
	}
	// The fragment parser already wraps nothing in html/body for a body
	// context, but a hostile "<html>" or "<body>" tag inside may still
	// surface: keep its content, not the element.
	if name == "html" || name == "body" || !validXMLName(name) {
		w.children(n)
		return
	}
	w.out.WriteByte('<')
	w.out.WriteString(name)
	seen := map[string]bool{}
	for _, a := range n.Attr {
		key := strings.ToLower(a.Key)
		if a.Namespace != "" || seen[key] || !validXMLName(key) || strings.HasPrefix(key, "on") ||
			strings.HasPrefix(key, "xmlns") || strings.Contains(key, ":") || key == "style" {
			continue
		}
		seen[key] = true
		val := a.Val
		if key == "href" || key == "src" {
			var ok bool
			if val, ok = w.link(val); !ok {
				continue
			}
		}
		w.out.WriteByte(' ')
		w.out.WriteString(key)
		w.out.WriteString(`="`)
		w.out.WriteString(escapeXML(CleanText(val), true))
		w.out.WriteByte('"')
	}
	if voidElement(name) {
		w.out.WriteString(" />")
		if blockElement(name) {
			w.text.WriteByte(' ')
		}
		return
	}
	w.out.WriteByte('>')
	w.children(n)
	w.out.WriteString("</")
	w.out.WriteString(name)
	w.out.WriteByte('>')
	if blockElement(name) {
		w.text.WriteByte(' ')
	}
}

// link makes a link absolute against the base and refuses schemes other
// than http, https and mailto (javascript: above all).
func (w *xhtmlWriter) link(v string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return "", false
	}
	if !u.IsAbs() && w.base != nil {
		u = w.base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https", "mailto":
		return u.String(), true
	}
	return "", false
}

// validXMLName accepts the ASCII subset of XML names that HTML element and
// attribute names use; anything else (the parser keeps odd names like
// "a<b") cannot be written as XML.
func validXMLName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.'):
		default:
			return false
		}
	}
	return true
}

// escapeXML escapes the characters XML gives meaning to. In attributes the
// quote and the whitespace that attribute normalisation would flatten are
// escaped too.
func escapeXML(s string, attr bool) string {
	var b bytes.Buffer
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			if attr {
				b.WriteString("&quot;")
			} else {
				b.WriteRune(r)
			}
		case '\t', '\n', '\r':
			if attr {
				b.WriteString("&#" + strconv.Itoa(int(r)) + ";")
			} else if r == '\r' {
				b.WriteString("&#13;")
			} else {
				b.WriteRune(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CleanText makes s safe for both JSON consumers and XML 1.0: invalid UTF-8
// becomes U+FFFD and the characters XML 1.0 forbids (C0 controls other than
// tab, newline and carriage return; U+FFFE, U+FFFF) are removed. C1
// controls and other discouraged characters are removed too: they are never
// wanted in news text and confuse consumers.
func CleanText(s string) string {
	ok := true
	for _, r := range s {
		if !allowedRune(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if allowedRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func allowedRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20, r >= 0x7F && r <= 0x9F:
		return false
	case r == 0xFFFE || r == 0xFFFF:
		return false
	case r >= 0xD800 && r <= 0xDFFF:
		return false
	}
	return true
}

// countWords counts UAX #29 word segments that hold a letter or digit, so
// punctuation and spaces are not words. Scripts written without spaces
// (Chinese) segment per ideograph, which is the usual count for them.
func countWords(s string) int {
	n := 0
	it := words.FromString(s)
	for it.Next() {
		for _, r := range it.Value() {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
				break
			}
		}
	}
	return n
}
