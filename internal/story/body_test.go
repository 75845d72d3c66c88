package story

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// testResolver stands in for the site's resolver, seen from an English page:
// 12 is an English story, 34 an Urdu one with no English translation, 56 a
// Chinese one; every other id is missing or killed.
func testResolver(id int64) (AlsoLink, bool) {
	switch id {
	case 12:
		return AlsoLink{Href: "/en/world/12-port-talks", Headline: "Port talks resume in Gwadar", Lang: "en", Dir: "ltr"}, true
	case 34:
		return AlsoLink{Href: "/ur/business/34", Headline: "بندرگاہ پر بات چیت دوبارہ شروع", Lang: "ur", Dir: "rtl", LangName: "اردو"}, true
	case 56:
		return AlsoLink{Href: "/zh/world/56", Headline: "港口谈判重新开始", Lang: "zh-Hans", Dir: "ltr", LangName: "中文"}, true
	case 78:
		return AlsoLink{Href: "/en/world/78", Headline: `Rates & "risks" <today>`, Lang: "en", Dir: "ltr"}, true
	case 90:
		return AlsoLink{Href: "javascript:alert(1)", Headline: "Bad href", Lang: "en", Dir: "ltr"}, true
	case 91:
		return AlsoLink{Href: "/en/world/91", Headline: "Odd attributes", Lang: `en" onclick="x`, Dir: "sideways"}, true
	case 92:
		return AlsoLink{Href: "/en/world/92", Headline: "  ", Lang: "en", Dir: "ltr"}, true
	}
	return AlsoLink{}, false
}

