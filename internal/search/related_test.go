package search

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// relatedDocs makes n English stories over a small vocabulary with a few
// frequent and many rare words, as news has, with tags, times in no
// relation to ids, and every kind of document a related search must leave
// out: working copies, published versions readers may not see, stories in
// another language sharing words and tags.
func relatedDocs(n int) []Doc {
	rng := rand.New(rand.NewPCG(7, 11))
	vocab := make([]string, 400)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%sx", strings.Repeat(string(rune('a'+i%26)), 1+i/26))
	}
	word := func() string {
		// Zipf-like: low indexes far more often.
		return vocab[int(float64(len(vocab))*math.Pow(rng.Float64(), 3))]
	}
	text := func(words int) string {
		var b strings.Builder
		for range words {
			b.WriteString(word() + " ")
		}
		return b.String()
	}
	tags := []string{"floods", "cricket", "budget", "glaciers", ""}
	var docs []Doc
	for i := range n {
		id := int64(i + 1)
		d := Doc{StoryID: id, FamilyID: id, Lang: "en", Headline: text(6), Body: text(20 + rng.IntN(80)),
			Time: day("2024-01-01").Add(time.Duration(rng.IntN(1000)) * time.Hour), Public: true, Desk: true}
		if t := tags[rng.IntN(len(tags))]; t != "" {
			d.Tags = []string{t}
		}
		switch i % 10 {
		case 3: // readers cannot see it
			d.Public = false
		case 5: // a working copy beside the public version
			w := d
			w.Working, w.Public, w.Body = true, false, d.Body+" "+text(10)
			d.Desk = false
			docs = append(docs, w)
		case 7: // another language, same words and tags
			d.Lang = "fr"
		}
		docs = append(docs, d)
	}
	return docs
}

// bleveRelated is the related search as Bleve's own query machinery runs
// it (the way Related ran before related_score.go): the same clauses in a
// disjunction, the public documents of the language, sorted by score and
// time. Related must give the same stories in the same order.
func bleveRelated(t *testing.T, ix *Index, r RelatedRequest) []int64 {
	t.Helper()
	ctx := context.Background()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	rd, docs, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	var should []query.Query
	for _, tag := range r.Tags {
		for _, tok := range ix.as.tokens(analyzerTag, tag) {
			q := termQuery(fieldTags, string(tok.Term))
			q.SetBoost(boostTag)
			should = append(should, q)
		}
	}
	like, err := ix.likeThis(ctx, rd, docs, r.Lang, r.Text)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range like {
		q := termQuery(c.field, c.term)
		q.SetBoost(c.boost)
		should = append(should, q)
	}
	if len(should) == 0 {
		return []int64{}
	}
	ids := []string{docID(r.StoryID, false), docID(r.StoryID, true)}
	for _, id := range r.Exclude {
		ids = append(ids, docID(id, false), docID(id, true))
	}
	b := query.NewBooleanQuery(nil, should, []query.Query{query.NewDocIDQuery(ids)})
	b.SetMinShould(1)
	b.AddFilter(conjunction([]query.Query{termQuery(fieldVis, visPublic), termQuery(fieldLang, r.Lang)}))
	req := bleve.NewSearchRequestOptions(tiesEqual(b), r.Limit, 0, false)
	req.SortBy([]string{"-_score", "-" + fieldTime})
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	out := []int64{}
	for _, dm := range res.Hits {
		id, _, _ := parseDocID(dm.ID)
		out = append(out, id)
	}
	return out
}

func relatedIDs(t *testing.T, ix *Index, r RelatedRequest) []int64 {
	t.Helper()
	hits, err := ix.Related(context.Background(), r)
	if err != nil {
		t.Fatalf("Related(%d): %v", r.StoryID, err)
	}
	out := []int64{}
	for _, h := range hits {
		if h.Lang != r.Lang || h.Working {
			t.Errorf("Related(%d) hit %+v: another language or a working copy", r.StoryID, h)
		}
		out = append(out, h.StoryID)
	}
	return out
}

