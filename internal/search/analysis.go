package search

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fa"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/elision"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	unitok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// Analyser names as the index mapping records them. They are part of the
// on-disk format: renaming one, or changing what one does, needs a new
// mappingVersion so that existing indexes are rebuilt.
const (
	analyzerPrefix  = "qasid_"
	analyzerRuExact = "qasid_ru_exact" // Russian without the stemmer
	analyzerTag     = "qasid_tag"      // a whole tag or keyword, folded
	analyzerZhChars = "qasid_zh_chars" // every Chinese character alone
)

// analyzerName is the analyser of a language's text fields.
func analyzerName(lang string) string { return analyzerPrefix + lang }

// Bleve looks analysers up by name in a process-wide registry, both when a
// mapping is validated and when an index written earlier is reopened (its
// stored mapping names them). Our analysers are built from our own token
// filters, which the stock registry does not know, so they must be
// registered before any index is opened; registering from init() is the
// library's own mechanism (every stock analyser does the same). This is the
// only init in the package and it only fills the registry.
func init() {
	for _, name := range allAnalyzerNames() {
		build := func(map[string]interface{}, *registry.Cache) (analysis.Analyzer, error) {
			return newAnalyzer(name)
		}
		if err := registry.RegisterAnalyzer(name, build); err != nil {
			panic(fmt.Sprintf("search: register analyser %s: %v", name, err))
		}
	}
}

// searchLangs are the languages that have an analyser, in lang.Codes order.
// The package does not import internal/lang for this list because the
// analysers are its own: a language added there needs an analyser here.
var searchLangs = [...]string{"en", "ur", "zh", "ar", "ru", "fr", "es"}

func knownLang(code string) bool {
	for _, l := range searchLangs {
		if l == code {
			return true
		}
	}
	return false
}

func allAnalyzerNames() []string {
	names := make([]string, 0, len(searchLangs)+2)
	for _, l := range searchLangs {
		names = append(names, analyzerName(l))
	}
	return append(names, analyzerRuExact, analyzerTag, analyzerZhChars)
}

// newAnalyzer builds one of our analysers. Each call returns a new value;
// the filters hold only read-only tables, so one analyser serves any number
// of goroutines.
func newAnalyzer(name string) (analysis.Analyzer, error) {
	a, err := newBareAnalyzer(name)
	if err != nil {
		return nil, err
	}
	if d, ok := a.(*analysis.DefaultAnalyzer); ok && name != analyzerTag {
		d.CharFilters = append([]analysis.CharFilter{widthFolder{}}, d.CharFilters...)
	}
	return a, nil
}

