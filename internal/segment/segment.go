// Package segment cuts a story into the segments a translator works on
// (headline, dateline place, headings, run-in headings, sentences, list
// items, "Also Read" lines), rebuilds a translation in the source's
// structure from one target text per segment, and compares the segments of
// two versions of a story so that a translator sees what changed.
//
// It reads the body with a few line-based block rules instead of a full
// Markdown parser, because it must keep every byte of the structure it does
// not translate and must never fail on what an editor typed:
//   - blocks are separated by blank lines; a heading, a list item, a block
//     quote line or a thematic break also starts a new block;
//   - "#" to "######" followed by a space is a heading (kinds h2, h3, h4, as
//     the story renderer clamps "#" to h2 and anything deeper to h4);
//   - "- ", "* ", "+ ", "1. " or "1) " starts a list item; an ordered item
//     other than 1 does not interrupt a paragraph (as in CommonMark, so a
//     wrapped line beginning "2024. " stays in its paragraph); lines that
//     follow an item without a blank line continue it;
//   - a paragraph whose lines each hold only [[also:N]] tokens becomes one
//     Also Read line per line, copied and never translated; a token inside
//     running text stays in its sentence;
//   - "> " lines form a quoted paragraph;
//   - a paragraph opening with **bold** followed by more text has a run-in
//     heading;
//   - "---", "***", "___" alone are thematic breaks, copied as they are;
//   - everything else is paragraph text, its lines joined with a space.
//
// Limits, accepted because news bodies do not use them: fenced and indented
// code, tables, setext headings ("===" under a line), HTML blocks and lists
// nested inside quotes are read as paragraph text, so a translation of them
// comes back as plain paragraphs. Nested list items keep their indentation
// but not loose/tight nuances inside one item. Several paragraphs in one
// block quote come back as several block quotes.
//
// Round trip: assembling a Doc's own Texts gives a body that splits to the
// same segments (FuzzSplit checks it). To keep that promise a few texts get
// a backslash escape in their segment: a paragraph whose sentences, joined
// on one line, would read as a marker ("0." and "A" become "0\. A"), and
// an item whose text would make its line a thematic break. Markdown shows
// the escaped character, so the page does not change. A run-in whose
// paragraph loses all its sentences in a translation comes back as a bold
// paragraph.
//
// List items are split into sentences like paragraphs (every segment of an
// item has kind "item"), so that translation memory can match long
// bullet points sentence by sentence.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what a segment is in the story's structure.
type Kind string

// The segment kinds. KindAlso segments are never translated: Assemble
// copies the source line whatever the target says.
const (
	KindHeadline Kind = "headline"
	KindPlace    Kind = "place"
	KindH2       Kind = "h2"
	KindH3       Kind = "h3"
	KindH4       Kind = "h4"
	KindRunIn    Kind = "runin"    // the bold run-in heading opening a paragraph, without its **
	KindSentence Kind = "sentence" // a sentence of a paragraph or block quote
	KindItem     Kind = "item"     // a sentence of a list item
	KindAlso     Kind = "also"     // a line of [[also:N]] tokens
)

// Segment is one unit of translation.
type Segment struct {
	Index int // position in Doc.Segments
	Kind  Kind
	Block int    // which block of the body it belongs to (-1 for headline and place)
	Text  string // the source text, Markdown inline syntax kept as written (links, *emphasis*)
}

// Doc is a story split into segments, with the skeleton needed to put a
// translation back into the same structure. The zero Doc has no segments
// and assembles to nothing.
type Doc struct {
	Lang     string
	Segments []Segment

	headline, place int // segment index, or -1 when empty
	blocks          []block
}

type blockKind int

const (
	blockPara blockKind = iota
	blockQuote
	blockItem
	blockHeading
	blockAlso
	blockRule
)

// block is one block of the source body.
type block struct {
	kind   blockKind
	prefix string // heading hashes, or an item's indentation and marker
	raw    string // the line of an Also Read or thematic break block
	first  int    // segment range [first, end)
	end    int
	runIn  bool // the first segment is a run-in heading
	tight  bool // an item that followed the previous item without a blank line
}

