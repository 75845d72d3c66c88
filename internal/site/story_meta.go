package site

import (
	"html/template"
	"strconv"

	"github.com/qasid/qasid/internal/web"
)

// A story page's head metadata (Open Graph, Twitter card, JSON-LD), its
// hreflang alternates and its list of translations are written here
// rather than by the templates, for the reason card.go gives: some sixty
// escaped template actions a page, each through reflection, were half of
// what remained of a story page's template time, and a bake renders a
// hundred thousand of them. Each is what its template block wrote, byte
// for byte (TestStoryMetaAsTemplates), with values escaped as
// html/template escapes them in these places: a <meta> content and the
// other quoted attributes as text, an href as a URL, and the JSON-LD,
// already a template.JS, as it is.

// storyMeta is the story template's "meta" block.
func storyMeta(d *storyPage) template.HTML {
	var m web.Markup
	m.Grow(2048 + len(d.JSONLD))
	meta := func(kind, name, content string) {
		m.Raw("\n<meta")
		m.Attr(kind, name)
		m.Attr("content", content)
		m.Raw(">")
	}
	meta("property", "og:title", d.Story.Headline)
	meta("property", "og:type", "article")
	if d.Canonical != "" {
		meta("property", "og:url", d.Canonical)
	}
	if d.Story.Summary != "" {
		meta("property", "og:description", d.Story.Summary)
	}
	if f := d.Lead; f != nil {
		meta("property", "og:image", f.URL)
		meta("property", "og:image:type", f.URLType)
		meta("property", "og:image:width", strconv.Itoa(f.URLWidth))
		meta("property", "og:image:height", strconv.Itoa(f.URLHeight))
		if f.Alt != "" {
			meta("property", "og:image:alt", f.Alt)
		}
	}
	for _, l := range d.LocaleAlternates {
		meta("property", "og:locale:alternate", l)
	}
	meta("property", "article:published_time", d.PublishedISO)
	meta("property", "article:modified_time", d.ModifiedISO)
	meta("property", "article:section", d.SectionName)
	for _, t := range d.Tags {
		meta("property", "article:tag", t)
	}
	if d.Lead != nil {
		meta("name", "twitter:card", "summary_large_image")
	} else {
		meta("name", "twitter:card", "summary")
	}
	meta("name", "twitter:title", d.Story.Headline)
	if d.Story.Summary != "" {
		meta("name", "twitter:description", d.Story.Summary)
	}
	m.Raw("\n<script type=\"application/ld+json\">")
	m.Raw(string(d.JSONLD))
	m.Raw("</script>")
	return m.HTML()
}

// translationLinks is the story template's list of the story in other
// languages: its items, one a line.
func translationLinks(links []navLink) template.HTML {
	var m web.Markup
	for _, l := range links {
		m.Raw("\n<li><a")
		m.URLAttr("href", l.URL)
		m.Attr("lang", l.Tag)
		m.Attr("dir", l.Dir)
		m.Attr("hreflang", l.Tag)
		m.Raw(">")
		m.Text(l.Name)
		m.Raw("</a></li>")
	}
	return m.HTML()
}
