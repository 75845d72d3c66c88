package memory

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Term is one approved glossary entry of a language pair: a name or phrase
// in the source language and the form the desk must use for it in the
// target language.
type Term struct {
	ID               int64 // the store's id; 0 for a term not yet stored
	SrcLang, TgtLang string
	Source, Target   string
	Note             string
}

// Limits on a glossary import: a glossary of a hundred thousand names is a
// few megabytes, and no term or note needs a thousand characters.
const (
	maxGlossaryBytes = 50 << 20
	maxFieldRunes    = 1000
	formatCSV        = "glossary CSV"
)

// The glossary CSV columns, in the order WriteGlossaryCSV writes them.
const (
	colSrcLang = "src_lang"
	colTgtLang = "tgt_lang"
	colSource  = "source"
	colTarget  = "target"
	colNote    = "note"
)

var glossaryHeader = []string{colSrcLang, colTgtLang, colSource, colTarget, colNote}

type csvLimits struct {
	doc   int64
	field int
}

// ReadGlossaryCSV reads a glossary in CSV (RFC 4180, comma separated,
// UTF-8 with or without a byte order mark). The first record is the header
// naming the columns src_lang, tgt_lang, source, target and, optionally,
// note, in any order and any case. Languages may be our codes or tags that
// map to them (en-GB, zh-Hans). Fields are trimmed of surrounding white
// space and returned in NFC; blank lines are skipped.
//
// Any fault makes the whole import fail with a *ParseError naming the line
// (and the column, where there is one): an unknown language, the same source
// and target language, an empty source or target, too many or too few
// fields, a term whose source appears twice for the same pair (compared by
// Normalize), a quoting error, a file over 50 MB or a field over 1,000
// characters.
func ReadGlossaryCSV(r io.Reader) ([]Term, error) {
	return readGlossaryCSV(r, csvLimits{doc: maxGlossaryBytes, field: maxFieldRunes})
}

func readGlossaryCSV(r io.Reader, lim csvLimits) ([]Term, error) {
	br := bufio.NewReader(&limitReader{r: r, n: lim.doc})
	if head, _ := br.Peek(3); bytes.Equal(head, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted here, to say which line and how many

	fail := func(line int, column, format string, args ...any) error {
		return &ParseError{Format: formatCSV, Line: line, Element: column, Err: fmt.Errorf(format, args...)}
	}
	readErr := func(line int, err error) error {
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			return &ParseError{Format: formatCSV, Line: pe.Line, Err: pe.Err}
		case errors.Is(err, ErrTooLarge):
			return fail(line, "", "the file is over %s: %w", formatBytes(lim.doc), ErrTooLarge)
		}
		return fail(line, "", "read: %w", err)
	}

	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(0, "", "the file is empty: it needs the header %s", strings.Join(glossaryHeader, ","))
	}
	if err != nil {
		return nil, readErr(1, err)
	}
	headerLine, _ := cr.FieldPos(0)
	cols, err := glossaryColumns(header)
	if err != nil {
		return nil, &ParseError{Format: formatCSV, Line: headerLine, Err: err}
	}

	var terms []Term
	firstLine := map[string]int{} // duplicate key → line it first appears on
	lastLine := headerLine
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readErr(lastLine+1, err)
		}
		line, _ := cr.FieldPos(0)
		lastLine = line
		if len(rec) != len(header) {
			return nil, fail(line, "", "%d fields, want %d as in the header", len(rec), len(header))
		}
		for i, f := range rec {
			if n := utf8.RuneCountInString(f); n > lim.field {
				return nil, fail(line, header[i], "%d characters, more than %d: %w", n, lim.field, ErrTooLarge)
			}
		}
		t := Term{
			SrcLang: rec[cols[colSrcLang]],
			TgtLang: rec[cols[colTgtLang]],
			Source:  rec[cols[colSource]],
			Target:  rec[cols[colTarget]],
		}
		if i, ok := cols[colNote]; ok {
			t.Note = rec[i]
		}
		t, column, err := cleanTerm(t)
		if err != nil {
			return nil, fail(line, column, "%w", err)
		}
		key := termKey(t)
		if first, dup := firstLine[key]; dup {
			return nil, fail(line, colSource, "%q is already a %s→%s term on line %d", t.Source, t.SrcLang, t.TgtLang, first)
		}
		firstLine[key] = line
		terms = append(terms, t)
	}
	return terms, nil
}

