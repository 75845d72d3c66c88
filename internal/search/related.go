package search

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

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
// r.Exclude. Its hits carry the story's id, language and score: the caller
// loads the stories it shows (see related_score.go for why the search
// reads no more).
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
	rd, docs, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("search: related: %w", err)
	}
	defer rd.Close()

	var clauses []relatedClause
	seenTag := map[string]bool{}
	for _, tag := range r.Tags {
		for _, t := range ix.as.tokens(analyzerTag, tag) {
			term := string(t.Term)
			if seenTag[term] {
				continue
			}
			seenTag[term] = true
			clauses = append(clauses, relatedClause{field: fieldTags, term: term, boost: boostTag})
		}
	}
	like, err := ix.likeThis(ctx, rd, docs, r.Lang, r.Text)
	if err != nil {
		return nil, err
	}
	clauses = append(clauses, like...)
	if len(clauses) == 0 {
		return []Hit{}, nil
	}

	skip := map[uint64]bool{}
	for _, id := range append([]int64{r.StoryID}, r.Exclude...) {
		for _, working := range []bool{false, true} {
			in, err := rd.InternalID(docID(id, working))
			if err != nil {
				return nil, fmt.Errorf("search: related: %w", err)
			}
			if len(in) == 0 {
				continue // no such document
			}
			n, err := internalNumber(in)
			if err != nil {
				return nil, err
			}
			skip[n] = true
		}
	}
	cands, err := scoreClauses(ctx, rd, docs, clauses, skip)
	if err != nil {
		return nil, err
	}
	best, err := bestCandidates(ctx, rd, cands, r.Lang, limit)
	if err != nil {
		return nil, err
	}
	hits := make([]Hit, 0, len(best))
	for _, c := range best {
		h, ok, err := relatedHit(rd, c, r.Lang)
		if err != nil {
			return nil, err
		}
		if ok {
			hits = append(hits, h)
		}
	}
	return hits, nil
}

// relatedHit names the story of a candidate.
func relatedHit(rd index.IndexReader, c candidate, lang string) (Hit, bool, error) {
	ext, err := rd.ExternalID(internalKey(c.id))
	if err != nil {
		return Hit{}, false, fmt.Errorf("search: related: %w", err)
	}
	id, working, ok := parseDocID(ext)
	if !ok {
		return Hit{}, false, nil
	}
	return Hit{StoryID: id, Working: working, Lang: lang, Score: c.score}, true, nil
}

// roundedScore is a score without its floating-point noise, as tiesEqual
// makes it: sums of the same parts in another order differ in the last
// places, and stories that match equally well must compare equal.
func roundedScore(s float64) float64 {
	return math.Round(s*1e9) / 1e9
}

// likeThis picks the terms of text that best tell its subject apart: those
// frequent in the text and rare in the language's stories (tf·idf), and
// returns one weighted clause for each, in headline and text. docs is
// rd's document count. The caller holds ix.mu.
func (ix *Index) likeThis(ctx context.Context, rd index.IndexReader, docs uint64, lang, text string) ([]relatedClause, error) {
	toks := ix.as.tokens(analyzerName(lang), text)
	tf := map[string]int{}
	var terms []string
	stop := ix.as.stop[lang]
	for _, t := range toks {
		term := string(t.Term)
		if stop[term] {
			continue
		}
		if tf[term] == 0 {
			terms = append(terms, term)
		}
		tf[term]++
	}
	if len(terms) == 0 {
		return nil, nil
	}
	field := textField(lang)
	dfs, err := ix.df.frequencies(ctx, rd, field, terms, docs, time.Now())
	if err != nil {
		return nil, err
	}
	type weighted struct {
		term   string
		weight float64
	}
	var ws []weighted
	for i, term := range terms {
		df := dfs[i]
		// A term in fewer than two stories is at best in this story alone
		// (it is usually indexed too) and cannot make another related; one
		// in most stories says nothing.
		if df < 2 || df > docs/2+1 {
			continue
		}
		idf := math.Log(1 + (float64(docs)-float64(df)+0.5)/(float64(df)+0.5))
		ws = append(ws, weighted{term, math.Sqrt(float64(tf[term])) * idf})
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
	var cs []relatedClause
	for _, w := range ws {
		boost := w.weight / top
		cs = append(cs,
			relatedClause{field: field, term: w.term, boost: boost},
			relatedClause{field: headlineField(lang), term: w.term, boost: boost * boostHeadline})
	}
	return cs, nil
}

// reader opens a reader of the index's postings and counts its documents,
// for searches that read postings themselves. The caller holds ix.mu and
// closes the reader.
func (ix *Index) reader() (index.IndexReader, uint64, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, 0, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, 0, err
	}
	docs, err := rd.DocCount()
	if err != nil {
		rd.Close()
		return nil, 0, err
	}
	return rd, docs, nil
}
