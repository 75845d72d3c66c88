package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// corpusLine is one line of the corpus format (shared/corpus/README.md):
// {"id","lang","headline","body","published","section","source","url"}.
// summary, byline and tags are read too, so that an agency can export
// richer JSON Lines in the same shape.
type corpusLine struct {
	ID        string   `json:"id"`
	Lang      string   `json:"lang"`
	Headline  string   `json:"headline"`
	Body      string   `json:"body"`
	Published *string  `json:"published"`
	Section   *string  `json:"section"`
	Source    string   `json:"source"`
	URL       string   `json:"url"`
	Summary   string   `json:"summary"`
	Byline    string   `json:"byline"`
	Tags      []string `json:"tags"`
}

// readJSONL reads the corpus format, one item per line. Blank lines are
// skipped; every other line gives an item or an ItemError naming it.
func (r *run) readJSONL(in io.Reader) error {
	lines := newLineReader(in, r.opt.MaxLine)
	for {
		line, err := lines.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if line.blank() {
			continue
		}
		if err := r.next(); err != nil {
			return err
		}
		pos := "line " + strconv.Itoa(lines.n)
		raw, err := decodeCorpusLine(line)
		if err != nil {
			r.bad(pos, raw.guid, err)
			continue
		}
		if err := r.emit(pos, raw); err != nil {
			return err
		}
	}
}

// decodeCorpusLine decodes one line. The raw item it returns on error
// still carries the id when the JSON was readable, for the error report.
func decodeCorpusLine(l line) (rawItem, error) {
	if l.tooLong {
		return rawItem{}, fmt.Errorf("%w: line is longer than %d bytes", ErrTooLarge, l.max)
	}
	if err := l.checkUTF8(); err != nil {
		return rawItem{}, err
	}
	var c corpusLine
	if err := json.Unmarshal(l.b, &c); err != nil {
		// Name the item in the report when only a later field is wrong.
		var id struct{ ID string }
		if json.Unmarshal(l.b, &id) == nil {
			return rawItem{guid: id.ID}, jsonError(err)
		}
		return rawItem{}, jsonError(err)
	}
	raw := rawItem{
		guid: c.ID, url: c.URL, lang: c.Lang, headline: c.Headline, body: c.Body,
		source: c.Source, summary: c.Summary, byline: c.Byline, tags: c.Tags,
	}
	if c.Section != nil {
		raw.section = *c.Section
	}
	if c.Published != nil {
		raw.published = parseDate(*c.Published)
	}
	// The family is the id without its final ":<lang>" ("zh" also when
	// the line says "zh-CN"); an id that does not end in its language
	// names no family.
	if i := strings.LastIndexByte(c.ID, ':'); i > 0 && c.Lang != "" {
		suffix := c.ID[i+1:]
		code, _ := langCode(c.Lang)
		if strings.EqualFold(suffix, strings.TrimSpace(c.Lang)) || suffix == code {
			raw.family = c.ID[:i]
		}
	}
	return raw, nil
}

// parseDate reads the dates JSON sources write: YYYY-MM-DD, taken as noon
// UTC so that the civil date is the same in every time zone from UTC-11 to
// UTC+11, or RFC 3339. Anything else gives zero.
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(12 * time.Hour)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t
	}
	if t, err := time.Parse("2006-01-02T15:04:05", s); err == nil {
		return t
	}
	return time.Time{}
}

// jsonError says what is wrong with a JSON value, with its byte offset
// where encoding/json gives one.
func jsonError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("%w: JSON: %v (at byte %d of the item)", ErrMalformed, err, syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("%w: JSON: %s should be %s, not %s", ErrMalformed, fieldName(typ), typ.Type, typ.Value)
	}
	return fmt.Errorf("%w: JSON: %v", ErrMalformed, err)
}

func fieldName(e *json.UnmarshalTypeError) string {
	if e.Field != "" {
		return strconv.Quote(e.Field)
	}
	return "the item"
}

// line is one line of input, without its line break.
type line struct {
	b       []byte
	tooLong bool // the line was longer than max and b is empty
	max     int
}

func (l line) blank() bool { return !l.tooLong && len(bytes.TrimSpace(l.b)) == 0 }

// checkUTF8 refuses invalid UTF-8, which encoding/json would quietly turn
// into U+FFFD: a line with broken bytes is broken, and the sender should
// hear so.
func (l line) checkUTF8() error {
	if utf8.Valid(l.b) {
		return nil
	}
	i := 0
	for i < len(l.b) {
		r, n := utf8.DecodeRune(l.b[i:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		i += n
	}
	return fmt.Errorf("%w at byte %d of the line", ErrEncoding, i)
}

// lineBufSize is the read buffer of line readers; lines may be longer.
const lineBufSize = 64 << 10

// lineReader reads lines of at most max bytes. A longer line is read to
// its end and thrown away as it goes, so one hostile line costs max bytes
// of memory, not its length.
type lineReader struct {
	br  *bufio.Reader
	max int
	n   int // number of the last line read, from 1
	buf []byte
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, lineBufSize), max: max}
}

// next returns the next line, or io.EOF after the last. The line's bytes
// are valid until the next call.
func (l *lineReader) next() (line, error) {
	l.buf = l.buf[:0]
	tooLong := false
	read := false
	for {
		chunk, err := l.br.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
		}
		if !tooLong {
			if len(l.buf)+len(chunk) > l.max+2 { // room for "\r\n"
				tooLong = true
				l.buf = l.buf[:0]
			} else {
				l.buf = append(l.buf, chunk...)
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && !read:
			return line{}, io.EOF
		case err != nil && err != io.EOF:
			return line{}, fmt.Errorf("read line %d: %w", l.n+1, err)
		}
		l.n++
		b := bytes.TrimSuffix(bytes.TrimSuffix(l.buf, []byte("\n")), []byte("\r"))
		if !tooLong && len(b) > l.max {
			tooLong, b = true, nil
		}
		if tooLong {
			b = nil
		}
		// Only the first line may start with a byte order mark.
		if l.n == 1 {
			b = bytes.TrimPrefix(b, []byte("\uFEFF"))
		}
		return line{b: b, tooLong: tooLong, max: l.max}, nil
	}
}
