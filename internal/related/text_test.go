package related

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

func TestQueryText(t *testing.T) {
	st := story.Story{Headline: "Glaciers melt", Summary: "Faster than before.",
		Body: "## Heading\n\n**Run-in** first paragraph.\n\n[[also:12]]\n\nSecond paragraph."}
	got := queryText(st)
	for _, w := range []string{"Glaciers melt", "Faster than before.", "Heading", "first paragraph.", "Second paragraph."} {
		if !strings.Contains(got, w) {
			t.Errorf("query text %q lacks %q", got, w)
		}
	}
	if strings.Contains(got, "also") || strings.Contains(got, "##") || strings.Contains(got, "**") {
		t.Errorf("query text %q keeps markup or tokens", got)
	}
	// A long body: only its start counts, cut on a character boundary.
	long := story.Story{Headline: "H", Body: strings.Repeat("گلیشیئر پگھل رہے ہیں۔ ", 5000)}
	got = queryText(long)
	if !utf8.ValidString(got) {
		t.Fatal("query text of a long Urdu body is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(got); n > bodyTextRunes+10 {
		t.Errorf("query text of a long body has %d characters", n)
	}
	// The parsed part is cut by characters for alphabets and by bytes for
	// scripts of wide characters, and is long enough for the text kept.
	for _, c := range []struct {
		para     string
		min, max int // characters of the body in the query text
	}{
		{"The glacier melts faster every summer, say the scientists.\n\n", bodyTextRunes, bodyTextRunes},
		{"冰川每年夏天融化得更快，科学家们说。\n\n", 1300, bodyTextRunes},
	} {
		got := queryText(story.Story{Body: strings.Repeat(c.para, 500)})
		if n := utf8.RuneCountInString(strings.TrimLeft(got, "\n")); n < c.min || n > c.max {
			t.Errorf("body of %q: %d characters in the query text, want %d to %d", c.para, n, c.min, c.max)
		}
	}
}

func TestSourceCut(t *testing.T) {
	for _, src := range []string{"", "short", strings.Repeat("a", 5000), strings.Repeat("é", 3000), strings.Repeat("冰", 3000),
		strings.Repeat("a", bodySourceBytes-1) + "冰冰", "\xff\xfe" + strings.Repeat("\xff", 5000)} {
		cut := sourceCut(src)
		if cut > len(src) || (cut < len(src) && !utf8.RuneStart(src[cut])) {
			t.Errorf("cut %d of %d bytes inside a character", cut, len(src))
		}
		if n := utf8.RuneCountInString(src[:cut]); cut < len(src) && n != bodySourceRunes && cut < bodySourceBytes {
			t.Errorf("cut after %d characters and %d bytes, before either bound", n, cut)
		}
		if cut > bodySourceBytes+utf8.UTFMax || utf8.RuneCountInString(src[:cut]) > bodySourceRunes {
			t.Errorf("cut %d bytes, %d characters: past the bounds", cut, utf8.RuneCountInString(src[:cut]))
		}
	}
}

func FuzzQueryText(f *testing.F) {
	for _, s := range []string{"", "Text.", "[[also:1]]", "## H\n\n" + strings.Repeat("word ", 3000), strings.Repeat("é", 5000),
		strings.Repeat("a", bodySourceBytes-1) + "é", "\xff\xfe"} {
		f.Add("Headline", s)
	}
	f.Fuzz(func(t *testing.T, headline, body string) {
		got := queryText(story.Story{Headline: headline, Body: body})
		if !strings.HasPrefix(got, headline) {
			t.Fatalf("query text does not start with the headline")
		}
		if utf8.ValidString(headline) && utf8.ValidString(body) && !utf8.ValidString(got) {
			t.Fatalf("valid input gave invalid UTF-8: %q", got)
		}
		if rest := strings.TrimPrefix(got, headline+"\n\n\n\n"); utf8.RuneCountInString(rest) > bodyTextRunes {
			t.Fatalf("body part of %d characters", utf8.RuneCountInString(rest))
		}
	})
}
