package ingest

import (
	"strings"

	"golang.org/x/net/html"
)

// htmlText turns an HTML fragment into plain text: each block (paragraph,
// heading, list item, line break, table row, ...) becomes a line of its
// own, character references are decoded, and elements that are not text
// for a reader (scripts, styles, forms, embedded media, SVG, captions) are
// dropped with their content. The result still needs cleanBody.
//
// It runs html.Tokenizer rather than the tree parser: extracting text
// needs no tree, and the tree builder's scope checks make deeply nested
// hostile markup cost quadratic time, where tokenising stays linear.
func htmlText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s))
	skip := 0 // depth inside dropped elements
	pre := 0  // depth inside <pre>, where line breaks are the author's
	for {
		switch z.Next() {
		case html.ErrorToken:
			// The only error of a strings.Reader is io.EOF: the end.
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			text := string(z.Text())
			if pre == 0 {
				// In HTML a line break in the source is only a space.
				text = strings.Map(func(r rune) rune {
					if r == '\n' || r == '\r' {
						return ' '
					}
					return r
				}, text)
			}
			b.WriteString(text)
		case html.StartTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if droppedElement(tag) {
				skip++
				continue
			}
			if tag == "pre" {
				pre++
			}
			if skip == 0 {
				blockBreak(&b, tag)
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			tag := string(name)
			if droppedElement(tag) {
				if skip > 0 {
					skip--
				}
				continue
			}
			if tag == "pre" && pre > 0 {
				pre--
			}
			if skip == 0 {
				blockBreak(&b, tag)
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if skip == 0 {
				blockBreak(&b, string(name))
			}
		}
		// Comments and doctypes carry no text.
	}
}

// blockBreak ends the current line at a block element's start or end, and
// separates table cells with a space.
func blockBreak(b *strings.Builder, tag string) {
	switch tag {
	case "p", "div", "br", "li", "ul", "ol", "dl", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6",
		"blockquote", "pre", "hr", "table", "tr", "thead", "tbody", "tfoot", "caption",
		"section", "article", "header", "footer", "aside", "main", "nav", "address",
		"figure", "details", "summary", "body", "html":
		b.WriteByte('\n')
	case "td", "th":
		b.WriteByte(' ')
	}
}

// droppedElement reports elements whose content is not text for a reader.
// Void elements (img, embed, input) are not listed: they have no content
// and no end tag, so counting them would skip the rest of the body.
func droppedElement(tag string) bool {
	switch tag {
	case "script", "style", "template", "noscript", "iframe", "object", "head", "title",
		"svg", "math", "form", "button", "select", "textarea", "audio", "video", "canvas",
		"figcaption", "noembed", "noframes", "frameset",
		"body.head": // NITF's headline block, when NITF comes in a NewsML-G2 item

		return true
	}
	return false
}
