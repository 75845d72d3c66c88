package story

// The story body: the Markdown source editors write, and the code that turns
// it into sanitised HTML for one page language, into plain text, and into the
// lists (references, headings) that other outputs need.
//
// Rendering runs in four steps, each a separate wall:
//  1. goldmark parses the source (CommonMark, raw HTML never trusted) with two
//     extensions of ours: an inline parser for [[also:N]] tokens and an AST
//     transformer that fixes heading levels and ids, marks run-in headings,
//     unwraps images and unsafe links.
//  2. The tokens are resolved for the caller's page language (per call).
//  3. goldmark renders HTML, with our renderers for the tokens and raw HTML.
//  4. bluemonday keeps only the elements and attributes we emit.

import (
	"bufio"
	"bytes"
	"fmt"
	stdhtml "html"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// ErrBodyTooLarge is returned by Render for a body over MaxBody bytes. It is
// an ErrInvalid, so callers that map invalid input to a client error need no
// extra case.
var ErrBodyTooLarge = fmt.Errorf("%w: body too large", ErrInvalid)

// AlsoLink is a resolved "Also Read" reference, in the page's language where possible.
type AlsoLink struct {
	Href     string
	Headline string
	Lang     string // BCP 47 tag of the linked story
	Dir      string // ltr or rtl
	LangName string // non-empty when the linked story is not in the page's language: its native name
}

// Resolver finds the story a [[also:N]] token names, for the page being
// rendered. It reports false for a story that cannot be linked (missing,
// killed, not yet published): the reference is then left out.
type Resolver func(storyID int64) (AlsoLink, bool)

// RenderOptions are the per-page inputs of Render.
type RenderOptions struct {
	AlsoLabel string   // e.g. "Also Read:", in the page's language
	Resolve   Resolver // may be nil: then every reference is dropped
}

// Heading is a section heading of a body, as rendered: Level is 2, 3 or 4
// and ID is the id attribute the rendered heading carries.
type Heading struct {
	Level int
	Text  string
	ID    string
}

// BodyRenderer turns body sources into sanitised HTML. Build it once with
// NewBodyRenderer and share it: it holds no per-call state, so Render is safe
// for concurrent use.
type BodyRenderer struct {
	parser   parser.Parser
	renderer renderer.Renderer
	policy   *bluemonday.Policy
}

// NewBodyRenderer builds the parser, HTML renderer and sanitising policy.
func NewBodyRenderer() *BodyRenderer {
	return &BodyRenderer{
		parser: newBodyParser(),
		renderer: renderer.NewRenderer(renderer.WithNodeRenderers(
			// Without WithUnsafe goldmark blanks dangerous URLs and omits raw
			// HTML; our own node renderer (higher priority) takes over raw
			// HTML so that it is shown escaped rather than silently lost.
			util.Prioritized(gmhtml.NewRenderer(
				// A line break inside Chinese text must not become a
				// visible space between two characters.
				gmhtml.WithEastAsianLineBreaks(gmhtml.EastAsianLineBreaksCSS3Draft),
			), 1000),
			util.Prioritized(bodyNodeRenderer{}, 100),
		)),
		policy: newBodyPolicy(),
	}
}

// Render renders src as HTML for one page: headings, paragraphs, lists,
// quotes, emphasis and safe links, with "Also Read" tokens resolved through
// opt.Resolve. The result is sanitised and safe to put in a template as is.
func (r *BodyRenderer) Render(src string, opt RenderOptions) (template.HTML, error) {
	if len(src) > MaxBody {
		return "", fmt.Errorf("story: render body of %d bytes (limit %d): %w", len(src), MaxBody, ErrBodyTooLarge)
	}
	source := bodySource(src)
	doc := r.parser.Parse(text.NewReader(source))
	resolveRefs(doc, source, opt)
	var buf bytes.Buffer
	buf.Grow(len(source) + len(source)/4)
	if err := r.renderer.Render(&buf, source, doc); err != nil {
		return "", fmt.Errorf("story: render body: %w", err)
	}
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes())), nil
}

