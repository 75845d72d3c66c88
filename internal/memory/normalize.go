package memory

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Normalize returns the comparison form of a segment: two segments that a
// translator would call "the same sentence" have the same comparison form,
// so the memory's exact match and its fuzzy candidates find each other
// whichever keyboard, font or editor produced the text.
//
// The steps, in order:
//   - NFKC, which turns full-width letters and digits, ligatures and Arabic
//     presentation forms into ordinary characters, and no-break spaces into
//     spaces;
//   - full Unicode case folding (so ß and ss compare equal);
//   - digits of every script become ASCII digits (٠-٩, ۰-۹, Devanagari...),
//     and the Arabic decimal separator ٫, thousands separator ٬ and percent
//     sign ٪ become . , and %;
//   - Arabic diacritics (harakat, shadda, sukun, superscript alef, Quranic
//     marks) and tatweel are removed;
//   - Arabic-script letter variants that keyboards mix up are folded, in
//     every language, because Urdu typed on an Arabic keyboard and the other
//     way round are both common: ی ي ى → ي; ک ك ڪ → ك; ہ ۂ ۃ ة ه ھ ە → ه.
//     Yeh barree ے is kept apart: it is a letter of its own in Urdu, and
//     folding it would make the genitive کے equal to the feminine کی.
//     Do-chashmi heh ھ is folded with the other hehs because Arabic
//     keyboards type ه for it, and words told apart only by it are rare;
//   - for Arabic only, hamza and madda forms of alef (أ إ آ ٱ) become ا, as
//     Arabic search engines fold them; Urdu keeps آ, a letter of its own;
//   - Russian ё becomes е;
//   - curly and angle quotes become ' and ", and dashes become -;
//   - Markdown emphasis markers * _ ` and invisible format characters (zero
//     width joiners, direction marks, soft hyphens, BOM) are removed;
//   - runs of white space become one space, and the ends are trimmed.
//
// Accents of Latin letters are kept: French à and a are different words.
// The comparison form is stored as the memory's exact-match key (see Hash),
// so a change to these rules means recomputing the stored keys.
func Normalize(lang, s string) string {
	s = norm.NFKC.String(s)
	// A Caser carries state and may not be shared, so each call makes its
	// own; it costs one small allocation.
	s = cases.Fold().String(s)
	arabic := lang == "ar"

	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range s {
		r = foldRune(r, arabic)
		switch {
		case r < 0:
			continue
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			continue
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Hash returns the hex SHA-256 of the segment's comparison form: the key of
// the memory's exact-match lookup.
func Hash(lang, s string) string {
	sum := sha256.Sum256([]byte(Normalize(lang, s)))
	return hex.EncodeToString(sum[:])
}

// dropRune is what foldRune returns for a character Normalize removes.
const dropRune = -1

// foldRune maps one case-folded NFKC character to its comparison form, or
// to dropRune.
func foldRune(r rune, arabic bool) rune {
	if r < 0x80 {
		switch r {
		case '*', '_', '`':
			return dropRune
		}
		return r
	}
	switch r {
	case 0x0640: // tatweel
		return dropRune
	case 'ی', 'ى': // Farsi yeh, alef maksura
		return 'ي'
	case 'ک', 'ڪ': // keheh, swash kaf
		return 'ك'
	case 'ہ', 'ۂ', 'ۃ', 'ة', 'ھ', 'ە': // heh goal (and with hamza), teh marbuta (goal), do-chashmi, ae
		return 'ه'
	case 'ё':
		return 'е'
	case '٫':
		return '.'
	case '٬':
		return ','
	case '٪':
		return '%'
	case '‘', '’', '‚', '‛', '′', 'ʼ':
		return '\''
	case '“', '”', '„', '‟', '″', '«', '»':
		return '"'
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return '-'
	case 'أ', 'إ', 'آ', 'ٱ':
		if arabic {
			return 'ا'
		}
		return r
	}
	if unicode.Is(unicode.Cherokee, r) {
		// Unicode folds Cherokee to its capitals, but x/text's Fold (v0.44)
		// turns capitals into small letters, so folding twice differs from
		// folding once; this makes it the capitals whatever came in.
		return unicode.ToUpper(r)
	}
	if isArabicMark(r) || unicode.Is(unicode.Cf, r) {
		return dropRune
	}
	if unicode.IsDigit(r) {
		if v, ok := digitValue(r); ok {
			return '0' + rune(v)
		}
	}
	return r
}

// isArabicMark reports whether r is one of the Arabic script's vowel signs
// and Quranic annotation marks, which Urdu and Arabic news text carries only
// sometimes and which never tell two words apart in the newsroom's use.
func isArabicMark(r rune) bool {
	switch {
	case r >= 0x0610 && r <= 0x061A, // honorifics and small letters above
		r >= 0x064B && r <= 0x065F, // harakat, shadda, sukun, hamza marks
		r == 0x0670,                // superscript alef
		r >= 0x06D6 && r <= 0x06DC, // Quranic annotation
		r >= 0x06DF && r <= 0x06E4,
		r >= 0x06E7 && r <= 0x06E8,
		r >= 0x06EA && r <= 0x06ED,
		r >= 0x08D3 && r <= 0x08FF: // extended Arabic marks
		return true
	}
	return false
}

// digitValue returns the value of a decimal digit of any script. Unicode
// guarantees that decimal digits (category Nd) come in runs of ten from 0 to
// 9, so the value is the offset into its run; the unicode.Nd table lists
// those runs merged into ranges whose lengths are multiples of ten, which a
// test checks.
func digitValue(r rune) (int, bool) {
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return int(r-rune(rg.Lo)) % 10, true
		}
	}
	return 0, false
}
