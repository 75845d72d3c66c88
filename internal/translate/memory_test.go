package translate

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// empty opens a second, empty database of the same kind as db.
func empty(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	if db.Dialect() == "postgres" {
		return storetest.Postgres(t)
	}
	return storetest.SQLite(t)
}

func TestTMXRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		created := time.Date(2025, 12, 1, 10, 30, 0, 0, time.UTC)
		_, err := db.AddUnits(e.ctx, []memory.Unit{
			{SrcLang: "en", TgtLang: "ur", Source: "The port reopened after the storm.", Target: "طوفان کے بعد بندرگاہ دوبارہ کھل گئی۔",
				StoryID: 17, Created: created, Note: "checked by the Urdu desk"},
			{SrcLang: "en", TgtLang: "zh", Source: "The port reopened after the storm.", Target: "风暴过后，港口重新开放。", Created: created},
			{SrcLang: "ar", TgtLang: "fr", Source: "افتتح الميناء من جديد بعد العاصفة.", Target: "Le port a rouvert après la tempête.",
				Created: created.Add(time.Hour)},
			{SrcLang: "ru", TgtLang: "es", Source: "Порт «Гвадар» снова открыт & работает.", Target: "El puerto <Gwadar> vuelve a abrir.",
				Created: created.Add(2 * time.Hour)},
		})
		if err != nil {
			t.Fatal(err)
		}
		// Learned from a story too, with the store's clock.
		src := e.source(t)
		e.translateAndPublish(t, e.start(t, src, "ur")["ur"].ID, urduV1)
		if _, err := e.svc.FollowOnce(e.ctx); err != nil {
			t.Fatal(err)
		}

		var first bytes.Buffer
		if err := e.svc.ExportTMX(e.ctx, &first, "", ""); err != nil {
			t.Fatal(err)
		}
		other := newEnv(t, empty(t, db), nil)
		n, err := other.svc.ImportTMX(other.ctx, as(other.editor), bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if n != 4+len(urduV1) {
			t.Errorf("imported %d units, want %d", n, 4+len(urduV1))
		}
		var second bytes.Buffer
		if err := other.svc.ExportTMX(other.ctx, &second, "", ""); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("export, import, export differ:\n%s\n----\n%s", first.Bytes(), second.Bytes())
		}
		// Importing again adds nothing.
		if n, err := other.svc.ImportTMX(other.ctx, as(other.editor), bytes.NewReader(first.Bytes())); err != nil || n != 0 {
			t.Errorf("second import: %d, %v", n, err)
		}
		// One pair only.
		var pair bytes.Buffer
		if err := e.svc.ExportTMX(e.ctx, &pair, "en", "zh"); err != nil {
			t.Fatal(err)
		}
		if strings.Count(pair.String(), "<tu ") != 1 && strings.Count(pair.String(), "<tu>") != 1 {
			t.Errorf("en→zh export holds more than one unit:\n%s", pair.String())
		}
	})
}

func TestGlossaryCSVRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		in := "src_lang,tgt_lang,source,target,note\n" +
			"en,ur,Gwadar Port,گوادر بندرگاہ,\"the port, not the town\"\n" +
			"en,zh-Hans,Gwadar Port,瓜达尔港,\n" +
			"ar,ur,مجلس الوزراء,وفاقی کابینہ,\n"
		n, err := e.svc.ImportGlossary(e.ctx, as(e.editor), strings.NewReader(in))
		if err != nil || n != 3 {
			t.Fatalf("import: %d, %v", n, err)
		}
		var first bytes.Buffer
		if err := e.svc.ExportGlossary(e.ctx, &first, "", ""); err != nil {
			t.Fatal(err)
		}
		other := newEnv(t, empty(t, db), nil)
		if _, err := other.svc.ImportGlossary(other.ctx, as(other.admin), bytes.NewReader(first.Bytes())); err != nil {
			t.Fatal(err)
		}
		var second bytes.Buffer
		if err := other.svc.ExportGlossary(other.ctx, &second, "", ""); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("glossary export, import, export differ:\n%s\n----\n%s", first.Bytes(), second.Bytes())
		}
		terms, _ := e.svc.Terms(e.ctx, "en", "ur")
		if len(terms) != 1 || terms[0].Note != "the port, not the town" {
			t.Fatalf("en→ur terms %+v", terms)
		}
		if err := e.svc.DeleteTerm(e.ctx, as(e.editor), terms[0].ID); err != nil {
			t.Fatal(err)
		}
		if terms, _ := e.svc.Terms(e.ctx, "", ""); len(terms) != 2 {
			t.Errorf("%d terms after a delete, want 2", len(terms))
		}
	})
}