func newBareAnalyzer(name string) (analysis.Analyzer, error) {
	tok := unitok.NewUnicodeTokenizer()
	common := termFilter(foldCommon)
	switch name {
	case analyzerName("en"):
		// Folding before the stemmer so "café" and "cafe" meet.
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{
			common,
			en.NewPossessiveFilter(),
			termFilter(foldLatin),
			en.NewEnglishStemmerFilter(),
		}}, nil
	case analyzerName("fr"):
		// Elision first ("d'État" → "État"), then ASCII folding, so that
		// "etat" typed without accents finds "d'État"; then the stock
		// French light stemmer.
		articles := analysis.NewTokenMap()
		if err := articles.LoadBytes(fr.FrenchArticles); err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{
			common,
			elision.NewElisionFilter(articles),
			termFilter(foldLatin),
			fr.NewFrenchLightStemmerFilter(),
		}}, nil
	case analyzerName("es"):
		// Accents fold (acción = accion) but ñ stays: año and ano are
		// different words and Spanish keyboards type ñ readily. The stock
		// Snowball stemmer, not the light one the stock analyser uses: the
		// light one leaves words under five letters alone, so niño and
		// niños never met.
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{
			common,
			termFilter(foldSpanish),
			es.NewSpanishStemmerFilter(),
		}}, nil
	case analyzerName("ru"), analyzerRuExact:
		// ё is written as е in most Russian text: fold before the stemmer,
		// which knows only one of the two spellings.
		filters := []analysis.TokenFilter{
			common,
			termFilter(foldYo),
		}
		if name == analyzerName("ru") {
			filters = append(filters, ru.NewRussianStemmerFilter())
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, nil
	case analyzerName("ar"):
		// The stock normaliser (alef forms, dotless yeh, teh marbuta), the
		// Persian one for yeh and kaf typed on Persian or Urdu keyboards,
		// then the stock light stemmer after our plural step (see
		// stripArabicAat).
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{
			common,
			ar.NewArabicNormalizeFilter(),
			fa.NewPersianNormalizeFilter(),
			termFilter(stripArabicAat),
			ar.NewArabicStemmerFilter(),
		}}, nil
	case analyzerName("zh"):
		// Bigrams, as the stock CJK analyser makes (a character standing
		// alone between punctuation stays a unigram). Every single
		// character also goes to a field of its own (analyzerZhChars), so
		// that a one-character query (京, 雨) finds it anywhere.
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{
			common,
			cjk.NewCJKBigramFilter(false),
		}}, nil
	case analyzerZhChars:
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: []analysis.TokenFilter{
			ideographsOnly{},
			common,
		}}, nil
	case analyzerName("ur"):
		return &analysis.DefaultAnalyzer{
			CharFilters: []analysis.CharFilter{zwnjSplitter{}},
			Tokenizer:   tok,
			TokenFilters: []analysis.TokenFilter{
				common,
				termFilter(foldUrdu),
				termFilter(stemUrdu),
			},
		}, nil
	case analyzerTag:
		return &analysis.DefaultAnalyzer{
			Tokenizer:    single.NewSingleTokenTokenizer(),
			TokenFilters: []analysis.TokenFilter{termFilter(foldTag)},
		}, nil
	}
	return nil, fmt.Errorf("search: no analyser %q", name)
}

// termFilter applies a function to every token's term and drops the tokens
// it leaves empty. The function must not change its argument in place: the
// tokenizer's terms point into the field's text, which Bleve also stores.
type termFilter func(term []byte) []byte

func (f termFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		t.Term = f(t.Term)
		if len(t.Term) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// ideographsOnly keeps the tokens the tokenizer marked as ideographs: one
// Chinese character each.
type ideographsOnly struct{}

func (ideographsOnly) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if t.Type == analysis.Ideographic {
			out = append(out, t)
		}
	}
	return out
}

// stopWordLists are the stop lists: Bleve's stock lists (Snowball's for
// en, fr, es, ru; Savoy's for ar) and our own short Urdu one. Chinese has
// none: its units are characters.
//
// The index keeps stop words (a phrase or a reader's "in return for" needs
// them); a query makes them optional instead, see buildLangQuery.
func stopWordLists() map[string][]byte {
	return map[string][]byte{
		"en": en.EnglishStopWords,
		"fr": fr.FrenchStopWords,
		"es": es.SpanishStopWords,
		"ru": ru.RussianStopWords,
		"ar": ar.ArabicStopWords,
		"ur": []byte(urduStopWords),
	}
}

// stopTerms analyses each word of a stop list with the language's
// analyser, so that the set holds the terms the index has for them
// (folded, stemmed: "was" is "wa" to the English stemmer).
func stopTerms(a analysis.Analyzer, list []byte) termSet {
	words := analysis.NewTokenMap()
	// LoadBytes only fails on a reader error; the lists are in memory.
	_ = words.LoadBytes(list)
	set := termSet{}
	for w := range words {
		for _, t := range a.Analyze([]byte(w)) {
			set[string(t.Term)] = true
		}
	}
	return set
}

// foldCommon is the normalisation every language shares: NFKC (full-width
// forms, ligatures, Arabic presentation forms), lower case, ASCII digits
// for Arabic-Indic (٠-٩) and Urdu/Persian (۰-۹) ones, "." for the Arabic
// decimal separator ٫ and "," for its thousands separator ٬, and without
// tatweel, Arabic-script vowel marks or invisible format characters (ZWJ,
// ZWNJ, direction marks, soft hyphen) that change how a word looks but not
// which word it is.
func foldCommon(term []byte) []byte {
	// Most words are written in letters whose folding needs no tables;
	// this was a sixth of the analysis time with the tables.
	if out, ok := foldPlain(term); ok {
		return out
	}
	return foldTables(term)
}

