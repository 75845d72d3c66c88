package site

import (
	"html/template"

	"github.com/qasid/qasid/internal/web"
)

// A card is written in Go rather than by a template block, with
// web.Markup: see web/escape.go for why.

// HTML writes the card as the layout's "card" block did: a list item
// with the headline linked, the summary when there is one, and the
// language badge and date.
func (c card) HTML() template.HTML {
	var m web.Markup
	m.Grow(256 + len(c.Headline) + len(c.Summary))
	m.Raw("<li class=\"card\">\n<h3")
	m.Attr("lang", c.Tag)
	m.Attr("dir", c.Dir)
	m.Raw("><a")
	m.URLAttr("href", c.URL)
	m.Raw(">")
	m.Text(c.Headline)
	m.Raw("</a></h3>")
	if c.Summary != "" {
		m.Raw("\n<p")
		m.Attr("lang", c.Tag)
		m.Attr("dir", c.Dir)
		m.Raw(">")
		m.Text(c.Summary)
		m.Raw("</p>")
	}
	m.Raw("\n<div class=\"meta\">")
	if c.LangName != "" {
		m.Raw(`<span class="lang-badge">`)
		m.Text(c.LangName)
		m.Raw("</span>")
	}
	m.Raw("<time")
	m.Attr("datetime", c.ISO)
	m.Raw(">")
	m.Text(c.Date)
	m.Raw("</time></div>\n</li>")
	return m.HTML()
}