func TestRender(t *testing.T) {
	en := RenderOptions{AlsoLabel: "Also Read:", Resolve: testResolver}
	tests := []struct {
		name    string
		src     string
		opt     RenderOptions
		exact   string   // whole output, when set
		want    []string // fragments that must appear
		notWant []string // fragments that must not
	}{
		{
			name:  "paragraphs",
			src:   "First paragraph.\n\nSecond paragraph\ncontinues here.",
			exact: "<p>First paragraph.</p>\n<p>Second paragraph\ncontinues here.</p>\n",
		},
		{
			name:  "h2 and h3 with ids",
			src:   "## Trade links\n\n### Rail freight",
			exact: "<h2 id=\"trade-links\">Trade links</h2>\n<h3 id=\"rail-freight\">Rail freight</h3>\n",
		},
		{
			name:    "h1 demoted to h2",
			src:     "# Page title\n\nText.",
			want:    []string{`<h2 id="page-title">Page title</h2>`},
			notWant: []string{"<h1"},
		},
		{
			name:    "setext h1 demoted",
			src:     "Big heading\n===========\n",
			want:    []string{`<h2 id="big-heading">Big heading</h2>`},
			notWant: []string{"<h1"},
		},
		{
			name:    "h4 kept, h5 and h6 become h4",
			src:     "#### Four\n\n##### Five\n\n###### Six",
			want:    []string{`<h4 id="four">Four</h4>`, `<h4 id="five">Five</h4>`, `<h4 id="six">Six</h4>`},
			notWant: []string{"<h5", "<h6"},
		},
		{
			name: "duplicate headings get unique ids",
			src:  "## Reaction\n\n## Reaction\n\n## Reaction-2\n\n## Reaction",
			want: []string{
				`<h2 id="reaction">`, `<h2 id="reaction-2">Reaction</h2>`,
				`<h2 id="reaction-2-2">Reaction-2</h2>`, `<h2 id="reaction-3">Reaction</h2>`,
			},
		},
		{
			name: "heading id from text without markup or punctuation",
			src:  "## Trade & *Growth*: 2024!",
			want: []string{`<h2 id="trade-growth-2024">Trade &amp; <em>Growth</em>: 2024!</h2>`},
		},
		{
			name: "heading of punctuation only",
			src:  "## ???",
			want: []string{`<h2 id="section">???</h2>`},
		},
		{
			name:  "run-in heading",
			src:   "**Robust growth** Exports rose again this quarter.",
			exact: "<p><strong class=\"run-in\">Robust growth</strong> Exports rose again this quarter.</p>\n",
		},
		{
			name:    "bold inside a paragraph is plain",
			src:     "Exports rose **sharply** this quarter.",
			want:    []string{"<strong>sharply</strong>"},
			notWant: []string{"run-in"},
		},
		{
			name:    "bold from end to end is not a run-in heading",
			src:     "**Exports rose sharply.**",
			want:    []string{"<p><strong>Exports rose sharply.</strong></p>"},
			notWant: []string{"run-in"},
		},
		{
			name:    "italic start is not a run-in heading",
			src:     "*Quietly* exports rose.",
			want:    []string{"<em>Quietly</em>"},
			notWant: []string{"run-in", "<strong"},
		},
		{
			name:    "run-in only on the first bold span",
			src:     "**Rates** held, and **prices** fell.",
			want:    []string{`<strong class="run-in">Rates</strong>`, "<strong>prices</strong>"},
			notWant: []string{`<strong class="run-in">prices`},
		},
		{
			name:  "also read in the page language",
			src:   "Before.\n\n[[also:12]]\n\nAfter.",
			opt:   en,
			exact: "<p>Before.</p>\n<p class=\"also-read\"><span class=\"also-read-label\">Also Read:</span> <a href=\"/en/world/12-port-talks\" hreflang=\"en\" lang=\"en\" dir=\"ltr\">Port talks resume in Gwadar</a></p>\n<p>After.</p>\n",
		},
		{
			name: "also read in another language names it",
			src:  "[[also:34]]",
			opt:  en,
			want: []string{
				`<a href="/ur/business/34" hreflang="ur" lang="ur" dir="rtl">بندرگاہ پر بات چیت دوبارہ شروع</a>`,
				` <span class="also-read-lang" lang="ur" dir="rtl">(اردو)</span></p>`,
			},
		},
		{
			name:    "also read without a label",
			src:     "[[also:12]]",
			opt:     RenderOptions{Resolve: testResolver},
			want:    []string{`<p class="also-read"><a href="/en/world/12-port-talks"`},
			notWant: []string{"also-read-label"},
		},
		{
			name:    "unresolvable reference removes the paragraph",
			src:     "Before.\n\n[[also:999]]\n\nAfter.",
			opt:     en,
			exact:   "<p>Before.</p>\n<p>After.</p>\n",
			notWant: []string{"also", "999"},
		},
		{
			name:  "no resolver drops every reference",
			src:   "[[also:12]]\n\nSee [[also:34]] today.",
			opt:   RenderOptions{AlsoLabel: "Also Read:"},
			exact: "<p>See today.</p>\n",
		},
		{
			name: "tokens on consecutive lines become one block each",
			src:  "[[also:12]]\n[[also:999]]\n[[also:56]]",
			opt:  en,
			want: []string{
				`<p class="also-read"><span class="also-read-label">Also Read:</span> <a href="/en/world/12-port-talks"`,
				`<a href="/zh/world/56" hreflang="zh-Hans" lang="zh-Hans" dir="ltr">港口谈判重新开始</a> <span class="also-read-lang" lang="zh-Hans" dir="ltr">(中文)</span></p>`,
			},
			notWant: []string{"999"},
		},
		{
			name:    "token in running text is an inline link",
			src:     "Talks began after [[also:12]] last week.",
			opt:     en,
			exact:   "<p>Talks began after <a href=\"/en/world/12-port-talks\" hreflang=\"en\" lang=\"en\" dir=\"ltr\">Port talks resume in Gwadar</a> last week.</p>\n",
			notWant: []string{"Also Read"},
		},
		{
			name:  "unresolvable token in running text disappears",
			src:   "Talks began, see [[also:999]].",
			opt:   en,
			exact: "<p>Talks began, see.</p>\n",
		},
		{
			name:    "token inside a link shows only the headline",
			src:     "[Read [[also:12]]](https://example.org/a)",
			opt:     en,
			want:    []string{`<a href="https://example.org/a" rel="noopener">Read Port talks resume in Gwadar</a>`},
			notWant: []string{`<a href="/en/world/12`},
		},
		{
			name: "malformed tokens stay literal",
			src:  "[[also:]] [[also:abc]] [[also:99999999999999999999999]] [[also:0]] [[Also:12]] [[also:12]",
			opt:  en,
			want: []string{
				"[[also:]] [[also:abc]] [[also:99999999999999999999999]] [[also:0]] [[Also:12]] [[also:12]",
			},
			notWant: []string{"<a "},
		},
		{
			name:    "token in code is literal",
			src:     "Type `[[also:12]]` to link.",
			opt:     en,
			want:    []string{"<code>[[also:12]]</code>"},
			notWant: []string{"<a "},
		},
		{
			name: "Arabic-Indic and fullwidth digits",
			src:  "[[also:۱۲]]\n\n[[also:٥٦]]\n\n[[also:１２]]",
			opt:  en,
			want: []string{`href="/en/world/12-port-talks"`, `href="/zh/world/56"`},
		},
		{
			name: "headline and label are escaped",
			src:  "[[also:78]]",
			opt:  RenderOptions{AlsoLabel: "<b>Also</b>", Resolve: testResolver},
			want: []string{
				`<span class="also-read-label">&lt;b&gt;Also&lt;/b&gt;</span>`,
				`>Rates &amp; &#34;risks&#34; &lt;today&gt;</a>`,
			},
		},
		{
			name:    "resolver href with a bad scheme drops the reference",
			src:     "[[also:90]]\n\nEnd.",
			opt:     en,
			exact:   "<p>End.</p>\n",
			notWant: []string{"javascript", "Bad href"},
		},
		{
			name:    "resolver lang and dir that are not valid are left out",
			src:     "[[also:91]]",
			opt:     en,
			want:    []string{`<a href="/en/world/91">Odd attributes</a>`},
			notWant: []string{"onclick", "sideways", "lang="},
		},
		{
			name:  "resolver empty headline drops the reference",
			src:   "[[also:92]]",
			opt:   en,
			exact: "",
		},
		{
			name:  "external link gets noopener",
			src:   "[Agency site](https://example.org/news \"Home\")",
			exact: "<p><a href=\"https://example.org/news\" title=\"Home\" rel=\"noopener\">Agency site</a></p>\n",
		},
		{
			name:    "relative and mailto links have no rel",
			src:     "[Section](/en/world/) and [desk](mailto:desk@example.org)",
			want:    []string{`<a href="/en/world/">Section</a>`, `<a href="mailto:desk@example.org">desk</a>`},
			notWant: []string{"rel="},
		},
		{
			name: "autolinks",
			src:  "<https://example.org> and <desk@example.org>",
			want: []string{
				`<a href="https://example.org" rel="noopener">https://example.org</a>`,
				`<a href="mailto:desk@example.org">desk@example.org</a>`,
			},
		},
		{
			name:    "protocol-relative link is external",
			src:     "[x](//example.org/a)",
			want:    []string{`<a href="//example.org/a" rel="noopener">x</a>`},
			notWant: []string{},
		},
		{
			name:    "image dropped, alt text kept",
			src:     "Before ![A *crowded* quay](https://example.org/q.jpg) after.",
			exact:   "<p>Before A <em>crowded</em> quay after.</p>\n",
			notWant: []string{"<img", "q.jpg"},
		},
		{
			name:    "image inside a link keeps the link",
			src:     "[![Map](/m.png)](/en/map)",
			exact:   "<p><a href=\"/en/map\">Map</a></p>\n",
			notWant: []string{"<img"},
		},
		{
			name:  "lists, blockquote, emphasis",
			src:   "- one\n- *two*\n\n1. first\n2. **second**\n\n> A quote.",
			exact: "<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>\n<ol>\n<li>first</li>\n<li><strong>second</strong></li>\n</ol>\n<blockquote>\n<p>A quote.</p>\n</blockquote>\n",
		},
		{
			name: "ordered list start kept",
			src:  "3. third\n4. fourth",
			want: []string{`<ol start="3">`},
		},
		{
			name:    "inline raw HTML is shown as text",
			src:     "Profits rose when a<b and c>d held.",
			exact:   "<p>Profits rose when a&lt;b and c&gt;d held.</p>\n",
			notWant: []string{"<b "},
		},
		{
			name:    "comments are removed",
			src:     "Visible. <!-- desk: do not name the source -->\n\n<!--\nblock note\n-->\n\nEnd.",
			exact:   "<p>Visible. </p>\n<p>End.</p>\n",
			notWant: []string{"desk", "note", "<!--"},
		},
		{
			name:    "script block is removed",
			src:     "<script>alert(1)</script>\n\nText.",
			exact:   "<p>Text.</p>\n",
			notWant: []string{"alert"},
		},
		{
			name:  "div block is shown as text",
			src:   "<div class=\"x\">Kept words</div>",
			exact: "<p>&lt;div class=&#34;x&#34;&gt;Kept words&lt;/div&gt;</p>\n",
		},
		{
			name:    "no dir on the body",
			src:     "## عنوان\n\nمتن",
			notWant: []string{"dir="},
		},
		{
			name: "Urdu body",
			src: "## معاشی تعاون\n\n" +
				"**تیز رفتار ترقی** دونوں ملکوں کے درمیان تجارت پچھلے سال نمایاں طور پر بڑھی۔\n\n" +
				"[[also:34]]\n\n" +
				"### بندرگاہ\n\nنئی گودی پر کام اگلے ماہ شروع ہوگا، حکام نے بتایا۔",
			opt: RenderOptions{AlsoLabel: "یہ بھی پڑھیں:", Resolve: testResolver},
			want: []string{
				`<h2 id="معاشی-تعاون">معاشی تعاون</h2>`,
				`<p><strong class="run-in">تیز رفتار ترقی</strong> دونوں ملکوں`,
				`<p class="also-read"><span class="also-read-label">یہ بھی پڑھیں:</span> <a href="/ur/business/34" hreflang="ur" lang="ur" dir="rtl">`,
				`<h3 id="بندرگاہ">بندرگاہ</h3>`,
			},
		},
		{
			name: "Chinese body",
			src: "## 经贸合作\n\n" +
				"**增长强劲** 两国贸易额去年大幅增长，\n双方同意进一步扩大合作。\n\n" +
				"详情见[[also:56]]。",
			opt: RenderOptions{AlsoLabel: "另见：", Resolve: testResolver},
			want: []string{
				`<h2 id="经贸合作">经贸合作</h2>`,
				`<strong class="run-in">增长强劲</strong> 两国贸易额去年大幅增长，双方同意`,
				`<p>详情见<a href="/zh/world/56" hreflang="zh-Hans" lang="zh-Hans" dir="ltr">港口谈判重新开始</a>。</p>`,
			},
		},
	}
	r := NewBodyRenderer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.src, tt.opt)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			out := string(got)
			if tt.exact != "" || (tt.want == nil && tt.notWant == nil) {
				if out != tt.exact {
					t.Errorf("Render =\n%s\nwant\n%s", out, tt.exact)
				}
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

// dangerousMarkup walks rendered HTML and describes the first thing in it
// that could run script or load content, or "" when there is none. It
// parses rather than searches so that escaped text, which is harmless, is
// not mistaken for markup.
func dangerousMarkup(out string) string {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return ""
			}
			return "tokenizer: " + z.Err().Error()
		case html.CommentToken:
			return "comment"
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "img", "iframe", "object", "embed", "svg", "math", "form", "input", "link", "meta", "base":
				return "element " + tok.Data
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					return "event attribute " + a.Key
				}
				switch strings.ToLower(a.Key) {
				case "href", "src", "action", "formaction", "xlink:href":
					v := strings.ToLower(strings.TrimSpace(a.Val))
					if strings.Contains(v, ":") && !strings.HasPrefix(v, "http:") &&
						!strings.HasPrefix(v, "https:") && !strings.HasPrefix(v, "mailto:") &&
						(strings.Index(v, ":") < strings.IndexAny(v+"/", "/?#")) {
						return "URL " + a.Val
					}
				case "style":
					return "style attribute"
				}
			}
		}
	}
}

