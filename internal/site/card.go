package site

import (
	"html/template"
	"strings"

	"github.com/qasid/qasid/internal/web"
)

// A card is written in Go rather than by a template block, escaped with
// web.EscapeText and web.EscapeURL: see web/escape.go for why.

// HTML writes the card as the layout's "card" block did: a list item
// with the headline linked, the summary when there is one, and the
// language badge and date.
func (c card) HTML() template.HTML {
	var b strings.Builder
	b.Grow(256 + len(c.Headline) + len(c.Summary))
	b.WriteString("<li class=\"card\">\n<h3 lang=\"")
	b.WriteString(web.EscapeText(c.Tag))
	b.WriteString(`" dir="`)
	b.WriteString(web.EscapeText(c.Dir))
	b.WriteString(`"><a href="`)
	b.WriteString(web.EscapeURL(c.URL))
	b.WriteString(`">`)
	b.WriteString(web.EscapeText(c.Headline))
	b.WriteString("</a></h3>")
	if c.Summary != "" {
		b.WriteString("\n<p lang=\"")
		b.WriteString(web.EscapeText(c.Tag))
		b.WriteString(`" dir="`)
		b.WriteString(web.EscapeText(c.Dir))
		b.WriteString(`">`)
		b.WriteString(web.EscapeText(c.Summary))
		b.WriteString("</p>")
	}
	b.WriteString("\n<div class=\"meta\">")
	if c.LangName != "" {
		b.WriteString(`<span class="lang-badge">`)
		b.WriteString(web.EscapeText(c.LangName))
		b.WriteString("</span>")
	}
	b.WriteString(`<time datetime="`)
	b.WriteString(web.EscapeText(c.ISO))
	b.WriteString(`">`)
	b.WriteString(web.EscapeText(c.Date))
	b.WriteString("</time></div>\n</li>")
	return template.HTML(b.String())
}
