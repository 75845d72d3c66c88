package site

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

const (
	searchPerPage = 10
	// searchMaxPages bounds how deep a reader may page: every page costs
	// the index the hits before it, and nobody reads result 500.
	searchMaxPages = 50
	// maxSearchBytes refuses a query long before the index would, so that
	// an absurd URL costs nothing; the index has its own, tighter limit.
	maxSearchBytes = 4096
)

// searchRoutes adds the search page in each language. The languages are
// spelt out rather than matched as {lang}: "/{lang}/search" would clash
// with "/lang/{code}" and "/feeds/{file}" on the paths /lang/search and
// /feeds/search, which ServeMux refuses.
func (s *Site) searchRoutes(mux *http.ServeMux) {
	for _, code := range lang.Codes() {
		mux.HandleFunc("GET /"+code+"/search", s.handle(func(w http.ResponseWriter, r *http.Request) error {
			r.SetPathValue("lang", code)
			return s.searchPage(w, r)
		}))
	}
}

// searchParams is what the search page's URL says.
type searchParams struct {
	Query, Section string
	From, To       string // YYYY-MM-DD, as typed
	All            bool   // every language, not only the page's
	Page           int
}

// values writes the parameters back as a query string, leaving out what
// is empty, so that links stay short and a facet link differs from the
// page only in what it changes.
func (sp searchParams) values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", sp.Query)
	set("section", sp.Section)
	set("from", sp.From)
	set("to", sp.To)
	if sp.All {
		v.Set("all", "1")
	}
	if sp.Page > 1 {
		v.Set("page", strconv.Itoa(sp.Page))
	}
	return v
}

func (sp searchParams) url(code string) string {
	u := "/" + code + "/search"
	if q := sp.values().Encode(); q != "" {
		u += "?" + q
	}
	return u
}

type searchPage struct {
	page
	Params                   searchParams
	Searched                 bool   // a query was run (or refused)
	Error                    string // why the query was refused, in the page's language
	Total                    int
	Hits                     []searchHit
	Facets                   []facetGroup
	Page, Pages              int
	PrevURL, NextURL         string
	AllURL, OneURL, ClearURL string
	Filtered                 bool
}

// PageS and PagesS are the page numbers as text for the pager message.
func (p searchPage) PageS() string  { return p.Lang.FormatInt(p.Page) }
func (p searchPage) PagesS() string { return p.Lang.FormatInt(p.Pages) }

// searchHit is one story found, in its own language and direction.
type searchHit struct {
	Headline, URL string
	Tag, Dir      string
	LangName      string // set when the story is not in the page's language
	SectionName   string
	Date, ISO     string
	Snippet       []search.Span
}

// facetGroup is one facet: its values, largest first. ID makes the
// heading's id.
type facetGroup struct {
	ID, Title string
	Links     []facetLink
}

// facetLink is one value of a facet: a link that narrows the search to it.
type facetLink struct {
	Label, URL, Count string
	Tag, Dir          string // for a language's name, written in itself
	Current           bool
}