// foldTables is foldCommon with the Unicode tables, for any term.
func foldTables(term []byte) []byte {
	// Most words of most texts are already in their folded form; finding
	// that out without allocating saves a fifth of the analysis time.
	if norm.NFKC.IsNormal(term) && !needsFold(term) {
		return term
	}
	s := norm.NFKC.Bytes(term)
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRune(s[i:])
		i += n
		switch {
		case r >= '٠' && r <= '٩':
			out = append(out, byte('0'+r-'٠'))
		case r >= '۰' && r <= '۹':
			out = append(out, byte('0'+r-'۰'))
		case r == '٫':
			out = append(out, '.')
		case r == '٬':
			out = append(out, ',')
		case dropped(r):
		default:
			out = utf8.AppendRune(out, unicode.ToLower(r))
		}
	}
	return out
}

// dropped: tatweel, Arabic-script vowel marks and format characters.
func dropped(r rune) bool {
	return r == 'ـ' || isArabicMark(r) || unicode.Is(unicode.Cf, r)
}

// needsFold reports whether foldCommon would change an NFKC term.
func needsFold(term []byte) bool {
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		i += n
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				return true
			}
			continue
		}
		if r >= '٠' && r <= '٩' || r >= '۰' && r <= '۹' || r == '٫' || r == '٬' || dropped(r) || unicode.ToLower(r) != r {
			return true
		}
	}
	return false
}

// foldPlain is foldCommon for a term made only of plain letters (see
// plainLower), whose folding is lower case alone: ok is false for any
// other term. It copies only when a letter changes.
func foldPlain(term []byte) (out []byte, ok bool) {
	for i := 0; i < len(term); {
		r, n := rune(term[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(term[i:])
		}
		lower, ok := plainLower(r)
		if !ok {
			return nil, false
		}
		if lower != r && out == nil {
			out = make([]byte, i, len(term))
			copy(out, term[:i])
		}
		if out != nil {
			out = utf8.AppendRune(out, lower)
		}
		i += n
	}
	if out == nil {
		return term, true
	}
	return out, true
}

// plainLower returns the lower case of the letters of the languages' most
// common ranges (ASCII, Latin-1 letters, basic Cyrillic, the Arabic and Urdu letters, the common Chinese characters),
// and ok false for any other rune. These runes are their own NFKC form
// whatever stands around them (none decomposes, none combines with the
// rune before it), and none is a mark, a format character or a digit that
// foldCommon rewrites, so foldCommon does nothing to them but lower their
// case (checked rune by rune in TestFoldPlain).
func plainLower(r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A', true
		}
		return r, true
	case 0xC0 <= r && r <= 0xDE && r != 0xD7: // À-Þ
		return r + 0x20, true
	case 0xDF <= r && r <= 0xFF && r != 0xF7: // ß-ÿ
		return r, true
	case 0x400 <= r && r <= 0x40F: // Ѐ-Џ
		return r + 0x50, true
	case 0x410 <= r && r <= 0x42F: // А-Я
		return r + 0x20, true
	case 0x430 <= r && r <= 0x45F: // а-я, ѐ-џ
		return r, true
	case 0x621 <= r && r <= 0x63A, 0x641 <= r && r <= 0x64A, 0x679 <= r && r <= 0x6D3: // Arabic and Urdu letters
		return r, true
	case 0x4E00 <= r && r <= 0x9FFF: // CJK unified ideographs
		return r, true
	}
	return 0, false
}

