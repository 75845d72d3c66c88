package site

import (
	"html/template"
	"strings"
)

// The few fragments every page repeats many times (the language switcher,
// story cards) are written in Go rather than by the templates: each
// template action is escaped through reflection, and these fragments were
// a fifth of a story page's CPU. They must come out byte for byte as the
// templates wrote them, so the escaping below follows html/template's:
// the same characters replaced by the same entities in text and quoted
// attributes, and URLs in href normalised as it normalises them (the bake
// compares equal before and after; see TestEscapingAsTemplates).

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

// escapeText escapes s for HTML text or a quoted attribute value.
func escapeText(s string) string { return htmlReplacer.Replace(s) }

// escapeURL escapes s for a quoted href: a URL with a scheme other than
// http, https or mailto becomes "#ZgotmplZ", as html/template makes it;
// every byte a URL may not hold as it is is percent-encoded (a valid
// escape is kept); then the result is escaped as an attribute value.
func escapeURL(s string) string {
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
		return escapeText(s)
	}
	b.WriteString(s[written:])
	return escapeText(b.String())
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// HTML writes the card as the layout's "card" block did: a list item
// with the headline linked, the summary when there is one, and the
// language badge and date.
func (c card) HTML() template.HTML {
	var b strings.Builder
	b.Grow(256 + len(c.Headline) + len(c.Summary))
	b.WriteString("<li class=\"card\">\n<h3 lang=\"")
	b.WriteString(escapeText(c.Tag))
	b.WriteString(`" dir="`)
	b.WriteString(escapeText(c.Dir))
	b.WriteString(`"><a href="`)
	b.WriteString(escapeURL(c.URL))
	b.WriteString(`">`)
	b.WriteString(escapeText(c.Headline))
	b.WriteString("</a></h3>")
	if c.Summary != "" {
		b.WriteString("\n<p lang=\"")
		b.WriteString(escapeText(c.Tag))
		b.WriteString(`" dir="`)
		b.WriteString(escapeText(c.Dir))
		b.WriteString(`">`)
		b.WriteString(escapeText(c.Summary))
		b.WriteString("</p>")
	}
	b.WriteString("\n<div class=\"meta\">")
	if c.LangName != "" {
		b.WriteString(`<span class="lang-badge">`)
		b.WriteString(escapeText(c.LangName))
		b.WriteString("</span>")
	}
	b.WriteString(`<time datetime="`)
	b.WriteString(escapeText(c.ISO))
	b.WriteString(`">`)
	b.WriteString(escapeText(c.Date))
	b.WriteString("</time></div>\n</li>")
	return template.HTML(b.String())
}
