package importer

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

func TestStoryBody(t *testing.T) {
	tests := []struct{ in, want string }{
		{"One.\nTwo.", "One.\n\nTwo."},
		{"  spaced  \n\n\nlast", "spaced\n\nlast"},
		{"# not a heading", `\# not a heading`},
		{"- not a list", `\- not a list`},
		{"1990. A year", `1990\. A year`},
		{"3) three", `3\) three`},
		{"> not a quote", `\> not a quote`},
		{"See [[also:7]] here", `See \[\[also:7\]\] here`},
		{"a *b* c", `a \*b\* c`},
		{"snake_case and _emph_", `snake_case and \_emph\_`},
		{"<script>alert(1)</script>", `\<script\>alert(1)\</script\>`},
		{"AT&T &amp; &#60;", `AT&T \&amp; \&#60;`},
		{"ends with \\", `ends with \\`},
		{"```code", "\\`\\`\\`code"},
		{"~~~", `\~~~`},
		{"[link](javascript:x)", `\[link\](javascript:x)`},
		{"اردو متن [۱]", `اردو متن \[۱\]`},
	}
	for _, tc := range tests {
		if got := storyBody(tc.in); got != tc.want {
			t.Errorf("storyBody(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The reader sees the words the source sent: rendered back to plain text,
// every paragraph is what went in, and no token or link appears.
func checkBodyRoundTrip(t *testing.T, in string) {
	t.Helper()
	var paras []string
	for p := range strings.SplitSeq(in, "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	src := storyBody(in)
	if got, want := story.PlainText(src), strings.Join(paras, "\n\n"); got != want {
		t.Errorf("plain text of storyBody(%q)\n got %q\nwant %q (source %q)", in, got, want, src)
	}
	if refs := story.AlsoRefs(src); len(refs) > 0 {
		t.Errorf("storyBody(%q) makes Also Read references %v", in, refs)
	}
	html, err := story.NewBodyRenderer().Render(src, story.RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range []string{"<h", "<a ", "<ul", "<ol", "<blockquote", "<code", "<em", "<strong", "<img", "<hr"} {
		if strings.Contains(string(html), tag) {
			t.Errorf("storyBody(%q) renders markup %s: %s", in, tag, html)
		}
	}
}

func TestStoryBodyRoundTrip(t *testing.T) {
	for _, in := range bodySeeds {
		checkBodyRoundTrip(t, in)
	}
}

var bodySeeds = []string{
	"Plain text.\nSecond paragraph.",
	"# h\n- l\n+ l\n* l\n1. o\n> q\n---\n===\n___\n***",
	"[[also:12]] and [x](http://e.com) and ![i](x.png) <b>b</b> <!-- c --> `c` **s** _e_ __u__",
	"&amp; &copy; &#169; &#xA9; AT&T a&b;",
	"back\\slash\\ at end\\",
	"    indented\n\ttab",
	"中文【系列】。\nالعربية «نص»\nРусский — текст",
	"1) one\n22. twenty-two\n1234567890. big",
	"<div>\n<http://example.com>\n<a@b.c>",
	"a  \nb",
}

func FuzzStoryBody(f *testing.F) {
	for _, s := range bodySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		// Items arrive as the ingest package leaves them: valid UTF-8,
		// no control characters, one space between words.
		if !utf8.ValidString(in) || len(in) > 4000 || strings.ContainsFunc(in, func(r rune) bool {
			return r != '\n' && (unicode.IsControl(r) || (unicode.IsSpace(r) && r != ' ') || r == utf8.RuneError)
		}) || strings.Contains(in, "  ") {
			return
		}
		checkBodyRoundTrip(t, in)
	})
}
