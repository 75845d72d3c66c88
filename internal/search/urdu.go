package search

import "unicode/utf8"

// Urdu has no stock Bleve analyser. Ours: ZWNJ as a word boundary
// (zwnjSplitter), Unicode word splitting, the common folding (which also
// drops zer, zabar, pesh and the other vowel marks), foldUrdu for the
// letters Urdu writers type inconsistently, a small stop list and a light
// stemmer for plural and oblique endings.

// urduStopWords are the commonest function words: postpositions, the
// copula and conjunctions. The list is short on purpose: a word wrongly
// dropped can never be found, while a kept one only costs index space.
const urduStopWords = `
کا کی کے کو میں سے نے پر
اور یا کہ جو بھی ہی تو
یہ وہ ہے ہیں تھا تھی تھے ہو
`

// foldUrdu folds letters Urdu writers type in more than one way, mostly
// because Arabic, Persian and Urdu keyboards put different code points on
// the same key, and real sites mix them in one text:
//   - yeh: Arabic ي, Farsi ی, yeh barree ے, alef maksura ى, and the hamza
//     seats ئ and ۓ, all as ي (so لئے and لیے meet);
//   - kaf: keheh ک as Arabic ك;
//   - heh: heh goal ہ, do-chashmi ھ, ۀ, ۂ, ة, ۃ and ae ە, all as ه;
//   - alef with hamza or madda as bare alef, waw with hamza as waw, and
//     the combining hamza above or below dropped.
//
// It runs after foldCommon, so the text is already NFKC (ۂ is one code
// point) and without vowel marks.
func foldUrdu(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	out := make([]byte, 0, len(term))
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		i += n
		switch r {
		case 'ی', 'ے', 'ى', 'ئ', 'ۓ':
			r = 'ي'
		case 'ک', 'ڪ':
			r = 'ك'
		case 'ہ', 'ھ', 'ۀ', 'ۂ', 'ة', 'ۃ', 'ە':
			r = 'ه'
		case 'أ', 'إ', 'آ', 'ٱ', 'ٲ', 'ٳ':
			r = 'ا'
		case 'ؤ':
			r = 'و'
		case '\u0654', '\u0655':
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

// Endings of the light stemmer, in folded letters (ں is kept apart from ن:
// the nasal endings are what mark the plural and oblique forms).
var (
	// Plural and oblique endings, longest first: لڑکیوں، لڑکیاں، دوروں،
	// کتابیں، (ماں is protected by the minimum stem length).
	urduNasalEndings = [][]rune{[]rune("يوں"), []rune("ياں"), []rune("وں"), []rune("يں"), []rune("اں")}
	// The Arabic plural ـات (خیالات، اطلاعات، انتخابات).
	urduAat = []rune("ات")
)

// stemUrdu removes, in three steps, one plural or oblique nasal ending,
// then the Arabic plural ـات, then one final vowel letter (ا, ي, ه: ی, ے,
// ہ after folding), keeping at least two letters (three before ـات). So
// دورہ, دورے and دوروں all become دور; لڑکا, لڑکے, لڑکی, لڑکیاں and
// لڑکیوں become لڑك; ملاقات and ملاقاتیں meet. Like every light stemmer it
// also joins some words that are not related (ساتھ "with" and سات "seven",
// once ھ is folded), the price of matching the spelling variants above.
func stemUrdu(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	rs := []rune(string(term))
	for _, e := range urduNasalEndings {
		if hasRuneSuffix(rs, e) && len(rs)-len(e) >= 2 {
			rs = rs[:len(rs)-len(e)]
			break
		}
	}
	if hasRuneSuffix(rs, urduAat) && len(rs)-len(urduAat) >= 3 {
		rs = rs[:len(rs)-len(urduAat)]
	}
	if n := len(rs); n > 2 {
		switch rs[n-1] {
		case 'ا', 'ي', 'ه':
			rs = rs[:n-1]
		}
	}
	return []byte(string(rs))
}

func hasRuneSuffix(rs, suffix []rune) bool {
	if len(rs) < len(suffix) {
		return false
	}
	off := len(rs) - len(suffix)
	for i, r := range suffix {
		if rs[off+i] != r {
			return false
		}
	}
	return true
}