// isArabicMark reports the Arabic-script combining marks that writers may
// add or leave out: harakat (zabar, zer, pesh, tanween, shadda, jazm), the
// superscript alef, Urdu's extra vowel signs and Quranic annotation marks.
// The hamza above and below (U+0654, U+0655) are left to the language's
// own folding, which knows what letter they make.
func isArabicMark(r rune) bool {
	switch {
	case r >= 0x0610 && r <= 0x061A,
		r >= 0x064B && r <= 0x0653,
		r >= 0x0656 && r <= 0x065F,
		r == 0x0670,
		r >= 0x06D6 && r <= 0x06DC,
		r >= 0x06DF && r <= 0x06E4,
		r == 0x06E7, r == 0x06E8,
		r >= 0x06EA && r <= 0x06ED,
		r >= 0x08D3 && r <= 0x08FF:
		return true
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// foldLatin folds Latin letters to ASCII (é→e, ç→c, œ→oe) with Bleve's
// ASCII folding table, for English and French.
func foldLatin(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	return asciifolding.New().Filter(term)
}

// foldSpanish is foldLatin except for ñ, which stays (año ≠ ano).
func foldSpanish(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	if !bytes.ContainsRune(term, 'ñ') {
		return asciifolding.New().Filter(term)
	}
	parts := bytes.Split(term, []byte("ñ"))
	for i, p := range parts {
		parts[i] = foldLatin(p)
	}
	return bytes.Join(parts, []byte("ñ"))
}

// foldYo writes ё as е.
func foldYo(term []byte) []byte {
	if !bytes.ContainsRune(term, 'ё') {
		return term
	}
	return bytes.ReplaceAll(term, []byte("ё"), []byte("е"))
}

// stripArabicAat removes the feminine and broken-plural ending ـات before
// the stock stemmer runs. The stock stemmer tries ـان before ـات and strips
// one pass only, so فيضان (flood) became فيض while فيضانات (floods) stayed
// فيضان, and the two never met; with ـات gone first both end as فيض.
func stripArabicAat(term []byte) []byte {
	const aat = "ات"
	if !bytes.HasSuffix(term, []byte(aat)) {
		return term
	}
	// Keep three letters at least, so that short words ending in the same
	// letters (بات، مات) are left alone.
	if utf8.RuneCount(term)-2 < 3 {
		return term
	}
	return term[:len(term)-len(aat)]
}

// foldTag folds a whole tag for exact comparison: the common folding and
// inner runs of spaces made one.
func foldTag(term []byte) []byte {
	return []byte(string(bytes.Join(bytes.Fields(foldCommon(term)), []byte(" "))))
}

// widthFolder writes full-width ASCII forms (ＡＢＣ２０２４, common in
// Chinese text) as ASCII before the tokenizer sees them: Bleve's word
// splitter drops full-width digits altogether. Each three-byte full-width
// character becomes its ASCII letter followed by a soft hyphen (two bytes,
// which the splitter keeps inside a word and foldCommon removes), and the
// ideographic space three spaces, so that offsets still point into the
// original text.
type widthFolder struct{}

func (widthFolder) Filter(in []byte) []byte {
	if !bytes.Contains(in, []byte{0xEF, 0xBC}) && !bytes.Contains(in, []byte{0xEF, 0xBD}) && !bytes.Contains(in, []byte("\u3000")) {
		return in
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); {
		r, n := utf8.DecodeRune(in[i:])
		switch {
		case r >= 0xFF01 && r <= 0xFF5E && n == 3:
			out = append(out, byte(r-0xFF01+'!'), 0xC2, 0xAD)
		case r == 0x3000:
			out = append(out, "   "...)
		default:
			out = append(out, in[i:i+n]...)
		}
		i += n
	}
	return out
}

// zwnjSplitter makes the zero-width non-joiner a word boundary for Urdu.
// Urdu writers put a ZWNJ where other writers of the same word type a
// space (to stop the letters before it joining), so both spellings must
// give the same words. Each ZWNJ becomes three spaces, its length in
// UTF-8, so that token offsets still point into the original text for
// snippets.
type zwnjSplitter struct{}

func (zwnjSplitter) Filter(in []byte) []byte {
	const zwnj = "\u200c"
	if !bytes.Contains(in, []byte(zwnj)) {
		return in
	}
	return bytes.ReplaceAll(in, []byte(zwnj), []byte("   "))
}
