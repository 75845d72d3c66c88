package ingest

// ninjs (IPTC's News in JSON) changed its spelling between versions: 1.x
// and 2.x write lower-case names (versioncreated, body_html, altids as an
// object in 1.x, an array in 2.x), 3.x writes camelCase and arrays
// (versionCreated, bodies, altIds). One lenient struct reads them all;
// fields that changed shape are kept raw and read by hand.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

type ninjsItem struct {
	URI      string          `json:"uri"`
	GUID     string          `json:"guid"`
	Type     string          `json:"type"`
	Version  json.RawMessage `json:"version"` // a string by the schema, a number in the wild
	Language string          `json:"language"`

	PubStatus3 string `json:"pubStatus"`
	PubStatus1 string `json:"pubstatus"`

	Headline  string      `json:"headline"` // 1.x, 2.x
	Headlines []ninjsText `json:"headlines"`

	BodyText string      `json:"body_text"` // 1.x, 2.x
	BodyHTML string      `json:"body_html"`
	Bodies   []ninjsText `json:"bodies"` // 3.x

	DescriptionText string      `json:"description_text"`
	DescriptionHTML string      `json:"description_html"`
	Descriptions    []ninjsText `json:"descriptions"`

	Byline string `json:"byline"` // 1.x
	By     string `json:"by"`     // 2.x, 3.x

	Subject  []ninjsSubject `json:"subject"`  // 1.x, 2.x
	Subjects []ninjsSubject `json:"subjects"` // 3.x
	Keywords []string       `json:"keywords"`

	VersionCreated3 string `json:"versionCreated"`
	VersionCreated1 string `json:"versioncreated"`
	FirstCreated3   string `json:"firstCreated"`
	FirstCreated1   string `json:"firstcreated"`

	AltIDs3    json.RawMessage `json:"altIds"`
	AltIDs1    json.RawMessage `json:"altids"`
	Renditions json.RawMessage `json:"renditions"`
}

// ninjsText is a headline, description or body of ninjs 2.x and 3.x.
type ninjsText struct {
	Role         string `json:"role"`
	ContentType3 string `json:"contentType"`
	ContentType2 string `json:"contenttype"`
	Value        string `json:"value"`
}

func (t ninjsText) html() bool {
	ct := lowerASCII(t.ContentType3 + t.ContentType2)
	return strings.Contains(ct, "html")
}

type ninjsSubject struct {
	Name   string `json:"name"`
	Rel    string `json:"rel"`
	URI    string `json:"uri"`
	Code   string `json:"code"`
	Scheme string `json:"scheme"`
}

// readNINJS reads one ninjs item, an array of them, several items one
// after the other, or JSON Lines of items. JSON Lines are read line by line,
// so a broken line is one bad item; the other shapes are read as a whole
// document, where broken JSON stops the read (a JSON decoder cannot find
// the next item after a syntax error).
//
// The first line decides: a line that is a whole object ("{...}") starts
// JSON Lines; anything else ("[", a pretty-printed "{") starts a document.
func (r *run) readNINJS(in io.Reader) error {
	br := bufio.NewReaderSize(in, lineBufSize)
	skipped, first, err := firstLine(br, r.opt.MaxDocument)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(first)) == 0 {
		return nil // nothing but white space
	}
	if oneLineObject(first) {
		lines := newLineReader(br, r.opt.MaxLine)
		lines.n = skipped + 1
		l := line{b: bytes.TrimRight(first, "\r\n"), max: r.opt.MaxLine}
		if len(l.b) > r.opt.MaxLine {
			l = line{tooLong: true, max: r.opt.MaxLine}
		}
		return r.readNINJSLines(lines, l)
	}
	return r.readNINJSDocument(io.MultiReader(bytes.NewReader(first), br))
}

