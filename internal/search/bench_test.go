package search

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/cputime"
)

// TestSearchScale measures indexing and query speed on the real corpus,
// repeated with new story ids up to QASID_BENCH_SCALE documents. It
// asserts nothing about speed (the numbers go to BENCHMARKS.md) and runs
// only when asked:
//
//	QASID_BENCH_SCALE=100000 go test -run TestSearchScale -v -timeout 60m ./internal/search
//
// QASID_BENCH_SCALE=0 indexes the corpus once. QASID_BENCH_BATCH sets the
// Apply batch size (default 1000); QASID_BENCH_STORE_BODY=0 leaves bodies
// out of the index, to measure what storing them for snippets costs.
func TestSearchScale(t *testing.T) {
	env := os.Getenv("QASID_BENCH_SCALE")
	if env == "" {
		t.Skip("set QASID_BENCH_SCALE (0 for the corpus once, or a document count)")
	}
	scale, err := strconv.Atoi(env)
	if err != nil {
		t.Fatalf("QASID_BENCH_SCALE: %v", err)
	}
	batch := 1000
	if v := os.Getenv("QASID_BENCH_BATCH"); v != "" {
		if batch, err = strconv.Atoi(v); err != nil || batch <= 0 {
			t.Fatalf("QASID_BENCH_BATCH %q", v)
		}
	}
	storeBody := os.Getenv("QASID_BENCH_STORE_BODY") != "0"

	arts := loadCorpus(t)
	base, _ := corpusDocs(arts, 0)
	docs := scaleDocs(base, scale)
	var textBytes int64
	for _, d := range docs {
		textBytes += int64(len(d.Headline) + len(d.Body))
	}

	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix.noBodyStore = !storeBody
	cpu0, wall0 := cputime.Process(), time.Now()
	for i := 0; i < len(docs); i += batch {
		end := min(i+batch, len(docs))
		if err := ix.Apply(context.Background(), docs[i:end], nil, int64(end)); err != nil {
			t.Fatal(err)
		}
	}
	wall, cpu := time.Since(wall0), cputime.Process()-cpu0
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	closeWall := time.Since(wall0) - wall
	size := dirSize(t, dir)
	t.Logf("machine: %s, GOMAXPROCS %d, %s, %s", runtime.Version(), runtime.GOMAXPROCS(0), runtime.GOOS+"/"+runtime.GOARCH, time.Now().UTC().Format("2006-01-02"))
	t.Logf("indexed %d docs (%.0f MB of text) in batches of %d, body stored %v: %.1f s wall (%.0f docs/s), %.1f s CPU; close (flush) %.1f s; index on disk %.0f MB (%.2f× the text)",
		len(docs), float64(textBytes)/1e6, batch, storeBody, wall.Seconds(), float64(len(docs))/wall.Seconds(), cpu.Seconds(),
		closeWall.Seconds(), float64(size)/1e6, float64(size)/float64(textBytes))

	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != uint64(len(docs)) {
		t.Fatalf("reopened index holds %d docs, want %d", n, len(docs))
	}
	qs := benchQueries(base)
	// Warm the caches once, as a running server would have them.
	runBenchQueries(t, ix, qs, Request{Limit: 10})
	for _, shape := range []struct {
		name string
		r    Request
	}{
		{"results only", Request{Limit: 10}},
		{"with snippets and facets", Request{Limit: 10, Highlight: true, Facets: true}},
	} {
		lat := runBenchQueries(t, ix, qs, shape.r)
		var kinds []string
		for k := range lat {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		var all []time.Duration
		for _, k := range kinds {
			all = append(all, lat[k]...)
			t.Logf("%s, %-22s %s", shape.name, k, percentiles(lat[k]))
		}
		t.Logf("%s, %-22s %s", shape.name, "ALL", percentiles(all))
	}
}

// scaleDocs repeats the corpus with new story ids (and families) until it
// holds n documents; n of 0 or less is the corpus once.
func scaleDocs(base []Doc, n int) []Doc {
	if n <= 0 {
		return base
	}
	out := make([]Doc, 0, n)
	for rep := int64(0); len(out) < n; rep++ {
		for _, d := range base {
			if len(out) == n {
				break
			}
			d.StoryID += rep * 1_000_000
			d.FamilyID += rep * 1_000_000
			if !d.Time.IsZero() {
				d.Time = d.Time.AddDate(0, 0, -int(rep))
			}
			out = append(out, d)
		}
	}
	return out
}

type benchQuery struct {
	kind, lang, text string
}

// benchQueries: for every language, single words, runs of 3 to 5 words
// (Chinese: 2 to 6 characters) and quoted phrases of 2 or 3 words, all
// taken from the corpus, plus all-language searches for single words.
func benchQueries(docs []Doc) []benchQuery {
	byLang := map[string][]Doc{}
	for _, d := range docs {
		byLang[d.Lang] = append(byLang[d.Lang], d)
	}
	var qs []benchQuery
	for _, l := range searchLangs {
		ds := byLang[l]
		for i := 0; i < 40; i++ {
			d := ds[(i*7919)%len(ds)]
			if l == "zh" {
				rs := []rune(d.Body)
				for k := 0; k < 3; k++ {
					size := []int{1, 2 + i%5, 4}[k]
					for p := (i * 104729) % max(1, len(rs)-size); p+size <= len(rs); p++ {
						if hasLetter(string(rs[p:p+size])) && !strings.ContainsFunc(string(rs[p:p+size]), func(r rune) bool { return !isHanOrLetter(r) }) {
							text := string(rs[p : p+size])
							kind := []string{"word", "words 3-5", "phrase"}[k]
							if k == 2 {
								text = `"` + text + `"`
							}
							qs = append(qs, benchQuery{kind, l, text})
							break
						}
					}
				}
				continue
			}
			words := strings.FieldsFunc(d.Body, func(r rune) bool { return !isHanOrLetter(r) && r != '\'' })
			if len(words) < 6 {
				continue
			}
			p := (i * 104729) % (len(words) - 5)
			for p < len(words)-5 && len([]rune(words[p])) < 4 {
				p++
			}
			qs = append(qs,
				benchQuery{"word", l, words[p]},
				benchQuery{"words 3-5", l, strings.Join(words[p:p+3+i%3], " ")},
				benchQuery{"phrase", l, `"` + strings.Join(words[p:p+2+i%2], " ") + `"`},
			)
			if i%4 == 0 {
				qs = append(qs, benchQuery{"word, all languages", "", words[p]})
			}
		}
	}
	return qs
}

func isHanOrLetter(r rune) bool {
	return strings.ContainsRune("0123456789", r) || (r > 0x7f || ('a' <= r|0x20 && r|0x20 <= 'z')) && !strings.ContainsRune("«»“”„—–…‘’،۔؟。，、：；！？（）【】《》", r)
}

func runBenchQueries(t *testing.T, ix *Index, qs []benchQuery, shape Request) map[string][]time.Duration {
	t.Helper()
	out := map[string][]time.Duration{}
	for _, q := range qs {
		r := shape
		r.Query = q.text
		if q.lang != "" {
			r.Langs = []string{q.lang}
		}
		began := time.Now()
		if _, err := ix.Search(context.Background(), r); err != nil {
			t.Fatalf("%q: %v", q.text, err)
		}
		out[q.kind] = append(out[q.kind], time.Since(began))
	}
	return out
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("n=%4d  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms", len(s),
		ms(at(0.50)), ms(at(0.95)), ms(at(0.99)))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
