package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/sentences"
)

// abbreviations lists, per language, the abbreviations that end in a full
// stop and are usually followed by a capitalised word (a name, a place), so
// that the Unicode rules would end a sentence after them. Entries are
// compared case-sensitively with the word before the full stop, dot
// included: "No." is the English number sign, "no." is a refusal.
//
// Left out on purpose: abbreviations that often end a sentence themselves
// ("etc.", "Inc.", "Ltd.", Russian "и др.", "и т.д.", "млн."), where a
// merged sentence would be a worse mistake than a split one. Urdu writes its
// titles out in full and Chinese uses no full stop after abbreviations, so
// neither has a list. Initials and initialisms in capitals ("M.", "U.S.",
// "А.", "J.-C.") need no entry: every language gets them from
// isInitialism.
var abbreviations = map[string]map[string]bool{
	"en": set("Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "Sr.", "Jr.", "St.", "Gen.", "Col.", "Lt.",
		"Maj.", "Capt.", "Sgt.", "Gov.", "Sen.", "Rep.", "Rev.", "Hon.", "Pres.", "Mt.", "Ft.",
		"No.", "Nos.", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.",
		"vs.", "e.g.", "i.e.", "approx.", "Fig.", "Vol.", "pp.", "p."),
	"fr": set("M.", "MM.", "Mme.", "Mlle.", "Me.", "Dr.", "Pr.", "St.", "Ste.", "av.", "apr.",
		"env.", "cf.", "p.", "art.", "bd.", "boul.", "chap.", "vol."),
	"es": set("Sr.", "Sra.", "Srta.", "Sres.", "Dr.", "Dra.", "Ud.", "Uds.", "Lic.", "Ing.", "Gral.",
		"Excmo.", "Excma.", "D.", "Dña.", "pág.", "núm.", "art.", "aprox.", "EE.", "UU.", "p.", "ej.",
		"av.", "Avda.", "cap."),
	"ru": set("г.", "гг.", "т.", "е.", "т.е.", "ул.", "пр.", "пер.", "им.", "см.", "ст.", "стр.",
		"рис.", "проф.", "акад.", "напр.", "д.", "тов.", "св."),
	"ar": set("د.", "أ.", "أ.د.", "م.د."),
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// Sentences splits running text into sentences for the language lang (a
// lang code such as "en" or "ur"; an unknown code gets the rules every
// language shares). It uses the Unicode sentence boundaries of UAX #29,
// which know 。！？ ۔ ؟ and leave numbers such as 4.2 and 1,000 whole, and
// then corrects them in three ways:
//   - no break after an abbreviation of the language or an initial
//     ("Mr. Khan", "M. Dupont", "г. Москва", "U.S. Army");
//   - no break before a lower-case letter ("“Why?” he asked.");
//   - closing quotes or brackets cut off after a space go with the
//     sentence they close (French « Oui. » Puis…).
//
// Each sentence is trimmed of white space; empty ones are dropped.
func Sentences(lang, text string) []string {
	abbr := abbreviations[lang]
	var out []string
	start := 0 // where the sentence being built begins
	push := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	it := sentences.FromString(maskLinkTargets(text))
	for it.Next() {
		end := absorbClosers(text, it.End())
		if end <= start || end >= len(text) {
			continue // swallowed by an earlier correction, or the last piece
		}
		if noBreak(abbr, text[start:end], text[end:]) {
			continue
		}
		push(end)
	}
	push(len(text))
	return out
}

// maskLinkTargets blanks out the targets of Markdown links and images,
// "](https://example.org/a.b)", keeping every byte offset: the full stops
// and brackets of a URL otherwise hide the sentence end before it.
func maskLinkTargets(text string) string {
	var b []byte
	from := 0
	for {
		i := strings.Index(text[from:], "](")
		if i < 0 {
			break
		}
		open := from + i + 1
		k := strings.IndexByte(text[open:], ')')
		if k < 0 {
			break
		}
		from = open + k + 1
		if strings.ContainsFunc(text[open:open+k], unicode.IsSpace) {
			from = open // not a plain target: look again from here
			continue
		}
		if b == nil {
			b = []byte(text)
		}
		for j := open; j < from; j++ {
			b[j] = ' '
		}
	}
	if b == nil {
		return text
	}
	return string(b)
}

// absorbClosers moves a boundary at end past what closes the sentence
// before it, when a space or the end of the text follows: closing quotes
// and brackets (UAX #29 lets them follow a full stop only without a space
// between, but French sets « » off with spaces), Markdown emphasis marks
// ("*Quoted.* Next", "**Bold.**").
func absorbClosers(text string, end int) int {
	j := end
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if isCloser(r) {
			j += size
			continue
		}
		break
	}
	if j == end {
		return end
	}
	if j < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[j:]); !unicode.IsSpace(r) {
			return end // an opening quote of the next sentence, as in `"Go," he said`
		}
	}
	return j
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '*', '_', '`', '~':
		return true
	}
	return unicode.In(r, unicode.Pe, unicode.Pf)
}

// noBreak reports whether a boundary between before and after should be
// dropped: before ends with an abbreviation or initial, or after begins
// with a lower-case letter (UAX #29 already joins that after a full stop,
// but not after ? or !).
func noBreak(abbr map[string]bool, before, after string) bool {
	if r, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(after, unicode.IsSpace)); unicode.IsLower(r) {
		return true
	}
	tok := lastToken(strings.TrimRightFunc(before, unicode.IsSpace))
	if tok == "" {
		return false
	}
	if abbr[tok] || isInitialism(tok) {
		return true
	}
	// "anti-U.S." or "Jean-M.": the part after the last hyphen decides.
	if i := strings.LastIndexByte(tok, '-'); i >= 0 && i+1 < len(tok) {
		rest := tok[i+1:]
		return abbr[rest] || isInitialism(rest)
	}
	return false
}

// lastToken returns the run of letters, full stops and hyphens that ends s,
// when s ends with a full stop after a letter; otherwise "".
func lastToken(s string) string {
	if !strings.HasSuffix(s, ".") {
		return ""
	}
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) && !unicode.IsMark(r) && r != '.' && r != '-' {
			break
		}
		i -= size
	}
	tok := strings.TrimLeft(s[i:], ".-")
	if len(tok) < 2 {
		return "" // a lone full stop
	}
	return tok
}

// isInitialism reports whether tok is one or more capital letters each
// followed by a full stop, with an optional hyphen between: "M.", "U.S.",
// "J.-C.", "А.". Capitals only, because lower-case ones ("p.m.", "a.m.")
// end sentences as often as not.
func isInitialism(tok string) bool {
	if tok == "" {
		return false
	}
	for tok != "" {
		r, size := utf8.DecodeRuneInString(tok)
		if !unicode.IsUpper(r) || !strings.HasPrefix(tok[size:], ".") {
			return false
		}
		tok = tok[size+1:]
		tok = strings.TrimPrefix(tok, "-")
	}
	return true
}