// AlsoRefs lists the story ids that src references with [[also:N]] tokens,
// without repeats, in order of first appearance, so that a page can load
// all of them at once before rendering. Tokens inside code are not
// references and are not listed.
func AlsoRefs(src string) []int64 {
	// Every token starts with these bytes, which no cleaning of the source
	// changes: most bodies have none, and need not be parsed twice (once
	// here, once to render).
	if !strings.Contains(src, "[[also:") {
		return nil
	}
	source := bodySource(src)
	doc := newBodyParser().Parse(text.NewReader(source))
	var ids []int64
	seen := make(map[int64]bool)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if ref, ok := n.(*alsoRef); ok && entering && !seen[ref.id] {
			seen[ref.id] = true
			ids = append(ids, ref.id)
		}
		return ast.WalkContinue, nil
	})
	return ids
}

// PlainText returns the text a reader would see, without markup: one block
// per heading, paragraph, list item or code block, separated by blank lines.
// References are left out, since their headlines depend on the output's
// language; text that Render shows (malformed tokens, escaped HTML, image
// alt text) is kept so that search and speech match the page.
func PlainText(src string) string {
	source := bodySource(src)
	doc := newBodyParser().Parse(text.NewReader(source))
	// Resolving with no resolver drops every token, and tidies the space
	// around each the way Render does.
	resolveRefs(doc, source, RenderOptions{})
	var blocks []string
	add := func(s string) {
		if s != "" {
			blocks = append(blocks, s)
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading, *ast.Paragraph, *ast.TextBlock:
			add(inlineText(n, source))
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			add(strings.TrimRight(string(linesValue(n, source)), " \t\n"))
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if shownHTMLBlock(n) {
				add(strings.TrimSpace(string(htmlBlockValue(n, source))))
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(blocks, "\n\n")
}

// Headings lists the body's headings in order, with the levels and ids that
// Render gives them, for a table of contents.
func Headings(src string) []Heading {
	source := bodySource(src)
	doc := newBodyParser().Parse(text.NewReader(source))
	var hs []Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		id, _ := h.AttributeString("id")
		idb, _ := id.([]byte)
		hs = append(hs, Heading{Level: h.Level, Text: inlineText(h, source), ID: string(idb)})
		return ast.WalkSkipChildren, nil
	})
	return hs
}

// bodySource prepares src for parsing. Invalid UTF-8 would pass through
// goldmark and bluemonday untouched, so it is replaced here, once; container
// nesting is bounded (see limitNesting).
func bodySource(src string) []byte {
	return limitNesting([]byte(strings.ToValidUTF8(src, "\uFFFD")))
}

// maxNesting is the deepest run of quote and list markers a line may open.
// No story needs more than a few; the bound is there because goldmark's
// block parsing takes time quadratic in the depth (20 kB of "- - - ..."
// costs half a second), and a body is rendered on every uncached page view.
const maxNesting = 32

// limitNesting escapes the marker that would open container number
// maxNesting+1 at the start of a line, so the rest of the line is ordinary
// text: the words stay, the pathological nesting goes.
func limitNesting(src []byte) []byte {
	var out []byte // nil until a line needs a change
	copied := 0
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		if at := deepMarker(src[start:end]); at >= 0 {
			out = append(out, src[copied:start+at]...)
			out = append(out, '\\')
			copied = start + at
		}
		start = end + 1
	}
	if out == nil {
		return src
	}
	return append(out, src[copied:]...)
}

// deepMarker returns the offset in line of the container marker beyond
// maxNesting, or -1. It reads the markers CommonMark opens containers with:
// '>' for quotes, and "-", "*", "+" or up to nine digits with "." or ")"
// followed by a space for list items.
func deepMarker(line []byte) int {
	// Indentation continues the list items of earlier lines, at least two
	// columns for each, so it counts towards the depth too; otherwise deep
	// nesting could be built up over lines instead of on one.
	depth, i := 0, 0
	for ; i < len(line) && (line[i] == ' ' || line[i] == '\t'); i++ {
		if line[i] == '\t' {
			depth += 2
		} else if i%2 == 1 {
			depth++
		}
	}
	for i < len(line) {
		c := line[i]
		n := 0 // length of the marker at i
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '>':
			n = 1
		case c == '-' || c == '*' || c == '+':
			n = 1
		case c >= '0' && c <= '9':
			for n < len(line)-i && n < 10 && line[i+n] >= '0' && line[i+n] <= '9' {
				n++
			}
			if n > 9 || i+n >= len(line) || (line[i+n] != '.' && line[i+n] != ')') {
				return -1
			}
			n++
		default:
			return -1
		}
		if c != '>' && i+n < len(line) && line[i+n] != ' ' && line[i+n] != '\t' {
			return -1 // "-word" or "1.5" is text, not a list item
		}
		if depth++; depth > maxNesting {
			return i
		}
		i += n
	}
	return -1
}

