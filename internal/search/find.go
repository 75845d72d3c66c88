package search

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Paging limits. A search collects Offset+Limit hits to return the last
// Limit, so deep pages cost memory and time; nobody reads page 1,000 of
// results, and a crawler walking that deep gets the last page allowed.
const (
	DefaultLimit = 10
	MaxLimit     = 100
	MaxOffset    = 10_000 // larger offsets are clamped to this
)

// Facet sizes: more sections or months than this are left out of the
// counts (the largest are kept).
const (
	facetSections = 50
	facetLangs    = len(searchLangs)
	facetMonths   = 240
)

// Search runs a request. A query the user must change is a *QueryError
// (errors.Is(err, ErrQuery)).
func (ix *Index) Search(ctx context.Context, r Request) (Result, error) {
	began := time.Now()
	q, err := Parse(r.Query)
	if err != nil {
		return Result{}, err
	}
	if !r.From.IsZero() && !r.To.IsZero() && r.From.After(r.To) {
		return Result{}, &QueryError{Code: "date_range", Detail: "from date is after to date"}
	}
	offset, limit := pageBounds(r.Offset, r.Limit)

	langs := requestLangs(r.Langs)
	var perLang []query.Query
	sets := map[string]termSet{}
	for _, l := range langs {
		lq := ix.as.buildLangQuery(l, q)
		if lq.query == nil {
			continue
		}
		perLang = append(perLang, lq.query)
		sets[l] = lq.terms
	}
	filter, possible := requestFilter(r)
	if len(perLang) == 0 || !possible {
		// Every word was a stop word in every language asked for, or the
		// filters exclude everything: nothing can match.
		return Result{Hits: []Hit{}, Took: time.Since(began)}, nil
	}
	top := query.NewBooleanQuery([]query.Query{disjunction(perLang)}, nil, nil)
	top.AddFilter(filter)

	req := bleve.NewSearchRequestOptions(tiesEqual(top), limit, offset, false)
	req.SortBy([]string{"-_score", "-" + fieldTime})
	req.Fields = []string{fieldLang, fieldSection, fieldTime, fieldFamily}
	for _, l := range langs {
		req.Fields = append(req.Fields, headlineField(l))
	}
	if r.Highlight {
		req.Fields = append(req.Fields, fieldBody)
	}
	if r.Facets {
		req.AddFacet(fieldFacet, bleve.NewFacetRequest(fieldFacet, facetSections+facetLangs+facetMonths))
	}

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return Result{}, ErrClosed
	}
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("search: %w", err)
	}
	out := Result{Total: res.Total, Hits: make([]Hit, 0, len(res.Hits))}
	for _, dm := range res.Hits {
		h, ok := hitFrom(dm)
		if !ok {
			continue
		}
		if r.Highlight {
			text, _ := dm.Fields[fieldBody].(string)
			h.Snippet = ix.as.snippet(h.Lang, h.Headline, text, sets[h.Lang])
		}
		out.Hits = append(out.Hits, h)
	}
	if r.Facets {
		out.Facets = facetCounts(res.Facets[fieldFacet])
	}
	out.Took = time.Since(began)
	return out, nil
}

// pageBounds applies the defaults and limits to a requested page.
func pageBounds(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset = min(max(offset, 0), MaxOffset)
	return offset, limit
}

// requestLangs: the languages asked for that we know, or all of them.
func requestLangs(asked []string) []string {
	if len(asked) == 0 {
		return searchLangs[:]
	}
	var out []string
	for _, l := range asked {
		if knownLang(l) && !contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// requestFilter builds the filters of a request: scope, sections, dates.
// possible is false when they exclude everything (a Section outside the
// Sections the caller is entitled to).
func requestFilter(r Request) (q query.Query, possible bool) {
	vis := visPublic
	if r.Scope == ScopeDesk {
		vis = visDesk
	}
	fs := []query.Query{termQuery(fieldVis, vis)}
	if len(r.Sections) > 0 {
		var ss []query.Query
		for _, s := range r.Sections {
			ss = append(ss, termQuery(fieldSection, s))
		}
		fs = append(fs, disjunction(ss))
		if r.Section != "" && !contains(r.Sections, r.Section) {
			return nil, false
		}
	}
	if r.Section != "" {
		fs = append(fs, termQuery(fieldSection, r.Section))
	}
	if !r.From.IsZero() || !r.To.IsZero() {
		// Bleve keeps dates as int64 nanoseconds (years 1678 to 2262): a
		// bound beyond that range is open, or excludes everything.
		from, to := r.From, r.To
		switch {
		case from.After(document.MaxTimeRepresentable), !to.IsZero() && to.Before(document.MinTimeRepresentable):
			return nil, false
		case from.Before(document.MinTimeRepresentable):
			from = time.Time{}
		}
		if to.After(document.MaxTimeRepresentable) {
			to = time.Time{}
		}
		if !from.IsZero() || !to.IsZero() {
			yes := true
			dq := query.NewDateRangeInclusiveQuery(from, to, &yes, &yes)
			dq.SetField(fieldTime)
			fs = append(fs, dq)
		}
	}
	return conjunction(fs), true
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// hitFrom reads a hit's stored fields.
func hitFrom(dm *search.DocumentMatch) (Hit, bool) {
	id, working, ok := parseDocID(dm.ID)
	if !ok {
		return Hit{}, false
	}
	h := Hit{StoryID: id, Working: working, Score: dm.Score}
	h.Lang, _ = dm.Fields[fieldLang].(string)
	h.Section, _ = dm.Fields[fieldSection].(string)
	h.Headline, _ = dm.Fields[headlineField(h.Lang)].(string)
	if f, ok := dm.Fields[fieldFamily].(float64); ok {
		h.FamilyID = int64(f)
	}
	if s, ok := dm.Fields[fieldTime].(string); ok {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			h.Time = t
		}
	}
	return h, true
}

// facetCounts splits the counts of fieldFacet by kind, largest first as
// Bleve gives them, each list cut to its size.
func facetCounts(fr *search.FacetResult) Facets {
	var f Facets
	if fr == nil || fr.Terms == nil {
		return f
	}
	for _, t := range fr.Terms.Terms() {
		kind, value := t.Term[:min(2, len(t.Term))], t.Term[min(2, len(t.Term)):]
		c := FacetCount{Term: value, Count: t.Count}
		switch {
		case kind == facetSection && len(f.Sections) < facetSections:
			f.Sections = append(f.Sections, c)
		case kind == facetLang && len(f.Langs) < facetLangs:
			f.Langs = append(f.Langs, c)
		case kind == facetMonth && len(f.Months) < facetMonths:
			f.Months = append(f.Months, c)
		}
	}
	return f
}
