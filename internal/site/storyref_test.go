package site

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseStoryRef(t *testing.T) {
	tests := []struct {
		seg string
		id  int64
		ok  bool
	}{
		{"12-some-slug", 12, true},
		{"12", 12, true},
		{"12-", 12, true},
		{"12-شی-جن-پنگ", 12, true},
		{"0-x", 0, false},
		{"-12", 0, false},
		{"abc", 0, false},
		{"1a-x", 0, false},
		{"+12-x", 0, false},
		{"", 0, false},
		{"99999999999999999999-x", 0, false},
		{"١٢-x", 0, false}, // the canonical id is ASCII; other digits are not ids
	}
	for _, tt := range tests {
		id, ok := parseStoryRef(tt.seg)
		if id != tt.id || ok != tt.ok {
			t.Errorf("parseStoryRef(%q) = %d, %v; want %d, %v", tt.seg, id, ok, tt.id, tt.ok)
		}
	}
}

func FuzzParseStoryRef(f *testing.F) {
	for _, s := range []string{"12-slug", "0", "-1", "9223372036854775807-x", "١٢"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seg string) {
		id, ok := parseStoryRef(seg)
		if ok != (id > 0) {
			t.Fatalf("%q: ok=%v with id %d", seg, ok, id)
		}
		if ok && !strings.HasPrefix(strings.TrimLeft(seg, "0"), strconv.FormatInt(id, 10)) {
			t.Fatalf("%q: id %d is not the segment's leading number", seg, id)
		}
	})
}
