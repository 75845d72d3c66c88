package web

import (
	"html/template"
	"strings"
)

// Fragments that every page repeats many times (the site's language
// switcher, story cards, a story page's metadata and hreflang links) are
// written in Go rather than by a template: each template action is escaped
// through reflection, and those fragments were about half of a story
// page's template time. They must come out byte for byte as the templates
// wrote them, so the escaping here follows html/template's: the same
// characters replaced by the same entities in text and quoted attributes
// (a <meta> content among them), and URLs in href normalised as it
// normalises them (site.TestEscapingAsTemplates and
// site.TestStoryMetaAsTemplates hold them to it).

// htmlReplacer is html/template's table for text and quoted attribute
// values.
var htmlReplacer = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// EscapeText escapes s for HTML text or a quoted attribute value.
func EscapeText(s string) string { return htmlReplacer.Replace(s) }

// EscapeURL escapes s for a quoted href: a URL with a scheme other than
// http, https or mailto becomes "#ZgotmplZ", as html/template makes it;
// every byte a URL may not hold as it is is percent-encoded (a valid
// escape is kept); then the result is escaped as an attribute value.
func EscapeURL(s string) string {
	if i := strings.IndexByte(s, ':'); i >= 0 && !strings.Contains(s[:i], "/") {
		switch strings.ToLower(s[:i]) {
		case "http", "https", "mailto":
		default:
			return "#ZgotmplZ"
		}
	}
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0,
			'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		b.WriteString(s[written:i])
		const hex = "0123456789abcdef"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
		written = i + 1
	}
	if written == 0 {
		return EscapeText(s)
	}
	b.WriteString(s[written:])
	return EscapeText(b.String())
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Markup builds such a fragment: markup written as it is, and values
// escaped for the place they go, so that the code reads like the
// template it replaces.
type Markup struct{ b strings.Builder }

// Grow makes room for n more bytes.
func (m *Markup) Grow(n int) { m.b.Grow(n) }

// Raw writes markup as it is.
func (m *Markup) Raw(s string) { m.b.WriteString(s) }

// Text writes s escaped as HTML text.
func (m *Markup) Text(s string) { m.b.WriteString(EscapeText(s)) }

// Attr writes ` name="value"`, the value escaped as a quoted attribute.
func (m *Markup) Attr(name, value string) { m.attr(name, EscapeText(value)) }

// URLAttr is Attr for an attribute that holds a URL (href, src).
func (m *Markup) URLAttr(name, value string) { m.attr(name, EscapeURL(value)) }

func (m *Markup) attr(name, escaped string) {
	m.b.WriteByte(' ')
	m.b.WriteString(name)
	m.b.WriteString(`="`)
	m.b.WriteString(escaped)
	m.b.WriteByte('"')
}

// HTML returns what was written.
func (m *Markup) HTML() template.HTML { return template.HTML(m.b.String()) }