// firstLine returns the first line that is not blank, with its line break,
// and how many blank lines came before it. It keeps up to max bytes:
// the first line of a document may be all of it.
func firstLine(br *bufio.Reader, max int64) (int, []byte, error) {
	skipped := 0
	for {
		var b []byte
		for {
			chunk, err := br.ReadSlice('\n')
			if int64(len(b)+len(chunk)) > max {
				return 0, nil, fmt.Errorf("%w: the document is larger than %d bytes", ErrTooLarge, max)
			}
			b = append(b, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				return skipped, bytes.TrimPrefix(b, []byte("\uFEFF")), nil
			}
			if err != nil {
				return 0, nil, fmt.Errorf("read: %w", err)
			}
			break
		}
		if skipped == 0 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		}
		if len(bytes.TrimSpace(b)) > 0 {
			return skipped, b, nil
		}
		skipped++
	}
}

// oneLineObject reports whether a line looks like a whole JSON object: the
// first line of JSON Lines, not the "{" that opens a pretty-printed item.
func oneLineObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) >= 2 && b[0] == '{' && b[len(b)-1] == '}'
}

func (r *run) readNINJSLines(lines *lineReader, l line) error {
	for {
		if !l.blank() {
			if err := r.next(); err != nil {
				return err
			}
			pos := "line " + strconv.Itoa(lines.n)
			raw, err := decodeNINJSLine(l)
			if err != nil {
				r.bad(pos, raw.guid, err)
			} else if err := r.emit(pos, raw); err != nil {
				return err
			}
		}
		var err error
		l, err = lines.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func decodeNINJSLine(l line) (rawItem, error) {
	if l.tooLong {
		return rawItem{}, fmt.Errorf("%w: line is longer than %d bytes", ErrTooLarge, l.max)
	}
	if err := l.checkUTF8(); err != nil {
		return rawItem{}, err
	}
	return decodeNINJS(l.b)
}

// readNINJSDocument reads one item, an array of items, or a stream of
// items written one after the other, within the document limit. Array
// elements are decoded one at a time, so memory holds one item.
func (r *run) readNINJSDocument(in io.Reader) error {
	lim := &limitReader{r: in, n: r.opt.MaxDocument}
	dec := json.NewDecoder(lim)
	n := 0
	fatal := func(err error) error {
		if lim.over() {
			return fmt.Errorf("%w: the document is larger than %d bytes", ErrTooLarge, r.opt.MaxDocument)
		}
		var syn *json.SyntaxError
		switch {
		case errors.As(err, &syn):
			return fmt.Errorf("%w: JSON: %v at byte %d (after %d items)", ErrMalformed, err, syn.Offset, n)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return fmt.Errorf("%w: JSON ends in the middle of item %d", ErrMalformed, n+1)
		}
		return fmt.Errorf("%w: JSON: %v", ErrMalformed, err)
	}
	item := func() error {
		var msg json.RawMessage
		if err := dec.Decode(&msg); err != nil {
			return fatal(err)
		}
		n++
		if err := r.next(); err != nil {
			return err
		}
		pos := "item " + strconv.Itoa(n)
		if t := bytes.TrimSpace(msg); len(t) == 0 || t[0] != '{' {
			r.bad(pos, "", fmt.Errorf("%w: a ninjs item is a JSON object, not %.20s", ErrMalformed, t))
			return nil
		}
		if !utf8.Valid(msg) {
			r.bad(pos, "", fmt.Errorf("%w in the item", ErrEncoding))
			return nil
		}
		raw, err := decodeNINJS(msg)
		if err != nil {
			r.bad(pos, raw.guid, err)
			return nil
		}
		return r.emit(pos, raw)
	}
	for {
		tok, err := peekByte(dec)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fatal(err)
		}
		switch tok {
		case '[':
			if _, err := dec.Token(); err != nil {
				return fatal(err)
			}
			for dec.More() {
				if err := item(); err != nil {
					return err
				}
			}
			if _, err := dec.Token(); err != nil { // the closing "]"
				return fatal(err)
			}
		case '{':
			if err := item(); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%w: expected a ninjs item (an object) or an array of them, found %q", ErrMalformed, tok)
		}
	}
}

// peekByte returns the first byte of the decoder's next value without
// consuming it, or io.EOF when only white space is left. More reads ahead
// past white space, so the decoder's buffer then starts with that byte.
func peekByte(dec *json.Decoder) (byte, error) {
	if !dec.More() {
		// At the top level More is false at the end of input, or before
		// a stray "]" or "}"; Token tells them apart.
		tok, err := dec.Token()
		if err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("unexpected %v", tok)
	}
	var b [1]byte
	if n, _ := dec.Buffered().Read(b[:]); n == 1 {
		return b[0], nil
	}
	return 0, errors.New("cannot look ahead")
}

// decodeNINJS reads one ninjs item of any version.
func decodeNINJS(b []byte) (rawItem, error) {
	var n ninjsItem
	if err := json.Unmarshal(b, &n); err != nil {
		if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			// Keep the id for the report when only a later field is wrong.
			var id struct{ URI, GUID string }
			if json.Unmarshal(b, &id) == nil {
				return rawItem{guid: firstNonEmpty(id.URI, id.GUID)}, jsonError(err)
			}
		}
		return rawItem{}, jsonError(err)
	}
	alt := ninjsAltIDs(n.AltIDs3)
	if len(alt) == 0 {
		alt = ninjsAltIDs(n.AltIDs1)
	}
	raw := rawItem{
		guid:     firstNonEmpty(n.URI, n.GUID, alt["guid"]),
		lang:     n.Language,
		byline:   firstNonEmpty(n.By, n.Byline),
		canceled: strings.EqualFold(firstNonEmpty(n.PubStatus3, n.PubStatus1), "canceled"),
	}
	switch t := lowerASCII(n.Type); t {
	case "", "text":
	default:
		return raw, fmt.Errorf("%w: type %q", ErrNotText, clip(n.Type, 30))
	}
	raw.version = versionNumber(n.Version)

	if h, ok := pickText(n.Headlines, "main"); ok {
		raw.headline, raw.headlineHTML = h.Value, h.html()
	} else {
		raw.headline = n.Headline
	}
	switch b, ok := pickText(n.Bodies, "main"); {
	case ok:
		raw.body, raw.isHTML = b.Value, b.html()
	case n.BodyText != "":
		raw.body = n.BodyText
	default:
		raw.body, raw.isHTML = n.BodyHTML, true
	}
	switch d, ok := pickText(n.Descriptions, "summary"); {
	case ok:
		raw.summary, raw.summaryHTML = d.Value, d.html()
	case n.DescriptionText != "":
		raw.summary = n.DescriptionText
	default:
		raw.summary, raw.summaryHTML = n.DescriptionHTML, true
	}

	for _, s := range append(n.Subjects, n.Subject...) {
		name := strings.TrimSpace(s.Name)
		switch {
		case name == "":
		case s.Rel == "section":
			if raw.section == "" {
				raw.section = name
			}
		case mediaTopic(s.URI) || mediaTopic(s.Code) || strings.HasPrefix(s.Scheme, "http://cv.iptc.org/newscodes/mediatopic"):
			// IPTC Media Topic labels are English whatever the item's
			// language; they are a classification, not the sender's tags.
		default:
			raw.tags = append(raw.tags, name)
		}
	}
	raw.tags = append(raw.tags, n.Keywords...)

	raw.published = parseTime(firstNonEmpty(n.FirstCreated3, n.FirstCreated1))
	raw.updated = parseTime(firstNonEmpty(n.VersionCreated3, n.VersionCreated1))
	if raw.published.IsZero() {
		raw.published = raw.updated
	}
	raw.url = ninjsWebURL(n.Renditions)
	if raw.url == "" && alt["web"] != "" {
		raw.url = alt["web"]
	}
	if fam := alt["family"]; fam != "" {
		raw.family = qualifiedFamily(raw.guid, fam)
	}
	return raw, nil
}

