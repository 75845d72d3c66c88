package ingest

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Unicode normalisation was the costliest step of reading an item after
// the database: the norm package looks every character up in its tables,
// although news text is almost all letters that no normalisation changes.
// nfc and nfkc give what norm.NFC.String and norm.NFKC.String give, but
// pass over such letters (the form's inert runes) without the tables and
// normalise only the stretches around the others.

// nfc is norm.NFC.String(s).
func nfc(s string) string { return normalize(norm.NFC, nfcInert, s) }

// nfkc is norm.NFKC.String(s).
func nfkc(s string) string { return normalize(norm.NFKC, nfkcInert, s) }

// normalize returns f.String(s). inert must report only runes that are
// their own normal form under f and combine with nothing before them (the
// form's boundaries): text is cut before each such rune without changing
// what f makes of it, so a stretch of them is left as it is, and each
// stretch of other runes is normalised on its own, from the inert rune
// before it (which a mark may combine with) to the next inert rune.
func normalize(f norm.Form, inert func(rune) bool, s string) string {
	i := nextOther(inert, s, 0)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/16)
	done := 0 // s[:done] is written
	for i < len(s) {
		start := i
		if start > done {
			_, n := utf8.DecodeLastRuneInString(s[done:start])
			start -= n
		}
		end := i
		for end < len(s) {
			r, n := utf8.DecodeRuneInString(s[end:])
			if r < utf8.RuneSelf || inert(r) {
				break
			}
			end += n
		}
		b.WriteString(s[done:start])
		b.WriteString(f.String(s[start:end]))
		done = end
		i = nextOther(inert, s, end)
	}
	b.WriteString(s[done:])
	return b.String()
}

// nextOther is the offset of the first rune at or after i that is not
// inert, or len(s). ASCII is inert in every form.
func nextOther(inert func(rune) bool, s string, i int) int {
	for i < len(s) {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !inert(r) {
			return i
		}
		i += n
	}
	return i
}

// nfcInert: runes of the languages' scripts and punctuation that are their
// own NFC form and begin an NFC segment (checked rune by rune against the
// norm package in TestNormalize).
func nfcInert(r rune) bool {
	switch {
	case r <= 0x02FF, // Latin
		0x0400 <= r && r <= 0x0482, // Cyrillic
		0x0600 <= r && r <= 0x060F, 0x061B <= r && r <= 0x064A, 0x0660 <= r && r <= 0x066F,
		0x0671 <= r && r <= 0x06D5, 0x06EE <= r && r <= 0x06FF, // Arabic and Urdu
		0x2002 <= r && r <= 0x206F,                             // general punctuation
		0x3000 <= r && r <= 0x3029, 0x3030 <= r && r <= 0x303F, // CJK punctuation
		0x4E00 <= r && r <= 0x9FFF, // CJK ideographs
		0xFE30 <= r && r <= 0xFFFD: // CJK compatibility and full-width forms
		return true
	}
	return false
}

// nfkcInert is nfcInert for NFKC, which also rewrites compatibility
// characters (full-width forms, ligatures, presentation forms, "…").
func nfkcInert(r rune) bool {
	switch {
	case r <= 0x009F,
		0x00A1 <= r && r <= 0x00A7, 0x00AB <= r && r <= 0x00AE, r == 0x00B0, r == 0x00B1, r == 0x00B6, r == 0x00B7, r == 0x00BB,
		0x00BF <= r && r <= 0x0131, // Latin
		0x0400 <= r && r <= 0x0482, // Cyrillic
		0x0600 <= r && r <= 0x060F, 0x061B <= r && r <= 0x064A, 0x0660 <= r && r <= 0x066F,
		0x0671 <= r && r <= 0x0674, 0x0679 <= r && r <= 0x06D5, 0x06EE <= r && r <= 0x06FF, // Arabic and Urdu
		0x200B <= r && r <= 0x2010, 0x2012 <= r && r <= 0x2016, 0x2018 <= r && r <= 0x2023, 0x2027 <= r && r <= 0x202E, // punctuation
		0x3001 <= r && r <= 0x3029, // CJK punctuation
		0x4E00 <= r && r <= 0x9FFF: // CJK ideographs
		return true
	}
	return false
}
