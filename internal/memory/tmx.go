package memory

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Unit is one translation unit of the memory: a source segment and its
// approved translation.
type Unit struct {
	SrcLang, TgtLang string // our language codes (see lang.Codes)
	Source, Target   string
	StoryID          int64     // the story the pair came from; 0 when unknown
	Created          time.Time // UTC, whole seconds; zero when unknown
	Note             string
}

// Limits on a TMX import. A year of an agency's memory in seven languages is
// tens of megabytes; a sentence is well under a kilobyte.
const (
	maxTMXBytes = 200 << 20
	maxSegBytes = 100 << 10
)

// Names and forms TMX 1.4b gives what we read and write.
const (
	tmxDateLayout = "20060102T150405Z"
	tmxAllLangs   = "*all*"
	tmxStoryProp  = "x-qasid-story" // TMX leaves "x-" prop types to tools
	xmlNamespace  = "http://www.w3.org/XML/1998/namespace"
	creationTool  = "Qasid"
	toolVersion   = "1.0"
	formatTMX     = "TMX" // ParseError.Format
)

// Indentation of the documents WriteTMX writes.
const (
	tmxIndentInTop = "  "
	tmxIndentTU    = "    "
	tmxIndentInTU  = "      "
)

type tmxLimits struct {
	doc int64
	seg int
}

// ReadTMX reads a TMX 1.4b document (UTF-8, or UTF-16 with a byte order
// mark) and returns its units in document order.
//
// The source language of a <tu> is its srclang attribute, else the header's
// srclang. A <tu> yields one Unit for each <tuv> in another of our
// languages, paired with the source <tuv>; a <tuv> in a language we do not
// publish (or in Traditional Chinese) is skipped, and a <tu> whose only
// targets are such is skipped with it. Language tags are mapped to our
// codes: zh, zh-CN and zh-Hans give zh; ur-PK gives ur; en-GB gives en.
//
// The <tu>'s creationdate gives Created (the target <tuv>'s when the <tu>
// has none), <prop type="x-qasid-story"> gives StoryID, and the <tu>'s
// <note>s, joined by newlines, give Note. Inside <seg>, <hi> keeps its text
// and the inline codes <bpt>, <ept>, <it>, <ph> and <ut> are dropped with
// their content, which is the native formatting code of the tool that made
// the file (an RTF or HTML tag), not text. Texts are returned in NFC.
//
// Any fault makes the whole import fail with a *ParseError naming the
// element and line: XML that is not well formed, a missing <header> or
// <body>, a <tu> without a source or target <tuv>, a <tuv> without a <seg>
// or with an empty one, an unknown srclang, a bad creationdate or story id.
// A document over 200 MB or a <seg> or <note> over 100 KB is refused with
// ErrTooLarge as the cause.
func ReadTMX(r io.Reader) ([]Unit, error) {
	return readTMX(r, tmxLimits{doc: maxTMXBytes, seg: maxSegBytes})
}

func readTMX(r io.Reader, lim tmxLimits) ([]Unit, error) {
	in, utf16, err := decodeBOM(bufio.NewReader(&limitReader{r: r, n: lim.doc}))
	if errors.Is(err, ErrTooLarge) {
		return nil, &ParseError{Format: formatTMX, Err: fmt.Errorf("the file is over %s: %w", formatBytes(lim.doc), err)}
	}
	if err != nil {
		return nil, &ParseError{Format: formatTMX, Err: fmt.Errorf("read: %w", err)}
	}
	d := xml.NewDecoder(in)
	d.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "us-ascii", "ascii":
			return input, nil
		case "utf-16", "utf-16le", "utf-16be", "ucs-2":
			if utf16 {
				return input, nil // already decoded from the byte order mark
			}
			return nil, errors.New("UTF-16 declared but the file has no byte order mark")
		}
		return nil, fmt.Errorf("unsupported encoding %q: save the file as UTF-8", charset)
	}
	p := &tmxParser{d: d, lim: lim}
	units, err := p.document()
	if err != nil {
		return nil, err
	}
	return units, nil
}

// decodeBOM returns the input as UTF-8: a UTF-16 file (which some CAT tools
// write) is decoded by its byte order mark, and a UTF-8 one loses its mark,
// which encoding/xml would return as text before the root element.
func decodeBOM(br *bufio.Reader) (io.Reader, bool, error) {
	head, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(br, dec), true, nil
	}
	return br, false, nil
}