// pickText picks the text with the given role, or the first one.
func pickText(ts []ninjsText, role string) (ninjsText, bool) {
	for _, t := range ts {
		if t.Role == role && strings.TrimSpace(t.Value) != "" {
			return t, true
		}
	}
	for _, t := range ts {
		if strings.TrimSpace(t.Value) != "" {
			return t, true
		}
	}
	return ninjsText{}, false
}

// ninjsAltIDs reads altIds as 3.x and 2.x write them (an array of role and
// value) or as 1.x does (an object of role to value).
func ninjsAltIDs(b json.RawMessage) map[string]string {
	out := map[string]string{}
	var arr []struct{ Role, Value string }
	if json.Unmarshal(b, &arr) == nil {
		for _, a := range arr {
			if role := lowerASCII(a.Role); out[role] == "" {
				out[role] = a.Value
			}
		}
		return out
	}
	var obj map[string]any
	if json.Unmarshal(b, &obj) == nil {
		for k, v := range obj {
			if s, ok := v.(string); ok {
				out[lowerASCII(k)] = s
			}
		}
	}
	return out
}

// ninjsWebURL finds the web page among renditions: an array (3.x) or an
// object by name (1.x, 2.x); the one named "web" or of type text/html.
func ninjsWebURL(b json.RawMessage) string {
	type rendition struct {
		Name         string `json:"name"`
		Href         string `json:"href"`
		ContentType3 string `json:"contentType"`
		MimeType     string `json:"mimetype"`
	}
	var list []rendition
	if json.Unmarshal(b, &list) != nil {
		var byName map[string]rendition
		if json.Unmarshal(b, &byName) != nil {
			return ""
		}
		for name, r := range byName {
			r.Name = name
			list = append(list, r)
		}
		// Map order is random; the same document must give the same URL.
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	for _, r := range list {
		if r.Name == "web" || strings.Contains(lowerASCII(r.ContentType3+r.MimeType), "html") {
			return r.Href
		}
	}
	return ""
}

// versionNumber reads ninjs "version": "3" or 3.
func versionNumber(b json.RawMessage) int {
	var s string
	if json.Unmarshal(b, &s) != nil {
		s = string(b)
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// qualifiedFamily prefixes a sender's family id with the host of the
// item's id, so that two senders' "family:4" stay two families.
func qualifiedFamily(guid, family string) string {
	if host := idHost(guid); host != "" {
		return host + "/" + family
	}
	return family
}

// idHost is the host an id belongs to: the host of a URL, or the provider
// part of urn:newsml:<host>:... .
func idHost(id string) string {
	if u, err := url.Parse(id); err == nil && u.Host != "" {
		return lowerASCII(u.Hostname())
	}
	if rest, ok := strings.CutPrefix(lowerASCII(id), "urn:newsml:"); ok {
		host, _, _ := strings.Cut(rest, ":")
		return host
	}
	return ""
}

// mediaTopic reports an IPTC Media Topic code or URI.
func mediaTopic(s string) bool {
	return strings.HasPrefix(s, "medtop:") || strings.Contains(s, "cv.iptc.org/newscodes/mediatopic/")
}

// parseTime reads the date-times ninjs and NewsML-G2 write: RFC 3339, with
// or without seconds' fraction, or a bare date.
func parseTime(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return parseDate(s)
}

// firstOf is the first of list that is not blank, else other.
func firstOf(list []string, other string) string {
	if s := firstNonEmpty(list...); s != "" {
		return s
	}
	return other
}

// firstNonEmpty is the first of ss that is not blank.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// limitReader reads at most n bytes and then fails, so that a document
// over the limit is an error rather than silently cut short.
type limitReader struct {
	r    io.Reader
	n    int64
	read int64
}

var errOverLimit = errors.New("over the size limit")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.read > l.n {
		return 0, errOverLimit
	}
	if int64(len(p)) > l.n+1-l.read {
		p = p[:l.n+1-l.read]
	}
	k, err := l.r.Read(p)
	l.read += int64(k)
	if l.read > l.n {
		return k, errOverLimit
	}
	return k, err
}

func (l *limitReader) over() bool { return l.read > l.n }
