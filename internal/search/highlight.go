package search

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Snippets are built here rather than by Bleve's highlighter: we analyse
// the stored text of the hits on the page again with the story's own
// analyser and mark the tokens whose terms the query looked for. That
// marks exactly what matched (stems, folded spellings, Chinese bigrams),
// needs no term locations from the search itself, and gives spans, not
// HTML to take apart again.

const (
	// snippetRunes is the length of a passage, in characters; Chinese
	// says in one character what takes a word elsewhere, so it gets fewer.
	snippetRunes   = 220
	snippetRunesZh = 110
	// snippetScanBytes bounds how much of a long text is analysed again.
	snippetScanBytes = 64 << 10
	// snippetCandidates bounds the passages compared in one text.
	snippetCandidates = 400
	ellipsis          = "…"
)

type span struct{ start, end int }

type match struct {
	span
	term string
}

// snippet returns a passage of text around the best cluster of matched
// words, or of the headline when the text has none, or the start of the
// text when nothing can be marked (a match in the byline, say).
func (as analyzers) snippet(lang, headline, text string, terms termSet) []Span {
	width := snippetRunes
	if lang == "zh" {
		width = snippetRunesZh
	}
	text = cutBytes(text, snippetScanBytes)
	if ms := as.bodyMatches(lang, text, terms, width); len(ms) > 0 {
		return passage(text, ms, width)
	}
	if ms := as.matches(lang, headline, terms); len(ms) > 0 {
		return passage(headline, ms, width)
	}
	if text == "" {
		text = headline
	}
	if text == "" {
		return nil
	}
	return passage(text, nil, width)
}

// snippetChunk is how much of a text bodyMatches analyses at a time.
const snippetChunk = 2 << 10

// bodyMatches is matches over text analysed a chunk at a time, which
// stops after the first chunk where one passage of width holds every
// term: no passage further on can hold more, and most texts show the
// words of a query in their first paragraphs, so a long text is seldom
// analysed to its end. (Among passages with every term, one further on
// might hold more of them; the first is as good a snippet.)
func (as analyzers) bodyMatches(lang, text string, terms termSet, width int) []match {
	var ms []match
	for at := 0; at < len(text); {
		end := chunkEnd(text, at, snippetChunk)
		for _, m := range as.matches(lang, text[at:end], terms) {
			m.start, m.end = m.start+at, m.end+at
			ms = append(ms, m)
		}
		at = end
		if at < len(text) && len(ms) > 0 {
			if _, distinct, _ := bestWindow(text, ms, width); distinct == len(terms) {
				break
			}
		}
	}
	return ms
}

// chunkEnd is where a chunk of text from at, of about size bytes, ends:
// at a line break, else a space, so that no word is cut in two, else at
// size (a text without either, as Chinese may be, is cut between
// characters, which the bigram analyser reads as two runs).
func chunkEnd(text string, at, size int) int {
	if len(text)-at <= size {
		return len(text)
	}
	cut := cutBytes(text[at:], size)
	if i := strings.LastIndexByte(cut, '\n'); i > len(cut)/2 {
		return at + i + 1
	}
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		return at + i + 1
	}
	return at + len(cut)
}