// tmxParser reads a TMX document by recursive descent over the decoder's
// tokens, keeping the open elements so that an error can name the one it is
// in.
type tmxParser struct {
	d       *xml.Decoder
	lim     tmxLimits
	open    []string // names of the open elements, innermost last
	srcLang string   // the header's srclang as our code, or tmxAllLangs
}

// tmxStart is a start element and the line its '<' is on.
type tmxStart struct {
	xml.StartElement
	line int
}

// fail returns a ParseError at line for element (a bare name, or "" for the
// document).
func (p *tmxParser) fail(line int, element string, format string, args ...any) error {
	e := &ParseError{Format: formatTMX, Line: line, Err: fmt.Errorf(format, args...)}
	if element != "" {
		e.Element = "<" + element + ">"
	}
	return e
}

// next returns the next token that matters (elements and text; comments,
// processing instructions and the DOCTYPE are skipped) and, for a start
// element, the line it starts on. The decoder's position before reading a
// token is where that token starts, because the white space before a tag is
// a token of its own.
func (p *tmxParser) next() (xml.Token, int, error) {
	for {
		line, _ := p.d.InputPos()
		tok, err := p.d.Token()
		if err == io.EOF && len(p.open) == 0 {
			return nil, line, io.EOF // the caller knows whether it expected more
		}
		if err != nil {
			return nil, line, p.readError(line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			p.open = append(p.open, t.Name.Local)
			return tmxStart{t, line}, line, nil
		case xml.EndElement:
			p.open = p.open[:len(p.open)-1]
			return t, line, nil
		case xml.CharData:
			return t, line, nil
		}
	}
}

// readError turns a decoder error into a ParseError naming the innermost
// open element.
func (p *tmxParser) readError(line int, err error) error {
	element := "tmx" // nothing is open yet: the fault is in the document's prolog
	if len(p.open) > 0 {
		element = p.open[len(p.open)-1]
	}
	var syntax *xml.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return p.fail(syntax.Line, element, "not well-formed XML: %s", syntax.Msg)
	case errors.Is(err, ErrTooLarge):
		return p.fail(line, element, "the file is over %s: %w", formatBytes(p.lim.doc), ErrTooLarge)
	case err == io.EOF:
		return p.fail(line, element, "the document ends early")
	}
	return p.fail(line, element, "%w", err)
}

// skip reads past the end of the element just opened.
func (p *tmxParser) skip() error {
	for depth := 1; depth > 0; {
		tok, _, err := p.next()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case tmxStart:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// document reads the whole document: one <tmx> holding a <header> and a
// <body>.
func (p *tmxParser) document() ([]Unit, error) {
	var root tmxStart
	for root.Name.Local == "" {
		tok, line, err := p.next()
		if err != nil {
			if err == io.EOF {
				return nil, p.fail(line, "tmx", "no <tmx> element: the document is empty")
			}
			return nil, err
		}
		switch t := tok.(type) {
		case tmxStart:
			root = t
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, p.fail(textLine(line, t), "tmx", "text before <tmx>: this is not a TMX document")
			}
		}
	}
	if root.Name.Local != "tmx" {
		return nil, p.fail(root.line, root.Name.Local, "the root element must be <tmx>")
	}

	var units []Unit
	sawHeader, sawBody := false, false
	for {
		tok, line, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case tmxStart:
			switch {
			case t.Name.Local == "header" && !sawHeader:
				sawHeader = true
				if err := p.header(t); err != nil {
					return nil, err
				}
			case t.Name.Local == "body" && sawHeader && !sawBody:
				sawBody = true
				if units, err = p.body(); err != nil {
					return nil, err
				}
			case t.Name.Local == "body" && !sawHeader:
				return nil, p.fail(t.line, "body", "<body> before <header>: the <header> is missing")
			default:
				return nil, p.fail(t.line, t.Name.Local, "unexpected element in <tmx>")
			}
		case xml.EndElement:
			if !sawHeader {
				return nil, p.fail(line, "tmx", "no <header>")
			}
			if !sawBody {
				return nil, p.fail(line, "tmx", "no <body>")
			}
			return units, p.trailer()
		}
	}
}

// trailer checks that nothing but comments and white space follows </tmx>.
func (p *tmxParser) trailer() error {
	for {
		tok, line, err := p.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case tmxStart:
			return p.fail(line, t.Name.Local, "element after </tmx>")
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return p.fail(textLine(line, t), "tmx", "text after </tmx>")
			}
		}
	}
}

