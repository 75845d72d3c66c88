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
