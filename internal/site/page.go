package site

import (
	"context"
	"html/template"
	"net/url"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

// page is what the layout needs on every page. Each page's data embeds it.
type page struct {
	cat        *lang.Catalog
	Lang       lang.Language
	Title      string
	Desc       string
	Canonical  string
	Alternates []alternate
	OGType     string
	Agency     story.AgencyText
	Sections   []navLink
	Languages  template.HTML // the switcher's list items: languageMenu
	Frame      frameParts    // frame.go
	Current    string        // the current section key; "" on the home page
	CSS        string
	Preload    []string
	Year       string

	seq      int64 // the change log's end the frame was read at: memo.go
	zone     *time.Location
	sections []story.Section
	agency   story.Agency // as loaded for the frame, for pages that need more of it
}

// Description is the meta description.
func (p page) Description() string { return p.Desc }

// T translates a UI message into the page's language; args are name, value pairs.
func (p page) T(key string, args ...string) string { return p.cat.T(p.Lang.Code, key, args...) }

// N is T for a message that depends on a count.
func (p page) N(key string, n int, args ...string) string {
	return p.cat.N(p.Lang.Code, key, n, args...)
}

type alternate struct{ Hreflang, Href string }

type navLink struct {
	Code, Tag, Dir, Name, URL string
	Current                   bool
}

// card is a story in a list.
type card struct {
	Headline, Summary, URL string
	Tag, Dir               string
	LangName               string // set when the story is not in the page's language
	Date, ISO              string
}

const langCookie = "lang"

// languageMenu writes the language switcher's list items, one a language,
// each leading through /lang/{code} (which sets the cookie) to next(code).
// It is written here rather than by the layout's template because every
// page has it, with seven links of five escaped attributes each: forty
// template actions, each escaped through reflection, were a tenth of a
// story page's CPU, and a bake renders a hundred thousand of them. Every
// value is escaped as the template escaped it (web/escape.go).
func languageMenu(l lang.Language, next func(code string) string) template.HTML {
	var m web.Markup
	m.Grow(1024)
	for _, o := range lang.All() {
		m.Raw("<li><a")
		m.URLAttr("href", "/lang/"+o.Code+"?next="+url.QueryEscape(next(o.Code)))
		m.Attr("lang", o.Tag)
		m.Attr("dir", o.Dir)
		m.Attr("hreflang", o.Tag)
		m.Attr("data-lang", o.Code)
		if o.Code == l.Code {
			m.Raw(` aria-current="true"`)
		}
		m.Raw(">")
		m.Text(o.Name)
		m.Raw("</a></li>\n")
	}
	return m.HTML()
}

// frameOrBare is frame for error pages: it never fails, falling back to an
// empty agency when the store cannot be read.
func (s *Site) frameOrBare(ctx context.Context, l lang.Language, current string) page {
	home := func(code string) string { return "/" + code + "/" }
	p, err := s.frame(ctx, l, current, home)
	if err != nil {
		s.log.Error("error page frame", "err", err)
		if p, err = s.base(l, frameSource{}, current); err != nil {
			s.log.Error("error page frame", "err", err)
		}
		p.Languages = languageMenu(l, home)
	}
	return p
}

// AlternateLinks is the layout's hreflang links, one a line, written in
// Go as the switcher is (TestStoryMetaAsTemplates holds it to the
// template it replaced).
func (p page) AlternateLinks() template.HTML {
	var m web.Markup
	for _, a := range p.Alternates {
		m.Raw("\n<link rel=\"alternate\"")
		m.Attr("hreflang", a.Hreflang)
		m.URLAttr("href", a.Href)
		m.Raw(">")
	}
	return m.HTML()
}

// sectionName is a section's name in a language, falling back to English
// and then to its key, so that a half-configured section still shows.
func sectionName(sec story.Section, code string) string {
	if n := sec.Names[code]; n != "" {
		return n
	}
	if n := sec.Names["en"]; n != "" {
		return n
	}
	return sec.Key
}

func findSection(secs []story.Section, key string) (story.Section, bool) {
	for _, s := range secs {
		if s.Key == key {
			return s, true
		}
	}
	return story.Section{}, false
}

// escapePath percent-encodes a path with Unicode slugs for a Location header
// or an absolute link.
func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

func (s *Site) cards(p page, list []story.Story) []card {
	out := make([]card, 0, len(list))
	for _, st := range list {
		out = append(out, s.card(p, st))
	}
	return out
}

func (s *Site) card(p page, st story.Story) card {
	l, _ := lang.Get(st.Lang)
	c := card{Headline: st.Headline, Summary: st.Summary, URL: render.StoryPath(st), Tag: l.Tag, Dir: l.Dir,
		Date: p.Lang.FormatDate(st.PublishedAt.In(p.zone)), ISO: st.PublishedAt.UTC().Format(time.RFC3339)}
	if st.Lang != p.Lang.Code {
		c.LangName = l.Name
	}
	return c
}