// Split cuts a story in language lang into segments. It accepts any text;
// see the package comment for how the body is read. Carriage returns are
// read as line ends.
func Split(lang, headline, place, body string) Doc {
	d := Doc{Lang: lang, headline: -1, place: -1}
	if s := strings.TrimSpace(flatten(headline)); s != "" {
		d.headline = d.add(KindHeadline, -1, s)
	}
	if s := strings.TrimSpace(flatten(place)); s != "" {
		d.place = d.add(KindPlace, -1, s)
	}
	for _, pb := range parseBlocks(lang, body) {
		b := block{kind: pb.kind, prefix: pb.prefix, raw: pb.raw, tight: pb.tight}
		n := len(d.blocks)
		b.first = len(d.Segments)
		switch pb.kind {
		case blockHeading:
			d.add(headingKind(len(pb.prefix)), n, pb.text)
		case blockAlso:
			d.add(KindAlso, n, pb.raw)
		case blockItem:
			for _, s := range Sentences(lang, pb.text) {
				d.add(KindItem, n, s)
			}
		case blockPara, blockQuote:
			text := pb.text
			if r, rest, ok := splitRunIn(text); ok {
				b.runIn = true
				d.add(KindRunIn, n, r)
				text = rest
			}
			sents := Sentences(lang, text)
			if !b.runIn && pb.kind == blockPara && len(sents) > 0 {
				// Sentences joined on one line ("0." and "A", or lines
				// "-" and "1.") can read as a marker: escape it in the first
				// sentence now, so Assemble writes back what was read.
				if p := escapeAt(joinSentences(lang, sents)); p >= 0 && p < len(sents[0]) {
					sents[0] = sents[0][:p] + `\` + sents[0][p:]
				}
			}
			for _, s := range sents {
				d.add(KindSentence, n, s)
			}
		}
		b.end = len(d.Segments)
		if b.end == b.first && b.kind != blockRule {
			continue // nothing to translate and nothing to copy
		}
		d.blocks = append(d.blocks, b)
	}
	return d
}

func (d *Doc) add(k Kind, blk int, text string) int {
	i := len(d.Segments)
	d.Segments = append(d.Segments, Segment{Index: i, Kind: k, Block: blk, Text: text})
	return i
}

// Texts returns the source text of every segment in order: the targets
// that make Assemble rebuild the source itself.
func (d Doc) Texts() []string {
	out := make([]string, len(d.Segments))
	for i, s := range d.Segments {
		out[i] = s.Text
	}
	return out
}

func headingKind(level int) Kind {
	switch {
	case level <= 2:
		return KindH2
	case level == 3:
		return KindH3
	}
	return KindH4
}

// splitRunIn finds a run-in heading: the paragraph opens with **text**
// (text not starting or ending with a space, as CommonMark requires of
// strong emphasis) and more text follows. A paragraph bold from end to end
// is emphasis, not a heading, as in the story renderer.
func splitRunIn(text string) (runIn, rest string, ok bool) {
	if !strings.HasPrefix(text, "**") {
		return "", "", false
	}
	end := strings.Index(text[2:], "**")
	if end <= 0 {
		return "", "", false
	}
	inner := text[2 : 2+end]
	rest = strings.TrimSpace(text[2+end+2:])
	if inner != strings.TrimSpace(inner) || rest == "" {
		return "", "", false
	}
	return inner, rest, true
}

// Assemble rebuilds a story in the source's structure from target texts,
// one per segment index (len(targets) may be shorter: a missing one is
// empty). Headings stay headings of the same level, a run-in stays a bold
// run-in at the start of its paragraph, the sentences of one source
// paragraph or item form one target paragraph or item (joined with a space,
// or with nothing between Chinese sentences), Also Read lines and thematic
// breaks are copied verbatim. An empty target segment is left out, and so
// is a block whose segments are all empty. Line breaks inside a target are
// turned into spaces, so a translator cannot break the structure by
// accident; a target paragraph that would read as another kind of block
// ("# ...", "- ...") gets a backslash escape.
func (d Doc) Assemble(lang string, targets []string) (headline, place, body string) {
	get := func(i int) string {
		if i < 0 || i >= len(targets) {
			return ""
		}
		return strings.TrimSpace(flatten(targets[i]))
	}
	headline, place = get(d.headline), get(d.place)

	var sb strings.Builder
	last := -1 // the last block written
	for bi, b := range d.blocks {
		text := ""
		switch b.kind {
		case blockAlso, blockRule:
			text = b.raw
		case blockHeading:
			if t := get(b.first); t != "" {
				if strings.HasSuffix(t, "#") {
					t += " #" // a closing sequence, so the text's own # survives
				}
				text = b.prefix + " " + t
			}
		case blockItem:
			if t := joinSentences(lang, collect(get, b.first, b.end)); t != "" {
				text = b.prefix + t
			}
		case blockPara, blockQuote:
			from := b.first
			runIn := ""
			if b.runIn {
				runIn = get(b.first)
				from++
			}
			t := joinSentences(lang, collect(get, from, b.end))
			switch {
			case runIn != "" && t != "":
				t = "**" + runIn + "** " + t
			case runIn != "":
				t = "**" + runIn + "**"
			case b.kind == blockPara:
				t = escapeLead(t)
			}
			if t != "" && b.kind == blockQuote {
				t = "> " + t
			}
			text = t
		}
		if text == "" {
			continue
		}
		if last >= 0 {
			if b.kind == blockItem && d.tightSince(last, bi) {
				sb.WriteString("\n")
			} else {
				sb.WriteString("\n\n")
			}
		}
		sb.WriteString(text)
		last = bi
	}
	return headline, place, sb.String()
}

// tightSince reports whether blocks last+1..bi all follow their previous
// item without a blank line, so that bi continues the list last is in even
// when the items between were left out.
func (d Doc) tightSince(last, bi int) bool {
	if d.blocks[last].kind != blockItem {
		return false
	}
	for j := last + 1; j <= bi; j++ {
		if !d.blocks[j].tight {
			return false
		}
	}
	return true
}

func collect(get func(int) string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		if t := get(i); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// joinSentences joins the sentences of one paragraph with a space; Chinese
// sentences are joined with nothing where both sides are non-ASCII, since
// Chinese sets no space after 。 but does after a Latin sentence.
func joinSentences(lang string, parts []string) string {
	var sb strings.Builder
	for i, p := range parts {
		if i > 0 && !(lang == "zh" && wideJoin(parts[i-1], p)) {
			sb.WriteByte(' ')
		}
		sb.WriteString(p)
	}
	return sb.String()
}

// wideJoin reports whether a and b may touch without a space in Chinese:
// a ends with a Han character or full-width punctuation (so no Latin
// full stop whose sentence end depends on a following space) and b starts
// with a non-ASCII character.
func wideJoin(a, b string) bool {
	ra, _ := utf8.DecodeLastRuneInString(a)
	rb, _ := utf8.DecodeRuneInString(b)
	return rb >= utf8.RuneSelf && isWide(ra)
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) ||
		(r >= 0x3000 && r <= 0x303F) || // CJK symbols and punctuation: 。、「」
		(r >= 0xFF01 && r <= 0xFF0D) || (r >= 0xFF1A && r <= 0xFF20) || // ！（）， ：；？
		r == '”' || r == '’'
}

// flatten turns line breaks into single spaces: a segment is one line.
func flatten(s string) string {
	s = lineEnds.Replace(s)
	if !strings.ContainsRune(s, '\n') {
		return s
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}

// escapeLead puts a backslash before the Markdown that would make a
// paragraph's text read as another block, so a target sentence such as
// "- 5 degrees" or "# 1 seed" stays text.
func escapeLead(t string) string {
	if p := escapeAt(t); p >= 0 {
		return t[:p] + `\` + t[p:]
	}
	return t
}

// escapeAt returns where a backslash must go so that t, written at the
// start of a line, reads as paragraph text, or -1 when it already does.
func escapeAt(t string) int {
	c := classify(t)
	switch c.kind {
	case lineHeading, lineRule, lineQuote, lineAlso:
		return 0
	case lineItem:
		if c.ordered {
			return strings.IndexAny(t, ".)")
		}
		return 0
	}
	return -1
}
