package ingest

// Every format reads its items into a rawItem, as the source wrote them;
// finish then applies the same checks and normalisation to all of them, so
// an Item means the same whatever it came from.

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// Limits on fields the story package does not bound.
const (
	maxSection = 40 // as story.Validate allows
	maxSource  = 200
	maxFamily  = 300
	maxURL     = 2048
	// htmlFactor bounds an HTML body before it is turned into text: markup
	// rarely triples a news text, and anything far larger is refused before
	// the work of parsing it.
	htmlFactor = 8
)

// rawItem is an item as a format read it: text may still be HTML where
// the flags say so, and nothing is checked yet.
type rawItem struct {
	guid, url, lang                   string
	headline, summary, body           string
	headlineHTML, summaryHTML, isHTML bool
	byline, section, source, family   string
	tags                              []string
	published, updated                time.Time
	version                           int
	canceled                          bool
	// repaired is set when the document's invalid UTF-8 was replaced with
	// U+FFFD so that the rest could be parsed: an item holding U+FFFD is
	// then refused, as it would have been with the bytes left in.
	repaired bool
}

// finish checks a raw item and turns it into an Item.
func finish(r rawItem, o *Options) (Item, error) {
	fields := []struct{ name, v string }{
		{"guid", r.guid}, {"url", r.url}, {"language", r.lang}, {"headline", r.headline},
		{"summary", r.summary}, {"body", r.body}, {"byline", r.byline}, {"section", r.section},
		{"source", r.source}, {"family", r.family},
	}
	for _, t := range r.tags {
		fields = append(fields, struct{ name, v string }{"tag", t})
	}
	for _, f := range fields {
		if !utf8.ValidString(f.v) || r.repaired && strings.ContainsRune(f.v, utf8.RuneError) {
			return Item{}, fmt.Errorf("%w in %s", ErrEncoding, f.name)
		}
	}

	it := Item{GUID: cleanLine(r.guid, 0)}
	if it.GUID == "" {
		return Item{}, fmt.Errorf("%w: the item has no id (guid, uri or link)", ErrNoGUID)
	}
	if len(it.GUID) > MaxGUID {
		return Item{}, fmt.Errorf("%w: id is %d bytes, over %d", ErrTooLarge, len(it.GUID), MaxGUID)
	}

	code, err := langCode(r.lang)
	switch {
	case o.ForceLang:
		code = o.Lang
	case err != nil:
		return Item{}, err
	case code == "" && o.Lang == "":
		return Item{}, fmt.Errorf("%w: the item names no language and no default was given", ErrLanguage)
	case code == "":
		code = o.Lang
	}
	it.Lang = code

	body := r.body
	if r.isHTML {
		if len(body) > htmlFactor*o.MaxBody {
			return Item{}, fmt.Errorf("%w: HTML body is %d bytes, over %d", ErrTooLarge, len(body), htmlFactor*o.MaxBody)
		}
		body = htmlText(body)
	}
	it.Body = cleanBody(body)
	if len(it.Body) > o.MaxBody {
		return Item{}, fmt.Errorf("%w: body is %d bytes, over the limit of %d", ErrTooLarge, len(it.Body), o.MaxBody)
	}

	headline := r.headline
	if r.headlineHTML {
		headline = htmlText(headline)
	}
	it.Headline = cleanLine(headline, story.MaxHeadline)
	if it.Headline == "" {
		it.Headline = cleanLine(firstSentence(it.Body), story.MaxHeadline)
	}
	if it.Headline == "" {
		return Item{}, fmt.Errorf("%w: headline and body are both empty", ErrNoHeadline)
	}

	summary := r.summary
	if r.summaryHTML {
		summary = htmlText(summary)
	}
	it.Summary = cleanLine(summary, story.MaxSummary)
	it.Byline = cleanLine(r.byline, story.MaxByline)
	it.Section = cleanLine(strings.ToLower(r.section), maxSection)
	it.Source = cleanLine(r.source, maxSource)
	if it.Source == "" {
		it.Source = o.Source
	}
	// A family key is an identity: cut, two keys could become one.
	if it.FamilyKey = cleanLine(r.family, 0); len(it.FamilyKey) > maxFamily {
		it.FamilyKey = ""
	}
	it.URL = cleanURL(r.url)
	it.Tags = cleanTags(r.tags)
	it.Published = cleanTime(r.published)
	it.Updated = cleanTime(r.updated)
	if r.version > 0 {
		it.Version = r.version
	}
	it.Canceled = r.canceled
	return it, nil
}

