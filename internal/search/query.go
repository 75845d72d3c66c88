package search

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of the query language.
const (
	MaxQueryChars = 500 // characters (runes) in a query
	MaxQueryTerms = 64  // words and phrases in a query
)

// Query is a parsed query: the words and phrases a reader typed, in order.
type Query struct {
	Terms []Term
}

// Term is one word or quoted phrase. Text is as typed (each language's
// analyser normalises it when the query runs); Exclude is true for -word
// and -"phrase".
type Term struct {
	Text    string
	Phrase  bool
	Exclude bool
}

// Parse reads a reader's query: words, "quoted phrases", -word and
// -"phrase". Tab, newline and carriage return count as spaces; other
// control characters and invalid UTF-8 are refused. Words and phrases
// with no letter or digit are ignored. Repeated words stay: "de salud de
// estados" is a sequence the search looks for as typed. Besides the ASCII
// quote, the quotation marks keyboards type for other languages (“ ” „ « »
// ＂ 「 」) open and close phrases too, each closing whatever opened.
//
// Every error is a *QueryError with Code "too_long", "control", "quote",
// "empty" or "only_excluded". Parse never panics.
func Parse(s string) (Query, error) {
	// Cheap length check first, so an enormous input costs nothing more.
	if len(s) > MaxQueryChars*utf8.UTFMax || utf8.RuneCountInString(s) > MaxQueryChars {
		return Query{}, &QueryError{Code: "too_long", Detail: "query longer than " + strconv.Itoa(MaxQueryChars) + " characters"}
	}
	if !utf8.ValidString(s) {
		return Query{}, &QueryError{Code: "control", Detail: "query is not valid UTF-8"}
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return Query{}, &QueryError{Code: "control", Detail: "query holds control character " + strconv.QuoteRune(r)}
		}
	}

	var q Query
	add := func(t Term) {
		if hasWordChar(t.Text) {
			q.Terms = append(q.Terms, t)
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		if isQuerySpace(r) {
			i++
			continue
		}
		exclude := false
		if isMinus(r) {
			exclude = true
			i++
			if i == len(rs) || isQuerySpace(rs[i]) {
				continue // a lone minus
			}
			r = rs[i]
		}
		if isQuote(r) {
			end := i + 1
			for end < len(rs) && !isQuote(rs[end]) {
				end++
			}
			if end == len(rs) {
				return Query{}, &QueryError{Code: "quote", Detail: "a quotation mark is not closed"}
			}
			add(Term{Text: strings.TrimSpace(string(rs[i+1 : end])), Phrase: true, Exclude: exclude})
			i = end + 1
			continue
		}
		end := i
		for end < len(rs) && !isQuerySpace(rs[end]) && !isQuote(rs[end]) {
			end++
		}
		add(Term{Text: string(rs[i:end]), Exclude: exclude})
		i = end
	}

	if len(q.Terms) > MaxQueryTerms {
		return Query{}, &QueryError{Code: "too_long", Detail: "query has more than " + strconv.Itoa(MaxQueryTerms) + " words and phrases"}
	}
	positive := 0
	for _, t := range q.Terms {
		if !t.Exclude {
			positive++
		}
	}
	switch {
	case len(q.Terms) == 0:
		return Query{}, &QueryError{Code: "empty", Detail: "query has no words"}
	case positive == 0:
		return Query{}, &QueryError{Code: "only_excluded", Detail: "query only excludes words"}
	}
	return q, nil
}

// isQuerySpace: white space, including the tab, newline and carriage
// return a pasted query may hold, and no-break and ideographic spaces.
func isQuerySpace(r rune) bool {
	return unicode.IsSpace(r)
}

func isMinus(r rune) bool {
	return r == '-' || r == '−' || r == '－'
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»', '＂', '「', '」':
		return true
	}
	return false
}

// hasWordChar reports whether s holds a letter or digit: a term without
// one ("...", "—") cannot match anything.
func hasWordChar(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return true
		}
	}
	return false
}