// newBodyParser builds goldmark's CommonMark parser with our extensions.
// It is cheap enough to build per call for the package-level helpers.
func newBodyParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		// Before goldmark's link parser (200), which also starts at '[' and
		// takes over whenever ours declines.
		parser.WithInlineParsers(append(parser.DefaultInlineParsers(),
			util.Prioritized(alsoParser{}, 150))...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
		parser.WithASTTransformers(util.Prioritized(bodyTransformer{}, 100)),
	)
}

// Node kinds of our AST extensions. goldmark registers kinds in a global,
// unsynchronised table, so they must be created exactly once, at package
// initialisation; they are never reassigned afterwards.
var (
	kindAlsoRef   = ast.NewNodeKind("AlsoRef")
	kindAlsoBlock = ast.NewNodeKind("AlsoBlock")
)

// alsoRef is a [[also:N]] token in running text. Resolution fills link.
type alsoRef struct {
	ast.BaseInline
	id       int64
	link     AlsoLink
	resolved bool
	// inLink is set for a token inside a Markdown link: HTML forbids a link
	// inside a link, so only its headline is shown.
	inLink bool
}

func (n *alsoRef) Kind() ast.NodeKind { return kindAlsoRef }

func (n *alsoRef) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"ID": strconv.FormatInt(n.id, 10)}, nil)
}

// alsoBlock is a resolved reference that stood as its own paragraph.
type alsoBlock struct {
	ast.BaseBlock
	link  AlsoLink
	label string
}

func (n *alsoBlock) Kind() ast.NodeKind { return kindAlsoBlock }

func (n *alsoBlock) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Href": n.link.Href}, nil)
}

// alsoParser reads [[also:N]] tokens. It declines anything else that starts
// with '[', leaving it to goldmark's link parser, so a malformed token is
// ordinary text.
type alsoParser struct{}

func (alsoParser) Trigger() []byte { return []byte{'['} }

func (alsoParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	id, n, ok := scanAlsoToken(line)
	if !ok {
		return nil
	}
	block.Advance(n)
	return &alsoRef{id: id}
}

// scanAlsoToken reads a token at the start of b and returns the story id
// and the token's length in bytes. The id is a positive int64 written in
// digits; besides ASCII, the Arabic-Indic and fullwidth digits that Urdu,
// Arabic and Chinese keyboards type are accepted, since editors cannot see
// the difference.
func scanAlsoToken(b []byte) (id int64, n int, ok bool) {
	const open, closing = "[[also:", "]]"
	if !bytes.HasPrefix(b, []byte(open)) {
		return 0, 0, false
	}
	i := len(open)
	digits := 0
	for i < len(b) {
		r, size := utf8.DecodeRune(b[i:])
		d, isDigit := digitValue(r)
		if !isDigit {
			break
		}
		// 19 digits hold every int64; more cannot fit, so stop early
		// rather than scan an arbitrarily long run.
		if digits == 19 || id > (1<<63-1-int64(d))/10 {
			return 0, 0, false
		}
		id = id*10 + int64(d)
		digits++
		i += size
	}
	if digits == 0 || id == 0 || !bytes.HasPrefix(b[i:], []byte(closing)) {
		return 0, 0, false
	}
	return id, i + len(closing), true
}

// digitValue returns the value of a decimal digit in the scripts Qasid's
// editors type.
func digitValue(r rune) (int, bool) {
	for _, zero := range [...]rune{'0', '\u0660', '\u06F0', '\uFF10'} {
		if r >= zero && r <= zero+9 {
			return int(r - zero), true
		}
	}
	return 0, false
}

// bodyTransformer applies the body's structural rules to the parsed tree.
// It depends only on the source, never on the page, so Headings sees the
// same levels and ids that Render emits.
type bodyTransformer struct{}

