package site

import (
	"net/http"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/web"
)

type homePage struct {
	page
	Lead   []card
	Blocks []block
	Others []card
}

type block struct {
	Name, URL string
	Cards     []card
}

const (
	homeLead       = 4
	homePerBlock   = 4
	homeOthers     = 6
	sectionPerPage = 20
)

// home is a language's front page: the latest stories, then each section's,
// then stories not yet translated into this language.
func (s *Site) home(w http.ResponseWriter, r *http.Request) error {
	l, ok := s.pageLang(r)
	if !ok {
		return web.NotFound(nil)
	}
	ctx := r.Context()
	p, err := s.frame(ctx, l, "", func(code string) string { return "/" + code + "/" })
	if err != nil {
		return err
	}
	p.Title = p.Agency.Name
	if p.Agency.Tagline != "" {
		p.Title += " – " + p.Agency.Tagline
	}
	p.Desc = p.Agency.Tagline
	p.Canonical = s.baseURL + "/" + l.Code + "/"
	p.OGType = "website"
	p.Alternates = s.homeAlternates("")

	latest, err := s.store.PublishedStories(ctx, store.ListQuery{Now: s.now(), Lang: l.Code, Limit: homeLead, NoBody: true})
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, st := range latest {
		seen[st.ID] = true
	}
	data := homePage{page: p, Lead: s.cards(p, latest)}
	for _, sec := range p.sections {
		list, err := s.store.PublishedStories(ctx, store.ListQuery{Now: s.now(), Lang: l.Code, Section: sec.Key, Limit: homePerBlock + homeLead, NoBody: true})
		if err != nil {
			return err
		}
		b := block{Name: sectionName(sec, l.Code), URL: "/" + l.Code + "/" + sec.Key + "/"}
		for _, st := range list {
			if !seen[st.ID] && len(b.Cards) < homePerBlock {
				b.Cards = append(b.Cards, s.card(p, st))
			}
		}
		if len(b.Cards) > 0 {
			data.Blocks = append(data.Blocks, b)
		}
	}
	others, err := s.store.Untranslated(ctx, l.Code, "", homeOthers, s.now())
	if err != nil {
		return err
	}
	data.Others = s.cards(p, others)
	return s.tpl.Render(w, http.StatusOK, "home", data)
}

// homeAlternates links a home or section page to the same page in every
// language; x-default is the bare root, which picks by Accept-Language.
func (s *Site) homeAlternates(section string) []alternate {
	var out []alternate
	for _, o := range lang.All() {
		u := s.baseURL + "/" + o.Code + "/"
		if section != "" {
			u += section + "/"
		}
		out = append(out, alternate{Hreflang: o.Tag, Href: u})
	}
	x := s.baseURL + "/"
	if section != "" {
		x = s.baseURL + "/en/" + section + "/"
	}
	return append(out, alternate{Hreflang: "x-default", Href: x})
}
