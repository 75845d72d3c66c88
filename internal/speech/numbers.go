package speech

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Numbers are spelled out before the text reaches the engine. espeak-ng
// reads digits itself, but not well enough for news: its Chinese voice
// reads them in English, "4.2%" comes out partly in English in Arabic, and
// no voice knows whether "1.234" is a thousand or a decimal in the
// language of the story. Each language's words live in numbers_<code>.go;
// this file finds the numbers in a text and decides how each is read.

// maxSpelled is the largest whole number spelled as a cardinal; longer
// numbers (account numbers, ISBNs) are read digit by digit, as a person
// would read them.
const maxSpelled = 999_999_999_999

// maxFraction is the longest fraction read with the rules of the
// language; longer ones are read digit by digit.
const maxFraction = 6

// number is one number as written: its sign, whole part and fraction.
type number struct {
	neg     bool
	whole   uint64
	frac    string // the digits after the decimal separator, "" for none
	percent bool
}

// numberWords is how one language says numbers. Fields left nil fall back
// to the shared behaviour described on each.
type numberWords struct {
	// cardinal spells 0 <= n <= maxSpelled.
	cardinal func(n uint64) string
	// digit holds the words for 0 to 9, for numbers read digit by digit;
	// digitSep goes between them, and around the decimal point's word.
	digit    [10]string
	digitSep string
	// point is the word for the decimal separator, and fracAsNumber reads
	// a short fraction without a leading zero as a number ("quatre virgule
	// vingt-cinq") instead of digit by digit ("four point two five").
	point        string
	fracAsNumber bool
	// decimal overrides the whole-point-fraction reading (Russian reads
	// fractions as "four whole two tenths").
	decimal func(n number) string
	// percent says n (already spelled as spoken) as a percentage.
	percent func(n number, spoken string) string
	minus   string
	// group and decimalSep are the separators of written numbers: a group
	// separator must be followed by exactly three digits. indian accepts
	// the lakh grouping of South Asia too (10,00,000).
	group      string
	decimalSep string
	indian     bool
	// altGroup separators group only when at least two groups follow:
	// "2,000,000" is a number in French copy too, since no decimal has
	// two commas, while "1,001" is a decimal there.
	altGroup string
	// percentFirst accepts the percent sign before the number, as Arabic
	// and Urdu writers sometimes type it.
	percentFirst bool
	// ordinal reads a whole number followed by an ordinal suffix (1st,
	// 1er, 1.º): it returns the words and how many bytes of rest the
	// suffix took, or false when rest does not start with one.
	ordinal func(n uint64, rest string) (string, int, bool)
	// special reads a number differently by what surrounds it (Chinese
	// years, 两); it returns false to leave the number to the rules above.
	special func(t token, before, after string) (string, bool)
	// spaced puts a space between a spelled number and a letter touching
	// it ("5G" → "five G"); Chinese writes no spaces.
	spaced bool
}

// token is a number found in a text.
type token struct {
	number
	digits  string // the whole part's digits, group separators removed
	grouped bool   // written with group separators
}