// Bad files are refused whole: nothing of them is imported.
func TestMalformedImports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		good := `<tu><tuv xml:lang="en"><seg>The talks resumed.</seg></tuv><tuv xml:lang="ur"><seg>مذاکرات دوبارہ شروع ہوئے۔</seg></tuv></tu>`
		tmx := func(body string) string {
			return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
				`<tmx version="1.4"><header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="test" adminlang="en" srclang="en" datatype="plaintext"/>` +
				"\n<body>\n" + body + "\n</body></tmx>\n"
		}
		// The good document goes in, so the bad ones are known to fail
		// for what they add.
		if n, err := e.svc.ImportTMX(e.ctx, as(e.editor), strings.NewReader(tmx(good))); err != nil || n != 1 {
			t.Fatalf("good TMX: %d, %v", n, err)
		}
		for name, doc := range map[string]string{
			"not XML":            "this is not a memory",
			"cut short":          tmx(good)[:200],
			"a unit without seg": tmx(good + "\n" + `<tu><tuv xml:lang="en"></tuv><tuv xml:lang="ur"><seg>کچھ</seg></tuv></tu>`),
			"bad element order":  tmx(`<tu><tuv xml:lang="en"><seg>One.</seg></tuv><tuv xml:lang="ur"><seg>ایک۔</seg>` + "\n</tu></tuv>"),
		} {
			_, err := e.svc.ImportTMX(e.ctx, as(e.editor), strings.NewReader(doc))
			wantErr(t, "TMX "+name, err, story.ErrInvalid)
			var pe *memory.ParseError
			if err != nil && !errors.As(err, &pe) {
				t.Errorf("TMX %s: %v is no ParseError", name, err)
			}
		}
		if n := e.units(t); n != 1 {
			t.Errorf("%d units after refused imports, want 1", n)
		}

		for name, doc := range map[string]string{
			"no header":        "en,ur,Senate,سینیٹ\n",
			"unknown language": "src_lang,tgt_lang,source,target\nen,ur,Senate,سینیٹ\nen,xx,Senate,Senat\n",
			"empty target":     "src_lang,tgt_lang,source,target\nen,ur,Senate,سینیٹ\nen,zh,Assembly,\n",
			"bad quoting":      "src_lang,tgt_lang,source,target\nen,ur,Senate,سینیٹ\nen,zh,\"Assembly,议会\n",
		} {
			_, err := e.svc.ImportGlossary(e.ctx, as(e.editor), strings.NewReader(doc))
			wantErr(t, "CSV "+name, err, story.ErrInvalid)
			if err != nil && !strings.Contains(err.Error(), "line") && name != "no header" {
				t.Errorf("CSV %s: %q does not name the line", name, err)
			}
		}
		if terms, _ := e.svc.Terms(e.ctx, "", ""); len(terms) != 0 {
			t.Errorf("refused glossaries left %d terms", len(terms))
		}
	})
}

// words is a synthetic vocabulary: pronounceable nonsense built from
// syllables, so that the memory holds many distinct words with a natural
// spread of frequencies.
func words(n int, r *rand.Rand) []string {
	syl := []string{"ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "da", "gu", "shi", "bar", "tem", "qal", "zor"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for range 2 + r.IntN(3) {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		out[i] = fmt.Sprintf("%s%d", b.String(), i%97)
	}
	return out
}

// sentence draws 8 to 20 words, common ones far more often than rare ones.
func sentence(vocab []string, r *rand.Rand) []string {
	n := 8 + r.IntN(13)
	out := make([]string, n)
	for i := range out {
		// The square skews the draw toward the start of the vocabulary.
		f := r.Float64()
		out[i] = vocab[int(f*f*float64(len(vocab)))]
	}
	return out
}

// BenchmarkSuggest measures one segment's suggestions from a memory of
// 100,000 units in SQLite. The memory is built once; each iteration asks
// for a segment that is one of them with two words changed.
func BenchmarkSuggest(b *testing.B) {
	const units = 100_000
	db := storetest.SQLite(b)
	svc := New(Options{Store: db})
	ctx := b.Context()
	r := rand.New(rand.NewPCG(4, 2026))
	vocab := words(20_000, r)
	var queries []string
	start := time.Now()
	for batch := 0; batch < units; batch += 5000 {
		list := make([]memory.Unit, 0, 5000)
		for i := range 5000 {
			w := sentence(vocab, r)
			src := strings.Join(w, " ") + "."
			list = append(list, memory.Unit{SrcLang: "en", TgtLang: "ur", Source: src, Target: "ur " + src})
			if i%500 == 0 {
				w[1], w[len(w)-2] = vocab[r.IntN(len(vocab))], vocab[r.IntN(len(vocab))]
				queries = append(queries, strings.Join(w, " ")+".")
			}
		}
		if _, err := db.AddUnits(ctx, list); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("built a memory of %d units in %v", units, time.Since(start).Round(time.Millisecond))
	b.Run("100k", func(b *testing.B) {
		found := 0
		i := 0
		for b.Loop() {
			m, err := svc.Suggest(ctx, "en", "ur", queries[i%len(queries)])
			if err != nil {
				b.Fatal(err)
			}
			if len(m) > 0 {
				found++
			}
			i++
		}
		b.ReportMetric(float64(found)/float64(i), "found/op")
	})
	// The worst case: a segment of the commonest words only, whose rarest
	// grams still have long lists.
	common := strings.Join(vocab[:14], " ") + "."
	b.Run("100k-common-words", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Suggest(ctx, "en", "ur", common); err != nil {
				b.Fatal(err)
			}
		}
	})
}
