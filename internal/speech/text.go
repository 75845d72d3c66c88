package speech

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// wordsFor returns the number words of a language code, or false for a
// language Qasid does not speak.
func wordsFor(code string) (*numberWords, bool) {
	switch code {
	case "en":
		return enWords(), true
	case "ur":
		return urWords(), true
	case "zh":
		return zhWords(), true
	case "ar":
		return arWords(), true
	case "ru":
		return ruWords(), true
	case "fr":
		return frWords(), true
	case "es":
		return esWords(), true
	}
	return nil, false
}

// SpellNumbers returns s with every number spelled out in the language
// code: "4.2%" becomes "four point two per cent" in English and
// "百分之四点二" in Chinese. Digits of any script are read; an unknown
// code leaves s as it is.
func SpellNumbers(code, s string) string {
	w, ok := wordsFor(code)
	if !ok {
		return s
	}
	return w.spellNumbers(foldDigits(s))
}

// urlPattern finds web addresses, which nobody wants read out letter by
// letter: the link's words are what a listener needs.
var urlPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]*`)

// markup are characters of Markdown and similar syntax that survive as
// plain text now and then and that an engine would read aloud by name.
const markup = "*_`#|~^\\<>{}[]"

// Speakable prepares one block of a story's text in language code for
// the engine: valid UTF-8 in NFKC (so full-width digits and superscript
// ordinals read as plain ones), web addresses and stray markup dropped,
// numbers spelled out, control and direction characters removed and
// white space collapsed. The result holds no digit of any script.
func Speakable(code, s string) string {
	s = norm.NFKC.String(strings.ToValidUTF8(s, " "))
	s = urlPattern.ReplaceAllString(s, " ")
	s = SpellNumbers(code, s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	w, known := wordsFor(code)
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			// Only a language we do not know gets here with digits; read
			// them in English rather than pass them on.
			if !known {
				w = enWords()
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(w.digit[digitValue(r)])
			space = true
			continue
		case unicode.IsSpace(r), unicode.IsControl(r), strings.ContainsRune(markup, r):
			space = true
			continue
		case r == utf8.RuneError, isBidiControl(r), !xmlChar(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// isBidiControl reports the invisible direction marks and embeddings,
// which mean nothing to an engine.
func isBidiControl(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' ||
		(r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// xmlChar reports whether r may appear in an XML 1.0 document, which the
// SSML sent to the engine is.
func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return r <= unicode.MaxRune
}
