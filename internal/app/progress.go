package app

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// progress draws a bar with a count and a rate on one line of a terminal,
// for long commands (import, reindex). Where the output is not a terminal
// (a log file, CI) it writes a plain line at most every few seconds instead
// of carriage returns.
type progress struct {
	w     io.Writer
	what  string // "stories", "documents"
	total int    // 0 when unknown
	tty   bool
	start time.Time
	last  time.Time
	now   func() time.Time
	done  int
}

const (
	progressWidth     = 30
	progressTTYEvery  = 100 * time.Millisecond
	progressLineEvery = 5 * time.Second
)

func newProgress(w io.Writer, what string, total int, tty bool) *progress {
	p := &progress{w: w, what: what, total: total, tty: tty, now: time.Now}
	p.start = p.now()
	return p
}

// Add counts n more done and redraws when it is time to.
func (p *progress) Add(n int) {
	p.done += n
	t := p.now()
	every := progressLineEvery
	if p.tty {
		every = progressTTYEvery
	}
	if t.Sub(p.last) < every {
		return
	}
	p.last = t
	p.draw(t, false)
}

// Finish draws the final state and ends the line.
func (p *progress) Finish() {
	p.draw(p.now(), true)
}

// Rate is items per second so far.
func (p *progress) Rate() float64 {
	secs := p.now().Sub(p.start).Seconds()
	if secs <= 0 {
		return 0
	}
	return float64(p.done) / secs
}

func (p *progress) draw(t time.Time, final bool) {
	secs := t.Sub(p.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(p.done) / secs
	}
	var line string
	if p.total > 0 {
		frac := min(float64(p.done)/float64(p.total), 1)
		filled := int(frac * progressWidth)
		bar := strings.Repeat("=", filled) + strings.Repeat(" ", progressWidth-filled)
		line = fmt.Sprintf("[%s] %d/%d %s (%.0f%%) %.0f/s", bar, p.done, p.total, p.what, frac*100, rate)
	} else {
		line = fmt.Sprintf("%d %s %.0f/s", p.done, p.what, rate)
	}
	switch {
	case p.tty && final:
		fmt.Fprintf(p.w, "\r%s in %.1fs\n", line, secs)
	case p.tty:
		fmt.Fprintf(p.w, "\r%s", line)
	case final:
		fmt.Fprintf(p.w, "%s in %.1fs\n", line, secs)
	default:
		fmt.Fprintln(p.w, line)
	}
}
