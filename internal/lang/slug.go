package lang

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxSlugRunes bounds a slug's length. Eighty runes keep a headline
// readable in a URL; for Arabic script and Chinese that is still several
// hundred bytes once percent-encoded, which browsers and proxies accept.
const maxSlugRunes = 80

// fallbackSlug is used when a headline has nothing a slug can keep.
const fallbackSlug = "story"

// slugScript says which script, besides folded Latin and digits, a
// language's slugs keep.
type slugScript int

const (
	scriptLatinOnly slugScript = iota // en, fr, es and unknown codes
	scriptCyrillic                    // ru
	scriptArabic                      // ur, ar
	scriptHan                         // zh
)

func slugScriptFor(code string) slugScript {
	switch code {
	case "ru":
		return scriptCyrillic
	case "ur", "ar":
		return scriptArabic
	case "zh":
		return scriptHan
	default:
		return scriptLatinOnly
	}
}

// latinSpecial folds the Latin letters that Unicode does not decompose
// into a base letter and an accent, so NFD alone would lose them.
var latinSpecial = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d",
	'þ': "th", 'ł': "l", 'ı': "i", 'ħ': "h", 'ŧ': "t", 'ŀ': "l",
	'ĸ': "k", 'ŋ': "n", 'ſ': "s", 'ƒ': "f",
}

// Slug makes the URL word part of a story's address from its headline.
// The id in the URL is canonical, so the slug only has to be readable and
// stable, never unique.
//
// English, French and Spanish slugs are ASCII: accents are removed
// ("État d'urgence à Paris" gives "etat-d-urgence-a-paris", ñ gives n) and
// letters of other scripts separate words. Russian keeps Cyrillic in lower
// case and folds ё to е, as most Russian newsrooms print it and as search
// folds it, so a headline typed with or without ё gets the same address.
// Urdu and Arabic keep their script with diacritics and tatweel removed;
// Chinese keeps its characters, and its punctuation (，。、【】) separates
// words, since Chinese writes no spaces. In every language Latin letters are
// folded to ASCII, other digits (٠-٩, ۰-۹, full-width) become ASCII digits,
// and everything else separates words.
//
// The result has at most 80 runes, cut at a word boundary when one falls in
// the second half (a Chinese headline may have none, and is then cut
// mid-phrase), words joined by single dashes, no dash at either end. It is
// never empty: a headline with nothing to keep gives "story". Slug is
// idempotent: the slug of a slug is itself. An unknown code is treated
// like English.
func Slug(code, headline string) string {
	script := slugScriptFor(code)
	// NFKC first: it turns full-width letters and digits, ligatures and
	// Arabic presentation forms into the ordinary letters they stand for.
	headline = norm.NFKC.String(strings.ToValidUTF8(headline, " "))

	var b strings.Builder
	pendingDash := false
	emit := func(s string) {
		if pendingDash && b.Len() > 0 {
			b.WriteByte('-')
		}
		pendingDash = false
		b.WriteString(s)
	}
	for _, r := range headline {
		if s, ok := slugRune(script, r); ok {
			if s != "" {
				emit(s)
			}
			continue
		}
		pendingDash = true
	}
	slug := truncateSlug(b.String())
	if slug == "" {
		return fallbackSlug
	}
	return slug
}

// slugRune decides what one rune becomes. ok false means the rune separates
// words; ok true with an empty string means it is dropped without
// separating (accents, tatweel, joiners and other invisible format
// characters, which sit inside words).
func slugRune(script slugScript, r rune) (string, bool) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return string(r), true
		case 'A' <= r && r <= 'Z':
			return string(r + ('a' - 'A')), true
		}
		return "", false
	case '٠' <= r && r <= '٩': // Arabic-Indic digits
		return string('0' + (r - '٠')), true
	case '۰' <= r && r <= '۹': // Extended Arabic-Indic (Urdu, Persian) digits
		return string('0' + (r - '۰')), true
	case r == '\u0640': // tatweel only stretches a word
		return "", true
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return "", true
	case unicode.Is(unicode.Latin, r):
		return foldLatin(r), true
	}
	switch script {
	case scriptCyrillic:
		if isCyrillicLetter(r) {
			r = unicode.ToLower(r)
			if r == 'ё' {
				r = 'е'
			}
			if isCyrillicLetter(r) {
				return string(r), true
			}
		}
	case scriptArabic:
		if isArabicLetter(r) {
			return string(r), true
		}
	case scriptHan:
		// Han includes 〇 and the Suzhou numerals, which are number
		// letters rather than letters but belong in Chinese text.
		if unicode.Is(unicode.Han, r) && (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)) {
			return string(r), true
		}
	}
	return "", false
}

// foldLatin returns the ASCII lower-case spelling of a Latin letter: its
// base letter with accents removed, or its entry in latinSpecial. A Latin
// letter with neither (ɐ, ʃ) is dropped, which keeps the rest of its word
// together.
func foldLatin(r rune) string {
	r = unicode.ToLower(r)
	if s, ok := latinSpecial[r]; ok {
		return s
	}
	var out []byte
	for _, d := range norm.NFD.String(string(r)) {
		switch {
		case 'a' <= d && d <= 'z':
			out = append(out, byte(d))
		case 'A' <= d && d <= 'Z':
			out = append(out, byte(d+('a'-'A')))
		}
	}
	return string(out)
}

// isCyrillicLetter limits Cyrillic to the main and supplement blocks, whose
// letters are ordinary and stable under normalisation; the phonetic and
// modifier letters elsewhere in the script have no place in a URL.
func isCyrillicLetter(r rune) bool {
	return r >= 0x0400 && r <= 0x052F && unicode.IsLetter(r)
}

// isArabicLetter limits Arabic script to the main, supplement and
// extended-A blocks; presentation forms have already become these letters
// under NFKC.
func isArabicLetter(r rune) bool {
	inBlock := (r >= 0x0600 && r <= 0x06FF) || (r >= 0x0750 && r <= 0x077F) || (r >= 0x08A0 && r <= 0x08FF)
	return inBlock && unicode.IsLetter(r)
}

// truncateSlug shortens s to maxSlugRunes, preferring to cut at a dash in
// the second half of the allowed length, and trims dashes left at the end.
func truncateSlug(s string) string {
	if utf8.RuneCountInString(s) <= maxSlugRunes {
		return strings.Trim(s, "-")
	}
	runes := []rune(s)
	cut := maxSlugRunes
	if runes[cut] != '-' {
		for i := cut - 1; i >= maxSlugRunes/2; i-- {
			if runes[i] == '-' {
				cut = i
				break
			}
		}
	}
	return strings.Trim(string(runes[:cut]), "-")
}
