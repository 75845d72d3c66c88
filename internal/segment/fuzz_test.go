package segment

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSplit checks that Split never panics on anything an editor may type,
// that every segment is non-empty and trimmed, and that assembling the
// source's own texts gives a body that splits to the same segments (kinds,
// blocks and texts): the round trip is stable. It also runs Diff of the
// document against itself, which must find every segment the same.
func FuzzSplit(f *testing.F) {
	seeds := []string{
		"",
		"Plain. Two sentences.",
		"## Head ##\n\n**Run-in** rest. More.\n\n- a\n- b\n\n1. one\n2) two\n\n[[also:5]]\n\n> quote\n\n---",
		"河水上涨。学校停课！\n为什么？\n\n- 第一点。",
		"**پس منظر** دریا بڑھ گیا۔ کیا امداد آئی؟\n[[also:۱۲]]",
		"Mr. Khan. U.S. Army. « Oui. » Fin. *It.* [x.](y) z",
		"## a # #\n\n## #\n\n#\n\n####### x",
		"**a****b** c\n\n***a** b\n\n** x** y\n\n**\n\n****",
		"- - -\n* * *\n- \n1.\n\n   - nested\n\t+ tab",
		"line\n2024. wrapped\n\n\u3000- ideographic\n\u00a0# nbsp",
		"\r\n\r\n\rx\r",
	}
	for _, s := range seeds {
		f.Add("en", s)
	}
	f.Add("zh", "He said hi. 然后离开。“走。”再见。")
	f.Add("ru", "Встреча в г. Москва. Т. е. всё.")
	f.Fuzz(func(t *testing.T, code, body string) {
		if !utf8.ValidString(body) {
			return // story validation rejects invalid UTF-8 before a body is stored
		}
		d := Split(code, "Head", "Place", body)
		for i, s := range d.Segments {
			if s.Index != i || s.Text == "" || s.Text != trim(s.Text) {
				t.Fatalf("bad segment %d: %+v", i, s)
			}
		}
		h, p, b := d.Assemble(code, d.Texts())
		again := Split(code, h, p, b)
		if !slices.Equal(segsOf(again), segsOf(d)) {
			t.Fatalf("round trip changed segments\nbody   %q\nrebuilt %q\nfirst %+v\nagain %+v", body, b, segsOf(d), segsOf(again))
		}
		for _, c := range Diff(d, again) {
			if c.Kind != ChangeSame {
				t.Fatalf("Diff of a document with its round trip: %+v", c)
			}
		}
	})
}

func trim(s string) string { return strings.TrimSpace(s) }

// FuzzDiff checks that Diff reports every old and every new segment exactly
// once, in the new order, whatever the two bodies are.
func FuzzDiff(f *testing.F) {
	f.Add("en", "One. Two. Three.", "Three. One. Two changed a bit.")
	f.Add("zh", "河水上涨。学校停课。", "学校停课。河水大幅上涨。")
	f.Add("en", "## A\n\n- x\n- y\n\n[[also:1]]", "## A b\n\n- y\n\n[[also:1]]\n\nNew.")
	f.Fuzz(func(t *testing.T, code, a, b string) {
		o, n := Split(code, "", "", a), Split(code, "", "", b)
		checkDiff(t, o, n, Diff(o, n))
	})
}