// header reads the <header>: only its srclang matters here.
func (p *tmxParser) header(h tmxStart) error {
	src, ok := attr(h.StartElement, "", "srclang")
	switch {
	case !ok || strings.TrimSpace(src) == "":
		return p.fail(h.line, "header", "no srclang attribute")
	case strings.TrimSpace(src) == tmxAllLangs:
		p.srcLang = tmxAllLangs
	default:
		code, known := codeForTag(src)
		if !known {
			return p.fail(h.line, "header", "unknown srclang %q: the source language must be one of ours", src)
		}
		p.srcLang = code
	}
	return p.skip()
}

// body reads the <tu>s.
func (p *tmxParser) body() ([]Unit, error) {
	var units []Unit
	for {
		tok, _, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case tmxStart:
			if t.Name.Local != "tu" {
				return nil, p.fail(t.line, t.Name.Local, "unexpected element in <body>")
			}
			if units, err = p.tu(t, units); err != nil {
				return nil, err
			}
		case xml.EndElement:
			return units, nil
		}
	}
}

// tmxTUV is one <tuv> as read.
type tmxTUV struct {
	code    string // our code; "" for a language we do not publish
	tag     string // the xml:lang as written
	seg     string
	segLine int
	line    int
	created time.Time
}

// tu reads one <tu> and appends its units.
func (p *tmxParser) tu(tu tmxStart, units []Unit) ([]Unit, error) {
	created, err := p.date(tu)
	if err != nil {
		return nil, err
	}
	src := p.srcLang
	if s, ok := attr(tu.StartElement, "", "srclang"); ok && strings.TrimSpace(s) != tmxAllLangs {
		code, known := codeForTag(s)
		if !known {
			return nil, p.fail(tu.line, "tu", "unknown srclang %q: the source language must be one of ours", s)
		}
		src = code
	}
	if src == tmxAllLangs {
		return nil, p.fail(tu.line, "tu", "no srclang, and the header's is *all*: the source language is unknown")
	}

	var (
		storyID  int64
		sawStory bool
		notes    []string
		tuvs     []tmxTUV
	)
	for done := false; !done; {
		tok, _, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			done = true
		case tmxStart:
			switch t.Name.Local {
			case "note":
				note, err := p.plainText(t)
				if err != nil {
					return nil, err
				}
				notes = append(notes, note)
			case "prop":
				value, err := p.plainText(t)
				if err != nil {
					return nil, err
				}
				if typ, _ := attr(t.StartElement, "", "type"); typ != tmxStoryProp {
					continue
				}
				if sawStory {
					return nil, p.fail(t.line, "prop", "a second %s prop in the <tu>", tmxStoryProp)
				}
				id, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
				if err != nil || id < 0 {
					return nil, p.fail(t.line, "prop", "%s is %q, not a story id", tmxStoryProp, value)
				}
				storyID, sawStory = id, true
			case "tuv":
				v, err := p.tuv(t)
				if err != nil {
					return nil, err
				}
				tuvs = append(tuvs, v)
			default:
				return nil, p.fail(t.line, t.Name.Local, "unexpected element in <tu>")
			}
		}
	}

	var source *tmxTUV
	for i := range tuvs {
		if tuvs[i].code != src {
			continue
		}
		if source != nil {
			return nil, p.fail(tuvs[i].line, "tuv", "a second <tuv> in the source language %s", src)
		}
		source = &tuvs[i]
	}
	if source == nil {
		return nil, p.fail(tu.line, "tu", "no <tuv> in the source language %s", src)
	}
	if len(tuvs) < 2 {
		return nil, p.fail(tu.line, "tu", "no target <tuv>: only the source language %s", src)
	}
	if strings.TrimSpace(source.seg) == "" {
		return nil, p.fail(source.segLine, "seg", "the source segment is empty")
	}
	note := strings.Join(notes, "\n")
	seen := map[string]int{}
	for _, v := range tuvs {
		if v.code == "" || v.code == src {
			continue
		}
		if first, dup := seen[v.code]; dup {
			return nil, p.fail(v.line, "tuv", "a second <tuv> in %s (the first is on line %d)", v.code, first)
		}
		seen[v.code] = v.line
		if strings.TrimSpace(v.seg) == "" {
			return nil, p.fail(v.segLine, "seg", "the %s segment is empty", v.code)
		}
		when := created
		if when.IsZero() {
			when = v.created
		}
		units = append(units, Unit{
			SrcLang: src, TgtLang: v.code,
			Source: source.seg, Target: v.seg,
			StoryID: storyID, Created: when, Note: note,
		})
	}
	return units, nil
}

