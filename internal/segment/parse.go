package segment

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// lineKind is what one line of the body looks like on its own.
type lineKind int

const (
	lineBlank lineKind = iota
	lineText
	lineHeading
	lineRule
	lineAlso
	lineQuote
	lineItem
)

// line is a classified line. text is the content after any marker,
// trimmed; prefix is what Assemble writes before it.
type line struct {
	kind    lineKind
	text    string
	prefix  string
	ordered bool
	number  int // an ordered item's number
}

// classify reads one line. Leading white space is skipped with the same
// Unicode rule that trims paragraph text, so that a paragraph's text never
// reads as a marker when Assemble writes it at the start of a line.
func classify(s string) line {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	t = strings.TrimRightFunc(t, unicode.IsSpace)
	indent := s[:len(s)-len(strings.TrimLeftFunc(s, unicode.IsSpace))]
	switch {
	case t == "":
		return line{kind: lineBlank}
	case t[0] == '#':
		if l, ok := heading(t); ok {
			return l
		}
	case t[0] == '>':
		q := strings.TrimPrefix(t[1:], " ")
		q = strings.TrimPrefix(q, "\t")
		return line{kind: lineQuote, text: strings.TrimSpace(q)}
	}
	if isRule(t) {
		return line{kind: lineRule, text: t}
	}
	if onlyAlsoTokens(t) {
		return line{kind: lineAlso, text: t}
	}
	if l, ok := item(t); ok {
		l.prefix = indent + l.prefix
		return l
	}
	return line{kind: lineText, text: t}
}

// heading reads an ATX heading: 1 to 6 #, then a space or the end, then
// the text with an optional closing run of # removed.
func heading(t string) (line, bool) {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return line{}, false
	}
	text := strings.TrimSpace(t[n:])
	j := len(text)
	for j > 0 && text[j-1] == '#' {
		j--
	}
	if j < len(text) && (j == 0 || text[j-1] == ' ' || text[j-1] == '\t') {
		text = strings.TrimSpace(text[:j])
	}
	return line{kind: lineHeading, text: text, prefix: t[:n]}, true
}

// isRule reports a thematic break: three or more of one of - * _, with
// only spaces and tabs between.
func isRule(t string) bool {
	c := t[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// item reads a list item marker followed by a space and text.
func item(t string) (line, bool) {
	if len(t) >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t') {
		return line{kind: lineItem, prefix: t[:1] + " ", text: strings.TrimSpace(t[2:])}, true
	}
	n := 0
	for n < len(t) && n < 10 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	// CommonMark allows at most nine digits, which also keeps Atoi in range.
	if n == 0 || n > 9 || n+1 >= len(t) || (t[n] != '.' && t[n] != ')') || (t[n+1] != ' ' && t[n+1] != '\t') {
		return line{}, false
	}
	num, _ := strconv.Atoi(t[:n])
	return line{kind: lineItem, prefix: t[:n+1] + " ", text: strings.TrimSpace(t[n+2:]), ordered: true, number: num}, true
}

// onlyAlsoTokens reports whether t holds one or more [[also:N]] tokens and
// nothing else but white space. Digits of any script count, as in the
// story renderer, which accepts what Urdu, Arabic and Chinese keyboards type.
func onlyAlsoTokens(t string) bool {
	const open, closing = "[[also:", "]]"
	found := false
	for {
		t = strings.TrimLeftFunc(t, unicode.IsSpace)
		if t == "" {
			return found
		}
		if !strings.HasPrefix(t, open) {
			return false
		}
		t = t[len(open):]
		digits := 0
		for t != "" {
			r, size := utf8.DecodeRuneInString(t)
			if !unicode.IsDigit(r) {
				break
			}
			digits++
			t = t[size:]
		}
		if digits == 0 || digits > 19 || !strings.HasPrefix(t, closing) {
			return false
		}
		t = t[len(closing):]
		found = true
	}
}

// rawBlock is a block as parsed, before it is cut into segments.
type rawBlock struct {
	kind   blockKind
	prefix string
	raw    string
	text   string
	tight  bool
}

// lineEnds turns CR LF and CR into LF, as Markdown does, and the Unicode
// line and paragraph separators (pasted from word processors) into spaces,
// as browsers show them: otherwise they would force a sentence break that a
// translation joined with spaces no longer has.
var lineEnds = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", " ", "\u2028", " ", "\u2029", " ")

// parseBlocks reads the body into blocks with the rules in the package
// comment.
func parseBlocks(lang, body string) []rawBlock {
	body = lineEnds.Replace(body)

	var (
		out      []rawBlock
		cur      *rawBlock // the paragraph, quote or item being read
		lines    []string  // its lines
		allAlso  bool      // every line of the paragraph is an Also Read line
		blankGap bool      // a blank line since the last block
	)
	closeCur := func() {
		if cur == nil {
			return
		}
		if cur.kind == blockPara && allAlso {
			for _, l := range lines {
				out = append(out, rawBlock{kind: blockAlso, raw: l})
			}
		} else {
			cur.text = joinLines(lang, lines)
			if cur.kind == blockItem && isRule(strings.TrimSpace(cur.prefix+cur.text)) {
				// "- -" continued by "-" would come back as a rule.
				cur.text = `\` + cur.text
			}
			out = append(out, *cur)
		}
		cur, lines = nil, nil
	}
	start := func(b rawBlock, text string, also bool) {
		closeCur()
		if b.kind == blockItem {
			b.tight = !blankGap && len(out) > 0 && out[len(out)-1].kind == blockItem
		}
		cur, lines, allAlso, blankGap = &b, []string{text}, also, false
	}
	add := func(b rawBlock) {
		closeCur()
		out = append(out, b)
		blankGap = false
	}

	for _, s := range strings.Split(body, "\n") {
		l := classify(s)
		switch l.kind {
		case lineBlank:
			closeCur()
			blankGap = true
		case lineHeading:
			closeCur()
			if l.text != "" {
				add(rawBlock{kind: blockHeading, prefix: l.prefix, text: l.text})
			}
		case lineRule:
			add(rawBlock{kind: blockRule, raw: l.text})
		case lineQuote:
			switch {
			case l.text == "":
				closeCur() // "> " alone ends a quoted paragraph
			case cur != nil && cur.kind == blockQuote:
				lines = append(lines, l.text)
			default:
				start(rawBlock{kind: blockQuote}, l.text, false)
			}
		case lineItem:
			if l.ordered && l.number != 1 && cur != nil && cur.kind != blockItem {
				// Only "1." may interrupt a paragraph: "2024. " on a
				// wrapped line is text.
				lines = append(lines, strings.TrimSpace(s))
				allAlso = false
				continue
			}
			start(rawBlock{kind: blockItem, prefix: l.prefix}, l.text, false)
		case lineAlso, lineText:
			if cur != nil {
				lines = append(lines, l.text)
				allAlso = allAlso && l.kind == lineAlso
				continue
			}
			start(rawBlock{kind: blockPara}, l.text, l.kind == lineAlso)
		}
	}
	closeCur()
	return out
}

// joinLines joins the lines of one paragraph with a space, or with nothing
// between two Chinese characters, where a line break is no word break.
func joinLines(lang string, lines []string) string {
	var sb strings.Builder
	for i, l := range lines {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(lines[i-1])
			next, _ := utf8.DecodeRuneInString(l)
			if !(lang == "zh" && isWide(prev) && isWide(next)) {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(l)
	}
	return sb.String()
}