// searchPage answers GET /{lang}/search: the stories readers may see that
// match the query, in the page's language or, with all=1, in every
// language, with highlighted passages, facets and pages. A query the
// index refuses is a 400 page that says why, with the query kept in the
// box to be corrected.
func (s *Site) searchPage(w http.ResponseWriter, r *http.Request) error {
	if s.search == nil {
		return web.NotFound(errors.New("search is off"))
	}
	l, _ := s.pageLang(r)
	n, err := pageNumber(r)
	if err != nil {
		return err
	}
	qv := r.URL.Query()
	sp := searchParams{Query: qv.Get("q"), Section: qv.Get("section"), From: qv.Get("from"), To: qv.Get("to"),
		All: qv.Get("all") == "1", Page: n}
	ctx := r.Context()
	p, err := s.frame(ctx, l, "search", func(code string) string {
		o := sp
		o.Page = 0
		return o.url(code)
	})
	if err != nil {
		return err
	}
	if _, ok := findSection(p.sections, sp.Section); !ok {
		sp.Section = "" // a section that does not exist (any more) filters nothing
	}
	p.Title = p.T("search.title") + " – " + p.Agency.Name
	data := searchPage{page: p, Params: sp, Page: n}
	data.Filtered = sp.Section != "" || sp.From != "" || sp.To != ""
	links := func(f func(o *searchParams)) string {
		o := sp
		o.Page = 0
		f(&o)
		return o.url(l.Code)
	}
	data.AllURL = links(func(o *searchParams) { o.All = true })
	data.OneURL = links(func(o *searchParams) { o.All = false })
	data.ClearURL = links(func(o *searchParams) { o.Section, o.From, o.To = "", "", "" })

	if strings.TrimSpace(sp.Query) == "" && len(sp.Query) < maxSearchBytes {
		// The empty form, or a search box submitted with nothing in it.
		return s.renderSearch(w, http.StatusOK, data)
	}
	data.Searched = true
	p.Title = p.T("search.results_title", "query", truncateRunes(sp.Query, 80)) + " – " + p.Agency.Name
	data.page = p

	req := search.Request{Query: sp.Query, Scope: search.ScopePublic, Section: sp.Section,
		Offset: (n - 1) * searchPerPage, Limit: searchPerPage, Facets: true, Highlight: true}
	if !sp.All {
		req.Langs = []string{l.Code}
	}
	if n > searchMaxPages {
		return web.NotFound(fmt.Errorf("search page %d", n))
	}
	var qerr *search.QueryError
	if req.From, req.To, err = dateRange(sp.From, sp.To, p.zone); err == nil {
		if len(sp.Query) > maxSearchBytes {
			err = &search.QueryError{Code: "too_long", Detail: "the query is longer than " + strconv.Itoa(maxSearchBytes) + " bytes"}
		}
	}
	var res search.Result
	if err == nil {
		res, err = s.search.Search(ctx, req)
	}
	if errors.As(err, &qerr) {
		data.Error = queryMessage(p, qerr)
		return s.renderSearch(w, http.StatusBadRequest, data)
	}
	if err != nil {
		return fmt.Errorf("site: search: %w", err)
	}
	data.Total = int(min(res.Total, 1<<31))
	data.Pages = max(1, min((data.Total+searchPerPage-1)/searchPerPage, searchMaxPages))
	if n > data.Pages {
		return web.NotFound(fmt.Errorf("search page %d of %d", n, data.Pages))
	}
	if data.Hits, err = s.searchHits(r, p, res.Hits); err != nil {
		return err
	}
	secs, langs, months := s.facetLinks(p, sp, res.Facets)
	for _, g := range []facetGroup{
		{ID: "section", Title: p.T("search.facet_section"), Links: secs},
		{ID: "language", Title: p.T("search.facet_language"), Links: langs},
		{ID: "month", Title: p.T("search.facet_month"), Links: months},
	} {
		if len(g.Links) > 0 {
			data.Facets = append(data.Facets, g)
		}
	}
	if n > 1 {
		o := sp
		o.Page = n - 1
		data.PrevURL = o.url(l.Code)
	}
	if n < data.Pages {
		o := sp
		o.Page = n + 1
		data.NextURL = o.url(l.Code)
	}
	return s.renderSearch(w, http.StatusOK, data)
}

func (s *Site) renderSearch(w http.ResponseWriter, status int, data searchPage) error {
	// Results follow the index, which changes with every publication: a
	// short shared cache takes the load of a popular query, no more.
	w.Header().Set("Cache-Control", "public, max-age=60")
	return s.tpl.Render(w, status, "search", data)
}

// queryMessage is the reader's explanation of a refused query. A code the
// catalog does not know yet (a newer index) still gets a message.
func queryMessage(p page, qerr *search.QueryError) string {
	key := "search.err_" + qerr.Code
	if !p.cat.Has(key) {
		key = "search.err_other"
	}
	return p.T(key)
}