func (bodyTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	// Collect first, change after: goldmark's walk does not allow moving
	// nodes around under it.
	var headings []*ast.Heading
	var paragraphs []*ast.Paragraph
	var images []*ast.Image
	var links []*ast.Link
	var autoLinks []*ast.AutoLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			headings = append(headings, n)
		case *ast.Paragraph:
			paragraphs = append(paragraphs, n)
		case *ast.Image:
			images = append(images, n)
		case *ast.Link:
			links = append(links, n)
		case *ast.AutoLink:
			autoLinks = append(autoLinks, n)
		}
		return ast.WalkContinue, nil
	})

	// Images first: their alt text becomes part of headings and paragraphs.
	for _, img := range images {
		unwrap(img)
	}
	for _, l := range links {
		dest := string(util.URLEscape(l.Destination, true))
		allowed, external := checkURL(dest)
		switch {
		case !allowed:
			unwrap(l)
		case external:
			l.SetAttributeString("rel", []byte("noopener"))
		}
	}
	for _, l := range autoLinks {
		allowed, external := checkURL(string(l.URL(source)))
		if l.AutoLinkType == ast.AutoLinkEmail {
			allowed, external = true, false
		}
		switch {
		case !allowed:
			s := ast.NewString(l.Label(source))
			s.SetRaw(true) // autolinks know no escapes or entities
			l.Parent().ReplaceChild(l.Parent(), l, s)
		case external:
			l.SetAttributeString("rel", []byte("noopener"))
		}
	}

	ids := newIDSet()
	for _, h := range headings {
		// The page owns the h1, and a news story needs no more than three
		// levels below it.
		h.Level = min(max(h.Level, 2), 4)
		id := ids.unique(headingID(inlineText(h, source)))
		h.SetAttributeString("id", []byte(id))
	}
	for _, p := range paragraphs {
		if s, ok := p.FirstChild().(*ast.Emphasis); ok && s.Level == 2 && hasContentAfter(s, source) {
			s.SetAttributeString("class", []byte("run-in"))
		}
	}
}

// unwrap replaces n by its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	if parent == nil {
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c) // moves c out of n
		c = next
	}
	parent.RemoveChild(parent, n)
}

// checkURL reports whether a link target may be kept (http, https, mailto
// or relative) and whether it leads off the site.
func checkURL(dest string) (allowed, external bool) {
	if strings.TrimSpace(dest) == "" {
		return false, false
	}
	u, err := url.Parse(dest)
	if err != nil {
		return false, false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return true, true
	case "mailto":
		return true, false
	case "":
		return true, u.Host != "" // protocol-relative //host/path
	}
	return false, false
}

// hasContentAfter reports whether anything but white space follows n in its
// parent: a paragraph that is bold from end to end is emphasis, not a
// paragraph with a run-in heading.
func hasContentAfter(n ast.Node, source []byte) bool {
	for c := n.NextSibling(); c != nil; c = c.NextSibling() {
		t, ok := c.(*ast.Text)
		if !ok || len(bytes.TrimSpace(t.Segment.Value(source))) > 0 {
			return true
		}
	}
	return false
}

// maxIDRunes bounds heading ids, which end up in URLs.
const maxIDRunes = 80

