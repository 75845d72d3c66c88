package ingest

// Tests and benchmarks on the real corpus in ../shared/corpus (see its
// README). The text is read at run time and never copied here; the tests
// skip when the corpus is absent.

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir finds shared/corpus in the working directory or a parent of
// it, or skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		c := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no shared/corpus beside the repository")
		}
		dir = parent
	}
}

// corpusCounts are the articles per file, from the corpus README.
var corpusCounts = map[string]int{
	"en": 1542, "ur": 2623, "zh": 5000, "ar": 5000, "ru": 1056, "fr": 754, "es": 900,
}

// readCorpus reads one language's file, failing the test on any error.
func readCorpus(t testing.TB, code string) []Item {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir(t), code+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []Item
	st, err := Read(context.Background(), f, JSONL, Options{}, func(it Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	for _, e := range st.Errors {
		t.Errorf("%s.jsonl %v", code, e)
	}
	return items
}

// TestCorpus reads every corpus file whole: every article must parse and
// keep the rules, the counts must match the README, and the ntrex
// translations must link into families of all seven languages. Then it
// measures Fingerprint on the articles of each language.
func TestCorpus(t *testing.T) {
	corpusDir(t)
	families := map[string]map[string]bool{} // ntrex family -> languages
	for _, code := range []string{"en", "ur", "zh", "ar", "ru", "fr", "es"} {
		items := readCorpus(t, code)
		if want := corpusCounts[code]; len(items) != want {
			t.Errorf("%s: %d items, the README says %d", code, len(items), want)
		}
		for _, it := range items {
			if err := checkItem(it, DefaultMaxDocument); err != nil {
				t.Errorf("%s %s: %v", code, it.GUID, err)
			}
			if it.Lang != code {
				t.Errorf("%s %s: language %s", code, it.GUID, it.Lang)
			}
			if it.FamilyKey == "" || it.GUID != it.FamilyKey+":"+code {
				t.Errorf("%s %s: family %q", code, it.GUID, it.FamilyKey)
			}
			if strings.HasPrefix(it.FamilyKey, "ntrex:") {
				if families[it.FamilyKey] == nil {
					families[it.FamilyKey] = map[string]bool{}
				}
				families[it.FamilyKey][code] = true
			}
		}
		t.Run("fingerprint/"+code, func(t *testing.T) { testFingerprintCorpus(t, code, items) })
	}
	if len(families) != 123 {
		t.Errorf("%d ntrex families, the README says 123", len(families))
	}
	for key, langs := range families {
		if len(langs) != 7 {
			t.Errorf("ntrex family %s has %d languages", key, len(langs))
		}
	}
}

// BenchmarkReadJSONL reads the whole corpus (all seven files, from memory)
// per iteration and reports items per second.
func BenchmarkReadJSONL(b *testing.B) {
	dir := corpusDir(b)
	var data [][]byte
	total, items := 0, 0
	for code := range corpusCounts {
		d, err := os.ReadFile(filepath.Join(dir, code+".jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		data = append(data, d)
		total += len(d)
	}
	b.SetBytes(int64(total))
	b.ResetTimer()
	for b.Loop() {
		items = 0
		for _, d := range data {
			st, err := Read(context.Background(), bytes.NewReader(d), JSONL, Options{}, func(Item) error { return nil })
			if err != nil || st.Bad != 0 {
				b.Fatalf("%v, %d bad", err, st.Bad)
			}
			items += st.Items
		}
	}
	b.ReportMetric(float64(items)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}
