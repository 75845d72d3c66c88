package search

import (
	"context"
	"fmt"
	"sort"
	"strings"
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
	// facetCombinations bounds the values of fieldFacet a search counts:
	// far more than seven languages, fifty sections and twenty years make.
	facetCombinations = 1 << 20
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
	phrases := false
	for _, l := range langs {
		lq := ix.as.buildLangQuery(l, q)
		if lq.query == nil {
			continue
		}
		perLang = append(perLang, lq.query)
		sets[l] = lq.terms
		phrases = phrases || lq.phrases
	}
	filter, possible := requestFilter(r)
	if len(perLang) == 0 || !possible {
		// Every word was a stop word in every language asked for, or the
		// filters exclude everything: nothing can match.
		return Result{Hits: []Hit{}, Took: time.Since(began)}, nil
	}
	top := query.NewBooleanQuery([]query.Query{disjunction(perLang)}, nil, nil)
	top.AddFilter(filter)

	fields := []string{fieldLang, fieldSection, fieldTime, fieldFamily}
	for _, l := range langs {
		fields = append(fields, headlineField(l))
	}
	if r.Highlight {
		fields = append(fields, fieldBody)
	}

	// Hits are ordered by score, newest first among equals. Sorting every
	// hit by score and time would read the time of each of the tens of
	// thousands of stories holding a common word, the larger part of such
	// a search; ranking by score alone lets Bleve keep a small heap of the
	// best. So the page is fetched by score with one hit more on each
	// side, and put in time order among equals here; only when equal
	// scores straddle an edge of the page (which hits fall on it then
	// depends on their times) is the search run again with the full sort.
	// A search that checks word positions is sorted in full at once: the
	// positions cost it several times what the sort does, and running it
	// twice would cost twice.
	from, edge := offset, 0
	if offset > 0 {
		from, edge = offset-1, 1
	}
	req := bleve.NewSearchRequestOptions(tiesEqual(top), limit+edge+1, from, false)
	if phrases {
		req = bleve.NewSearchRequestOptions(tiesEqual(top), limit, offset, false)
		req.SortBy(fullSort())
	}
	req.Fields = fields
	if r.Facets {
		// Every combination of language, section and month is counted
		// (a few thousand at most), then added up by part.
		req.AddFacet(fieldFacet, bleve.NewFacetRequest(fieldFacet, facetCombinations))
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
	out := Result{Total: res.Total}
	if r.Facets {
		out.Facets = facetCounts(res.Facets[fieldFacet])
	}
	page := res.Hits
	switch {
	case phrases:
		// Sorted in full already.
	case straddles(page, edge, limit):
		full := bleve.NewSearchRequestOptions(tiesEqual(top), limit, offset, false)
		full.SortBy(fullSort())
		full.Fields = fields
		if res, err = ix.idx.SearchInContext(ctx, full); err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
		page = res.Hits
	default:
		page = page[min(edge, len(page)):min(edge+limit, len(page))]
	}
	out.Hits = make([]Hit, 0, len(page))
	for _, dm := range page {
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
	// Scores are rounded (tiesEqual), so equal means equal; the sort is
	// stable, so stories equal in score and time keep Bleve's order, as
	// the full sort leaves them.
	sort.SliceStable(out.Hits, func(i, j int) bool {
		if a, b := out.Hits[i].Score, out.Hits[j].Score; a != b {
			return a > b
		}
		return out.Hits[i].Time.After(out.Hits[j].Time)
	})
	out.Took = time.Since(began)
	return out, nil
}

// fullSort is the order of hits: by score, then newest first.
func fullSort() []string { return []string{"-_score", "-" + fieldTime} }

// straddles reports whether hits fetched by score alone, with edge hits
// before the page (0 or 1) and one after it, have equal scores on both
// sides of an edge of the page of limit hits.
func straddles(hits []*search.DocumentMatch, edge, limit int) bool {
	if edge == 1 && len(hits) > 1 && hits[0].Score == hits[1].Score {
		return true
	}
	last := edge + limit - 1
	return len(hits) > last+1 && hits[last].Score == hits[last+1].Score
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

// facetCounts adds up the counts of the values of fieldFacet by language,
// section and month, each largest first (then in byte order, as Bleve
// orders a facet's terms), each cut to its size.
func facetCounts(fr *search.FacetResult) Facets {
	var f Facets
	if fr == nil || fr.Terms == nil {
		return f
	}
	langs, sections, months := map[string]int{}, map[string]int{}, map[string]int{}
	for _, t := range fr.Terms.Terms() {
		lang, rest, _ := strings.Cut(t.Term, facetSep)
		section, month, _ := strings.Cut(rest, facetSep)
		for _, p := range []struct {
			m map[string]int
			v string
		}{{langs, lang}, {sections, section}, {months, month}} {
			if p.v != "" {
				p.m[p.v] += t.Count
			}
		}
	}
	f.Langs = largest(langs, facetLangs)
	f.Sections = largest(sections, facetSections)
	f.Months = largest(months, facetMonths)
	return f
}

// largest lists counts largest first, then in byte order, at most n.
func largest(counts map[string]int, n int) []FacetCount {
	if len(counts) == 0 {
		return nil
	}
	out := make([]FacetCount, 0, len(counts))
	for term, c := range counts {
		out = append(out, FacetCount{Term: term, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Term < out[j].Term
	})
	return out[:min(n, len(out))]
}