// tuv reads one <tuv>: its language, creation date and single <seg>.
func (p *tmxParser) tuv(start tmxStart) (tmxTUV, error) {
	v := tmxTUV{line: start.line}
	tag, ok := attr(start.StartElement, xmlNamespace, "lang")
	if !ok {
		// TMX 1.1 and 1.2 wrote lang without the xml: prefix.
		tag, ok = attr(start.StartElement, "", "lang")
	}
	if !ok || strings.TrimSpace(tag) == "" {
		return v, p.fail(start.line, "tuv", "no xml:lang attribute")
	}
	v.tag = tag
	v.code, _ = codeForTag(tag)
	var err error
	if v.created, err = p.date(start); err != nil {
		return v, err
	}
	sawSeg := false
	for {
		tok, _, err := p.next()
		if err != nil {
			return v, err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !sawSeg {
				return v, p.fail(start.line, "tuv", "no <seg> in the %s <tuv>", tag)
			}
			return v, nil
		case tmxStart:
			switch t.Name.Local {
			case "note", "prop":
				if _, err := p.plainText(t); err != nil {
					return v, err
				}
			case "seg":
				if sawSeg {
					return v, p.fail(t.line, "seg", "a second <seg> in the <tuv>")
				}
				sawSeg = true
				v.segLine = t.line
				var b strings.Builder
				if err := p.segText(&b, t); err != nil {
					return v, err
				}
				v.seg = norm.NFC.String(b.String())
			default:
				return v, p.fail(t.line, t.Name.Local, "unexpected element in <tuv>")
			}
		}
	}
}

// segText appends the text of a <seg> or <hi> to b: <hi> is emphasis around
// real text, the inline codes are native formatting and dropped.
func (p *tmxParser) segText(b *strings.Builder, start tmxStart) error {
	for {
		tok, line, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			if b.Len()+len(t) > p.lim.seg {
				return p.fail(line, "seg", "the segment is over %s: %w", formatBytes(int64(p.lim.seg)), ErrTooLarge)
			}
			b.Write(t)
		case tmxStart:
			switch t.Name.Local {
			case "hi":
				if err := p.segText(b, t); err != nil {
					return err
				}
			case "bpt", "ept", "it", "ph", "ut":
				if err := p.skip(); err != nil {
					return err
				}
			default:
				return p.fail(t.line, t.Name.Local, "unexpected element in <%s>", start.Name.Local)
			}
		}
	}
}

// plainText reads an element that holds only text (<note>, <prop>).
func (p *tmxParser) plainText(start tmxStart) (string, error) {
	var b strings.Builder
	for {
		tok, line, err := p.next()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return norm.NFC.String(b.String()), nil
		case xml.CharData:
			if b.Len()+len(t) > p.lim.seg {
				return "", p.fail(line, start.Name.Local, "over %s: %w", formatBytes(int64(p.lim.seg)), ErrTooLarge)
			}
			b.Write(t)
		case tmxStart:
			return "", p.fail(t.line, t.Name.Local, "unexpected element in <%s>", start.Name.Local)
		}
	}
}

// date parses an element's creationdate attribute, if it has one.
func (p *tmxParser) date(start tmxStart) (time.Time, error) {
	s, ok := attr(start.StartElement, "", "creationdate")
	if !ok {
		return time.Time{}, nil
	}
	t, err := time.Parse(tmxDateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, p.fail(start.line, start.Name.Local, "creationdate %q is not of the form YYYYMMDDThhmmssZ", s)
	}
	return t, nil
}

// textLine is the line of the first non-space character of text that
// starts on line.
func textLine(line int, text []byte) int {
	lead := len(text) - len(bytes.TrimLeft(text, " \t\r\n"))
	return line + bytes.Count(text[:lead], []byte("\n"))
}