// langCode maps a language as sources write it to one of our codes: a BCP
// 47 tag in any case with any region ("en-GB", "ur_PK", "zh-Hans-CN"), an
// ISO 639-2/3 code ("eng", "ara", "cmn") or the language's English name.
// "" gives "" (the caller's default applies).
func langCode(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	low := strings.ReplaceAll(lowerASCII(s), "_", "-")
	if code, ok := languageNames[low]; ok {
		return code, nil
	}
	tag, err := language.Parse(low)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not a language tag", ErrLanguage, clip(s, 40))
	}
	base, conf := tag.Base()
	if conf < language.High {
		// "und" and its kind: x/text guesses English, we do not.
		return "", fmt.Errorf("%w: %q names no language", ErrLanguage, clip(s, 40))
	}
	code := base.String()
	if code == "cmn" { // Mandarin, as some feeds write Chinese
		code = "zh"
	}
	if code == "zh" {
		// Our Chinese is Simplified. Traditional text would be shown and
		// indexed as Simplified; an editor should decide, not the importer.
		if script, _ := tag.Script(); script.String() == "Hant" {
			return "", fmt.Errorf("%w: %q is Traditional Chinese; ours is Simplified (zh-Hans)", ErrLanguage, clip(s, 40))
		}
	}
	if _, ok := lang.Get(code); !ok {
		return "", fmt.Errorf("%w: %q is not one of %s", ErrLanguage, clip(s, 40), supported())
	}
	return code, nil
}

// languageNames are the English names some feeds put in <language>.
var languageNames = map[string]string{
	"english": "en", "urdu": "ur", "chinese": "zh", "mandarin": "zh", "arabic": "ar",
	"russian": "ru", "french": "fr", "spanish": "es",
}

// cleanLine makes s one clean line: control characters removed, NFC, every
// run of white space a single space (no-break spaces, which French
// typography puts before ":" and "»", are kept), trimmed, and cut to max
// characters at a word boundary when max > 0.
func cleanLine(s string, max int) string {
	out := collapse(nfc(dropControls(s)))
	if max > 0 {
		out = capText(out, max)
	}
	return out
}

// cleanBody normalises a plain-text body: control characters removed, NFC,
// line breaks of every kind made "\n", each paragraph's white space
// collapsed and trimmed, empty paragraphs dropped.
func cleanBody(s string) string {
	s = nfc(dropControls(s))
	if cleanParagraphs(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	para := func(p string) {
		p = collapse(p)
		if p == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p)
	}
	start := 0
	for i, r := range s {
		if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
			para(s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	para(s[start:])
	return b.String()
}

// cleanParagraphs reports whether cleanBody would leave s as it is: its
// paragraphs are separated by single "\n" and each is collapsed already.
// Most bodies are, and are then neither split nor copied.
func cleanParagraphs(s string) bool {
	for p := range strings.SplitSeq(s, "\n") {
		// collapsed also rejects the other line breaks ("\r", U+2028,
		// U+2029), which are white space.
		if p == "" || !collapsed(p) {
			return false
		}
	}
	return true
}

// collapsed reports whether collapse would return s as it is: no white
// space at either end, and inside only single spaces.
func collapsed(s string) bool {
	space := true // white space at the start is trimmed
	for _, r := range s {
		switch {
		case r == ' ':
			if space {
				return false
			}
			space = true
		case r > ' ' && r < utf8.RuneSelf:
			space = false
		case collapsible(r):
			return false // any other collapsible space becomes " "
		default:
			space = false
		}
	}
	if space && s != "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return s == "" || !unicode.IsSpace(first) && !unicode.IsSpace(last)
}

// collapse makes every run of collapsible white space one space and trims
// all white space at both ends.
func collapse(s string) string {
	if collapsed(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if collapsible(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), unicode.IsSpace)
}

// collapsible reports white space that collapses to one space. No-break
// spaces are not: they are typography, not layout.
func collapsible(r rune) bool {
	switch r {
	case '\u00A0', '\u202F', '\u2007':
		return false
	}
	return isSpace(r)
}

// isSpace is unicode.IsSpace without its table search for the letters
// that make up most of a text (TestIsSpace compares the two).
func isSpace(r rune) bool {
	if r <= 0xFF {
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0:
			return true
		}
		return false
	}
	switch {
	case r == 0x1680, 0x2000 <= r && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// dropControls removes C0 and C1 control characters other than tab and
// line breaks (which the callers treat as white space), and the
// non-characters U+FFFE and U+FFFF: none belongs in news text, and XML
// consumers of our wire choke on them.
func dropControls(s string) string {
	if strings.IndexFunc(s, badRune) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if badRune(r) {
			return -1
		}
		return r
	}, s)
}

func badRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20, r >= 0x7F && r <= 0x9F, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return false
}