// dateRange reads the from and to dates of the form as whole days in the
// agency's time zone; either may be empty.
func dateRange(from, to string, zone *time.Location) (time.Time, time.Time, error) {
	day := func(v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, zone)
		if err != nil {
			return time.Time{}, &search.QueryError{Code: "date", Detail: fmt.Sprintf("date %q is not YYYY-MM-DD", truncateRunes(v, 20))}
		}
		return t, nil
	}
	f, err := day(from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, err := day(to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !f.IsZero() && !t.IsZero() && t.Before(f) {
		return time.Time{}, time.Time{}, &search.QueryError{Code: "date_range", Detail: "to is before from"}
	}
	if !t.IsZero() {
		// The whole of the last day: To is inclusive.
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return f, t, nil
}

// searchHits turns hits into what the page shows. The slug of each story
// comes from the store, in one query, so that links lead straight to the
// canonical address; the section is the published version's, which the
// hit carries.
func (s *Site) searchHits(r *http.Request, p page, hits []search.Hit) ([]searchHit, error) {
	ids := make([]int64, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.StoryID)
	}
	stored, err := s.store.Stories(r.Context(), ids)
	if err != nil {
		return nil, fmt.Errorf("site: search: %w", err)
	}
	names := map[string]string{}
	for _, sec := range p.sections {
		names[sec.Key] = sectionName(sec, p.Lang.Code)
	}
	out := make([]searchHit, 0, len(hits))
	for _, h := range hits {
		st := story.Story{ID: h.StoryID, Lang: h.Lang, Section: h.Section, Headline: h.Headline, Slug: stored[h.StoryID].Slug}
		hl, ok := lang.Get(h.Lang)
		if !ok {
			continue // not a language of this site: nowhere to link to
		}
		sh := searchHit{Headline: h.Headline, URL: render.StoryPath(st), Tag: hl.Tag, Dir: hl.Dir,
			SectionName: names[h.Section], Snippet: h.Snippet}
		if sh.SectionName == "" {
			sh.SectionName = h.Section
		}
		if !h.Time.IsZero() {
			sh.Date = p.Lang.FormatDate(h.Time.In(p.zone))
			sh.ISO = h.Time.UTC().Format(time.RFC3339)
		}
		if h.Lang != p.Lang.Code {
			sh.LangName = hl.Name
		}
		out = append(out, sh)
	}
	return out, nil
}

// facetLinks turns the counts into links that narrow the search. A
// language's link leads to the search page in that language, since that
// is where its results are read; a month's sets from and to to its first
// and last day.
func (s *Site) facetLinks(p page, sp searchParams, f search.Facets) (secs, langs, months []facetLink) {
	code := p.Lang.Code
	base := sp
	base.Page = 0
	for _, c := range f.Sections {
		sec, ok := findSection(p.sections, c.Term)
		name := c.Term
		if ok {
			name = sectionName(sec, code)
		}
		o := base
		o.Section = c.Term
		secs = append(secs, facetLink{Label: name, URL: o.url(code), Count: p.Lang.FormatInt(c.Count), Current: c.Term == sp.Section})
	}
	if sp.All {
		for _, c := range f.Langs {
			fl, ok := lang.Get(c.Term)
			if !ok {
				continue
			}
			o := base
			o.All = false
			langs = append(langs, facetLink{Label: fl.Name, URL: o.url(fl.Code), Count: p.Lang.FormatInt(c.Count),
				Tag: fl.Tag, Dir: fl.Dir})
		}
	}
	for _, c := range f.Months {
		m, err := time.Parse("2006-01", c.Term)
		if err != nil {
			continue
		}
		o := base
		o.From = m.Format("2006-01-02")
		o.To = m.AddDate(0, 1, -1).Format("2006-01-02")
		months = append(months, facetLink{Label: p.Lang.FormatMonth(m.Year(), m.Month()), URL: o.url(code),
			Count: p.Lang.FormatInt(c.Count), Current: o.From == sp.From && o.To == sp.To})
	}
	return secs, langs, months
}

// truncateRunes shortens s to at most n runes, for titles.
func truncateRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// escapePathQuery is escapePath for a site address that may carry a query
// string, as the search page's does when the reader switches language:
// the path is escaped and the query kept, read and written again so that
// nothing but parameters passes through.
func escapePathQuery(p string) string {
	path, query, ok := strings.Cut(p, "?")
	out := escapePath(path)
	if ok {
		if v, err := url.ParseQuery(query); err == nil && len(v) > 0 {
			out += "?" + v.Encode()
		}
	}
	return out
}