// attr returns the value of an element's attribute.
func attr(e xml.StartElement, space, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// WriteTMX writes units as a TMX 1.4b document in UTF-8.
//
// The header names Qasid as the tool, plaintext data and sentence
// segmentation, and srclang is the units' common source language, or *all*
// when they have several (each <tu> then carries its own srclang). Each unit
// is one <tu> holding its creationdate, its story as <prop
// type="x-qasid-story"> and its note, then the source and target <tuv>.
// Languages are written as BCP 47 tags (zh-Hans for zh).
//
// The output is deterministic: units in the given order, attributes in a
// fixed order, no date of export, texts in NFC and Created in whole UTC
// seconds, so exporting what ReadTMX read back from an export gives the
// same bytes. Characters XML cannot hold (most C0 controls, invalid UTF-8)
// are written as U+FFFD, as encoding/xml does. A unit that could not be
// read back (an unknown language, an empty text, the same source and target
// language, a negative story id) is an error, and nothing is written.
func WriteTMX(w io.Writer, units []Unit) error {
	srcTag := tmxAllLangs
	for i, u := range units {
		if err := checkUnit(u); err != nil {
			return fmt.Errorf("memory: write TMX: unit %d: %w", i+1, err)
		}
		tag, _ := tagForCode(u.SrcLang)
		switch {
		case i == 0:
			srcTag = tag
		case tag != srcTag:
			srcTag = tmxAllLangs
		}
	}

	bw := bufio.NewWriter(w)
	x := &xmlWriter{w: bw}
	x.raw(xml.Header)
	x.raw(`<!DOCTYPE tmx SYSTEM "tmx14.dtd">` + "\n")
	x.raw(`<tmx version="1.4">` + "\n")
	x.raw(tmxIndentInTop + `<header creationtool="` + creationTool + `" creationtoolversion="` + toolVersion +
		`" datatype="plaintext" segtype="sentence" adminlang="en" srclang="`)
	x.text(srcTag)
	x.raw(`" o-tmf="` + creationTool + `"/>` + "\n")
	x.raw(tmxIndentInTop + "<body>\n")
	for _, u := range units {
		x.unit(u, srcTag == tmxAllLangs)
	}
	x.raw(tmxIndentInTop + "</body>\n</tmx>\n")
	if x.err != nil {
		return fmt.Errorf("memory: write TMX: %w", x.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("memory: write TMX: %w", err)
	}
	return nil
}

// checkUnit reports why a unit could not be exported and read back.
func checkUnit(u Unit) error {
	if _, ok := tagForCode(u.SrcLang); !ok {
		return fmt.Errorf("unknown source language %q", u.SrcLang)
	}
	if _, ok := tagForCode(u.TgtLang); !ok {
		return fmt.Errorf("unknown target language %q", u.TgtLang)
	}
	if u.SrcLang == u.TgtLang {
		return fmt.Errorf("source and target language are both %s", u.SrcLang)
	}
	if strings.TrimSpace(u.Source) == "" {
		return errors.New("empty source")
	}
	if strings.TrimSpace(u.Target) == "" {
		return errors.New("empty target")
	}
	if u.StoryID < 0 {
		return fmt.Errorf("negative story id %d", u.StoryID)
	}
	return nil
}

// xmlWriter writes XML text, keeping the first error.
type xmlWriter struct {
	w   *bufio.Writer
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// text writes escaped character data or attribute value. EscapeText also
// escapes quotes and line breaks, so the same function serves both and a
// newline in a segment survives the round trip.
func (x *xmlWriter) text(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(norm.NFC.String(s)))
	}
}

func (x *xmlWriter) unit(u Unit, withSrcLang bool) {
	srcTag, _ := tagForCode(u.SrcLang)
	tgtTag, _ := tagForCode(u.TgtLang)
	x.raw(tmxIndentTU + "<tu")
	if withSrcLang {
		x.raw(` srclang="` + srcTag + `"`)
	}
	if !u.Created.IsZero() {
		x.raw(` creationdate="` + u.Created.UTC().Format(tmxDateLayout) + `"`)
	}
	x.raw(">\n")
	if u.StoryID != 0 {
		x.raw(tmxIndentInTU + `<prop type="` + tmxStoryProp + `">` + strconv.FormatInt(u.StoryID, 10) + "</prop>\n")
	}
	if u.Note != "" {
		x.raw(tmxIndentInTU + "<note>")
		x.text(u.Note)
		x.raw("</note>\n")
	}
	for _, v := range [2]struct{ tag, text string }{{srcTag, u.Source}, {tgtTag, u.Target}} {
		x.raw(tmxIndentInTU + `<tuv xml:lang="` + v.tag + `"><seg>`)
		x.text(v.text)
		x.raw("</seg></tuv>\n")
	}
	x.raw(tmxIndentTU + "</tu>\n")
}