// headingID derives an id from a heading's text: letters, digits and
// combining marks of any script, lower-cased, with runs of everything else
// turned into one hyphen. Unicode stays as it is, so that an Urdu or Chinese
// heading gets a readable fragment.
func headingID(s string) string {
	var b strings.Builder
	gap := false
	n := 0
	for _, r := range strings.ToLower(norm.NFC.String(s)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			if gap && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			gap = false
			b.WriteRune(r)
			n++
		case unicode.Is(unicode.Cf, r):
			// Joiners inside Urdu and Arabic words shape letters; they do
			// not separate words.
		default:
			gap = true
		}
		if n >= maxIDRunes {
			break
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// idSet hands out unique heading ids. next remembers the last suffix given
// for each base id, so that a body of many equal headings costs linear time,
// not quadratic.
type idSet struct {
	used map[string]bool
	next map[string]int
}

func newIDSet() *idSet {
	return &idSet{used: make(map[string]bool), next: make(map[string]int)}
}

// unique returns id, or id with the first free numeric suffix, and records
// it as used.
func (s *idSet) unique(id string) string {
	candidate := id
	if s.used[id] {
		i := max(s.next[id], 1)
		for {
			i++
			candidate = id + "-" + strconv.Itoa(i)
			if !s.used[candidate] {
				break
			}
		}
		s.next[id] = i
	}
	s.used[candidate] = true
	return candidate
}

// resolveRefs resolves the tokens of a parsed body for one page. A paragraph
// made only of tokens becomes one "Also Read" block per resolved token; a
// token in running text becomes a link; an unresolved token disappears.
func resolveRefs(doc ast.Node, source []byte, opt RenderOptions) {
	type result struct {
		link AlsoLink
		ok   bool
	}
	cache := make(map[int64]result)
	lookup := func(id int64) (AlsoLink, bool) {
		if res, ok := cache[id]; ok {
			return res.link, res.ok
		}
		var res result
		if opt.Resolve != nil {
			res.link, res.ok = opt.Resolve(id)
			res.link, res.ok = cleanLink(res.link, res.ok)
		}
		cache[id] = res
		return res.link, res.ok
	}

	var standalone []*ast.Paragraph
	var inline []*alsoRef
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			if onlyRefs(n) {
				standalone = append(standalone, n)
				return ast.WalkSkipChildren, nil
			}
		case *alsoRef:
			inline = append(inline, n)
		}
		return ast.WalkContinue, nil
	})

	for _, p := range standalone {
		parent := p.Parent()
		for c := p.FirstChild(); c != nil; c = c.NextSibling() {
			if ref, ok := c.(*alsoRef); ok {
				if link, ok := lookup(ref.id); ok {
					parent.InsertBefore(parent, p, &alsoBlock{link: link, label: opt.AlsoLabel})
				}
			}
		}
		parent.RemoveChild(parent, p)
	}
	for _, ref := range inline {
		link, ok := lookup(ref.id)
		if !ok {
			dropRef(ref, source)
			continue
		}
		ref.link, ref.resolved = link, true
		for a := ref.Parent(); a != nil; a = a.Parent() {
			if a.Kind() == ast.KindLink {
				ref.inLink = true
				break
			}
		}
	}
}

// dropRef removes an unresolved token from running text, with the space
// before it when what follows is space or closing punctuation, so that
// "see [[also:7]]." does not leave "see ." behind.
func dropRef(ref *alsoRef, source []byte) {
	parent := ref.Parent()
	prev, _ := ref.PreviousSibling().(*ast.Text)
	next := ref.NextSibling()
	parent.RemoveChild(parent, ref)
	if prev == nil || prev.SoftLineBreak() || prev.HardLineBreak() {
		return
	}
	if next != nil {
		t, ok := next.(*ast.Text)
		if !ok {
			return
		}
		r, _ := utf8.DecodeRune(t.Segment.Value(source))
		if !unicode.IsSpace(r) && !unicode.In(r, unicode.Pe, unicode.Pf, unicode.Po) {
			return
		}
	}
	prev.Segment = prev.Segment.TrimRightSpace(source)
}

// onlyRefs reports whether a paragraph holds tokens and nothing else but
// white space (several tokens on consecutive lines each become a block).
func onlyRefs(p *ast.Paragraph) bool {
	refs := 0
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *alsoRef:
			refs++
		case *ast.Text:
			if c.Segment.Len() > 0 {
				return false
			}
		default:
			return false
		}
	}
	return refs > 0
}

// cleanLink checks what a resolver returned, since a link it builds from
// stored data is still outside input: an unusable href or an empty headline
// makes the reference unresolved; a malformed lang or dir is left out.
func cleanLink(l AlsoLink, ok bool) (AlsoLink, bool) {
	if !ok || strings.TrimSpace(l.Headline) == "" {
		return AlsoLink{}, false
	}
	if allowed, _ := checkURL(l.Href); !allowed {
		return AlsoLink{}, false
	}
	if tag, err := language.Parse(l.Lang); err == nil {
		l.Lang = tag.String()
	} else {
		l.Lang = ""
	}
	if l.Dir != "ltr" && l.Dir != "rtl" {
		l.Dir = ""
	}
	return l, true
}

// bodyNodeRenderer renders our node kinds and replaces goldmark's raw HTML
// rendering.
type bodyNodeRenderer struct{}