func TestRenderXSS(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		absent []string // also forbidden as plain substrings
	}{
		{"script tag inline", "Hi <script>alert(1)</script> there", []string{"<script"}},
		{"script block", "<script>\nalert(1)\n</script>", []string{"<script", "alert"}},
		{"script mixed case", "<ScRiPt>alert(1)</ScRiPt>", []string{"<script", "<ScRiPt"}},
		{"img onerror inline", "x <img src=x onerror=alert(1)> y", []string{"<img"}},
		{"img onerror block", "<img src=x onerror=alert(1)>", []string{"<img"}},
		{"svg onload", "<svg onload=alert(1)>", []string{"<svg"}},
		{"markdown javascript link", "[x](javascript:alert(1))", []string{"javascript:", "href"}},
		{"markdown javascript upper case", "[x](JaVaScRiPt:alert(1))", []string{"href", "alert"}},
		{"javascript link via numeric entity", "[x](&#106;avascript:alert(1))", []string{"href"}},
		{"javascript link via named entity", "[x](javascript&colon;alert(1))", []string{"href"}},
		{"javascript link via escape", "[x](javascript\\:alert(1))", []string{"href"}},
		{"javascript with leading space", "[x]( javascript:alert(1))", []string{"href"}},
		{"javascript with tab", "[x](<java\tscript:alert(1)>)", []string{"href"}},
		{"vbscript link", "[x](vbscript:msgbox(1))", []string{"href"}},
		{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", []string{"href", "data:"}},
		{"data autolink", "<data:text/html,hi>", []string{"href"}},
		{"javascript autolink", "<javascript:alert(1)>", []string{"href"}},
		{"raw anchor with data URL", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, []string{"<a ", "<script"}},
		{"raw anchor with javascript", `Click <a href="javascript:alert(1)">here</a>`, []string{"<a "}},
		{"reference link to javascript", "[x][r]\n\n[r]: javascript:alert(1)", []string{"href", "javascript:"}},
		{"image with javascript", "![x](javascript:alert(1))", []string{"<img", "javascript:"}},
		{"html comment", "a <!-- <script>alert(1)</script> --> b", []string{"<!--", "alert"}},
		{"comment block", "<!--\n<img src=x onerror=alert(1)>\n-->", []string{"<!--", "onerror"}},
		{"entity tricks in text", "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;", []string{"<script", "<img"}},
		{"iframe", "<iframe src=\"https://evil.example\"></iframe>", []string{"<iframe"}},
		{"style block", "<style>body{display:none}</style>", []string{"<style", "display"}},
		{"link title with quotes", `[x](/a "t\" onmouseover=\"alert(1)")`, []string{`" onmouseover`}},
		{"heading with markup", "## <img src=x onerror=alert(1)> News", []string{"<img"}},
		{"cdata", "<![CDATA[<script>alert(1)</script>]]>", []string{"<script"}},
	}
	r := NewBodyRenderer()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.src, RenderOptions{AlsoLabel: "Also Read:", Resolve: testResolver})
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			out := string(got)
			if d := dangerousMarkup(out); d != "" {
				t.Errorf("dangerous %s in output:\n%s", d, out)
			}
			for _, a := range tt.absent {
				if strings.Contains(out, a) {
					t.Errorf("output has %q:\n%s", a, out)
				}
			}
		})
	}
}

