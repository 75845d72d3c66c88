package memory

import (
	"unicode"
	"unicode/utf8"
)

// token is one word of a normalised segment. A Han character is a token of
// its own, since Chinese writes no spaces and CAT tools compare it by
// characters; joined says that it directly follows another Han character,
// which is what makes a bigram.
type token struct {
	text   string
	han    bool
	joined bool
}

// tokenize splits a normalised segment into words: runs of letters, marks
// and digits, where a '.' or ',' between two digits stays inside the word
// (4.2 and 1,250 are one number). Everything else separates words and is
// not a token, so punctuation never counts as a word.
func tokenize(s string) []token {
	var out []token
	start := -1      // byte offset of the word being read, or -1
	prevHan := false // the previous character was a Han token
	flush := func(end int) {
		if start >= 0 {
			out = append(out, token{text: s[start:end]})
			start = -1
		}
	}
	for i, r := range s {
		if r >= firstHan && unicode.Is(unicode.Han, r) {
			flush(i)
			size := utf8.RuneLen(r)
			out = append(out, token{text: s[i : i+size], han: true, joined: prevHan})
			prevHan = true
			continue
		}
		prevHan = false
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if (r == '.' || r == ',') && start >= 0 && i > 0 && isDigitByte(s[i-1]) && i+1 < len(s) && isDigitByte(s[i+1]) {
			continue
		}
		flush(i)
	}
	flush(len(s))
	return out
}

// firstHan is below every Han character (the CJK radicals start there), so
// Latin and Arabic text skips the table lookup.
const firstHan = 0x2E80

func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isDigitByte(b byte) bool { return b >= '0' && b <= '9' }

// Tokens returns the segment's normalised words (see Normalize). Every Han
// character is a word of its own, so Chinese comes out as its characters,
// with any Latin words and numbers in it kept whole. Punctuation is not a
// word.
func Tokens(lang, s string) []string {
	return tokenTexts(tokenize(Normalize(lang, s)))
}

func tokenTexts(toks []token) []string {
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.text
	}
	return out
}

// Grams returns the distinct index keys under which the memory files a
// segment for fuzzy candidate lookup: its tokens and, for Chinese text, the
// bigrams of adjacent Han characters as well, which keep the candidate list
// of a Chinese query short where single characters are common to thousands
// of segments. Keys come in the order they first occur.
func Grams(lang, s string) []string {
	toks := tokenize(Normalize(lang, s))
	seen := make(map[string]bool, 2*len(toks))
	var out []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for i, t := range toks {
		add(t.text)
		if t.joined && i > 0 {
			add(toks[i-1].text + t.text)
		}
	}
	return out
}
