package memory

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// inflection says how a language's words change their endings, for
// matching a glossary term's inflected forms: whether they do (Russian
// cases, as Москва, в Москве; Arabic and Urdu plural and oblique endings;
// French and Spanish plurals and agreement), and for Urdu and Arabic, whose
// words are short, which letters an ending may consist of (after
// Normalize's folding), so that شریف and شریپ stay apart. An empty set
// allows any letters.
type inflection struct {
	inflects bool
	endings  string
}

func inflectionOf(lang string) inflection {
	switch lang {
	case "ru", "fr", "es":
		return inflection{inflects: true}
	case "ur":
		// ا ہ ی ے ں و ن ت: دورہ دورے، لڑکا لڑکوں، کتاب کتابیں، اطلاع اطلاعات.
		return inflection{inflects: true, endings: "اهيےںونت"}
	case "ar":
		// ة ات ون ين ان, and the attached pronouns ه ها هم كم نا ي.
		return inflection{inflects: true, endings: "اهيونتكم"}
	}
	return inflection{}
}

// FindTerms returns the terms of the segment's language (t.SrcLang == lang)
// whose source occurs in the segment, longest first.
//
// Matching is on the comparison form (see Normalize) word by word (see
// Tokens), so a term matches at word boundaries only, whatever the
// punctuation around it, while in Chinese a term of Han characters matches
// at any character. In Russian, Arabic, Urdu, French and Spanish a word of
// the term also matches its inflected forms, by the rule HasTerm describes;
// in Arabic the segment's word where the term starts may carry the attached
// particles و ف ب ل ك (والأمم، للأمم).
//
// A term is returned once however often it occurs. Longer terms (in words,
// then in characters) are matched first and a shorter one is not reported
// where it lies inside a longer match: "United Nations Security Council"
// hides "United Nations" unless that also occurs elsewhere in the segment.
// Two terms with the same source for the same span give only the first.
func FindTerms(lang, segment string, terms []Term) []Term {
	seg := Tokens(lang, segment)
	if len(seg) == 0 {
		return nil
	}
	type match struct {
		term, start, end, chars int
	}
	var matches []match
	for i, t := range terms {
		if t.SrcLang != lang {
			continue
		}
		words := Tokens(lang, t.Source)
		if len(words) == 0 {
			continue
		}
		chars := 0
		for _, w := range words {
			chars += utf8.RuneCountInString(w)
		}
		for s := 0; s+len(words) <= len(seg); s++ {
			if phraseAt(lang, seg, s, words) {
				matches = append(matches, match{term: i, start: s, end: s + len(words), chars: chars})
			}
		}
	}
	slices.SortStableFunc(matches, func(a, b match) int {
		return cmp.Or(
			cmp.Compare(b.end-b.start, a.end-a.start),
			cmp.Compare(b.chars, a.chars),
			cmp.Compare(a.start, b.start),
			cmp.Compare(a.term, b.term),
		)
	})
	taken := make([]bool, len(seg))
	found := make(map[int]bool)
	var out []Term
	for _, m := range matches {
		if found[m.term] || slices.Contains(taken[m.start:m.end], true) {
			continue
		}
		for i := m.start; i < m.end; i++ {
			taken[i] = true
		}
		found[m.term] = true
		out = append(out, terms[m.term])
	}
	return out
}

// HasTerm reports whether a target segment in lang contains the term's
// approved target, so that the desk can warn before submit when it does
// not. Matching is on the comparison form, word by word, as in FindTerms.
//
// In Russian, Arabic, Urdu, French and Spanish a word of the term also
// matches an inflected form, by this rule: the two words share a beginning
// that is all of the term's word but at most its last two letters, and is
// at least three letters long, and the segment's word has at most three
// letters after it; in Urdu and Arabic the letters that differ must be ones
// their endings are made of (ا ہ ی ے ں و ن ت in Urdu; ا ة ه ي و ن ت ك م in
// Arabic). So Москва matches Москве, Москвы and Москвой, Захарова
// matches Захаровой, acuerdo matches acuerdos, منظمة matches منظمات and
// دورہ matches دورے; Киев does not match Кипр, nor شریف شریپ. Words of three letters or
// fewer, and words with digits, must match exactly. In Arabic the first word
// may also carry the attached particles و ف ب ل ك (وبالأمم), and ل before
// ال (للأمم). The rule errs towards accepting: a missed warning costs
// less than a translator taught to ignore false ones.
func HasTerm(lang, target string, t Term) bool {
	words := Tokens(lang, t.Target)
	if len(words) == 0 {
		// A term of punctuation alone has no words to look for.
		return strings.Contains(Normalize(lang, target), Normalize(lang, t.Target))
	}
	seg := Tokens(lang, target)
	for s := 0; s+len(words) <= len(seg); s++ {
		if phraseAt(lang, seg, s, words) {
			return true
		}
	}
	return false
}

// phraseAt reports whether the term's words occur in the segment's words
// from position s.
func phraseAt(lang string, seg []string, s int, words []string) bool {
	inflect := inflectionOf(lang)
	for k, w := range words {
		got := seg[s+k]
		if k == 0 && lang == "ar" {
			if !arabicWordMatch(w, got, inflect) {
				return false
			}
			continue
		}
		if !wordMatch(w, got, inflect) {
			return false
		}
	}
	return true
}

// arabicProclitics are the one-letter particles Arabic writes joined to the
// next word: and, so, with, for, like.
const arabicProclitics = "وفبلك"

// arabicWordMatch is wordMatch allowing up to two particles before the
// segment's word, and the ل that replaces the alef of ال (لل).
func arabicWordMatch(term, word string, inflect inflection) bool {
	for range 3 {
		if wordMatch(term, word, inflect) {
			return true
		}
		if strings.HasPrefix(term, "ال") && strings.HasPrefix(word, "لل") && wordMatch(term[len("ا"):], word[len("ل"):], inflect) {
			return true
		}
		r, size := utf8.DecodeRuneInString(word)
		if !strings.ContainsRune(arabicProclitics, r) || utf8.RuneCountInString(word) <= 2 {
			return false
		}
		word = word[size:]
	}
	return false
}

// wordMatch reports whether a segment word is the term word, or one of its
// inflected forms (see HasTerm).
func wordMatch(term, word string, inflect inflection) bool {
	if term == word {
		return true
	}
	if !inflect.inflects {
		return false
	}
	tr, wr := []rune(term), []rune(word)
	if len(tr) <= 3 || slices.ContainsFunc(tr, unicode.IsDigit) {
		return false
	}
	p := 0
	for p < len(tr) && p < len(wr) && tr[p] == wr[p] {
		p++
	}
	if p < max(3, len(tr)-2) || len(wr)-p > 3 {
		return false
	}
	if inflect.endings == "" {
		return true
	}
	isEnding := func(r rune) bool { return strings.ContainsRune(inflect.endings, r) }
	return !slices.ContainsFunc(tr[p:], func(r rune) bool { return !isEnding(r) }) &&
		!slices.ContainsFunc(wr[p:], func(r rune) bool { return !isEnding(r) })
}