func (bodyNodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindAlsoRef, renderAlsoRef)
	reg.Register(kindAlsoBlock, renderAlsoBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
}

func renderAlsoRef(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*alsoRef)
	if !entering || !n.resolved {
		return ast.WalkContinue, nil
	}
	if n.inLink {
		_, _ = w.WriteString(stdhtml.EscapeString(n.link.Headline))
		return ast.WalkContinue, nil
	}
	writeAlsoLink(w, n.link)
	return ast.WalkContinue, nil
}

func renderAlsoBlock(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*alsoBlock)
	_, _ = w.WriteString(`<p class="also-read">`)
	if n.label != "" {
		_, _ = w.WriteString(`<span class="also-read-label">`)
		_, _ = w.WriteString(stdhtml.EscapeString(n.label))
		_, _ = w.WriteString(`</span> `)
	}
	writeAlsoLink(w, n.link)
	if n.link.LangName != "" {
		// The name is in the linked story's language, so it carries that
		// language's lang and dir, like the headline.
		_, _ = w.WriteString(` <span class="also-read-lang"`)
		writeLangDir(w, n.link)
		_, _ = w.WriteString(`>(`)
		_, _ = w.WriteString(stdhtml.EscapeString(n.link.LangName))
		_, _ = w.WriteString(`)</span>`)
	}
	_, _ = w.WriteString("</p>\n")
	return ast.WalkContinue, nil
}

func writeAlsoLink(w util.BufWriter, l AlsoLink) {
	_, _ = w.WriteString(`<a href="`)
	_, _ = w.WriteString(stdhtml.EscapeString(l.Href))
	_ = w.WriteByte('"')
	if l.Lang != "" {
		_, _ = w.WriteString(` hreflang="`)
		_, _ = w.WriteString(l.Lang) // checked by language.Parse
		_ = w.WriteByte('"')
	}
	writeLangDir(w, l)
	_ = w.WriteByte('>')
	_, _ = w.WriteString(stdhtml.EscapeString(l.Headline))
	_, _ = w.WriteString("</a>")
}

func writeLangDir(w util.BufWriter, l AlsoLink) {
	if l.Lang != "" {
		_, _ = w.WriteString(` lang="`)
		_, _ = w.WriteString(l.Lang)
		_ = w.WriteByte('"')
	}
	if l.Dir != "" {
		_, _ = w.WriteString(` dir="`)
		_, _ = w.WriteString(l.Dir)
		_ = w.WriteByte('"')
	}
}

// renderRawHTML shows inline HTML as the text the editor typed: removing it
// would lose words ("a<b and c>d" parses as a tag), and escaping keeps it
// inert. Comments are dropped, because desks use them for notes that must
// not be published.
func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	raw := rawHTMLValue(node.(*ast.RawHTML), source)
	if !bytes.HasPrefix(raw, []byte("<!--")) {
		_, _ = w.WriteString(stdhtml.EscapeString(string(raw)))
	}
	return ast.WalkSkipChildren, nil
}

// renderHTMLBlock shows an HTML block as escaped text in a paragraph, like
// inline HTML, except for blocks that never hold text for readers:
// comments, scripts and styles, declarations.
func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if !entering || !shownHTMLBlock(n) {
		return ast.WalkSkipChildren, nil
	}
	v := bytes.TrimRight(htmlBlockValue(n, source), " \t\r\n")
	_, _ = w.WriteString("<p>")
	_, _ = w.WriteString(stdhtml.EscapeString(string(v)))
	_, _ = w.WriteString("</p>\n")
	return ast.WalkSkipChildren, nil
}

// shownHTMLBlock reports whether an HTML block is kept as text: types 6 and
// 7 are ordinary tags that may wrap words; 1 to 5 are scripts, styles,
// comments, processing instructions, declarations and CDATA.
func shownHTMLBlock(n *ast.HTMLBlock) bool {
	return n.HTMLBlockType == ast.HTMLBlockType6 || n.HTMLBlockType == ast.HTMLBlockType7
}

func htmlBlockValue(n *ast.HTMLBlock, source []byte) []byte {
	v := linesValue(n, source)
	if n.HasClosure() {
		v = append(v, n.ClosureLine.Value(source)...)
	}
	return v
}

