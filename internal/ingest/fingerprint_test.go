package ingest

import (
	"math/bits"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// An English and an Urdu story, written for these tests.
const (
	storyEN = `The provincial government on Monday announced that schools in Lahore will open two hours later for the rest of the month, as smog over the city reached hazardous levels for the third day running.
The education department said classes would now begin at ten in the morning and end at two in the afternoon, and that outdoor sports and assemblies were suspended until further notice.
Doctors at the city's main hospitals reported a rise in patients with breathing problems, most of them children and elderly people, and advised residents to wear masks outdoors.
The environment protection agency blamed crop burning in neighbouring districts, vehicle exhaust and brick kilns for the haze, and said it had sealed forty kilns that did not use cleaner technology.
Traders in the old city complained that the shorter school day would hurt business, while parents' groups welcomed the decision but asked for online classes on the worst days.
Weather officials said light rain expected at the weekend might bring some relief, but warned that the smog season usually lasts until the end of January.`
	storyUR = `پنجاب حکومت نے پیر کے روز اعلان کیا کہ لاہور میں اسکول اس مہینے کے باقی دنوں میں دو گھنٹے تاخیر سے کھلیں گے کیونکہ شہر میں سموگ مسلسل تیسرے دن خطرناک حد تک پہنچ گئی۔
محکمہ تعلیم کے مطابق کلاسیں اب صبح دس بجے شروع ہوں گی اور دوپہر دو بجے ختم ہوں گی جبکہ کھیلوں اور اسمبلیوں پر تاحکم ثانی پابندی ہوگی۔
شہر کے بڑے ہسپتالوں کے ڈاکٹروں نے سانس کی تکلیف کے مریضوں میں اضافے کی اطلاع دی جن میں زیادہ تر بچے اور بزرگ شامل ہیں۔`
)

func TestFingerprintSame(t *testing.T) {
	same := []struct{ name, a, b string }{
		{"identical", storyEN, storyEN},
		{"punctuation and case", storyEN, strings.ToUpper(strings.NewReplacer(",", "", ".", " ;", "'", "’").Replace(storyEN))},
		{"white space and paragraphs", storyEN, strings.Join(strings.Fields(storyEN), "  ")},
		{"digits in Arabic-Indic script", "قیمت 250 روپے اور 1200 روپے ہے", "قیمت ۲۵۰ روپے اور ۱۲۰۰ روپے ہے"},
		{"digits of another value", "Exports rose 8% to 612,000 units", "Exports rose 9% to 615,000 units"},
		{"Arabic letter forms in Urdu", "کراچی میں یہ خبر ہے", "كراچي ميں يه خبر هے"},
		{"vowel marks and tatweel", "العَرَبِيَّة الجديـــدة", "العربية الجديدة"},
		{"alef and teh marbuta variants", "أعلنت الوزارة إنشاء مدرسة", "اعلنت الوزاره انشاء مدرسه"},
		{"full-width forms", "ＡＢＣ news 2025", "abc news 2025"},
		{"composed and decomposed", "café déjà vu", "cafe\u0301 de\u0301ja\u0300 vu"},
		{"Chinese punctuation", "卡拉奇港清理了积压。港务局增加了夜班！", "卡拉奇港清理了积压,港务局增加了夜班"},
	}
	for _, tc := range same {
		if d := Distance(Fingerprint(tc.a), Fingerprint(tc.b)); d != 0 {
			t.Errorf("%s: distance %d, want 0", tc.name, d)
		}
	}
	if Fingerprint("") != 0 || Fingerprint(" ,.;!؟ ") != 0 {
		t.Error("a text without words has a fingerprint")
	}
	if Fingerprint("one") == 0 || Fingerprint("one") == Fingerprint("two") {
		t.Error("one-word texts are not told apart")
	}
}

// TestFingerprintEdits checks the promise on written stories: small edits
// are near, other stories on the same topic are not.
func TestFingerprintEdits(t *testing.T) {
	near := []struct{ name, a, b string }{
		{"one word changed", storyEN, strings.Replace(storyEN, "hazardous", "dangerous", 1)},
		{"typo fixed", storyEN, strings.Replace(storyEN, "neighbouring", "neighboring", 1)},
		{"a sentence added", storyEN, storyEN + "\nThe chief minister will chair a meeting on the crisis on Tuesday."},
		{"Urdu word changed", storyUR, strings.Replace(storyUR, "خطرناک", "مضر", 1)},
	}
	for _, tc := range near {
		if d := Distance(Fingerprint(tc.a), Fingerprint(tc.b)); d > NearDuplicate {
			t.Errorf("%s: distance %d, want at most %d", tc.name, d, NearDuplicate)
		}
	}
	// The same topic, another story: same names and words, other text.
	other := `Smog in Lahore kept schools closed on Friday and hospitals in the city reported more patients with breathing problems.
The provincial government said the environment protection agency would seal brick kilns and fine farmers for crop burning.
Parents asked for online classes, and weather officials said rain at the weekend might bring relief from the haze.`
	if d := Distance(Fingerprint(storyEN), Fingerprint(other)); d <= 2*NearDuplicate {
		t.Errorf("another story on the same topic: distance %d", d)
	}
	// Half the story, rewritten: not the same story any more.
	paras := strings.Split(storyEN, "\n")
	half := strings.Join(paras[:3], "\n") + "\n" + other
	if d := Distance(Fingerprint(storyEN), Fingerprint(half)); d <= NearDuplicate {
		t.Errorf("half a story: distance %d", d)
	}
	// Translations are other texts.
	if d := Distance(Fingerprint(storyEN), Fingerprint(storyUR)); d <= 2*NearDuplicate {
		t.Errorf("translation: distance %d", d)
	}
}

// TestBands proves the pigeonhole promise: fingerprints within
// NearDuplicate bits always share a band.
func TestBands(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 100000 {
		a := rng.Uint64()
		b := a
		for range rng.IntN(NearDuplicate + 1) {
			b ^= 1 << rng.IntN(64)
		}
		ba, bb := Bands(a), Bands(b)
		shared := false
		for i := range ba {
			shared = shared || ba[i] == bb[i]
		}
		if !shared {
			t.Fatalf("%016x and %016x (distance %d) share no band", a, b, Distance(a, b))
		}
	}
	fp := uint64(0x0123456789ABCDEF)
	if got := Bands(fp); got != [4]uint16{0xCDEF, 0x89AB, 0x4567, 0x0123} {
		t.Errorf("Bands(%x) = %x", fp, got)
	}
}

// simHash is a SimHash of the same shingles, kept here as the yardstick
// Fingerprint was chosen against (see its documentation).
func simHash(text string) uint64 {
	var sums [64]int
	shingles(text, wordShingle, hanShingle, func(h uint64) {
		for i := range 64 {
			sums[i] += int(h>>i&1)*2 - 1
		}
	})
	var fp uint64
	for i, s := range sums {
		if s > 0 {
			fp |= 1 << i
		}
	}
	return fp
}

// jaccard is the true similarity of two texts' shingle sets, the quantity
// Fingerprint estimates.
func jaccard(a, b string) float64 {
	set := func(s string) map[uint64]bool {
		m := map[uint64]bool{}
		shingles(s, wordShingle, hanShingle, func(h uint64) { m[h] = true })
		return m
	}
	x, y := set(a), set(b)
	both := 0
	for h := range x {
		if y[h] {
			both++
		}
	}
	if len(x)+len(y) == 0 {
		return 1
	}
	return float64(both) / float64(len(x)+len(y)-both)
}

// testFingerprintCorpus measures Fingerprint on one language's corpus
// articles (called from TestCorpus, which has read them):
//
//   - false positives: pairs of articles within NearDuplicate whose
//     shingle sets overlap less than half (pairs that overlap more are the
//     corpus's own duplicates: one wire story in two Saudi papers, CCTV's
//     templated reports). Translations (ntrex) are in other files, so only
//     articles of one language are compared;
//   - recall: edited copies of up to 300 articles of 250-400 words (400-700
//     characters in Chinese) must be found: a word changed, three words
//     changed, a 10-25-word sentence from another article inserted,
//     punctuation removed. SimHash is measured alongside.
func testFingerprintCorpus(t *testing.T, code string, items []Item) {
	fps := make([]uint64, len(items))
	for i, it := range items {
		fps[i] = Fingerprint(it.Body)
	}
	near, dupes, falsePos := 0, 0, 0
	for i := range fps {
		for j := i + 1; j < len(fps); j++ {
			if bits.OnesCount64(fps[i]^fps[j]) > NearDuplicate {
				continue
			}
			near++
			if jaccard(items[i].Body, items[j].Body) >= 0.5 {
				dupes++
				continue
			}
			falsePos++
			t.Errorf("%s: %s and %s are within %d bits but share %.0f%% of their shingles",
				code, items[i].GUID, items[j].GUID, NearDuplicate, 100*jaccard(items[i].Body, items[j].Body))
		}
	}

	rng := rand.New(rand.NewPCG(uint64(len(items)), 42))
	long := func(s string) bool {
		if code == "zh" {
			n := len([]rune(s))
			return n >= 400 && n <= 700
		}
		n := len(strings.Fields(s))
		return n >= 250 && n <= 400
	}
	sentence := func() string {
		for {
			s := firstSentence(items[rng.IntN(len(items))].Body)
			n := len(strings.Fields(s))
			if code == "zh" {
				n = len([]rune(s)) * 2 / 3
			}
			if n >= 10 && n <= 25 {
				return s
			}
		}
	}
	replace := func(s string, n int) string {
		if code == "zh" {
			rs := []rune(s)
			for range n {
				rs[rng.IntN(len(rs))] = rs[rng.IntN(len(rs))]
			}
			return string(rs)
		}
		paras := strings.Split(s, "\n")
		for range n {
			p := rng.IntN(len(paras))
			w := strings.Fields(paras[p])
			if len(w) == 0 {
				continue
			}
			w[rng.IntN(len(w))] = "qasidword"
			paras[p] = strings.Join(w, " ")
		}
		return strings.Join(paras, "\n")
	}
	edits := []struct {
		name string
		min  float64 // share that must be found
		edit func(string) string
	}{
		{"1 word", 0.97, func(s string) string { return replace(s, 1) }},
		{"3 words", 0.88, func(s string) string { return replace(s, 3) }},
		{"sentence", 0.70, func(s string) string {
			paras := strings.Split(s, "\n")
			p := rng.IntN(len(paras))
			paras[p] += " " + sentence() + "."
			return strings.Join(paras, "\n")
		}},
		{"punctuation", 1, func(s string) string {
			return strings.Map(func(r rune) rune {
				if unicode.IsPunct(r) {
					return ' '
				}
				return r
			}, s)
		}},
	}
	found := make([]int, len(edits))
	foundSim := make([]int, len(edits))
	dist := make([][]int, len(edits))
	n := 0
	for _, i := range rng.Perm(len(items)) {
		if n == 300 {
			break
		}
		body := items[i].Body
		if !long(body) {
			continue
		}
		n++
		fp, sim := fps[i], simHash(body)
		for k, e := range edits {
			edited := e.edit(body)
			d := Distance(fp, Fingerprint(edited))
			dist[k] = append(dist[k], d)
			if d <= NearDuplicate {
				found[k]++
			}
			if Distance(sim, simHash(edited)) <= NearDuplicate {
				foundSim[k]++
			}
		}
	}
	if n < 50 {
		t.Fatalf("%s: only %d articles of the right length", code, n)
	}
	var report []string
	for k, e := range edits {
		sort.Ints(dist[k])
		share := float64(found[k]) / float64(n)
		report = append(report, e.name+": "+pct(share)+" found (median "+strconv.Itoa(dist[k][n/2])+" bits, SimHash "+pct(float64(foundSim[k])/float64(n))+")")
		if share < e.min {
			t.Errorf("%s: %s edits found in %s of %d articles, want at least %s", code, e.name, pct(share), n, pct(e.min))
		}
		if foundSim[k] > found[k]+n/50 {
			t.Errorf("%s: SimHash finds %d %s edits, Fingerprint %d", code, foundSim[k], e.name, found[k])
		}
	}
	t.Logf("%s: %d articles, %d pairs within %d bits (%d share half their shingles, %d false positives); edits of %d articles: %s",
		code, len(items), near, NearDuplicate, dupes, falsePos, n, strings.Join(report, "; "))
}

func pct(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" }

func BenchmarkFingerprint(b *testing.B) {
	b.SetBytes(int64(len(storyEN)))
	for b.Loop() {
		Fingerprint(storyEN)
	}
}

// BenchmarkFingerprintCorpus fingerprints corpus bodies of every language.
func BenchmarkFingerprintCorpus(b *testing.B) {
	var texts []string
	size := 0
	for _, code := range []string{"en", "ur", "zh", "ar", "ru", "fr", "es"} {
		for i, it := range readCorpus(b, code) {
			if i == 30 {
				break
			}
			texts = append(texts, it.Body)
			size += len(it.Body)
		}
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, t := range texts {
			Fingerprint(t)
		}
	}
}

// foldRune's shortcut folds every rune as the tables do.
func TestFoldRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := foldRune(r), foldRuneTables(r); got != want {
			t.Errorf("%U: %U, the tables give %U", r, got, want)
		}
	}
}