// glossaryColumns maps the header's column names to their positions.
func glossaryColumns(header []string) (map[string]int, error) {
	cols := make(map[string]int, len(header))
	for i, name := range header {
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case colSrcLang, colTgtLang, colSource, colTarget, colNote:
		default:
			return nil, fmt.Errorf("unknown column %q in the header: the columns are %s", header[i], strings.Join(glossaryHeader, ","))
		}
		if _, dup := cols[name]; dup {
			return nil, fmt.Errorf("column %s twice in the header", name)
		}
		cols[name] = i
		header[i] = name
	}
	for _, name := range glossaryHeader[:4] {
		if _, ok := cols[name]; !ok {
			return nil, fmt.Errorf("no %s column in the header: the columns are %s", name, strings.Join(glossaryHeader, ","))
		}
	}
	return cols, nil
}

// cleanTerm trims and NFC-normalises a term's texts and maps its language
// tags to our codes, or says which column is wrong.
func cleanTerm(t Term) (Term, string, error) {
	// Line breaks become \n, as encoding/csv reads a quoted \r\n, so that a
	// term written and read back is the same term.
	clean := func(s string) string {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
		return norm.NFC.String(strings.TrimSpace(s))
	}
	for _, f := range []struct{ column, text string }{
		{colSrcLang, t.SrcLang}, {colTgtLang, t.TgtLang}, {colSource, t.Source}, {colTarget, t.Target}, {colNote, t.Note},
	} {
		if !utf8.ValidString(f.text) {
			return t, f.column, errors.New("not valid UTF-8: save the file as UTF-8")
		}
	}
	src, ok := codeForTag(t.SrcLang)
	if !ok {
		return t, colSrcLang, fmt.Errorf("unknown language %q", t.SrcLang)
	}
	tgt, ok := codeForTag(t.TgtLang)
	if !ok {
		return t, colTgtLang, fmt.Errorf("unknown language %q", t.TgtLang)
	}
	if src == tgt {
		return t, colTgtLang, fmt.Errorf("the target language is the source language %s", src)
	}
	t.SrcLang, t.TgtLang = src, tgt
	t.Source, t.Target, t.Note = clean(t.Source), clean(t.Target), clean(t.Note)
	if t.Source == "" {
		return t, colSource, errors.New("empty source term")
	}
	if t.Target == "" {
		return t, colTarget, errors.New("empty target term")
	}
	return t, "", nil
}

// termKey identifies a term within its language pair: two entries for the
// same source would give the desk two approved translations.
func termKey(t Term) string {
	return t.SrcLang + "\x00" + t.TgtLang + "\x00" + Normalize(t.SrcLang, t.Source)
}

// WriteGlossaryCSV writes terms as CSV with the header src_lang, tgt_lang,
// source, target, note, one term per line in the given order, languages as
// our codes, texts trimmed and in NFC. What it writes, ReadGlossaryCSV reads
// back to the same terms (without IDs), and writing those again gives the
// same bytes. A term ReadGlossaryCSV would refuse is an error, and nothing
// is written.
func WriteGlossaryCSV(w io.Writer, terms []Term) error {
	clean := make([]Term, len(terms))
	first := map[string]int{}
	for i, t := range terms {
		c, column, err := cleanTerm(t)
		if err != nil {
			return fmt.Errorf("memory: write glossary CSV: term %d: %s: %w", i+1, column, err)
		}
		if n := max(utf8.RuneCountInString(c.Source), utf8.RuneCountInString(c.Target), utf8.RuneCountInString(c.Note)); n > maxFieldRunes {
			return fmt.Errorf("memory: write glossary CSV: term %d: %d characters, more than %d", i+1, n, maxFieldRunes)
		}
		key := termKey(c)
		if j, dup := first[key]; dup {
			return fmt.Errorf("memory: write glossary CSV: term %d: same source as term %d", i+1, j)
		}
		first[key] = i + 1
		clean[i] = c
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(glossaryHeader); err != nil {
		return fmt.Errorf("memory: write glossary CSV: %w", err)
	}
	for _, t := range clean {
		if err := cw.Write([]string{t.SrcLang, t.TgtLang, t.Source, t.Target, t.Note}); err != nil {
			return fmt.Errorf("memory: write glossary CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("memory: write glossary CSV: %w", err)
	}
	return nil
}
