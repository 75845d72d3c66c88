package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

func TestScope(t *testing.T) {
	ix := fixtureIndex(t)
	cases := []struct {
		query string
		scope Scope
		want  []int64
		work  bool
	}{
		// The working copy of story 2 is only for the desk; the published
		// version only for readers.
		{"zebra", ScopePublic, []int64{}, false},
		{"zebra", ScopeDesk, []int64{2}, true},
		{`"relief camp" homes`, ScopePublic, []int64{2}, false},
		{`"relief camp" homes`, ScopeDesk, []int64{}, false},
		// Story 5 is under embargo.
		{"tobacco", ScopePublic, []int64{}, false},
		{"tobacco", ScopeDesk, []int64{5}, false},
	}
	for _, c := range cases {
		res := mustSearch(t, ix, Request{Query: c.query, Scope: c.scope})
		if !slices.Equal(ids(res), c.want) {
			t.Errorf("%q scope %d: %v, want %v", c.query, c.scope, ids(res), c.want)
			continue
		}
		if len(res.Hits) > 0 && res.Hits[0].Working != c.work {
			t.Errorf("%q scope %d: Working %v", c.query, c.scope, res.Hits[0].Working)
		}
	}
}

func TestHitFields(t *testing.T) {
	ix := fixtureIndex(t)
	res := mustSearch(t, ix, Request{Query: "karachi roads"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v", ids(res))
	}
	h := res.Hits[0]
	want := Hit{StoryID: 1, FamilyID: 1, Lang: "en", Headline: "Floods close roads in Karachi", Section: "world", Time: day("2024-07-02")}
	if h.StoryID != want.StoryID || h.FamilyID != want.FamilyID || h.Lang != want.Lang || h.Headline != want.Headline ||
		h.Section != want.Section || !h.Time.Equal(want.Time) || h.Score <= 0 || h.Working || h.Snippet != nil {
		t.Errorf("hit %+v, want %+v", h, want)
	}
	if res.Total != 1 || res.Took <= 0 {
		t.Errorf("total %d took %v", res.Total, res.Took)
	}
}

func TestLanguages(t *testing.T) {
	ix := fixtureIndex(t)
	cases := []struct {
		query string
		langs []string
		want  []int64
	}{
		// One request, every language by its own rules: "qasid" is in
		// English, Urdu, Chinese and Arabic stories.
		{"qasid", nil, []int64{1, 3, 6, 8, 10}},
		{"qasid", []string{"ur"}, []int64{6}},
		{"qasid", []string{"zh", "xx"}, []int64{8}},
		{"qasid", []string{"xx"}, []int64{}},
		// Urdu: دورے finds دورہ and دورے, through the Urdu analyser, also
		// when all languages are searched.
		{"دورے", nil, []int64{6, 7}},
		{"دوره", []string{"ur"}, []int64{6, 7}},
		{"كتابيں", []string{"ur"}, []int64{7}},
		// Chinese: a bigram, and one character.
		{"暴雨", nil, []int64{8}},
		{"雨", nil, []int64{8}},
		{"经济", []string{"zh"}, []int64{9}},
		// Arabic plural and singular.
		{"فيضان", nil, []int64{10}},
		// French without accents, Spanish without accents, singular.
		{"etat hopital", nil, []int64{13}},
		{"niño accion mexico", nil, []int64{14}},
		{"nino", nil, []int64{}}, // ñ is kept: año is not ano
	}
	for _, c := range cases {
		res := mustSearch(t, ix, Request{Query: c.query, Langs: c.langs})
		got := ids(res)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q langs %v: %v, want %v", c.query, c.langs, got, c.want)
		}
	}
}

// TestRussianExactFirst: визит also matches виза through the stemmer, but
// the story with the exact word ranks first.
func TestRussianExactFirst(t *testing.T) {
	ix := fixtureIndex(t)
	res := mustSearch(t, ix, Request{Query: "визит", Langs: []string{"ru"}})
	if len(res.Hits) == 0 || res.Hits[0].StoryID != 11 {
		t.Errorf("визит: %v, want 11 first", ids(res))
	}
	res = mustSearch(t, ix, Request{Query: "визиты", Langs: []string{"ru"}})
	if len(res.Hits) == 0 || res.Hits[0].StoryID != 11 {
		t.Errorf("визиты: %v, want 11 first", ids(res))
	}
}

