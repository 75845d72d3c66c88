package memory

import (
	"errors"
	"fmt"
	"io"
)

// ErrTooLarge is the cause of a ParseError for input over a size limit: a
// whole file, or one segment or field.
var ErrTooLarge = errors.New("too large")

// ParseError is a file the desk cannot import, with where the fault is, so
// that the person importing it can fix the file. Imports are all or
// nothing: with a ParseError, nothing of the file is returned.
type ParseError struct {
	Format  string // "TMX" or "glossary CSV"
	Line    int    // 1-based line of the fault; 0 when it is the whole input's
	Element string // the TMX element, as "<tu>", or the CSV column; may be empty
	Err     error  // what is wrong
}

func (e *ParseError) Error() string {
	msg := e.Format
	if e.Line > 0 {
		msg += fmt.Sprintf(": line %d", e.Line)
	}
	if e.Element != "" {
		msg += ": " + e.Element
	}
	return msg + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// limitReader passes through at most n bytes and then fails with
// ErrTooLarge if the input has more; unlike io.LimitReader it tells an
// input of exactly the limit from a longer one, which it must refuse rather
// than silently cut.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var probe [1]byte
		k, err := io.ReadFull(l.r, probe[:])
		if k > 0 {
			return 0, ErrTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// formatBytes writes a limit for an error message: 200 MB, 100 KB, 64 bytes.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
