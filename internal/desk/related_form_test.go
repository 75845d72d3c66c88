package desk

import (
	"errors"
	"net/url"
	"testing"
)

func TestParseRelatedForm(t *testing.T) {
	tests := []struct {
		query string
		want  relatedInput
		ok    bool
	}{
		{"do=pin&other=12", relatedInput{"pin", 12, 0}, true},
		{"do=pin&other=+12+&position=3", relatedInput{"pin", 12, 3}, true},
		{"do=exclude&other=7", relatedInput{"exclude", 7, 0}, true},
		{"do=clear&other=7", relatedInput{"clear", 7, 0}, true},
		{"do=exclude&other=7&position=2", relatedInput{}, false}, // only a pin has a place
		{"do=pin&other=7&position=6", relatedInput{}, false},
		{"do=pin&other=7&position=0", relatedInput{}, false},
		{"do=pin&other=7&position=-1", relatedInput{}, false},
		{"do=pin&other=0", relatedInput{}, false},
		{"do=pin&other=-3", relatedInput{}, false},
		{"do=pin&other=99999999999999999999", relatedInput{}, false},
		{"do=pin&other=%D9%A1%D9%A2", relatedInput{}, false}, // Arabic-Indic digits are not ids
		{"do=PIN&other=7", relatedInput{}, false},
		{"do=boost&other=7", relatedInput{}, false},
		{"other=7", relatedInput{}, false},
		{"", relatedInput{}, false},
	}
	for _, tt := range tests {
		v, err := url.ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseRelatedForm(v)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%q: %+v, %v; want %+v, ok %v", tt.query, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, errInput) {
			t.Errorf("%q: error %v is not errInput (a 422)", tt.query, err)
		}
	}
}

func FuzzParseRelatedForm(f *testing.F) {
	for _, s := range []string{"do=pin&other=12", "do=pin&other=12&position=5", "do=exclude&other=1", "do=clear&other=9223372036854775807",
		"do=pin&other=12&other=13", "do=%00&other=%ff", "position=1e3&do=pin&other=1", "do=pin&other=0x10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		in, err := parseRelatedForm(v)
		if err != nil {
			if !errors.Is(err, errInput) || in != (relatedInput{}) {
				t.Fatalf("%q: %+v, %v", query, in, err)
			}
			return
		}
		switch {
		case in.do != "pin" && in.do != "exclude" && in.do != "clear":
			t.Fatalf("%q: action %q", query, in.do)
		case in.other <= 0:
			t.Fatalf("%q: story %d", query, in.other)
		case in.position < 0 || in.position > 5 || (in.position != 0 && in.do != "pin"):
			t.Fatalf("%q: position %d for %s", query, in.position, in.do)
		}
	})
}
