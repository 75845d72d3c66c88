package wire_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func newStory(fam int64, lang, section, headline string) story.Story {
	return story.Story{FamilyID: fam, Lang: lang, Section: section, Headline: headline, Status: story.StatusDraft}
}

func TestCursor(t *testing.T) {
	for _, seq := range []int64{0, 1, 42, 1 << 40, 1<<63 - 1} {
		got, err := wire.ParseCursor(wire.FormatCursor(seq))
		if err != nil || got != seq {
			t.Errorf("round trip %d: %d, %v", seq, got, err)
		}
	}
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"", 0, true},
		{b64("v1:7"), 7, true},
		{b64("v1:7") + "=", 7, true},
		{b64("v1:"), 0, false},
		{b64("v1:+7"), 0, false},
		{b64("v1:07"), 0, false},
		{b64("v1:-7"), 0, false},
		{b64("v1:7 "), 0, false},
		{b64("v2:7"), 0, false},
		{b64("v1:9223372036854775808"), 0, false},
		{"!!!", 0, false},
		{"djE6Nw==x", 0, false},
	}
	for _, tt := range tests {
		got, err := wire.ParseCursor(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("ParseCursor(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, wire.ErrInvalid) {
			t.Errorf("ParseCursor(%q): %v is not ErrInvalid", tt.in, err)
		}
	}
}

// FuzzParseCursor: any input is either refused with ErrInvalid or read as
// a position that formats back to a cursor that reads the same.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", wire.FormatCursor(12), "djE6MTI=", "!!", b64("v1:-1")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		seq, err := wire.ParseCursor(s)
		if err != nil {
			if !errors.Is(err, wire.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
			return
		}
		if seq < 0 {
			t.Fatalf("negative position %d from %q", seq, s)
		}
		if again, err := wire.ParseCursor(wire.FormatCursor(seq)); err != nil || again != seq {
			t.Fatalf("%q: %d does not round-trip: %d, %v", s, seq, again, err)
		}
	})
}

var zeroTime time.Time
