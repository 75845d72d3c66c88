package importer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// storyBody turns an item's plain text (paragraphs separated by "\n") into
// the Markdown a story body is written in: paragraphs separated by a blank
// line, and every character Markdown would read as markup escaped, so that
// the page shows the words the source sent. An outside text must never
// become a heading, a list, a link or an "Also Read" token ("[[also:7]]"
// would link one of our stories) because of the characters it happens to
// contain.
func storyBody(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/16)
	for p := range strings.SplitSeq(text, "\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		writeParagraph(&b, p)
	}
	return b.String()
}

// writeParagraph writes one line of text as one Markdown paragraph.
func writeParagraph(b *strings.Builder, p string) {
	// What would open a block at the start of a line: a heading, a quote,
	// a list item, a thematic break, a fence, an HTML block.
	switch p[0] {
	case '#', '-', '+', '=', '~':
		// The loop below escapes the other openers (> * ` < _) wherever
		// they are.
		b.WriteByte('\\')
	default:
		// "1. " or "1) " opens an ordered list.
		if n := leadingDigits(p); n > 0 && n < len(p) && (p[n] == '.' || p[n] == ')') {
			b.WriteString(p[:n])
			b.WriteByte('\\')
			p = p[n:]
		}
	}
	if !strings.ContainsAny(p, "\\`*[]<>_&") {
		b.WriteString(p) // nothing to escape: most paragraphs
		return
	}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		switch r {
		case '\\', '`', '*', '[', ']', '<', '>':
			b.WriteByte('\\')
		case '_':
			// An underscore inside a word ("snake_case") is never emphasis;
			// escaping it there would only clutter the editor.
			if !(wordBefore(p, i) && wordAfter(p, i+size)) {
				b.WriteByte('\\')
			}
		case '&':
			// Only "&name;" and "&#123;" are entities; "AT&T" is text.
			if entityAt(p[i:]) {
				b.WriteByte('\\')
			}
		case '!':
			// "![" opens an image; the "[" is escaped anyway, which is enough.
		}
		b.WriteString(p[i : i+size])
		i += size
	}
}

func leadingDigits(s string) int {
	n := 0
	for n < len(s) && n < 10 && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func wordBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func wordAfter(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return i < len(s) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// entityAt reports whether s starts with something CommonMark may read as
// an entity or numeric character reference: "&", then letters, digits or
// "#", then ";".
func entityAt(s string) bool {
	for i := 1; i < len(s) && i < 40; i++ {
		c := s[i]
		switch {
		case c == ';':
			return i > 1
		case c == '#' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z'):
		default:
			return false
		}
	}
	return false
}
