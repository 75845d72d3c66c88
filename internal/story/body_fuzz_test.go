package story

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// fuzzResolver resolves every id, some of them to hostile values, so that
// the fuzzer reaches the resolved paths as well as the dropped ones.
func fuzzResolver(id int64) (AlsoLink, bool) {
	switch id % 4 {
	case 0:
		return AlsoLink{}, false
	case 1:
		return AlsoLink{Href: "/en/world/1", Headline: "Headline <b>one</b>", Lang: "en", Dir: "ltr"}, true
	case 2:
		return AlsoLink{Href: "/ur/world/2", Headline: "سرخی", Lang: "ur", Dir: "rtl", LangName: "اردو"}, true
	}
	return AlsoLink{Href: "javascript:alert(1)", Headline: `"><script>alert(1)</script>`, Lang: `x" onload="y`, Dir: `" onclick="`}, true
}

func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		"",
		"# Title\n\n## Section\n\n### Sub\n\n###### Deep",
		"**Run-in** text and **bold**.",
		"[[also:1]]\n\nSee [[also:2]] and [[also:3]].\n\n[[also:4]]\n[[also:5]]",
		"[[also:]] [[also:abc]] [[also:99999999999999999999999]] [[also:۱۲]]",
		"[Read [[also:1]]](https://example.org)",
		"[x](javascript:alert(1)) [y](&#106;avascript:alert(1)) <javascript:alert(1)>",
		"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<!-- note -->",
		"a <b onmouseover=alert(1)>b</b> <a href=\"data:text/html,x\">c</a>",
		"![alt](data:image/png;base64,AAAA) [t](/a \"t\\\" onclick=\\\"x\")",
		"- one\n- [[also:6]]\n\n> quote **bold** text\n\n1. x\n2. y",
		"## معاشی تعاون\n\n**تیز رفتار ترقی** تجارت بڑھی۔",
		"## 经贸合作\n\n两国贸易额增长，\n双方同意合作。",
		"\xff\xfe [[also:1\xff]] \x00",
	} {
		f.Add(seed)
	}
	r := NewBodyRenderer()
	opt := RenderOptions{AlsoLabel: "Also <Read>:", Resolve: fuzzResolver}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := r.Render(src, opt)
		if len(src) > MaxBody {
			if err == nil {
				t.Fatalf("no error for a body of %d bytes", len(src))
			}
			return
		}
		if err != nil {
			t.Fatalf("Render: %v", err)
		}
		s := string(out)
		if !utf8.ValidString(s) {
			t.Fatalf("output is not valid UTF-8: %q", s)
		}
		if strings.Contains(strings.ToLower(s), "<script") {
			t.Fatalf("output has a script tag: %q", s)
		}
		if d := dangerousMarkup(s); d != "" {
			t.Fatalf("output has dangerous %s: %q", d, s)
		}
		checkAttributes(t, s)

		plain := PlainText(src)
		if !utf8.ValidString(plain) {
			t.Fatalf("plain text is not valid UTF-8: %q", plain)
		}
		for _, id := range AlsoRefs(src) {
			if id <= 0 {
				t.Fatalf("AlsoRefs returned id %d", id)
			}
		}
		for _, h := range Headings(src) {
			if h.Level < 2 || h.Level > 4 || h.ID == "" {
				t.Fatalf("bad heading %+v", h)
			}
		}
	})
}

// checkAttributes fails on an event handler attribute or a javascript: value
// in any attribute but title, whose text is shown and never run.
func checkAttributes(t *testing.T, s string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		for _, a := range z.Token().Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") {
				t.Fatalf("event attribute %s in %q", a.Key, s)
			}
			if key != "title" && strings.Contains(strings.ToLower(a.Val), "javascript:") {
				t.Fatalf("javascript: in attribute %s of %q", a.Key, s)
			}
		}
	}
}
