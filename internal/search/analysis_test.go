package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

func testAnalyzers(t *testing.T) analyzers {
	t.Helper()
	as, err := newAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// keys is what an analyser makes of a text: its terms in order.
func keys(as analyzers, analyzer, text string) []string {
	var out []string
	for _, t := range as.tokens(analyzer, text) {
		out = append(out, string(t.Term))
	}
	return out
}

// TestAnalysisPairs: each pair must give the same terms in the language's
// analyser (match) or different ones (no match).
func TestAnalysisPairs(t *testing.T) {
	as := testAnalyzers(t)
	cases := []struct {
		lang  string
		a, b  string
		match bool
		why   string
	}{
		// Shared by all languages.
		{"en", "2024", "٢٠٢٤", true, "Eastern Arabic digits fold to ASCII"},
		{"ur", "۲۰۲۴", "2024", true, "Urdu/Persian digits fold to ASCII"},
		{"ar", "٣٫٥", "3.5", true, "Arabic decimal separator"},
		{"en", "ＰＡＲＩＳ", "paris", true, "NFKC full-width and case"},
		{"fr", "PARIS", "paris", true, "case"},
		{"en", "co\u00adoperation", "cooperation", true, "soft hyphen dropped"},
		{"ar", "مصر\u200f", "مصر", true, "direction mark dropped"},
		// English.
		{"en", "cafés", "cafe", true, "accents fold before the stemmer"},
		{"en", "running", "runs", true, "stemming"},
		{"en", "President's", "president", true, "possessive"},
		{"en", "bank", "banana", false, ""},
		{"en", "state", "stats", false, ""},
		// French.
		{"fr", "etat", "d'État", true, "ASCII folding after elision"},
		{"fr", "etat", "l’État", true, "typographic apostrophe"},
		{"fr", "etats", "États", true, "plural"},
		{"fr", "hopital", "hôpital", true, ""},
		{"fr", "ecoles", "école", true, ""},
		{"fr", "paix", "pays", false, ""},
		// Spanish.
		{"es", "accion", "acción", true, ""},
		{"es", "Mexico", "México", true, ""},
		{"es", "camiones", "camión", true, "light stemmer"},
		{"es", "año", "ano", false, "ñ is kept"},
		{"es", "niños", "niño", true, ""},
		// Russian.
		{"ru", "ёлка", "елка", true, "ё as е"},
		{"ru", "Ёж", "еж", true, ""},
		{"ru", "выборы", "выборов", true, "stemming"},
		{"ru", "дом", "дым", false, ""},
		{"ru_exact", "визит", "виза", false, "the unstemmed copy keeps them apart"},
		{"ru_exact", "Визит", "визит", true, ""},
		// Arabic.
		{"ar", "فيضان", "فيضانات", true, "plural ـات before the stock stemmer"},
		{"ar", "الحكومة", "حكومات", true, ""},
		{"ar", "مُحَمَّد", "محمد", true, "diacritics"},
		{"ar", "كتابـــة", "كتابة", true, "tatweel"},
		{"ar", "أحمد", "احمد", true, "hamza on alef"},
		{"ar", "علی", "علي", true, "Farsi yeh"},
		{"ar", "كتب", "مكتب", false, ""},
		{"ar", "بات", "ب", false, "short words keep ـات"},
		// Chinese: bigrams.
		{"zh", "中国经济", "中国经济", true, ""},
		{"zh", "中国", "国中", false, ""},
		{"zh", "ＡＢＣ２０２４", "abc2024", true, "full width"},
		{"en", "ＣＯＶＩＤ－１９", "covid-19", true, "full width"},
		// Urdu: the letters typed two ways, vowel marks, endings.
		{"ur", "دورہ", "دورے", true, "yeh barree / heh goal endings"},
		{"ur", "دورہ", "دوروں", true, "oblique plural"},
		{"ur", "کتاب", "کتابیں", true, "plural ـیں"},
		{"ur", "لڑکی", "لڑکیاں", true, "plural ـیاں"},
		{"ur", "لڑکا", "لڑکوں", true, "plural ـوں"},
		{"ur", "خیال", "خیالات", true, "Arabic plural ـات"},
		{"ur", "لئے", "لیے", true, "hamza seat as yeh"},
		{"ur", "پاکستانی", "پاكستاني", true, "keheh/kaf and Farsi/Arabic yeh"},
		{"ur", "ہفتہ", "هفته", true, "heh goal and Arabic heh"},
		{"ur", "بھارت", "بهارت", true, "do-chashmi heh and Arabic heh"},
		{"ur", "مُلک", "ملک", true, "pesh dropped"},
		{"ur", "مِلک", "ملک", true, "zer dropped"},
		{"ur", "مؤقف", "موقف", true, "waw with hamza"},
		{"ur", "آج", "اج", true, "alef madda"},
		{"ur", "ملک", "مالک", false, ""},
		{"ur", "کتاب", "کاتب", false, ""},
		{"ur", "دن", "دین", false, ""},
	}
	for _, c := range cases {
		an := analyzerName(c.lang)
		if c.lang == "ru_exact" {
			an = analyzerRuExact
		}
		ka, kb := keys(as, an, c.a), keys(as, an, c.b)
		if len(ka) == 0 || len(kb) == 0 {
			t.Errorf("%s %q / %q: no terms (%v / %v)", c.lang, c.a, c.b, ka, kb)
			continue
		}
		if got := slices.Equal(ka, kb); got != c.match {
			t.Errorf("%s %q → %v, %q → %v: match %v, want %v (%s)", c.lang, c.a, ka, c.b, kb, got, c.match, c.why)
		}
	}
}

// TestRussianOverStemming documents why the unstemmed copy exists: the
// stemmer gives визит and виза one stem, while визиты keeps the stem визит.
func TestRussianOverStemming(t *testing.T) {
	as := testAnalyzers(t)
	visit, visa, visits := keys(as, analyzerName("ru"), "визит"), keys(as, analyzerName("ru"), "виза"), keys(as, analyzerName("ru"), "визиты")
	if !slices.Equal(visit, visa) {
		t.Skipf("the stemmer no longer joins визит %v and виза %v", visit, visa)
	}
	if slices.Equal(visit, visits) || visits[0] != "визит" {
		t.Errorf("визиты → %v: the query's unstemmed визит must meet it among the stems", visits)
	}
}

func TestChineseCharacters(t *testing.T) {
	as := testAnalyzers(t)
	if got := keys(as, analyzerName("zh"), "北京下雨"); !slices.Equal(got, []string{"北京", "京下", "下雨"}) {
		t.Errorf("bigrams: %v", got)
	}
	if got := keys(as, analyzerZhChars, "北京下雨 2024 abc"); !slices.Equal(got, []string{"北", "京", "下", "雨"}) {
		t.Errorf("single characters: %v", got)
	}
	// A lone character between punctuation stays a unigram in the text field.
	if got := keys(as, analyzerName("zh"), "雨，北京"); !slices.Equal(got, []string{"雨", "北京"}) {
		t.Errorf("lone character: %v", got)
	}
}

// TestUrduZWNJ: a zero-width non-joiner is a word boundary, as the space
// other writers type there, and offsets still point into the text.
func TestUrduZWNJ(t *testing.T) {
	as := testAnalyzers(t)
	joined := "پاکستان\u200cکی ٹیم"
	spaced := "پاکستان کی ٹیم"
	if a, b := keys(as, analyzerName("ur"), joined), keys(as, analyzerName("ur"), spaced); !slices.Equal(a, b) {
		t.Errorf("ZWNJ %v, space %v", a, b)
	}
	for _, tok := range as.tokens(analyzerName("ur"), joined) {
		if got := joined[tok.Start:tok.End]; strings.ContainsRune(got, '\u200c') || got == "" {
			t.Errorf("token %q has offsets [%d:%d] = %q", tok.Term, tok.Start, tok.End, got)
		}
	}
}

func TestUrduStopWords(t *testing.T) {
	as := testAnalyzers(t)
	for _, w := range []string{"کے", "کی", "میں", "ہے", "اور"} {
		toks := as.tokens(analyzerName("ur"), w)
		if len(toks) != 1 || !as.allStop("ur", toks) {
			t.Errorf("%q (%v) is not a stop word", w, keys(as, analyzerName("ur"), w))
		}
	}
	for _, w := range []string{"پاکستان", "حکومت", "دورہ"} {
		if as.allStop("ur", as.tokens(analyzerName("ur"), w)) {
			t.Errorf("%q is a stop word", w)
		}
	}
}

// TestAnalysisKeepsText: no filter may change the text it was given (Bleve
// stores the same bytes it analyses).
func TestAnalysisKeepsText(t *testing.T) {
	as := testAnalyzers(t)
	for _, name := range allAnalyzerNames() {
		text := []byte("The CAFÉ’s ١٢٣ مُحَمَّد دورہ\u200cکی Ёлка 中国经济")
		before := string(text)
		as.byName[name].Analyze(text)
		if string(text) != before {
			t.Errorf("%s changed its input to %q", name, text)
		}
	}
}

// TestAnalysisOffsets: token offsets point at the token's own text, so
// snippets can mark it.
func TestAnalysisOffsets(t *testing.T) {
	as := testAnalyzers(t)
	texts := map[string]string{
		"en": "The President’s cafés",
		"fr": "Le rapport d'État",
		"ar": "فيضانات مُحَمَّد",
		"ur": "دورے\u200cکی ملک",
		"zh": "北京下雨了",
		"ru": "Ёлка визиты",
		"es": "Acción México",
	}
	for lang, text := range texts {
		for _, tok := range as.tokens(analyzerName(lang), text) {
			if tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End {
				t.Errorf("%s %q: offsets [%d:%d]", lang, tok.Term, tok.Start, tok.End)
			}
		}
	}
}

// TestFoldPlain checks foldCommon's shortcut against the Unicode tables:
// every rune it takes is its own NFKC form whatever surrounds it and
// folds to its lower case alone, and any word made of such runes folds as
// the tables would fold it.
func TestFoldPlain(t *testing.T) {
	var plain []rune
	for r := rune(0); r <= 0xFFFF; r++ {
		lower, ok := plainLower(r)
		if !ok {
			continue
		}
		plain = append(plain, r)
		s := string(r)
		if !norm.NFKC.IsNormalString(s) || !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			t.Errorf("%U: not its own NFKC form, or combines with the rune before", r)
		}
		if want := string(foldTables([]byte(s))); string(lower) != want || lower != unicode.ToLower(r) {
			t.Errorf("%U: plain lower case %q, tables fold it to %q", r, string(lower), want)
		}
		if l, ok := plainLower(lower); !ok || l != lower {
			t.Errorf("%U: its lower case %U is not plain", r, lower)
		}
	}
	if len(plain) < 20000 {
		t.Fatalf("only %d plain runes", len(plain))
	}
	// Words of plain runes, and words with one rune that is not plain.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteRune(plain[rng.IntN(len(plain))])
		}
		if i%2 == 1 {
			b.WriteRune([]rune{'\u0301', 'Ａ', '٣', '\u200c', 'ـ', 'İ', 'ﻻ'}[rng.IntN(7)])
		}
		in := b.String()
		if got, want := string(foldCommon([]byte(in))), string(foldTables([]byte(in))); got != want {
			t.Fatalf("%+q: folded to %+q, the tables give %+q", in, got, want)
		}
	}
	// An unchanged word is not copied.
	word := []byte("привет")
	if out := foldCommon(word); &out[0] != &word[0] {
		t.Error("a folded word was copied")
	}
}
