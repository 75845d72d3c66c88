package search

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

const (
	defaultRelated = 5
	maxRelated     = 50
	// relatedTerms is how many of the text's most telling terms a related
	// search looks for ("more like this").
	relatedTerms = 12
	// boostTag makes one shared tag outweigh several shared words: editors
	// chose the tags, the words are only likely.
	boostTag = 4.0
)

// Related finds public stories like one story, in its language, best
// first and newest first among equals; never the story itself or one in
// r.Exclude.
func (ix *Index) Related(ctx context.Context, r RelatedRequest) ([]Hit, error) {
	if !knownLang(r.Lang) {
		return nil, fmt.Errorf("search: related: no analyser for language %q", r.Lang)
	}
	limit := r.Limit
	if limit <= 0 {
		limit = defaultRelated
	}
	limit = min(limit, maxRelated)

	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return nil, ErrClosed
	}

	var should []query.Query
	seenTag := map[string]bool{}
	for _, tag := range r.Tags {
		for _, t := range ix.as.tokens(analyzerTag, tag) {
			term := string(t.Term)
			if seenTag[term] {
				continue
			}
			seenTag[term] = true
			tq := termQuery(fieldTags, term)
			tq.SetBoost(boostTag)
			should = append(should, tq)
		}
	}
	like, err := ix.likeThis(ctx, r.Lang, r.Text)
	if err != nil {
		return nil, err
	}
	should = append(should, like...)
	if len(should) == 0 {
		return []Hit{}, nil
	}

	ids := []string{docID(r.StoryID, false), docID(r.StoryID, true)}
	for _, id := range r.Exclude {
		ids = append(ids, docID(id, false), docID(id, true))
	}
	b := query.NewBooleanQuery(nil, should, []query.Query{query.NewDocIDQuery(ids)})
	b.SetMinShould(1)
	b.AddFilter(conjunction([]query.Query{termQuery(fieldVis, visPublic), termQuery(fieldLang, r.Lang)}))

	req := bleve.NewSearchRequestOptions(tiesEqual(b), limit, 0, false)
	req.SortBy([]string{"-_score", "-" + fieldTime})
	req.Fields = []string{fieldLang, fieldSection, fieldTime, fieldFamily, headlineField(r.Lang)}
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: related: %w", err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, dm := range res.Hits {
		if h, ok := hitFrom(dm); ok {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// likeThis picks the terms of text that best tell its subject apart: those
// frequent in the text and rare in the language's stories (tf·idf), and
// returns one weighted term query for each, in headline and text. The
// caller holds ix.mu.
func (ix *Index) likeThis(ctx context.Context, lang, text string) ([]query.Query, error) {
	toks := ix.as.tokens(analyzerName(lang), text)
	if len(toks) == 0 {
		return nil, nil
	}
	tf := map[string]int{}
	stop := ix.as.stop[lang]
	for _, t := range toks {
		if !stop[string(t.Term)] {
			tf[string(t.Term)]++
		}
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: related: %w", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: related: %w", err)
	}
	defer rd.Close()
	n, err := rd.DocCount()
	if err != nil {
		return nil, fmt.Errorf("search: related: %w", err)
	}
	type weighted struct {
		term   string
		weight float64
	}
	var ws []weighted
	field := textField(lang)
	for term, f := range tf {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		df, err := docFreq(ctx, rd, term, field)
		if err != nil {
			return nil, err
		}
		// A term in fewer than two stories is at best in this story alone
		// (it is usually indexed too) and cannot make another related; one
		// in most stories says nothing.
		if df < 2 || df > n/2+1 {
			continue
		}
		idf := math.Log(1 + (float64(n)-float64(df)+0.5)/(float64(df)+0.5))
		ws = append(ws, weighted{term, math.Sqrt(float64(f)) * idf})
	}
	sort.Slice(ws, func(i, j int) bool {
		if ws[i].weight != ws[j].weight {
			return ws[i].weight > ws[j].weight
		}
		return ws[i].term < ws[j].term
	})
	if len(ws) > relatedTerms {
		ws = ws[:relatedTerms]
	}
	if len(ws) == 0 {
		return nil, nil
	}
	top := ws[0].weight
	var qs []query.Query
	for _, w := range ws {
		boost := w.weight / top
		t := termQuery(field, w.term)
		t.SetBoost(boost)
		h := termQuery(headlineField(lang), w.term)
		h.SetBoost(boost * boostHeadline)
		qs = append(qs, t, h)
	}
	return qs, nil
}

// docFreq is how many documents hold term in field.
func docFreq(ctx context.Context, rd index.IndexReader, term, field string) (uint64, error) {
	tfr, err := rd.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("search: related: term %q: %w", term, err)
	}
	n := tfr.Count()
	if err := tfr.Close(); err != nil {
		return 0, fmt.Errorf("search: related: term %q: %w", term, err)
	}
	return n, nil
}
