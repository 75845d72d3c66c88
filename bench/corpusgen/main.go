// Command corpusgen writes a benchmark corpus of N stories in the JSON
// Lines format of ../shared/corpus, spread over the seven languages, made
// from the real articles there: the corpus repeated with varied ids.
//
// A plain repetition would be refused by the importer as near-duplicates
// (that is its job), so each copy after the first is a new arrangement: the
// headline of one article over the paragraphs of three others of the same
// language, in shuffled order. The words, their frequencies and the
// article lengths stay those of real news, which is what search and page
// benchmarks need; the text is not meant to be read.
//
// Every story gets a publication date, as an agency's archive has: the
// stories are spread evenly, in order, over the -years before -end (by
// default a week and a day ago, so that the archive lies outside the
// default voice-over window and a benchmark does not measure espeak-ng).
//
//	go run ./bench/corpusgen -corpus ../shared/corpus -n 100000 > /tmp/bench.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type article struct {
	ID        string  `json:"id"`
	Lang      string  `json:"lang"`
	Headline  string  `json:"headline"`
	Body      string  `json:"body"`
	Published *string `json:"published"`
	Section   *string `json:"section"`
	Source    string  `json:"source"`
	URL       string  `json:"url"`
}

var langs = []string{"en", "ur", "zh", "ar", "ru", "fr", "es"}

func main() {
	dir := flag.String("corpus", "../shared/corpus", "folder with <lang>.jsonl files")
	n := flag.Int("n", 100000, "stories to write")
	seed := flag.Uint64("seed", 1, "random seed (the same seed gives the same corpus)")
	end := flag.String("end", time.Now().UTC().AddDate(0, 0, -8).Format(time.DateOnly), "date of the newest story (YYYY-MM-DD)")
	years := flag.Int("years", 3, "years the stories are spread over")
	flag.Parse()
	last, err := time.Parse(time.DateOnly, *end)
	if err != nil || *years < 1 {
		fmt.Fprintln(os.Stderr, "corpusgen: -end wants YYYY-MM-DD and -years at least 1")
		os.Exit(2)
	}
	if err := run(*dir, *n, *seed, last.Add(12*time.Hour), *years); err != nil {
		fmt.Fprintln(os.Stderr, "corpusgen:", err)
		os.Exit(1)
	}
}

func run(dir string, n int, seed uint64, last time.Time, years int) error {
	first := last.AddDate(-years, 0, 0)
	step := last.Sub(first) / time.Duration(max(n, 1))
	byLang := map[string][]article{}
	for _, l := range langs {
		as, err := read(filepath.Join(dir, l+".jsonl"))
		if err != nil {
			return err
		}
		if len(as) < 4 {
			return fmt.Errorf("%s.jsonl: %d articles, want at least 4", l, len(as))
		}
		byLang[l] = as
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range n {
		l := langs[i%len(langs)]
		as := byLang[l]
		k := i / len(langs) // the k-th story of this language
		base := as[k%len(as)]
		out := base
		out.ID = fmt.Sprintf("bench:%d:%s", i, l)
		out.URL = fmt.Sprintf("https://bench.example/%s/%d", l, i)
		if k >= len(as) { // past the first pass: a new arrangement
			out.Headline = as[rng.IntN(len(as))].Headline
			var paras []string
			for range 3 {
				paras = append(paras, strings.Split(as[rng.IntN(len(as))].Body, "\n")...)
			}
			rng.Shuffle(len(paras), func(a, b int) { paras[a], paras[b] = paras[b], paras[a] })
			out.Body = strings.Join(paras[:min(len(paras), 12)], "\n")
		}
		// The source's own date is dropped: copies of one article would
		// otherwise share it, and most of the corpus has none.
		date := first.Add(time.Duration(i) * step).Format(time.RFC3339)
		out.Published = &date
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	return w.Flush()
}

func read(path string) ([]article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []article
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		if strings.TrimSpace(a.Body) == "" {
			continue
		}
		out = append(out, a)
	}
	return out, sc.Err()
}