// spellNumbers replaces every number in s (ASCII digits: fold other digits
// first) with its words in the language.
func (w *numberWords) spellNumbers(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/2)
	for i := 0; i < len(s); {
		start := i
		t, n, ok := w.scan(s, i)
		if !ok {
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		i += n
		spoken, used := w.speak(t, s[:start], s[i:])
		i += used
		if w.spaced && touchesWord(b.String(), true) {
			b.WriteByte(' ')
		}
		b.WriteString(spoken)
		if w.spaced && touchesWord(s[i:], false) {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// touchesWord reports whether the end (before) or start (!before) of s is
// a letter or digit that a spelled number would run into.
func touchesWord(s string, before bool) bool {
	var r rune
	if before {
		r, _ = utf8.DecodeLastRuneInString(s)
	} else {
		r, _ = utf8.DecodeRuneInString(s)
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitRun returns the length of the run of ASCII digits at s[i:].
func digitRun(s string, i int) int {
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j - i
}

// minusSigns are the characters read as "minus" before a number.
func isMinus(r rune) bool { return r == '-' || r == '\u2212' }

// isPercent reports a percent sign: ASCII and the Arabic one.
func isPercent(r rune) bool { return r == '%' || r == '\u066a' }

// isNumberSpace is a space that may stand between a number and its
// percent sign or inside a French or Russian number.
func isNumberSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}

// scan reads the number starting at s[i], if one does: an optional minus
// (not after a letter: "COVID-19" has none), digits with group
// separators, a fraction, and a percent sign before (Arabic, Urdu) or
// after it. It returns the token and the bytes it took.
func (w *numberWords) scan(s string, i int) (token, int, bool) {
	var t token
	pos := i
	r, size := utf8.DecodeRuneInString(s[pos:])
	if w.percentFirst && isPercent(r) && pos+size < len(s) && isDigit(s[pos+size]) && !touchesWord(s[:pos], true) {
		t.percent = true
		pos += size
		r, size = utf8.DecodeRuneInString(s[pos:])
	}
	if isMinus(r) && pos+size < len(s) && isDigit(s[pos+size]) {
		prev, _ := utf8.DecodeLastRuneInString(s[:pos])
		if pos == 0 || unicode.IsSpace(prev) || strings.ContainsRune("([{/:;=<>\u00a0", prev) {
			t.neg = true
			pos += size
		}
	}
	if pos >= len(s) || !isDigit(s[pos]) {
		return token{}, 0, false
	}
	first := digitRun(s, pos)
	var b strings.Builder
	b.WriteString(s[pos : pos+first])
	pos += first

	// Group separators: collect every "separator + digits" that follows,
	// then keep the longest prefix that is a well-formed grouping.
	type group struct {
		sep    rune
		digits string
		end    int
	}
	var groups []group
	for p := pos; p < len(s); {
		sep, n := utf8.DecodeRuneInString(s[p:])
		if !strings.ContainsRune(w.group+w.altGroup, sep) || p+n >= len(s) || !isDigit(s[p+n]) {
			break
		}
		run := digitRun(s, p+n)
		if run != 2 && run != 3 {
			break
		}
		groups = append(groups, group{sep, s[p+n : p+n+run], p + n + run})
		p += n + run
	}
	for k := len(groups); k > 0; k-- {
		g := groups[:k]
		same := true
		for _, x := range g {
			same = same && x.sep == g[0].sep
		}
		western := first <= 3
		indian := w.indian && first <= 2 && len(g[k-1].digits) == 3
		for j, x := range g {
			western = western && len(x.digits) == 3
			if j < k-1 {
				indian = indian && len(x.digits) == 2
			}
		}
		alt := !strings.ContainsRune(w.group, g[0].sep)
		if same && (western || indian) && (!alt || k >= 2) {
			for _, x := range g {
				b.WriteString(x.digits)
			}
			pos = g[k-1].end
			t.grouped = true
			break
		}
	}
	t.digits = b.String()

	// A fraction.
	if pos < len(s) {
		sep, n := utf8.DecodeRuneInString(s[pos:])
		if strings.ContainsRune(w.decimalSep, sep) && pos+n < len(s) && isDigit(s[pos+n]) {
			run := digitRun(s, pos+n)
			t.frac = s[pos+n : pos+n+run]
			pos += n + run
		}
	}
	// A percent sign after it, maybe after a space ("12 %" in French).
	if !t.percent {
		p := pos
		for p < len(s) {
			r, n := utf8.DecodeRuneInString(s[p:])
			if !isNumberSpace(r) || p-pos > 3 {
				break
			}
			p += n
		}
		if r, n := utf8.DecodeRuneInString(s[p:]); p < len(s) && isPercent(r) {
			t.percent = true
			pos = p + n
		}
	}
	if len(t.digits) <= len(strconv.FormatUint(maxSpelled, 10)) {
		t.whole, _ = strconv.ParseUint(t.digits, 10, 64)
	}
	return t, pos - i, true
}

// speak says a token, looking at the text before and after it for
// suffixes and special readings. It returns the words and how many bytes
// of after it used too.
func (w *numberWords) speak(t token, before, after string) (string, int) {
	if w.special != nil {
		if s, ok := w.special(t, before, after); ok {
			return s, 0
		}
	}
	// Leading zeros (007, 05) and very long numbers are codes, read digit
	// by digit; so is a fraction too long to say.
	byDigit := len(t.digits) > len(strconv.FormatUint(maxSpelled, 10)) || t.whole > maxSpelled ||
		(len(t.digits) > 1 && t.digits[0] == '0' && !t.grouped)
	if !byDigit && t.frac == "" && !t.percent && !t.neg && w.ordinal != nil {
		if s, n, ok := w.ordinal(t.whole, after); ok {
			return s, n
		}
	}
	var spoken string
	switch {
	case byDigit:
		spoken = w.digits(t.digits)
		if t.frac != "" {
			spoken += w.digitSep + w.point + w.digitSep + w.digits(t.frac)
		}
	case t.frac != "" && w.decimal != nil && len(t.frac) <= maxFraction:
		spoken = w.decimal(t.number)
	case t.frac != "":
		spoken = w.cardinal(t.whole) + w.digitSep + w.point + w.digitSep + w.fraction(t.frac)
	default:
		spoken = w.cardinal(t.whole)
	}
	if t.percent {
		return w.percent(t.number, w.signed(t.number, spoken)), 0
	}
	return w.signed(t.number, spoken), 0
}

// speakPlain is speak without the text around the number.
func (w *numberWords) speakPlain(t token) string {
	s, _ := w.speak(t, "", "")
	return s
}

func (w *numberWords) signed(n number, spoken string) string {
	if n.neg {
		return w.minus + spoken
	}
	return spoken
}

// fraction reads the digits after the decimal separator.
func (w *numberWords) fraction(frac string) string {
	if w.fracAsNumber && frac[0] != '0' && len(frac) <= 3 {
		v, _ := strconv.ParseUint(frac, 10, 64)
		return w.cardinal(v)
	}
	return w.digits(frac)
}

// digits reads s (ASCII digits) one digit at a time.
func (w *numberWords) digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteString(w.digitSep)
		}
		b.WriteString(w.digit[s[i]-'0'])
	}
	return b.String()
}

// fracValue is the fraction's digits as a number and their count, for
// languages that read "two tenths".
func fracValue(frac string) (uint64, int) {
	v, _ := strconv.ParseUint(frac, 10, 64)
	return v, len(frac)
}

// foldDigits turns every decimal digit of any script (Arabic-Indic ٤,
// Extended ۴, Devanagari, full-width...) into ASCII, and the Arabic
// decimal and group separators (٫ ٬) between digits into "." and ",", so
// that one scanner reads them all.
func foldDigits(s string) string {
	needs := false
	for _, r := range s {
		if r >= 0x80 && (unicode.IsDigit(r) || r == '\u066b' || r == '\u066c') {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevDigit := false
	for i, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case unicode.IsDigit(r):
			b.WriteByte(byte('0' + digitValue(r)))
			r = '0'
		case (r == '\u066b' || r == '\u066c') && prevDigit && nextIsDigit(s[i+utf8.RuneLen(r):]):
			if r == '\u066b' {
				b.WriteByte('.')
			} else {
				b.WriteByte(',')
			}
		default:
			b.WriteRune(r)
		}
		prevDigit = r >= '0' && r <= '9'
	}
	return b.String()
}

func nextIsDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsDigit(r)
}

// digitValue is the value of a decimal digit of any script. Unicode puts
// each script's digits in a run of ten from zero, and where runs touch
// (the mathematical digits) each is still ten long, so the distance to
// the start of the run, modulo ten, is the value.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}
	start := r
	for k := 0; k < 60 && unicode.IsDigit(start-1); k++ {
		start--
	}
	return int(r-start) % 10
}
