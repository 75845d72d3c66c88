package search

import (
	"context"
	"math"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// The parts of a story's score. Every word must be in the text field
// (headline, body, byline and place together), which gives the base
// score; a word also in the headline earns more, and a story where the
// words stand together as typed gets proximityBonus on top. (Bleve's
// tf-idf already favours a short field such as a headline through its
// length norm, so the headline weight is modest.)
//
// The bonus is a constant, not Bleve's phrase score: that score sums the
// words' frequencies in the whole story, so a long story repeating one
// common word of the phrase would outrank the one story holding the exact
// words. Base scores are normalised tf-idf sums, a few units at most, so
// a bonus of 10 puts the stories with the words as typed first, in
// base-score order.
const (
	boostHeadline  = 1.0
	proximityBonus = 10.0
)

// tokens analyses text with an analyser.
func (as analyzers) tokens(analyzer, text string) analysis.TokenStream {
	a, ok := as.byName[analyzer]
	if !ok || text == "" {
		return nil
	}
	return a.Analyze([]byte(text))
}

// termSet is the set of analysed terms a query looks for in one language,
// used to mark words in snippets.
type termSet map[string]bool

// langQuery is a query prepared for one language.
type langQuery struct {
	lang  string
	query query.Query // nil when nothing of the query survives analysis
	terms termSet     // for snippets
	// phrases is set when the query checks word positions (a quoted
	// phrase, or the words as typed): the costliest part of a search.
	phrases bool
}

// buildLangQuery turns a parsed query into a Bleve query for the stories
// of one language, analysed by that language's rules: every word and
// phrase must match (each word in any field), no excluded one may, and
// stories where the plain words stand together as typed score higher.
//
// Stop words are indexed but optional in a query: "the prime minister"
// needs "prime" and "minister", and "the" counts only in the bonus for the
// words standing together. A query of nothing but stop words ("to be or
// not to be") needs them all. A word that analysis removes entirely is
// left out for that language only.
func (as analyzers) buildLangQuery(lang string, q Query) langQuery {
	lq := langQuery{lang: lang, terms: termSet{}}
	an := analyzerName(lang)
	var must, should, mustNot []query.Query
	var stops []analysis.TokenStream
	var plain []string
	seen := map[Term]bool{}
	for _, t := range q.Terms {
		if seen[t] {
			// A repeat adds nothing but to the words as typed.
			if !t.Phrase && !t.Exclude {
				plain = append(plain, t.Text)
			}
			continue
		}
		seen[t] = true
		switch {
		case t.Exclude && t.Phrase:
			if c := as.phraseClause(lang, t.Text); c != nil {
				mustNot = append(mustNot, c)
				lq.phrases = lq.phrases || isPhrase(c)
			}
		case t.Exclude:
			if toks := as.tokens(an, t.Text); len(toks) > 0 {
				mustNot = append(mustNot, as.wordClause(lang, t.Text, toks))
			}
		case t.Phrase:
			if c := as.phraseClause(lang, t.Text); c != nil {
				must = append(must, c)
				lq.phrases = lq.phrases || isPhrase(c)
				addTerms(lq.terms, as.tokens(an, t.Text))
			}
		default:
			plain = append(plain, t.Text)
			toks := as.tokens(an, t.Text)
			if len(toks) == 0 {
				continue
			}
			if as.allStop(lang, toks) {
				stops = append(stops, toks)
				continue
			}
			must = append(must, as.wordClause(lang, t.Text, toks))
			addTerms(lq.terms, toks)
		}
	}
	if len(must) == 0 {
		for _, toks := range stops {
			must = append(must, as.wordClause(lang, "", toks))
			addTerms(lq.terms, toks)
		}
	}
	if len(must) == 0 {
		return lq
	}
	if len(plain) > 1 || (len(plain) == 1 && lang == "zh") {
		if p := as.proximityClause(lang, strings.Join(plain, " ")); p != nil {
			should = append(should, p)
			lq.phrases = true
		}
	}
	b := query.NewBooleanQuery(must, should, nil)
	if len(mustNot) > 0 {
		b.AddMustNot(disjunction(mustNot))
	}
	lq.query = b
	return lq
}

// allStop reports whether every token is one of the language's stop words.
func (as analyzers) allStop(lang string, toks analysis.TokenStream) bool {
	stop := as.stop[lang]
	for _, t := range toks {
		if !stop[string(t.Term)] {
			return false
		}
	}
	return len(stop) > 0
}

// wordClause: the word's tokens in the language's text field, or also in
// its headline for more. A word that analyses to several tokens
// (COVID-19, a run of Chinese characters) needs all of them. Russian also
// looks for the word as typed in the unstemmed copy, for the word as typed
// among the stems and for its stem among the unstemmed words: the stemmer
// cuts визит to виз but визиты to визит, so визит finds визиты and визиты
// finds визит, and a story with the exact form matches twice and ranks
// above one with виза. text is the word as typed, for the unstemmed analysis; ""
// skips it.
func (as analyzers) wordClause(lang, text string, toks analysis.TokenStream) query.Query {
	if lang == "zh" {
		return zhWordClause(toks)
	}
	alts := []query.Query{
		allTerms(toks, textField(lang), 1),
		allTerms(toks, headlineField(lang), boostHeadline),
	}
	if lang == "ru" && text != "" {
		if exact := as.tokens(analyzerRuExact, text); len(exact) > 0 {
			alts = append(alts, allTerms(exact, fieldTextRuExact, 1))
			if !sameTerms(exact, toks) {
				alts = append(alts,
					allTerms(exact, textField(lang), 1),
					allTerms(toks, fieldTextRuExact, 1))
			}
		}
	}
	return disjunction(alts)
}

// zhWordClause: Chinese bigrams in the text (or also the headline), and a
// character standing alone (a one-character query, or one between
// punctuation) in the field of single characters, where every character
// of the text is.
func zhWordClause(toks analysis.TokenStream) query.Query {
	var grams, chars analysis.TokenStream
	for _, t := range toks {
		if t.Type == analysis.Single || t.Type == analysis.Ideographic {
			chars = append(chars, t)
		} else {
			grams = append(grams, t)
		}
	}
	var all []query.Query
	if len(grams) > 0 {
		all = append(all, disjunction([]query.Query{
			allTerms(grams, textField("zh"), 1),
			allTerms(grams, headlineField("zh"), boostHeadline),
		}))
	}
	if len(chars) > 0 {
		all = append(all, allTerms(chars, fieldZhChars, 1))
	}
	return conjunction(all)
}

// phraseClause: the phrase's tokens in order, at their relative positions
// (a word the analyser drops leaves a gap that any word fills). A
// one-token phrase is a word.
func (as analyzers) phraseClause(lang, text string) query.Query {
	toks := as.tokens(analyzerName(lang), text)
	switch len(toks) {
	case 0:
		return nil
	case 1:
		return as.wordClause(lang, text, toks)
	}
	return query.NewMultiPhraseQuery(phraseTerms(toks), textField(lang))
}

// isPhrase reports whether a clause checks word positions.
func isPhrase(q query.Query) bool {
	_, ok := q.(*query.MultiPhraseQuery)
	return ok
}

// proximityClause: the plain words as one phrase, stop words included,
// worth proximityBonus (see there).
func (as analyzers) proximityClause(lang, text string) query.Query {
	toks := as.tokens(analyzerName(lang), text)
	if len(toks) < 2 {
		return nil
	}
	p := query.NewMultiPhraseQuery(phraseTerms(toks), textField(lang))
	return scoreQuery{p, func(float64) float64 { return proximityBonus }}
}

// tiesEqual makes scores that differ only by floating-point noise equal,
// so that the sort's second key (newest first) decides between stories
// that match a query equally well: Bleve sums a document's parts in
// whatever order its searchers meet them, and two identical stories can
// end up a few units in the last place apart.
func tiesEqual(q query.Query) query.Query {
	return scoreQuery{q, roundScore}
}

func roundScore(s float64) float64 {
	return math.Round(s*1e9) / 1e9
}

// scoreQuery is q with each hit's score rewritten by f. It does what
// Bleve's custom-score query does with a function of the score alone,
// without what that query does for every hit besides: read the hit's
// document id and doc values for the function, which took a twentieth of
// the time of a search.
type scoreQuery struct {
	q query.Query
	f func(float64) float64
}

func (s scoreQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, o search.SearcherOptions) (search.Searcher, error) {
	child, err := s.q.Searcher(ctx, i, m, o)
	if err != nil {
		return nil, err
	}
	return &scoreSearcher{Searcher: child, f: s.f}, nil
}

// scoreSearcher rewrites the scores of its child's hits.
type scoreSearcher struct {
	search.Searcher
	f func(float64) float64
}

func (s *scoreSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Next(ctx)
	if dm != nil {
		dm.Score = s.f(dm.Score)
	}
	return dm, err
}

func (s *scoreSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	dm, err := s.Searcher.Advance(ctx, id)
	if dm != nil {
		dm.Score = s.f(dm.Score)
	}
	return dm, err
}

// phraseTerms lays tokens out by position, as Bleve's multi-phrase query
// wants them: one slice of alternatives per position, empty for a gap.
func phraseTerms(toks analysis.TokenStream) [][]string {
	first, last := toks[0].Position, toks[0].Position
	for _, t := range toks {
		first = min(first, t.Position)
		last = max(last, t.Position)
	}
	out := make([][]string, last-first+1)
	for _, t := range toks {
		p := t.Position - first
		out[p] = appendUnique(out[p], string(t.Term))
	}
	return out
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// allTerms: every token's term in one field.
func allTerms(toks analysis.TokenStream, field string, boost float64) query.Query {
	var qs []query.Query
	seen := map[string]bool{}
	for _, t := range toks {
		term := string(t.Term)
		if seen[term] {
			continue
		}
		seen[term] = true
		tq := query.NewTermQuery(term)
		tq.SetField(field)
		tq.SetBoost(boost)
		qs = append(qs, tq)
	}
	return conjunction(qs)
}

func addTerms(set termSet, toks analysis.TokenStream) {
	for _, t := range toks {
		set[string(t.Term)] = true
	}
}

func sameTerms(a, b analysis.TokenStream) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i].Term) != string(b[i].Term) {
			return false
		}
	}
	return true
}

func conjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func disjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func termQuery(field, term string) *query.TermQuery {
	q := query.NewTermQuery(term)
	q.SetField(field)
	return q
}
