package app

import (
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var b strings.Builder
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := newProgress(&b, "stories", 200, false)
	p.now = func() time.Time { return now }
	p.start = now
	now = now.Add(10 * time.Second)
	p.Add(100)
	now = now.Add(1 * time.Second)
	p.Add(50) // within the line interval: no new line
	now = now.Add(9 * time.Second)
	p.Add(50)
	p.Finish()
	got := b.String()
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), got)
	}
	if !strings.Contains(lines[0], "100/200 stories (50%) 10/s") {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.Contains(lines[2], "200/200 stories (100%) 10/s in 20.0s") {
		t.Errorf("last line %q", lines[2])
	}
	if strings.Contains(got, "\r") {
		t.Errorf("carriage return outside a terminal: %q", got)
	}
}

func TestProgressTTY(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b, "documents", 0, true)
	p.Add(5)
	p.Finish()
	if !strings.HasPrefix(b.String(), "\r5 documents") || !strings.HasSuffix(b.String(), "\n") {
		t.Errorf("tty output %q", b.String())
	}
}