// matches are the tokens of text whose terms are in terms, in order.
func (as analyzers) matches(lang, text string, terms termSet) []match {
	if text == "" || len(terms) == 0 {
		return nil
	}
	a, ok := as.byName[analyzerName(lang)]
	if !ok {
		return nil
	}
	toks := a.Analyze([]byte(text))
	if lang == "zh" {
		// One-character queries match single characters, which the
		// bigram analyser does not give.
		toks = append(toks, as.tokens(analyzerZhChars, text)...)
	}
	var ms []match
	for _, t := range toks {
		if terms[string(t.Term)] && t.Start >= 0 && t.End <= len(text) && t.Start < t.End {
			ms = append(ms, match{span{t.Start, t.End}, string(t.Term)})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	return ms
}

// passage picks the window of width characters holding the most distinct
// matched terms (then the most matches, then the earliest), widens it to
// word boundaries, and returns it as spans with the matches marked.
func passage(text string, ms []match, width int) []Span {
	start, end := 0, advanceRunes(text, 0, width)
	if len(ms) > 0 {
		best, _, _ := bestWindow(text, ms, width)
		// Some words before the first match, for context.
		lead := width / 5
		first := ms[best].start
		start = backRunes(text, first, lead)
		start = snapStart(text, start, first)
		end = snapEnd(text, start, advanceRunes(text, start, width))
		end = max(end, ms[best].end)
		return spans(text, start, end, ms)
	}
	return spans(text, start, snapEnd(text, start, end), nil)
}

// bestWindow finds the match that begins the window of width characters
// holding the most distinct matched terms, then the most matches, then
// the earliest; it returns the match's index and the window's counts.
func bestWindow(text string, ms []match, width int) (best, distinct, count int) {
	distinct, count = -1, -1
	seen := map[string]bool{}
	for i := 0; i < len(ms) && i < snippetCandidates; i++ {
		limit := advanceRunes(text, ms[i].start, width)
		clear(seen)
		n := 0
		for j := i; j < len(ms) && ms[j].end <= limit; j++ {
			seen[ms[j].term] = true
			n++
		}
		if len(seen) > distinct || (len(seen) == distinct && n > count) {
			best, distinct, count = i, len(seen), n
		}
	}
	return best, distinct, count
}

// spans cuts text[start:end] into marked and unmarked pieces, with
// whitespace runs made one space and an ellipsis where text was left out.
func spans(text string, start, end int, ms []match) []Span {
	var marks []span
	for _, m := range ms {
		if m.start >= start && m.end <= end {
			if n := len(marks); n > 0 && m.start <= marks[n-1].end {
				marks[n-1].end = max(marks[n-1].end, m.end)
				continue
			}
			marks = append(marks, m.span)
		}
	}
	var out []Span
	add := func(s string, mark bool) {
		s = collapseSpace(s)
		if s == "" {
			return
		}
		if n := len(out); n > 0 && out[n-1].Mark == mark {
			out[n-1].Text += s
			return
		}
		out = append(out, Span{Text: s, Mark: mark})
	}
	if start > 0 {
		add(ellipsis, false)
	}
	at := start
	for _, m := range marks {
		add(text[at:m.start], false)
		add(text[m.start:m.end], true)
		at = m.end
	}
	add(text[at:end], false)
	if end < len(text) {
		add(ellipsis, false)
	}
	// Trim the space the cut left at either end.
	if len(out) > 0 && !out[0].Mark {
		out[0].Text = strings.TrimLeftFunc(out[0].Text, unicode.IsSpace)
	}
	if n := len(out); n > 0 && !out[n-1].Mark {
		out[n-1].Text = strings.TrimRightFunc(out[n-1].Text, unicode.IsSpace)
	}
	clean := out[:0]
	for _, s := range out {
		if s.Text != "" {
			clean = append(clean, s)
		}
	}
	return clean
}

// collapseSpace makes every run of white space one space and replaces
// invalid UTF-8, so that a snippet is one line of valid text.
func collapseSpace(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}

// advanceRunes returns the byte offset n characters after off (or the end).
func advanceRunes(s string, off, n int) int {
	for ; n > 0 && off < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[off:])
		off += size
	}
	return off
}

// backRunes returns the byte offset n characters before off (or 0).
func backRunes(s string, off, n int) int {
	for ; n > 0 && off > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:off])
		off -= size
	}
	return off
}

// snapStart moves a passage start forward to the beginning of a word (after
// white space or, in text without spaces, after punctuation) if one lies
// before the first match; a start near the top goes to the top.
func snapStart(s string, start, first int) int {
	if start == 0 || utf8.RuneCountInString(s[:start]) < 12 {
		return 0
	}
	for i, r := range s[start:first] {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			return start + i + utf8.RuneLen(r)
		}
	}
	return start
}

// snapEnd moves a passage end back to the end of a word, if one lies in its
// last fifth; the end of the text stays.
func snapEnd(s string, start, end int) int {
	if end >= len(s) {
		return len(s)
	}
	floor := end - (end-start)/5
	for i := end; i > floor && i > start; {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			if unicode.IsPunct(r) {
				return i
			}
			return i - size
		}
		i -= size
	}
	return end
}

// cutBytes returns at most n bytes of s, not cutting a character.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