func TestPhrasesAndExclusions(t *testing.T) {
	ix := fixtureIndex(t)
	cases := []struct {
		query string
		want  []int64
	}{
		{"prime minister", []int64{1, 2}},
		{`"prime minister visited"`, []int64{2}},
		{`"minister prime"`, []int64{}},
		{`"relief for the families"`, []int64{1}},
		{"prime minister -camp", []int64{1}},
		{`prime minister -"relief camp"`, []int64{1}},
		{`prime minister -"camp relief"`, []int64{1, 2}},
		{"karachi -rain", []int64{3}},
		{"karachi -RAIN -cricket -wickets", []int64{}},
		// Only stop words: all of them needed.
		{"the", []int64{1, 2, 3}},
	}
	for _, c := range cases {
		res := mustSearch(t, ix, Request{Query: c.query, Langs: []string{"en"}})
		got := ids(res)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.query, got, c.want)
		}
	}
	// The words as typed rank first.
	res := mustSearch(t, ix, Request{Query: "minister visited camp", Langs: []string{"en"}})
	if len(res.Hits) == 0 || res.Hits[0].StoryID != 2 {
		t.Errorf("ranking: %v", ids(res))
	}
}

func TestFilters(t *testing.T) {
	ix := fixtureIndex(t)
	cases := []struct {
		name string
		r    Request
		want []int64
	}{
		{"section", Request{Query: "qasid", Section: "sport"}, []int64{3}},
		{"sections", Request{Query: "qasid", Sections: []string{"world", "business"}}, []int64{1, 6, 8, 10}},
		{"section within sections", Request{Query: "qasid", Sections: []string{"world"}, Section: "world", Langs: []string{"en"}}, []int64{1}},
		{"section outside sections", Request{Query: "qasid", Sections: []string{"world"}, Section: "sport"}, []int64{}},
		{"from", Request{Query: "qasid", From: day("2024-07-01")}, []int64{1, 6, 8, 10}},
		{"to", Request{Query: "qasid", To: day("2024-06-30")}, []int64{3}},
		{"inclusive", Request{Query: "qasid", From: day("2024-06-15"), To: day("2024-06-15")}, []int64{3}},
		{"far past", Request{Query: "qasid", From: time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC), Langs: []string{"en"}}, []int64{1, 3}},
		{"far future", Request{Query: "qasid", From: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)}, []int64{}},
		{"far future end", Request{Query: "qasid", To: time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC), Langs: []string{"zh"}}, []int64{8}},
	}
	for _, c := range cases {
		res := mustSearch(t, ix, c.r)
		got := ids(res)
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestFacets(t *testing.T) {
	ix := fixtureIndex(t)
	res := mustSearch(t, ix, Request{Query: "qasid", Facets: true, Limit: 1})
	if res.Total != 5 || len(res.Hits) != 1 {
		t.Fatalf("total %d hits %d", res.Total, len(res.Hits))
	}
	want := Facets{
		Sections: []FacetCount{{"world", 4}, {"sport", 1}},
		Langs:    []FacetCount{{"en", 2}, {"ar", 1}, {"ur", 1}, {"zh", 1}},
		Months:   []FacetCount{{"2024-07", 4}, {"2024-06", 1}},
	}
	sortTies := func(fs []FacetCount) {
		slices.SortStableFunc(fs, func(a, b FacetCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			return strings.Compare(a.Term, b.Term)
		})
	}
	for _, f := range [][]FacetCount{res.Facets.Sections, res.Facets.Langs, res.Facets.Months} {
		sortTies(f)
	}
	if fmt.Sprint(res.Facets) != fmt.Sprint(want) {
		t.Errorf("facets %+v, want %+v", res.Facets, want)
	}
	if res := mustSearch(t, ix, Request{Query: "karachi"}); res.Facets.Sections != nil {
		t.Error("facets without asking")
	}
}

func TestPagination(t *testing.T) {
	ctx := context.Background()
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []Doc
	start := day("2024-01-01")
	for i := range 25 {
		docs = append(docs, Doc{StoryID: int64(100 + i), Lang: "en", Headline: "Archive note", Body: "An archive note.",
			Time: start.AddDate(0, 0, i), Public: true, Desk: true})
	}
	if err := ix.Apply(ctx, docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	// Equal scores: newest first, across pages, no repeats; for words
	// alone and for a search that also checks their positions.
	want := []int64{}
	for i := 24; i >= 0; i-- {
		want = append(want, int64(100+i))
	}
	for _, q := range []string{"archive", "archive note", `"archive note"`} {
		var all []int64
		for _, off := range []int{0, 10, 20} {
			res := mustSearch(t, ix, Request{Query: q, Offset: off})
			if res.Total != 25 {
				t.Fatalf("%s: total %d", q, res.Total)
			}
			all = append(all, ids(res)...)
		}
		if !slices.Equal(all, want) {
			t.Errorf("%s: pages %v, want %v", q, all, want)
		}
	}
	if res := mustSearch(t, ix, Request{Query: "archive", Limit: 1000}); len(res.Hits) != 25 {
		t.Errorf("limit 1000: %d hits", len(res.Hits))
	}
	if res := mustSearch(t, ix, Request{Query: "archive", Offset: -5, Limit: -1}); len(res.Hits) != DefaultLimit || res.Hits[0].StoryID != 124 {
		t.Errorf("negative offset and limit: %v", ids(res))
	}
	if res := mustSearch(t, ix, Request{Query: "archive", Offset: 1 << 40}); len(res.Hits) != 0 || res.Total != 25 {
		t.Errorf("huge offset: %v total %d", ids(res), res.Total)
	}
	for _, c := range []struct{ off, lim, wantOff, wantLim int }{
		{0, 0, 0, DefaultLimit}, {5, 7, 5, 7}, {-1, 500, 0, MaxLimit}, {MaxOffset + 1, 10, MaxOffset, 10},
	} {
		if o, l := pageBounds(c.off, c.lim); o != c.wantOff || l != c.wantLim {
			t.Errorf("pageBounds(%d, %d) = %d, %d", c.off, c.lim, o, l)
		}
	}
}

// Every page, at every offset and size, is the slice of one order: score
// first, newest first among equal scores, whether equal scores fall inside
// a page or across its edges.
func TestPagesOfEqualScores(t *testing.T) {
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// Groups of stories with the word k times in texts of equal length, so
	// that scores fall with k and are equal within a group; times are
	// shuffled against ids, so that index order is not time order.
	type story struct {
		id int64
		k  int
		at time.Time
	}
	var all []story
	var docs []Doc
	id := int64(1)
	for _, g := range []struct{ k, n int }{{5, 3}, {4, 4}, {3, 1}, {2, 5}, {1, 3}} {
		for i := range g.n {
			at := day("2024-01-01").AddDate(0, 0, int(id*7919%31)+i)
			body := strings.Repeat("archive ", g.k) + strings.Repeat("filler ", 10-g.k)
			docs = append(docs, Doc{StoryID: id, Lang: "en", Headline: "Note", Body: body, Time: at, Public: true, Desk: true})
			all = append(all, story{id, g.k, at})
			id++
		}
	}
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(all, func(a, b story) int {
		if a.k != b.k {
			return b.k - a.k
		}
		return b.at.Compare(a.at)
	})
	var want []int64
	for _, s := range all {
		want = append(want, s.id)
	}
	for offset := 0; offset <= len(want); offset++ {
		for limit := 1; limit <= 7; limit++ {
			got := ids(mustSearch(t, ix, Request{Query: "archive", Offset: offset, Limit: limit}))
			if w := want[offset:min(offset+limit, len(want))]; !slices.Equal(got, w) {
				t.Errorf("offset %d limit %d: %v, want %v", offset, limit, got, w)
			}
		}
	}
}

func TestBadQueries(t *testing.T) {
	ix := fixtureIndex(t)
	cases := []struct {
		r    Request
		code string
	}{
		{Request{Query: strings.Repeat("flood ", 2000)[:10000]}, "too_long"},
		{Request{Query: `"prime minister`}, "quote"},
		{Request{Query: "flood\x00"}, "control"},
		{Request{Query: "flood\x1b"}, "control"},
		{Request{Query: "-x"}, "only_excluded"},
		{Request{Query: "  "}, "empty"},
		{Request{Query: "flood", From: day("2024-08-01"), To: day("2024-07-01")}, "date_range"},
	}
	for _, c := range cases {
		_, err := ix.Search(context.Background(), c.r)
		var qe *QueryError
		if !errors.As(err, &qe) || qe.Code != c.code || !errors.Is(err, ErrQuery) {
			t.Errorf("%.30q: %v, want code %q", c.r.Query, err, c.code)
		}
	}
}

// TestSnippets: a passage around the words found, marked, valid UTF-8.
func TestSnippets(t *testing.T) {
	ix := fixtureIndex(t)
	ctx := context.Background()
	long := Doc{StoryID: 30, Lang: "en", Headline: "Long report", Public: true, Desk: true,
		Body: strings.Repeat("Nothing to see in this sentence at all. ", 60) + "The harbour crane collapsed on Friday. " + strings.Repeat("More filler words follow here. ", 60)}
	urdu := Doc{StoryID: 31, Lang: "ur", Headline: "خبر", Public: true, Desk: true,
		Body: strings.Repeat("یہ ایک لمبی خبر ہے۔ ", 40) + "وزیر اعظم کے دوروں کا ذکر۔ " + strings.Repeat("مزید متن یہاں ہے۔ ", 40)}
	chinese := Doc{StoryID: 32, Lang: "zh", Headline: "报道", Public: true, Desk: true,
		Body: strings.Repeat("这是一段很长的新闻。", 30) + "港口起重机周五倒塌。" + strings.Repeat("后面还有更多的文字。", 30)}
	if err := ix.Apply(ctx, []Doc{long, urdu, chinese}, nil, 2); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		query  string
		langs  []string
		id     int64
		marked []string
	}{
		{"families relief", []string{"en"}, 1, []string{"relief", "families"}},
		{"crane collapsed", []string{"en"}, 30, []string{"crane", "collapsed"}},
		{"دورہ", []string{"ur"}, 31, []string{"دوروں"}},
		{"دورہ", []string{"ur"}, 7, []string{"دورہ"}},
		{"起重机", []string{"zh"}, 32, []string{"起重机"}},
		{"雨", []string{"zh"}, 8, []string{"雨"}},
		{"北京", []string{"zh"}, 8, []string{"北京"}},
		{"roads", []string{"en"}, 1, []string{"roads"}}, // in the headline only
	}
	for _, c := range cases {
		res := mustSearch(t, ix, Request{Query: c.query, Langs: c.langs, Highlight: true})
		var hit *Hit
		for i := range res.Hits {
			if res.Hits[i].StoryID == c.id {
				hit = &res.Hits[i]
			}
		}
		if hit == nil {
			t.Errorf("%q: story %d not found (%v)", c.query, c.id, ids(res))
			continue
		}
		var marked []string
		var text strings.Builder
		for _, s := range hit.Snippet {
			if !utf8.ValidString(s.Text) || s.Text == "" {
				t.Errorf("%q: bad span %q", c.query, s.Text)
			}
			if s.Mark {
				marked = append(marked, s.Text)
			}
			text.WriteString(s.Text)
		}
		for _, m := range c.marked {
			if !slices.Contains(marked, m) {
				t.Errorf("%q: marked %q, want %q among them (snippet %q)", c.query, marked, m, text.String())
			}
		}
		if n := utf8.RuneCountInString(text.String()); n > snippetRunes+40 {
			t.Errorf("%q: snippet of %d characters", c.query, n)
		}
		if c.id >= 30 && !strings.HasPrefix(text.String(), ellipsis) {
			t.Errorf("%q: passage from the middle does not start with an ellipsis: %q", c.query, text.String())
		}
	}
}

func TestSnippetPassage(t *testing.T) {
	// Multibyte text is never cut inside a character, whatever the widths.
	text := strings.Repeat("ٹیسٹ ", 100) + "ہدف " + strings.Repeat("中文字", 100)
	i := strings.Index(text, "ہدف")
	spans := passage(text, []match{{span{i, i + len("ہدف")}, "x"}}, 50)
	var b strings.Builder
	for _, s := range spans {
		if !utf8.ValidString(s.Text) {
			t.Fatalf("invalid span %q", s.Text)
		}
		b.WriteString(s.Text)
	}
	if !strings.Contains(b.String(), "ہدف") || !strings.HasPrefix(b.String(), ellipsis) || !strings.HasSuffix(b.String(), ellipsis) {
		t.Errorf("passage %q", b.String())
	}
	// No match: the start of the text.
	if got := passage("Short text.", nil, 50); len(got) != 1 || got[0].Text != "Short text." || got[0].Mark {
		t.Errorf("no match: %+v", got)
	}
}

func TestRelated(t *testing.T) {
	ctx := context.Background()
	ix := fixtureIndex(t)
	more := []Doc{
		// Same tag and words as story 1, newer and older twins.
		{StoryID: 40, Lang: "en", Time: day("2024-07-10"), Tags: []string{"karachi"}, Public: true, Desk: true,
			Headline: "Karachi streets under water", Body: "Rain flooded Karachi again."},
		{StoryID: 41, Lang: "en", Time: day("2024-07-12"), Tags: []string{"karachi"}, Public: true, Desk: true,
			Headline: "Karachi streets under water", Body: "Rain flooded Karachi again."},
		// Like story 1 but not public.
		{StoryID: 42, Lang: "en", Time: day("2024-07-11"), Tags: []string{"karachi", "floods"}, Desk: true,
			Headline: "Karachi floods draft", Body: "Heavy rain flooded the streets of Karachi."},
		// Unrelated.
		{StoryID: 43, Lang: "en", Time: day("2024-07-11"), Public: true, Desk: true,
			Headline: "Chess final", Body: "A quiet chess final in Oslo."},
	}
	if err := ix.Apply(ctx, more, nil, 2); err != nil {
		t.Fatal(err)
	}
	req := RelatedRequest{StoryID: 1, Lang: "en", Tags: []string{"Floods", "KARACHI"},
		Text: "Floods close roads in Karachi. Heavy rain flooded the streets of Karachi on Monday."}
	hits, err := ix.Related(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got := []int64{}
	for _, h := range hits {
		got = append(got, h.StoryID)
		if h.Lang != "en" {
			t.Errorf("hit %d in %s", h.StoryID, h.Lang)
		}
	}
	if slices.Contains(got, 1) || slices.Contains(got, 42) || slices.Contains(got, 43) || slices.Contains(got, 6) {
		t.Errorf("related %v holds the story itself, a non-public, an unrelated or another language's story", got)
	}
	// 41 and 40 are twins: the newer first.
	i41, i40 := slices.Index(got, 41), slices.Index(got, 40)
	if i41 < 0 || i40 < 0 || i41 > i40 {
		t.Errorf("related %v: want 41 before 40", got)
	}
	if !slices.Contains(got, 2) || len(got) > 5 {
		t.Errorf("related %v: want story 2 (shares the floods tag), at most 5", got)
	}
	// Exclusions and limit.
	req.Exclude, req.Limit = []int64{41, 2}, 1
	hits, err = ix.Related(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].StoryID != 40 {
		t.Errorf("with exclusions: %+v", hits)
	}
	// Nothing to go on.
	if hits, err := ix.Related(ctx, RelatedRequest{StoryID: 1, Lang: "en"}); err != nil || len(hits) != 0 {
		t.Errorf("empty request: %v, %v", hits, err)
	}
	if _, err := ix.Related(ctx, RelatedRequest{StoryID: 1, Lang: "xx", Text: "x"}); err == nil {
		t.Error("unknown language accepted")
	}
}

// TestSearchDuringApply runs searches while batches are written (meant
// for -race).
func TestSearchDuringApply(t *testing.T) {
	ctx := context.Background()
	ix := fixtureIndex(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := ix.Search(ctx, Request{Query: "harbour news", Highlight: true, Facets: true}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 20 {
		var docs []Doc
		for j := range 10 {
			docs = append(docs, Doc{StoryID: int64(1000 + i*10 + j), Lang: "en", Headline: "Harbour news", Body: "Harbour news item.", Public: true})
		}
		if err := ix.Apply(ctx, docs, nil, int64(i+2)); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if res := mustSearch(t, ix, Request{Query: "harbour news"}); res.Total != 200 {
		t.Errorf("total %d, want 200", res.Total)
	}
	if p := position(t, ix); p != 21 {
		t.Errorf("position %d", p)
	}
}

func FuzzSearch(f *testing.F) {
	ix := fixtureIndex(f)
	for _, s := range []string{
		"karachi", `"prime minister" -camp`, "دورہ\u200cپاکستان", "雨", "etat", `-"a"`, `"`,
		"\x00", "٣٫٥", "ＡＢＣ２０２４", strings.Repeat("ب ", 300), "\u202eevil", "a\u0301\u0301\u0301",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, q string, lang uint8) {
		r := Request{Query: q, Highlight: true, Facets: true}
		if int(lang) < len(searchLangs) {
			r.Langs = []string{searchLangs[lang]}
		}
		res, err := ix.Search(context.Background(), r)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("%q: %v is not a *QueryError", q, err)
			}
			return
		}
		for _, h := range res.Hits {
			for _, s := range h.Snippet {
				if !utf8.ValidString(s.Text) {
					t.Fatalf("%q: invalid snippet text %q", q, s.Text)
				}
			}
		}
	})
}

// A long text is analysed a chunk at a time for its snippet: matches in
// later chunks are found at their place in the text, and the first
// passage that holds every word ends the search.
func TestSnippetChunks(t *testing.T) {
	as := testAnalyzers(t)
	filler := strings.Repeat("Nothing to see in this sentence at all.\n", 150) // 6 KB: three chunks
	terms := func(words ...string) termSet {
		set := termSet{}
		for _, w := range words {
			addTerms(set, as.tokens(analyzerName("en"), w))
		}
		return set
	}
	text := func(spans []Span) (all, marked string) {
		var m []string
		for _, s := range spans {
			all += s.Text
			if s.Mark {
				m = append(m, s.Text)
			}
		}
		return all, strings.Join(m, "|")
	}
	cases := []struct {
		name, body  string
		terms       termSet
		want, marks string
	}{
		{"only in a later chunk", filler + filler + "The crane collapsed.", terms("crane"), "The crane collapsed.", "crane"},
		{"together only later", "A crane stood here.\n" + filler + filler + "Then the crane collapsed.\n", terms("crane", "collapsed"), "Then the crane collapsed.", "crane|collapsed"},
		{"first passage with every word", "The crane collapsed early.\n" + filler + "The crane collapsed, crane and crane collapsed.\n", terms("crane", "collapsed"), "The crane collapsed early.", "crane|collapsed"},
	}
	for _, c := range cases {
		all, marked := text(as.snippet("en", "Headline", c.body, c.terms))
		if !strings.Contains(all, c.want) || marked != c.marks {
			t.Errorf("%s: snippet %q marking %q; want it to show %q marking %q", c.name, all, marked, c.want, c.marks)
		}
	}
}

// Facet counts are the counts of the combined values added up by part; a
// story without a section or a date counts for its language only.
func TestFacetCounts(t *testing.T) {
	fr := &search.FacetResult{Terms: &search.TermFacets{}}
	for _, tf := range []struct {
		term  string
		count int
	}{
		{"en\x1fworld\x1f2024-07", 3}, {"en\x1f\x1f", 2}, {"ur\x1fworld\x1f2024-06", 2}, {"ar\x1fsport\x1f2024-06", 1}, {"zh\x1f\x1f2024-05", 2},
	} {
		fr.Terms.Add(&search.TermFacet{Term: tf.term, Count: tf.count})
	}
	got := facetCounts(fr)
	want := Facets{
		Sections: []FacetCount{{"world", 5}, {"sport", 1}},
		Langs:    []FacetCount{{"en", 5}, {"ur", 2}, {"zh", 2}, {"ar", 1}},
		Months:   []FacetCount{{"2024-06", 3}, {"2024-07", 3}, {"2024-05", 2}},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("facets %+v, want %+v", got, want)
	}
	if got := largest(map[string]int{"a": 1, "b": 3, "c": 2}, 2); fmt.Sprint(got) != "[{b 3} {c 2}]" {
		t.Errorf("largest two: %v", got)
	}
}

// Stories with the words as typed get exactly proximityBonus on top of
// their score, and scores carry no floating-point noise.
func TestProximityBonus(t *testing.T) {
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Doc{
		{StoryID: 1, Lang: "en", Headline: "One", Body: "alpha beta gamma delta", Public: true, Desk: true},
		{StoryID: 2, Lang: "en", Headline: "Two", Body: "alpha gamma beta delta", Public: true, Desk: true},
	}
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, ix, Request{Query: "alpha beta", Langs: []string{"en"}})
	if got := ids(res); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("hits %v", got)
	}
	// The two stories have the same words in texts of the same length:
	// only the bonus tells them apart.
	if d := res.Hits[0].Score - res.Hits[1].Score; math.Abs(d-proximityBonus) > 1e-9 {
		t.Errorf("scores %v and %v differ by %v, want the bonus %v", res.Hits[0].Score, res.Hits[1].Score, d, proximityBonus)
	}
	for _, h := range res.Hits {
		if h.Score != math.Round(h.Score*1e9)/1e9 {
			t.Errorf("score %v is not rounded", h.Score)
		}
	}
}