// capText cuts s to at most max characters. It cuts at the last space in
// the final third when there is one, so that no word is split, and marks
// the cut with "…". Scripts without spaces (Chinese) are cut at a
// character.
func capText(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	// Byte offset of the (max-1)th rune: room for the ellipsis.
	end, n := 0, 0
	for i := range s {
		if n == max-1 {
			end = i
			break
		}
		n++
	}
	cut := s[:end]
	if sp := strings.LastIndexFunc(cut, unicode.IsSpace); sp > 0 && utf8.RuneCountInString(cut[:sp]) >= (max*2)/3 {
		cut = cut[:sp]
	}
	cut = strings.TrimRightFunc(cut, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	return cut + "…"
}

// firstSentence returns the body's first sentence, without its closing
// full stop, for items that come without a headline. A "." ends a sentence
// only before a space and a word that does not start in lower case, and
// not after an initial or an abbreviation with inner dots ("U.S.", "p.m."),
// so "3.5", "U.S. economy" and "3 p.m. on" do not end one; the full stops
// of Chinese, Arabic and Urdu end one wherever they are.
func firstSentence(body string) string {
	p, _, _ := strings.Cut(body, "\n")
	rs := []rune(p)
	for i, r := range rs {
		end := false
		switch r {
		case '。', '！', '？', '؟', '۔':
			end = true
		case '!', '?':
			end = i+1 == len(rs) || unicode.IsSpace(rs[i+1])
		case '.':
			end = i+1 == len(rs) || unicode.IsSpace(rs[i+1]) && !abbreviation(rs[:i]) && !lowerNext(rs[i+1:])
		}
		if end {
			return strings.TrimRight(string(rs[:i+1]), ".。۔")
		}
	}
	return p
}

// abbreviation reports whether the word before a "." is an initial ("J")
// or has dots inside ("U.S", "p.m").
func abbreviation(before []rune) bool {
	start := len(before)
	for start > 0 && !unicode.IsSpace(before[start-1]) {
		start--
	}
	word := before[start:]
	if len(word) == 1 && unicode.IsUpper(word[0]) {
		return true
	}
	for _, r := range word {
		if r == '.' {
			return true
		}
	}
	return false
}

// lowerNext reports whether the next word starts with a lower-case letter.
func lowerNext(after []rune) bool {
	for _, r := range after {
		if !unicode.IsSpace(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

// cleanTags trims tags, drops empty, over-long and repeated ones (case
// folded) and keeps at most story.MaxTags. An over-long tag is dropped, not
// cut: half a tag names nothing.
func cleanTags(tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range tags {
		t = cleanLine(t, 0)
		if t == "" || utf8.RuneCountInString(t) > story.MaxTag {
			continue
		}
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
		if len(out) == story.MaxTags {
			break
		}
	}
	return out
}

// cleanURL keeps an absolute http(s) URL and drops anything else: a link
// the importer shows an editor must not be javascript: or relative to
// nowhere.
func cleanURL(s string) string {
	s = cleanLine(s, 0)
	if s == "" || len(s) > maxURL {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// cleanTime gives t in UTC, or zero for times no news item has.
func cleanTime(t time.Time) time.Time {
	if t.IsZero() || t.Year() < 1900 || t.Year() > 2200 {
		return time.Time{}
	}
	return t.UTC()
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// lowerASCII lower-cases ASCII letters only: format names and language
// tags are ASCII, and anything else should stay visible in the error.
func lowerASCII(s string) string {
	b := []byte(strings.TrimSpace(s))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
