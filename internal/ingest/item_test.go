package ingest

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

func TestLangCode(t *testing.T) {
	good := map[string]string{
		"en": "en", "EN-us": "en", "en_GB": "en", "eng": "en", "English": "en", " en ": "en",
		"ur": "ur", "ur-PK": "ur", "urd": "ur", "ur-IN": "ur",
		"zh": "zh", "zh-CN": "zh", "zh-Hans": "zh", "zh-Hans-CN": "zh", "zh-SG": "zh", "cmn": "zh", "zho": "zh", "chi": "zh",
		"ar": "ar", "ar-SA": "ar", "ara": "ar", "ru": "ru", "ru-RU": "ru", "rus": "ru",
		"fr": "fr", "fr-CA": "fr", "fra": "fr", "fre": "fr", "es": "es", "es-419": "es", "spa": "es", "": "",
	}
	for in, want := range good {
		if got, err := langCode(in); err != nil || got != want {
			t.Errorf("langCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"fa", "de", "he", "iw", "zh-Hant", "zh-TW", "zh-HK", "und", "x", "en-", "12", "Klingon", "ur\x00"} {
		if got, err := langCode(in); !errors.Is(err, ErrLanguage) {
			t.Errorf("langCode(%q) = %q, %v; want ErrLanguage", in, got, err)
		}
	}
}

func TestCapText(t *testing.T) {
	long := strings.Repeat("word ", 100) // 500 characters
	got := capText(long, 300)
	if n := utf8.RuneCountInString(got); n > 300 || n < 200 || !strings.HasSuffix(got, "word…") {
		t.Errorf("capText cut to %d characters: %q", n, got)
	}
	zh := strings.Repeat("巴基斯坦总理", 60) // 360 characters, no spaces
	if got := capText(zh, 300); utf8.RuneCountInString(got) != 300 || !strings.HasSuffix(got, "…") {
		t.Errorf("Chinese cut to %d characters", utf8.RuneCountInString(got))
	}
	if got := capText("short", 300); got != "short" {
		t.Errorf("capText changed a short text: %q", got)
	}
	// A cut never splits a multi-byte character and never leaves a
	// dangling comma before the ellipsis.
	if got := capText("aaaa, "+strings.Repeat("ب", 20), 8); !utf8.ValidString(got) || strings.Contains(got, ",…") {
		t.Errorf("capText = %q", got)
	}
}

func TestFirstSentence(t *testing.T) {
	tests := map[string]string{
		"افتتحت الوزارة مستشفى جديدا. وقال الوزير إنه سيخدم الحي.": "افتتحت الوزارة مستشفى جديدا",
		"حکومت نے اعلان کیا۔ دوسرا جملہ۔":                          "حکومت نے اعلان کیا",
		"官员说，港口周二清理了积压。港务局增加了夜班。":                                  "官员说，港口周二清理了积压",
		"Prices rose 3.5% in the U.S. economy. Next.":              "Prices rose 3.5% in the U.S. economy",
		"Is it over? Yes.":                         "Is it over?",
		"No full stop at all":                      "No full stop at all",
		"First paragraph only\nSecond. Paragraph.": "First paragraph only",
		"": "",
	}
	for in, want := range tests {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanBody(t *testing.T) {
	tests := map[string]string{
		"  one  \r\n\r\n two\t\tthree \n\n\n": "one\ntwo three",
		"a\u2029b\u2028c\rd":                  "a\nb\nc\nd",
		"bell\x07 null\x00 c1\u0085 ok\uFFFE": "bell null c1 ok",
		"Paris\u00a0: le «\u202fmot\u202f»":   "Paris\u00a0: le «\u202fmot\u202f»",
		"\u3000\u3000中文段落。":                   "中文段落。",
		"e\u0301t\u0065\u0301":                "été",
		"":                                    "",
		"\n \n":                               "",
	}
	for in, want := range tests {
		if got := cleanBody(in); got != want {
			t.Errorf("cleanBody(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHTMLText(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>One</p><p>Two &amp; three</p>`, "One\nTwo & three"},
		{`<div><h2>Title</h2>Text<br>more<br/>end</div>`, "Title\nText\nmore\nend"},
		{"<p>line\nbreaks in\r\nsource</p>", "line breaks in source"},
		{"<pre>keep\nthese</pre>", "keep\nthese"},
		{`<p>a<script>alert("x")</script>b<style>p{}</style>c</p>`, "abc"},
		{`<figure><img src="x.jpg"><figcaption>Photo: AP</figcaption></figure><p>Story</p>`, "Story"},
		{`<svg><text>drawn</text></svg><p>after</p>`, "after"},
		{`<ul><li>one</li><li>two</li></ul>`, "one\ntwo"},
		{`<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>`, "a b\nc"},
		{`&lt;p&gt; is escaped &nbsp;&#x1F600;&copy;`, "<p> is escaped \u00a0😀©"},
		{`<![CDATA[hidden]]>text<!-- comment -->`, "text"},
		{`unclosed <b>bold <i>italic`, "unclosed bold italic"},
		{`</script></p>stray ends`, "\nstray ends"},
		{`plain text without markup`, "plain text without markup"},
	}
	for _, tc := range tests {
		if got := cleanBody(htmlText(tc.in)); got != cleanBody(tc.want) {
			t.Errorf("htmlText(%q) = %q, want %q", tc.in, got, cleanBody(tc.want))
		}
	}
}

// TestHTMLTextDeepNesting proves that hostile nesting costs linear time:
// the tree parser would need seconds for this, the tokenizer milliseconds.
func TestHTMLTextDeepNesting(t *testing.T) {
	in := strings.Repeat("<div><span>", 100000) + "deep" + strings.Repeat("</span></div>", 100000)
	if got := cleanBody(htmlText(in)); got != "deep" {
		t.Errorf("got %.50q", got)
	}
	unclosed := strings.Repeat("<svg>", 50000) + "gone"
	if got := cleanBody(htmlText(unclosed)); got != "" {
		t.Errorf("text inside unclosed svg survived: %.50q", got)
	}
}

func TestFinishRules(t *testing.T) {
	opt := Options{MaxBody: 100}
	base := rawItem{guid: "g", lang: "en", headline: "Headline", body: "Body."}
	tests := []struct {
		name   string
		change func(r *rawItem)
		err    error
		check  func(it Item) bool
	}{
		{"ok", func(r *rawItem) {}, nil, func(it Item) bool { return it.Headline == "Headline" && it.Body == "Body." }},
		{"guid trimmed", func(r *rawItem) { r.guid = "  g\t" }, nil, func(it Item) bool { return it.GUID == "g" }},
		{"no guid", func(r *rawItem) { r.guid = " \n " }, ErrNoGUID, nil},
		{"guid too long", func(r *rawItem) { r.guid = strings.Repeat("g", MaxGUID+1) }, ErrTooLarge, nil},
		{"no language", func(r *rawItem) { r.lang = "" }, ErrLanguage, nil},
		{"unknown language", func(r *rawItem) { r.lang = "de-DE" }, ErrLanguage, nil},
		{"invalid UTF-8 headline", func(r *rawItem) { r.headline = "bad \xff byte" }, ErrEncoding, nil},
		{"invalid UTF-8 tag", func(r *rawItem) { r.tags = []string{"ok", "\xc3"} }, ErrEncoding, nil},
		{"repaired document", func(r *rawItem) { r.repaired, r.body = true, "was \uFFFD broken" }, ErrEncoding, nil},
		{"repaired document, clean item", func(r *rawItem) { r.repaired = true }, nil, nil},
		{"headline from body", func(r *rawItem) { r.headline, r.body = " ", "First. Second." }, nil, func(it Item) bool { return it.Headline == "First" }},
		{"nothing to show", func(r *rawItem) { r.headline, r.body = "", "<p> </p>"; r.isHTML = true }, ErrNoHeadline, nil},
		{"long headline cut", func(r *rawItem) { r.headline = strings.Repeat("long words ", 50) }, nil,
			func(it Item) bool {
				return utf8.RuneCountInString(it.Headline) <= story.MaxHeadline && strings.HasSuffix(it.Headline, "…")
			}},
		{"body over the limit", func(r *rawItem) { r.body = strings.Repeat("x", 101) }, ErrTooLarge, nil},
		{"body at the limit", func(r *rawItem) { r.body = strings.Repeat("x", 100) }, nil, nil},
		{"HTML far over the limit", func(r *rawItem) { r.isHTML, r.body = true, strings.Repeat("<b></b>", 200) }, ErrTooLarge, nil},
		{"HTML over the limit, text within", func(r *rawItem) { r.isHTML, r.body = true, "<p>"+strings.Repeat("<b></b>", 20)+"short</p>" }, nil,
			func(it Item) bool { return it.Body == "short" }},
		{"headline HTML", func(r *rawItem) { r.headline, r.headlineHTML = "A &amp; <em>B</em>", true }, nil, func(it Item) bool { return it.Headline == "A & B" }},
		{"headline one line", func(r *rawItem) { r.headline = "two\nlines\r\nhere" }, nil, func(it Item) bool { return it.Headline == "two lines here" }},
		{"tags", func(r *rawItem) {
			r.tags = append([]string{" Sport ", "sport", "", strings.Repeat("x", story.MaxTag+1)}, strings.Split(strings.Repeat("t,", 40), ",")...)
			for i := range r.tags[4:] {
				r.tags[4+i] += strings.Repeat("i", i)
			}
		}, nil, func(it Item) bool { return len(it.Tags) == story.MaxTags && it.Tags[0] == "Sport" && it.Tags[1] == "t" }},
		{"section lower case", func(r *rawItem) { r.section = " World News " }, nil, func(it Item) bool { return it.Section == "world news" }},
		// Lower case can be longer than upper case ("İ" is "i" and a dot).
		{"section cut after lower case", func(r *rawItem) { r.section = strings.Repeat("İ", 40) }, nil, func(it Item) bool { return utf8.RuneCountInString(it.Section) <= maxSection }},
		{"family key too long", func(r *rawItem) { r.family = strings.Repeat("f", maxFamily+1) }, nil, func(it Item) bool { return it.FamilyKey == "" }},
		{"javascript url", func(r *rawItem) { r.url = "javascript:alert(1)" }, nil, func(it Item) bool { return it.URL == "" }},
		{"relative url", func(r *rawItem) { r.url = "/news/1" }, nil, func(it Item) bool { return it.URL == "" }},
		{"ancient date", func(r *rawItem) { r.published = mustTime(t, "0001-01-02T00:00:00Z") }, nil, func(it Item) bool { return it.Published.IsZero() }},
		{"date to UTC", func(r *rawItem) { r.published = mustTime(t, "2025-03-01T10:00:00+05:00") }, nil,
			func(it Item) bool {
				return it.Published.Equal(mustTime(t, "2025-03-01T05:00:00Z")) && it.Published.Location().String() == "UTC"
			}},
		{"source from options", func(r *rawItem) {}, nil, func(it Item) bool { return it.Source == "Opt" }},
		{"own source wins", func(r *rawItem) { r.source = "Own" }, nil, func(it Item) bool { return it.Source == "Own" }},
	}
	for _, tc := range tests {
		r := base
		tc.change(&r)
		o := opt
		o.Source = "Opt"
		it, err := finish(r, &o)
		switch {
		case tc.err != nil && !errors.Is(err, tc.err):
			t.Errorf("%s: err %v, want %v", tc.name, err, tc.err)
		case tc.err == nil && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err == nil:
			if err := checkItem(it, o.MaxBody); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			if tc.check != nil && !tc.check(it) {
				t.Errorf("%s: %+v", tc.name, it)
			}
		}
	}
}