func TestRenderLimits(t *testing.T) {
	r := NewBodyRenderer()
	tests := []struct {
		name    string
		src     string
		wantErr bool
	}{
		{"empty", "", false},
		{"white space", " \n\n\t", false},
		{"exactly the limit", strings.Repeat("a", MaxBody), false},
		{"one byte over", strings.Repeat("a", MaxBody+1), true},
		{"multi-byte over", strings.Repeat("ب", MaxBody/2+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := r.Render(tt.src, RenderOptions{})
			if tt.wantErr {
				if !errors.Is(err, ErrBodyTooLarge) || !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want ErrBodyTooLarge and ErrInvalid", err)
				}
				if got != "" {
					t.Errorf("output %d bytes with an error", len(got))
				}
				return
			}
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
		})
	}
}

func TestRenderInvalidUTF8(t *testing.T) {
	r := NewBodyRenderer()
	for _, src := range []string{"bad \xff byte", "## head\xc3\n\ntext", "[x](/a\xfe)", "[[also:1\xff]]"} {
		got, err := r.Render(src, RenderOptions{})
		if err != nil {
			t.Fatalf("Render(%q): %v", src, err)
		}
		if !utf8.ValidString(string(got)) {
			t.Errorf("Render(%q) = %q: invalid UTF-8", src, got)
		}
	}
}