func rawHTMLValue(n *ast.RawHTML, source []byte) []byte {
	var v []byte
	for i := range n.Segments.Len() {
		s := n.Segments.At(i)
		v = append(v, s.Value(source)...)
	}
	return v
}

func linesValue(n ast.Node, source []byte) []byte {
	var v []byte
	lines := n.Lines()
	for i := range lines.Len() {
		s := lines.At(i)
		v = append(v, s.Value(source)...)
	}
	return v
}

// softBreak marks a soft line break while inline text is gathered. 0xFF
// never occurs in valid UTF-8, and the source was made valid.
const softBreak = 0xFF

// inlineText returns the text of a block's inline content as a reader sees
// it: escapes and entities resolved, tokens left out, white space collapsed,
// hard line breaks kept as newlines.
func inlineText(n ast.Node, source []byte) string {
	var b []byte
	b = appendInline(b, n, source)
	var out strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		line = joinSoftBreaks(line)
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(line)
	}
	return out.String()
}

func appendInline(b []byte, n ast.Node, source []byte) []byte {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(source)
			if c.IsRaw() {
				b = append(b, v...)
			} else {
				b = append(b, unescapeText(v)...)
			}
			switch {
			case c.HardLineBreak():
				b = append(b, '\n')
			case c.SoftLineBreak():
				b = append(b, softBreak)
			}
		case *ast.String:
			if c.IsCode() || c.IsRaw() {
				b = append(b, c.Value...)
			} else {
				b = append(b, unescapeText(c.Value)...)
			}
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b = append(b, bytes.ReplaceAll(t.Segment.Value(source), []byte("\n"), []byte(" "))...)
				}
			}
		case *ast.AutoLink:
			b = append(b, c.Label(source)...)
		case *ast.RawHTML:
			if raw := rawHTMLValue(c, source); !bytes.HasPrefix(raw, []byte("<!--")) {
				b = append(b, raw...)
			}
		case *alsoRef:
			// A reference's words depend on the output's language.
		default:
			b = appendInline(b, c, source)
		}
	}
	return b
}

// joinSoftBreaks turns soft line breaks into spaces, except between two
// East Asian wide characters, where a space would split a word.
func joinSoftBreaks(s string) string {
	if strings.IndexByte(s, softBreak) < 0 {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, softBreak)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		b.WriteString(s[:i])
		s = s[i+1:]
		after, _ := utf8.DecodeRuneInString(s)
		if !(isWide(before) && isWide(after)) {
			b.WriteByte(' ')
		}
	}
}

func isWide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// unescapeText resolves Markdown backslash escapes and HTML entities the way
// goldmark's HTML writer does, then turns the HTML back into text.
func unescapeText(v []byte) []byte {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		return v
	}
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	gmhtml.DefaultWriter.Write(w, v)
	if err := w.Flush(); err != nil {
		// A bytes.Buffer does not fail; keep the raw text if it ever did.
		return v
	}
	return []byte(stdhtml.UnescapeString(buf.String()))
}

// newBodyPolicy allows exactly what the renderer emits. It is the second
// wall: goldmark already escapes raw HTML, but a bug there or in our
// renderers must still not reach a reader.
func newBodyPolicy() *bluemonday.Policy {
	langTag := regexp.MustCompile(`^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$`)
	dir := regexp.MustCompile(`^(?:ltr|rtl)$`)
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "hr", "h2", "h3", "h4")
	p.AllowAttrs("start").Matching(regexp.MustCompile(`^[0-9]{1,9}$`)).OnElements("ol")
	p.AllowAttrs("id").Matching(regexp.MustCompile(`^[\p{L}\p{N}\p{M}]+(?:-[\p{L}\p{N}\p{M}]+)*$`)).OnElements("h2", "h3", "h4")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^run-in$`)).OnElements("strong")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^also-read$`)).OnElements("p")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^also-read-(?:label|lang)$`)).OnElements("span")
	p.AllowAttrs("lang").Matching(langTag).OnElements("a", "span")
	p.AllowAttrs("dir").Matching(dir).OnElements("a", "span")
	p.AllowAttrs("hreflang").Matching(langTag).OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^noopener$`)).OnElements("a")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	return p
}