// TestRelatedScoresAsBleve: reading the postings directly ranks exactly as
// Bleve's tf-idf disjunction with its filter, exclusions and sort would.
func TestRelatedScoresAsBleve(t *testing.T) {
	docs := relatedDocs(600)
	ix := indexOf(t, docs)
	compared := 0
	for _, d := range docs {
		if d.Working || d.Lang != "en" || d.StoryID%7 != 0 {
			continue
		}
		for _, limit := range []int{1, 5, 10, 50} {
			r := RelatedRequest{StoryID: d.StoryID, Lang: "en", Tags: d.Tags, Text: d.Headline + "\n\n" + d.Body,
				Exclude: []int64{d.StoryID + 1, d.StoryID + 2}, Limit: limit}
			got, want := relatedIDs(t, ix, r), bleveRelated(t, ix, r)
			if !slices.Equal(got, want) {
				t.Errorf("story %d, limit %d: related %v, Bleve %v", d.StoryID, limit, got, want)
			}
			if len(want) > 0 {
				compared++
			}
		}
	}
	if compared < 100 {
		t.Fatalf("only %d lists compared; the test needs more", compared)
	}
}

// TestRelatedTiesAtTheCut: stories that match equally well are listed
// newest first, whichever of them the cut at Limit falls among, and the
// stories readers may not see take no place among them.
func TestRelatedTiesAtTheCut(t *testing.T) {
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	var docs []Doc
	for i := range 40 { // filler, so that the twins' words are rare
		docs = append(docs, Doc{StoryID: int64(100 + i), Lang: "en", Headline: "Market report",
			Body: fmt.Sprintf("Shares rose %d points in quiet trading.", i), Time: day("2024-01-01"), Public: true, Desk: true})
	}
	// Twelve twins, alike word for word; their times run against their ids
	// and index order, so that only reading the time orders them.
	var twins []Doc
	for i := range 12 {
		twins = append(twins, Doc{StoryID: int64(1 + i), Lang: "en", Headline: "Baltoro survey team reports",
			Body: "The Baltoro survey team sent its glacier report.", Public: true, Desk: true,
			Time: day("2024-03-01").AddDate(0, 0, (i*5)%12)})
	}
	// The best match, and a twin readers may not see, newest of all.
	best := Doc{StoryID: 50, Lang: "en", Headline: "Baltoro survey team reports glacier",
		Body: "The Baltoro survey team sent its glacier report. Baltoro glacier survey.", Public: true, Desk: true, Time: day("2023-01-01")}
	hidden := twins[0]
	hidden.StoryID, hidden.Public, hidden.Time = 60, false, day("2025-01-01")
	docs = append(append(append(docs, twins...), best), hidden)
	if err := ix.Apply(ctx, docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	newest := slices.Clone(twins)
	slices.SortStableFunc(newest, func(a, b Doc) int { return b.Time.Compare(a.Time) })
	want := []int64{best.StoryID}
	for _, d := range newest {
		want = append(want, d.StoryID)
	}
	main := RelatedRequest{StoryID: 999, Lang: "en", Text: "Baltoro survey team: the glacier report."}
	for limit := 1; limit <= len(want)+2; limit++ {
		r := main
		r.Limit = limit
		if got := relatedIDs(t, ix, r); !slices.Equal(got, want[:min(limit, len(want))]) {
			t.Errorf("limit %d: related %v, want %v", limit, got, want[:min(limit, len(want))])
		}
	}
	// Excluding the newest twins moves the cut among the others.
	r := main
	r.Limit, r.Exclude = 3, []int64{want[1], want[2], best.StoryID}
	if got := relatedIDs(t, ix, r); !slices.Equal(got, want[3:6]) {
		t.Errorf("with exclusions: related %v, want %v", got, want[3:6])
	}
}

// TestRelatedLeavesOut: never the story itself, an excluded one, a working
// copy, a document readers may not see, or a story in another language,
// even one sharing every word and tag.
func TestRelatedLeavesOut(t *testing.T) {
	docs := relatedDocs(300)
	ix := indexOf(t, docs)
	bad := map[int64]string{}
	for _, d := range docs {
		switch {
		case d.Lang != "en":
			bad[d.StoryID] = "another language"
		case !d.Public && !d.Working:
			bad[d.StoryID] = "not public"
		}
	}
	found := 0
	for _, d := range docs {
		if d.Working {
			continue
		}
		r := RelatedRequest{StoryID: d.StoryID, Lang: "en", Tags: d.Tags, Text: d.Headline + " " + d.Body,
			Exclude: []int64{d.StoryID + 10}, Limit: maxRelated}
		for _, id := range relatedIDs(t, ix, r) {
			found++
			switch {
			case id == d.StoryID:
				t.Errorf("story %d is related to itself", id)
			case id == d.StoryID+10:
				t.Errorf("story %d: excluded %d listed", d.StoryID, id)
			case bad[id] != "":
				t.Errorf("story %d: %d listed (%s)", d.StoryID, id, bad[id])
			}
		}
	}
	if found < 1000 {
		t.Fatalf("only %d related stories found in all; the test needs more", found)
	}
}

// TestRelatedHostileInput: whatever a story's text and tags hold, and
// whatever ids and limits a caller passes, Related answers without error
// and within its bounds.
func TestRelatedHostileInput(t *testing.T) {
	ix := fixtureIndex(t)
	ctx := context.Background()
	texts := []string{
		"", " \t\n", "\x00\x01\x02", "\xff\xfe\xfd invalid utf-8 \xc3", strings.Repeat("Karachi ", 5000),
		strings.Repeat("a", 20000), "\u202eKarachi\u202c \u200f floods \u200d", "[[also:1]] **Karachi** <script>floods</script>",
	}
	tagSets := [][]string{nil, {""}, {"   "}, {"\x00"}, {strings.Repeat("floods", 2000)}, {"Floods", "FLOODS", "floods"}}
	for i, text := range texts {
		for j, tags := range tagSets {
			for _, r := range []RelatedRequest{
				{StoryID: 1, Lang: "en", Text: text, Tags: tags},
				{StoryID: -5, Lang: "en", Text: text, Tags: tags, Limit: -3},
				{StoryID: 0, Lang: "ur", Text: text, Tags: tags, Limit: 1 << 30, Exclude: []int64{0, -1, math.MaxInt64, math.MinInt64}},
			} {
				hits, err := ix.Related(ctx, r)
				if err != nil {
					t.Errorf("text %d, tags %d, story %d: %v", i, j, r.StoryID, err)
					continue
				}
				if len(hits) > maxRelated {
					t.Errorf("text %d: %d hits, more than %d", i, len(hits), maxRelated)
				}
				for _, h := range hits {
					if h.StoryID == r.StoryID || h.Lang != r.Lang {
						t.Errorf("text %d, tags %d: hit %+v for story %d in %s", i, j, h, r.StoryID, r.Lang)
					}
				}
			}
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ix.Related(cancelled, RelatedRequest{StoryID: 1, Lang: "en", Text: "Karachi floods"}); err == nil {
		t.Error("a cancelled search gave hits")
	}
}

// TestDFCache: frequencies come from the cache until the index has grown
// by more than dfDrift or the cache is dfMaxAge old, and the cache stays
// within dfMaxTerms.
func TestDFCache(t *testing.T) {
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	add := func(from, n int, body string) {
		t.Helper()
		var docs []Doc
		for i := range n {
			docs = append(docs, Doc{StoryID: int64(from + i), Lang: "en", Headline: "Note", Body: body, Public: true, Desk: true})
		}
		if err := ix.Apply(ctx, docs, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	var c dfCache
	freq := func(now time.Time, terms ...string) []uint64 {
		t.Helper()
		ix.mu.RLock()
		defer ix.mu.RUnlock()
		rd, docs, err := ix.reader()
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Close()
		got, err := c.frequencies(ctx, rd, textField("en"), terms, docs, now)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	start := day("2024-01-01")
	add(1, 200, "quarry")
	if got := freq(start, "quarri", "absent"); !slices.Equal(got, []uint64{200, 0}) {
		t.Fatalf("frequencies %v, want [200 0]", got)
	}
	// One more story (0.5%): the cached count stands, the new term is read.
	add(201, 1, "quarry harbour")
	if got := freq(start.Add(time.Minute), "quarri", "harbour"); !slices.Equal(got, []uint64{200, 1}) {
		t.Errorf("after 0.5%% growth: %v, want the cached 200 and a fresh 1", got)
	}
	// Two more (1.5% since the cache was filled): all read again.
	add(202, 2, "quarry harbour")
	if got := freq(start.Add(2*time.Minute), "quarri", "harbour"); !slices.Equal(got, []uint64{203, 3}) {
		t.Errorf("after 1.5%% growth: %v, want [203 3]", got)
	}
	// A replaced document leaves the count alone: cached until too old.
	add(1, 1, "harbour")
	if got := freq(start.Add(3*time.Minute), "quarri"); !slices.Equal(got, []uint64{203}) {
		t.Errorf("within the age: %v, want the cached 203", got)
	}
	if got := freq(start.Add(3*time.Minute+dfMaxAge), "quarri"); !slices.Equal(got, []uint64{202}) {
		t.Errorf("after dfMaxAge: %v, want 202", got)
	}
	// A clock that went back is no reason to trust the cache.
	if got := freq(start, "quarri"); !slices.Equal(got, []uint64{202}) {
		t.Errorf("clock back: %v", got)
	}

	// More terms than the cache holds: it forgets, and stays bounded.
	many := make([]string, dfMaxTerms+dfMaxTerms/2)
	for i := range many {
		many[i] = fmt.Sprintf("t%d", i)
	}
	if got := freq(start, many...); len(got) != len(many) || got[0] != 0 {
		t.Fatalf("%d frequencies for %d terms", len(got), len(many))
	}
	freq(start, many[:dfMaxTerms/2]...)
	if n := len(c.terms); n > dfMaxTerms || n < dfMaxTerms/4 {
		t.Errorf("cache holds %d terms; want at most %d and not emptied", n, dfMaxTerms)
	}
}

// TestRelatedPastHiddenBest: when the best matches are all stories readers
// may not see, far more of them than the list holds, the list goes on to
// the best of the others.
func TestRelatedPastHiddenBest(t *testing.T) {
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var docs []Doc
	for i := range 60 {
		docs = append(docs, Doc{StoryID: int64(1 + i), Lang: "en", Headline: "Baltoro survey team glacier report",
			Body: "The Baltoro survey team sent its glacier report.", Time: day("2024-03-01"), Desk: true})
	}
	for i := range 8 {
		docs = append(docs, Doc{StoryID: int64(100 + i), Lang: "en", Headline: "Baltoro glacier",
			Body: strings.Repeat("The glacier is melting. ", i+1) + "Baltoro.", Time: day("2024-03-01"), Public: true, Desk: true})
	}
	for i := range 200 { // so that the glacier words are in fewer than half the stories
		docs = append(docs, Doc{StoryID: int64(200 + i), Lang: "en", Headline: "Market report",
			Body: fmt.Sprintf("Shares rose %d points.", i), Time: day("2024-01-01"), Public: true, Desk: true})
	}
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{1, 2, 5, 8, 20} {
		r := RelatedRequest{StoryID: 999, Lang: "en", Text: "Baltoro survey team glacier report", Limit: limit}
		got, want := relatedIDs(t, ix, r), bleveRelated(t, ix, r)
		if !slices.Equal(got, want) || len(got) != min(limit, 8) {
			t.Errorf("limit %d: related %v, Bleve %v; want the %d public glacier stories", limit, got, want, min(limit, 8))
		}
	}
}

// TestRelatedDuringApply runs related searches, which share the frequency
// cache, while batches are written and the cache is reset (meant for
// -race).
func TestRelatedDuringApply(t *testing.T) {
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	docs := relatedDocs(400)
	if err := ix.Apply(ctx, docs[:100], nil, 1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := g; i < len(docs); i += 4 {
				d := docs[i]
				hits, err := ix.Related(ctx, RelatedRequest{StoryID: d.StoryID, Lang: d.Lang, Tags: d.Tags, Text: d.Headline + " " + d.Body})
				if err != nil {
					done <- err
					return
				}
				for _, h := range hits {
					if h.StoryID == d.StoryID {
						done <- fmt.Errorf("story %d related to itself", d.StoryID)
						return
					}
				}
			}
			done <- nil
		}()
	}
	for i := 100; i < len(docs); i += 50 {
		if err := ix.Apply(ctx, docs[i:min(i+50, len(docs))], nil, int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