func TestRenderResolvesEachIDOnce(t *testing.T) {
	calls := make(map[int64]int)
	resolve := func(id int64) (AlsoLink, bool) {
		calls[id]++
		return testResolver(id)
	}
	src := "[[also:12]]\n\nSee [[also:12]] and [[also:999]], then [[also:999]].\n\n[[also:12]]"
	if _, err := NewBodyRenderer().Render(src, RenderOptions{Resolve: resolve}); err != nil {
		t.Fatal(err)
	}
	want := map[int64]int{12: 1, 999: 1}
	if !reflect.DeepEqual(calls, want) {
		t.Errorf("resolver calls = %v, want %v", calls, want)
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := NewBodyRenderer()
	srcs := []string{
		benchBody(),
		"## معاشی تعاون\n\n**تیز رفتار ترقی** تجارت بڑھی۔\n\n[[also:34]]",
		"## 经贸合作\n\n详情见[[also:56]]。",
		"[x](javascript:alert(1)) <script>alert(1)</script>",
	}
	labels := []string{"Also Read:", "یہ بھی پڑھیں:", "另见：", ""}
	// Each goroutine must get what a lone call gets.
	want := make([]template.HTML, len(srcs))
	for i, src := range srcs {
		var err error
		if want[i], err = r.Render(src, RenderOptions{AlsoLabel: labels[i], Resolve: testResolver}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for n := range 40 {
				i := (g + n) % len(srcs)
				got, err := r.Render(srcs[i], RenderOptions{AlsoLabel: labels[i], Resolve: testResolver})
				if err != nil {
					errs <- err
					return
				}
				if got != want[i] {
					errs <- fmt.Errorf("goroutine %d: source %d rendered differently", g, i)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestAlsoRefs(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []int64
	}{
		{"none", "Just text.", nil},
		{"one block", "[[also:12]]", []int64{12}},
		{"order of first appearance, no repeats", "[[also:34]]\n\nSee [[also:12]] and [[also:34]].\n\n[[also:12]]\n[[also:56]]", []int64{34, 12, 56}},
		{"in lists, quotes and headings", "- [[also:1]]\n\n> [[also:2]]\n\n## On [[also:3]]", []int64{1, 2, 3}},
		{"malformed tokens are not references", "[[also:]] [[also:abc]] [[also:99999999999999999999999]] [[also:0]] [[also: 5]]", nil},
		{"largest int64", "[[also:9223372036854775807]] [[also:9223372036854775808]]", []int64{9223372036854775807}},
		{"leading zeros", "[[also:007]]", []int64{7}},
		{"code is not a reference", "`[[also:12]]`\n\n    [[also:34]]\n\n```\n[[also:56]]\n```", nil},
		{"escaped bracket is not a reference", `\[[also:12]]`, nil},
		{"Arabic-Indic digits", "[[also:۳۴]] [[also:٥٦]]", []int64{34, 56}},
		{"mixed scripts of digits", "[[also:1۲]]", []int64{12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AlsoRefs(tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("AlsoRefs = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"empty", "", ""},
		{
			"headings and paragraphs",
			"# Title\n\n## Trade *links*\n\nFirst line\nsecond line.\n\n**Robust growth** Exports rose.",
			"Title\n\nTrade links\n\nFirst line second line.\n\nRobust growth Exports rose.",
		},
		{"references removed", "Before.\n\n[[also:12]]\n\nSee [[also:34]] today, or [[also:56]].", "Before.\n\nSee today, or."},
		{"malformed tokens stay", "Keep [[also:abc]] as typed.", "Keep [[also:abc]] as typed."},
		{"links and images keep their words", "[Agency](https://example.org) ![a quay](/q.jpg) <https://example.org/x>", "Agency a quay https://example.org/x"},
		{"escapes and entities resolved", `Price \*rose\* 5% &amp; more &copy; &#1575;`, "Price *rose* 5% & more © ا"},
		{"code keeps its text", "Use `a*b` here.\n\n```\nline one\nline two\n```", "Use a*b here.\n\nline one\nline two"},
		{"lists and quotes", "- one\n- two\n\n> quoted", "one\n\ntwo\n\nquoted"},
		{"hard line break kept", "first  \nsecond", "first\nsecond"},
		{"comments and scripts dropped, other HTML kept", "a <!-- note --> b\n\n<script>x()</script>\n\n<div>c</div>", "a b\n\n<div>c</div>"},
		{"Urdu", "## معاشی تعاون\n\nتجارت\nبڑھی۔", "معاشی تعاون\n\nتجارت بڑھی۔"},
		{"Chinese line break joins without space", "两国贸易额增长，\n双方同意合作。", "两国贸易额增长，双方同意合作。"},
		{"Chinese and Latin keep the space", "合作 with\n伙伴", "合作 with 伙伴"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.src); got != tt.want {
				t.Errorf("PlainText =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestHeadings(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []Heading
	}{
		{"none", "Text only.", nil},
		{
			"levels and ids",
			"# Top\n\n## Trade links\n\n### Rail *freight*\n\n###### Deep\n\n## Trade links",
			[]Heading{
				{2, "Top", "top"}, {2, "Trade links", "trade-links"}, {3, "Rail freight", "rail-freight"},
				{4, "Deep", "deep"}, {2, "Trade links", "trade-links-2"},
			},
		},
		{"Urdu", "## معاشی تعاون", []Heading{{2, "معاشی تعاون", "معاشی-تعاون"}}},
		{"Chinese", "## 经贸合作：新阶段", []Heading{{2, "经贸合作：新阶段", "经贸合作-新阶段"}}},
		{"reference left out of the id", "## See [[also:12]] now", []Heading{{2, "See now", "see-now"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Headings(tt.src); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Headings = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHeadingsMatchRender(t *testing.T) {
	src := benchBody()
	out, err := NewBodyRenderer().Render(src, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hs := Headings(src)
	if len(hs) == 0 {
		t.Fatal("no headings in the benchmark body")
	}
	for _, h := range hs {
		tag := fmt.Sprintf(`<h%d id="%s">`, h.Level, h.ID)
		if !strings.Contains(string(out), tag) {
			t.Errorf("rendered body lacks %s", tag)
		}
	}
}

func TestHeadingID(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Trade Links", "trade-links"},
		{"  Trade -- links!  ", "trade-links"},
		{"2024: a year", "2024-a-year"},
		{"", "section"},
		{"—", "section"},
		{"Économie", "économie"},
		{"E\u0301conomie", "économie"}, // decomposed input is composed
		{"معاشی تعاون", "معاشی-تعاون"},
		{"می\u200cخواهم", "میخواهم"}, // a joiner does not split a word
		{"经济合作", "经济合作"},
		{"Экономика и торговля", "экономика-и-торговля"},
		{strings.Repeat("a", 200), strings.Repeat("a", maxIDRunes)},
	}
	for _, tt := range tests {
		if got := headingID(tt.text); got != tt.want {
			t.Errorf("headingID(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestScanAlsoToken(t *testing.T) {
	tests := []struct {
		in     string
		id     int64
		length int
		ok     bool
	}{
		{"[[also:123]] rest", 123, 12, true},
		{"[[also:1]]", 1, 10, true},
		{"[[also:]]", 0, 0, false},
		{"[[also:abc]]", 0, 0, false},
		{"[[also:12a]]", 0, 0, false},
		{"[[also:12]", 0, 0, false},
		{"[[also:-1]]", 0, 0, false},
		{"[[also:0]]", 0, 0, false},
		{"[[also:9223372036854775807]]", 9223372036854775807, 28, true},
		{"[[also:9223372036854775808]]", 0, 0, false},
		{"[[also:99999999999999999999999]]", 0, 0, false},
		{"[[also:۱۲]]", 12, len("[[also:۱۲]]"), true},
		{"[also:12]", 0, 0, false},
	}
	for _, tt := range tests {
		id, n, ok := scanAlsoToken([]byte(tt.in))
		if id != tt.id || n != tt.length || ok != tt.ok {
			t.Errorf("scanAlsoToken(%q) = %d, %d, %v; want %d, %d, %v", tt.in, id, n, ok, tt.id, tt.length, tt.ok)
		}
	}
}

func TestLimitNesting(t *testing.T) {
	deepQuote := strings.Repeat("> ", maxNesting)
	deepList := strings.Repeat("- ", maxNesting)
	tests := []struct{ name, in, want string }{
		{"plain text", "Just words.\nMore words.", "Just words.\nMore words."},
		{"ordinary nesting", "> quote\n> > inner\n- a\n  - b\n    1. c", "> quote\n> > inner\n- a\n  - b\n    1. c"},
		{"thematic breaks and numbers", "---\n* * *\n1.5 million\n-word", "---\n* * *\n1.5 million\n-word"},
		{"at the limit", deepQuote + "x", deepQuote + "x"},
		{"quote beyond the limit", deepQuote + "> > x", deepQuote + "\\> > x"},
		{"packed quotes", strings.Repeat(">", maxNesting+3) + "x", strings.Repeat(">", maxNesting) + "\\>>>x"},
		{"list beyond the limit", deepList + "- x\nnext", deepList + "\\- x\nnext"},
		{"ordered beyond the limit", deepList + "12) x", deepList + "\\12) x"},
		{"deep indentation", strings.Repeat(" ", 2*maxNesting) + "- x", strings.Repeat(" ", 2*maxNesting) + "\\- x"},
		{"only the offending line changes", "a\n" + deepQuote + "> x\nb", "a\n" + deepQuote + "\\> x\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(limitNesting([]byte(tt.in))); got != tt.want {
				t.Errorf("limitNesting =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}

	// The words survive as text inside the deepest quote allowed.
	out, err := NewBodyRenderer().Render(strings.Repeat("> ", 1000)+"deep words", RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(out), "<blockquote>"); n != maxNesting {
		t.Errorf("%d nested quotes, want %d", n, maxNesting)
	}
	if !strings.Contains(string(out), "deep words") {
		t.Errorf("text lost:\n%s", out)
	}
}

// benchBody is a story of about a thousand words in the shape Qasid
// publishes: sections, run-in headings, references, a list and a quote.
func benchBody() string {
	sections := []struct{ h2, h3, runIn string }{
		{"Harbour expansion", "A second container berth", "Steady traffic"},
		{"Financing the works", "Loans and local bonds", "Careful budgets"},
		{"What residents say", "Fishing families", "Mixed feelings"},
	}
	var b strings.Builder
	b.WriteString("Officials in the coastal district said on Monday that work on the long-delayed harbour " +
		"extension would begin before the monsoon, ending two years of disputes over land, money and " +
		"the route of a new access road. The announcement came after a week of meetings between the " +
		"provincial transport department, the port authority and representatives of the fishing " +
		"cooperatives whose boats use the old jetty.\n\n")
	for i, s := range sections {
		fmt.Fprintf(&b, "## %s\n\n### %s\n\n", s.h2, s.h3)
		fmt.Fprintf(&b, "**%s** The port handled more cargo last year than in any year since it opened, "+
			"according to figures the authority released with the plan. Most of the growth came from "+
			"bagged cement, dates and frozen fish, with a smaller rise in machinery arriving for "+
			"factories further inland. Managers said the present quay could not take larger ships, "+
			"which now wait offshore for a day or more before a berth comes free.\n\n", s.runIn)
		b.WriteString("The plan adds a deeper berth, a storage yard on reclaimed ground and a " +
			"customs hall that merges three offices now spread across the town. Engineers expect the " +
			"dredging to take most of the first year, while the yard and the hall are built in " +
			"parallel by separate contractors. The authority has asked bidders to hire local workers " +
			"for at least half of the jobs on site, a condition that the chamber of commerce " +
			"welcomed but called hard to check.\n\n")
		fmt.Fprintf(&b, "[[also:%d]]\n\n", 12+i)
		b.WriteString("- a berth deep enough for feeder vessels;\n- a paved yard with cold storage;\n" +
			"- a single customs hall open at night.\n\n")
		b.WriteString("> We have waited long enough for this, and we will watch every contract, " +
			"said the head of one of the cooperatives.\n\n")
		b.WriteString("Critics in the provincial assembly questioned the cost, which has grown by a " +
			"fifth since the first estimate, and asked why the access road still crosses a wetland " +
			"that birds use in winter. The transport minister replied that the route had been moved " +
			"twice already and that a further change would delay the whole project. He promised that " +
			"an independent panel would review the environmental report before any road work starts, " +
			"and that its findings would be published in full on the department's website and read " +
			"out at open meetings in the affected villages, as the law requires for projects of this size. " +
			"See [[also:34]] for the earlier dispute, or the [department](https://example.org/transport) " +
			"for the documents.\n\n")
	}
	b.WriteString("The first phase is due to be finished in eighteen months. Officials said the second " +
		"phase, a breakwater and a passenger terminal, would depend on how traffic grows once the new " +
		"berth opens.\n")
	return b.String()
}

func BenchmarkRender(b *testing.B) {
	src := benchBody()
	r := NewBodyRenderer()
	opt := RenderOptions{AlsoLabel: "Also Read:", Resolve: testResolver}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(src, opt); err != nil {
			b.Fatal(err)
		}
	}
}
