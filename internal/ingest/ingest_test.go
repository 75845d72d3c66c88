package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// result is what one Read gave.
type result struct {
	items []Item
	stats Stats
	err   error
}

// read runs Read on s and checks every item against the rules all items
// must keep.
func read(t testing.TB, f Format, s string, opt Options) result {
	t.Helper()
	var res result
	res.stats, res.err = Read(context.Background(), strings.NewReader(s), f, opt, func(it Item) error {
		res.items = append(res.items, it)
		return nil
	})
	maxBody := opt.MaxBody
	if maxBody <= 0 {
		maxBody = story.MaxBody
	}
	for _, it := range res.items {
		if err := checkItem(it, maxBody); err != nil {
			t.Errorf("%s item %q breaks a rule: %v\n%+v", f, it.GUID, err, it)
		}
	}
	if res.stats.Items != len(res.items) {
		t.Errorf("stats say %d items, fn saw %d", res.stats.Items, len(res.items))
	}
	if opt.Bad == nil && res.stats.Bad <= maxKeptErrors && len(res.stats.Errors) != res.stats.Bad {
		t.Errorf("stats say %d bad items and keep %d errors", res.stats.Bad, len(res.stats.Errors))
	}
	return res
}

// readFile reads a testdata file in the format Detect finds for it.
func readFile(t *testing.T, name string, opt Options) result {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Detect(name, b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return read(t, f, string(b), opt)
}

// checkItem is the package's promise about every Item (see the package
// documentation), as one function the tests and fuzzers share.
func checkItem(it Item, maxBody int) error {
	texts := map[string]string{
		"guid": it.GUID, "url": it.URL, "lang": it.Lang, "headline": it.Headline, "summary": it.Summary,
		"body": it.Body, "byline": it.Byline, "section": it.Section, "source": it.Source, "family": it.FamilyKey,
	}
	for i, tag := range it.Tags {
		texts["tag "+string(rune('0'+i%10))] = tag
	}
	for name, s := range texts {
		switch {
		case !utf8.ValidString(s):
			return errors.New(name + " is not valid UTF-8")
		case !norm.NFC.IsNormalString(s):
			return errors.New(name + " is not NFC")
		case strings.IndexFunc(s, func(r rune) bool { return badRune(r) || r == '\t' || r == '\r' }) >= 0:
			return errors.New(name + " holds a control character")
		case s != strings.TrimFunc(s, unicode.IsSpace):
			return errors.New(name + " is not trimmed")
		case name != "body" && strings.ContainsRune(s, '\n'):
			return errors.New(name + " is not one line")
		}
	}
	if _, ok := lang.Get(it.Lang); !ok {
		return errors.New("language " + it.Lang + " is not ours")
	}
	switch {
	case it.GUID == "" || len(it.GUID) > MaxGUID:
		return errors.New("bad guid length")
	case it.Headline == "" || utf8.RuneCountInString(it.Headline) > story.MaxHeadline:
		return errors.New("bad headline length")
	case len(it.Body) > maxBody:
		return errors.New("body over the limit")
	case strings.Contains(it.Body, "\n\n") || strings.Contains(it.Body, "  "):
		return errors.New("body has empty paragraphs or runs of spaces")
	case utf8.RuneCountInString(it.Summary) > story.MaxSummary || utf8.RuneCountInString(it.Byline) > story.MaxByline:
		return errors.New("summary or byline too long")
	case utf8.RuneCountInString(it.Section) > maxSection || it.Section != strings.ToLower(it.Section):
		return errors.New("section too long or not lower case")
	case len(it.Tags) > story.MaxTags:
		return errors.New("too many tags")
	case it.URL != "" && !strings.HasPrefix(it.URL, "http://") && !strings.HasPrefix(it.URL, "https://"):
		return errors.New("url is not http(s)")
	case !it.Published.IsZero() && it.Published.Location().String() != "UTC",
		!it.Updated.IsZero() && it.Updated.Location().String() != "UTC":
		return errors.New("a time is not UTC")
	case it.Version < 0:
		return errors.New("negative version")
	}
	for _, tag := range it.Tags {
		if tag == "" || utf8.RuneCountInString(tag) > story.MaxTag {
			return errors.New("bad tag " + tag)
		}
	}
	return nil
}

// errorsOf returns the refused items' errors as text, for messages.
func errorsOf(st Stats) string {
	var b strings.Builder
	for _, e := range st.Errors {
		b.WriteString("\n  " + e.Error())
	}
	return b.String()
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format // "" means an error
	}{
		{"x.jsonl", `{"id": "a:1:en", "lang": "en", "headline": "h"}`, JSONL},
		{"x", "\uFEFF  \n{\"id\": \"a\", \"lang\": \"ur\"}", JSONL},
		{"x.json", `{"uri": "https://x/1", "headlines": []}`, NINJS},
		{"x.jsonl", `{"uri": "https://x/1", "language": "en"}`, NINJS},
		{"x", `[{"uri": "https://x/1"}]`, NINJS},
		{"x", "{\n  \"body_html\": \"<p>\",\n  \"headline\": \"x\"\n}", NINJS},
		// Nested values do not count: only the item's own keys.
		{"x", `{"headline": {"uri": 1, "guid": 2}, "id": "a", "lang": "en"}`, JSONL},
		// Cut in the middle of the first object: the keys seen decide.
		{"x", `{"id": "a", "lang": "en", "body": "very long bo`, JSONL},
		// Keys that say nothing: the extension decides.
		{"x.ndjson", `{"headline": "x"}`, JSONL},
		{"x.ninjs", `{"headline": "x"}`, NINJS},
		{"x.txt", `{"headline": "x"}`, ""},
		{"feed.xml", `<?xml version="1.0"?><rss version="2.0"><channel>`, RSS},
		{"feed", `<?xml version="1.0"?><!-- c --><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">`, RSS},
		{"x.rss", `<feed xmlns="http://www.w3.org/2005/Atom">`, Atom},
		{"x", `<?xml version="1.0" encoding="windows-1256"?><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/">`, NewsML},
		{"x", `<newsItem guid="x">`, NewsML},
		{"x.rss", `<html><body>not a feed</body></html>`, ""},
		{"x", `<?xml version="1.0"?>`, ""},
		{"x", ``, ""},
		{"x", " \n\t", ""},
		{"x", "\xff\xfe<\x00r\x00s\x00s\x00", ""},
		{"x", "id,lang,headline\n1,en,x", ""},
		{"x.jsonl", "\x00\x01binary", ""},
	}
	for _, tc := range tests {
		got, err := Detect(tc.name, []byte(tc.head))
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("Detect(%q, %q) = %s, want an error", tc.name, tc.head, got)
		case tc.want == "" && !errors.Is(err, ErrUnknownFormat):
			t.Errorf("Detect(%q, %q) error %v is not ErrUnknownFormat", tc.name, tc.head, err)
		case tc.want != "" && (err != nil || got != tc.want):
			t.Errorf("Detect(%q, %q) = %q, %v; want %s", tc.name, tc.head, got, err, tc.want)
		}
	}
}

func TestSniffReplaysTheHead(t *testing.T) {
	// Longer than DetectSize, so that the head and the rest both matter.
	var b strings.Builder
	for i := range 400 {
		b.WriteString(`{"id":"t:` + strconv.Itoa(i) + `:en","lang":"en","headline":"Item","body":"Text."}` + "\n")
	}
	f, r, err := Sniff("big.jsonl", strings.NewReader(b.String()))
	if err != nil || f != JSONL {
		t.Fatalf("Sniff = %s, %v", f, err)
	}
	n := 0
	st, err := Read(context.Background(), r, f, Options{}, func(Item) error { n++; return nil })
	if err != nil || n != 400 || st.Bad != 0 {
		t.Fatalf("read %d items, %d bad, err %v; want 400", n, st.Bad, err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]Format{"jsonl": JSONL, "JSONL": JSONL, " ndjson ": JSONL, "rss": RSS, "Atom": Atom,
		"ninjs": NINJS, "newsml": NewsML, "NewsML-G2": NewsML} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "csv", "json", "xml"} {
		if _, err := ParseFormat(in); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("ParseFormat(%q) = %v, want ErrUnknownFormat", in, err)
		}
	}
	for _, f := range Formats() {
		if got, err := ParseFormat(f.String()); err != nil || got != f {
			t.Errorf("ParseFormat(%q) does not give it back: %q, %v", f, got, err)
		}
	}
}

func TestReadOptions(t *testing.T) {
	lines := `{"id":"a","headline":"One","body":"x"}` + "\n" + `{"id":"b","lang":"en","headline":"Two","body":"y"}` + "\n"

	t.Run("no default language", func(t *testing.T) {
		res := read(t, JSONL, lines, Options{})
		if len(res.items) != 1 || res.stats.Bad != 1 || !errors.Is(res.stats.Errors[0].Err, ErrLanguage) {
			t.Fatalf("items %d, errors %v", len(res.items), errorsOf(res.stats))
		}
	})
	t.Run("default language", func(t *testing.T) {
		res := read(t, JSONL, lines, Options{Lang: "ur-PK", Source: " Feed\tname "})
		if len(res.items) != 2 || res.items[0].Lang != "ur" || res.items[1].Lang != "en" || res.items[0].Source != "Feed name" {
			t.Fatalf("items %+v", res.items)
		}
	})
	t.Run("forced language", func(t *testing.T) {
		res := read(t, JSONL, lines, Options{Lang: "ar", ForceLang: true})
		if len(res.items) != 2 || res.items[0].Lang != "ar" || res.items[1].Lang != "ar" {
			t.Fatalf("items %+v", res.items)
		}
	})
	t.Run("bad options", func(t *testing.T) {
		for _, opt := range []Options{{Lang: "fa"}, {Lang: "zh-TW"}, {ForceLang: true}} {
			if _, err := Read(context.Background(), strings.NewReader(lines), JSONL, opt, func(Item) error { return nil }); err == nil {
				t.Errorf("Read accepts %+v", opt)
			}
		}
		if _, err := Read(context.Background(), strings.NewReader(lines), "csv", Options{}, func(Item) error { return nil }); !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("format csv: %v", err)
		}
		if _, err := Read(context.Background(), strings.NewReader(lines), JSONL, Options{}, nil); err == nil {
			t.Error("Read accepts a nil fn")
		}
	})
	t.Run("bad callback", func(t *testing.T) {
		var got []ItemError
		res := read(t, JSONL, lines, Options{Bad: func(e ItemError) { got = append(got, e) }})
		if len(got) != 1 || got[0].Pos != "line 1" || got[0].GUID != "a" || res.stats.Bad != 1 || len(res.stats.Errors) != 0 {
			t.Fatalf("Bad saw %v; stats %+v", got, res.stats)
		}
		if msg := got[0].Error(); !strings.Contains(msg, `line 1 (guid "a")`) || !strings.Contains(msg, "language") {
			t.Errorf("error message %q", msg)
		}
	})
	t.Run("max items", func(t *testing.T) {
		res := read(t, JSONL, lines+lines, Options{Lang: "en", MaxItems: 3})
		if !errors.Is(res.err, ErrTooManyItems) || len(res.items) != 3 {
			t.Fatalf("err %v after %d items", res.err, len(res.items))
		}
		res = read(t, JSONL, lines, Options{Lang: "en", MaxItems: 2})
		if res.err != nil || len(res.items) != 2 {
			t.Fatalf("exactly MaxItems: err %v after %d items", res.err, len(res.items))
		}
	})
	t.Run("fn error stops", func(t *testing.T) {
		stop := errors.New("store is full")
		n := 0
		st, err := Read(context.Background(), strings.NewReader(lines+lines), JSONL, Options{Lang: "en"}, func(Item) error {
			n++
			if n == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 2 || st.Items != 1 || !strings.Contains(err.Error(), "line 2") {
			t.Fatalf("err %v, fn called %d times, stats %+v", err, n, st)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		n := 0
		_, err := Read(ctx, strings.NewReader(lines+lines), JSONL, Options{Lang: "en"}, func(Item) error {
			n++
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) || n != 1 {
			t.Fatalf("err %v after %d items", err, n)
		}
	})
	t.Run("kept errors are capped", func(t *testing.T) {
		bad := strings.Repeat("{}\n", maxKeptErrors+50)
		res := read(t, JSONL, bad, Options{})
		if res.stats.Bad != maxKeptErrors+50 || len(res.stats.Errors) != maxKeptErrors {
			t.Fatalf("bad %d, kept %d", res.stats.Bad, len(res.stats.Errors))
		}
	})
}

// TestEveryFormatSameItem reads one story written in each format and
// expects the same Item from all of them: the formats differ, the rules
// do not.
func TestEveryFormatSameItem(t *testing.T) {
	inputs := map[Format]string{
		JSONL: `{"id":"urn:x:1","lang":"ur","headline":"  بارش  کا امکان ","body":"کل بارش ہو گی۔\nسردی بڑھے گی۔","published":"2025-01-02T03:04:05Z","url":"https://x.example/1"}`,
		RSS: `<rss version="2.0"><channel><title>T</title><language>ur</language><item><guid>urn:x:1</guid><link>https://x.example/1</link>
			<title>بارش کا امکان</title><pubDate>Thu, 02 Jan 2025 03:04:05 GMT</pubDate><description><![CDATA[<p>کل بارش ہو گی۔</p><p>سردی بڑھے گی۔</p>]]></description></item></channel></rss>`,
		Atom: `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ur"><title>T</title><entry><id>urn:x:1</id><link href="https://x.example/1"/>
			<title>بارش کا امکان</title><published>2025-01-02T03:04:05Z</published><content type="html">&lt;p&gt;کل بارش ہو گی۔&lt;/p&gt;&lt;p&gt;سردی بڑھے گی۔&lt;/p&gt;</content></entry></feed>`,
		NINJS: `{"uri":"urn:x:1","language":"ur","headlines":[{"value":"بارش کا امکان"}],"firstCreated":"2025-01-02T08:04:05+05:00",
			"bodies":[{"contentType":"text/html","value":"<p>کل بارش ہو گی۔</p><p>سردی بڑھے گی۔</p>"}],"renditions":[{"name":"web","href":"https://x.example/1"}]}`,
		NewsML: `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1"><itemMeta><firstCreated>2025-01-02T03:04:05Z</firstCreated>
			<link rel="irel:seeAlso" href="https://x.example/1" contenttype="text/html"/></itemMeta><contentMeta><language tag="ur"/><headline>بارش کا امکان</headline></contentMeta>
			<contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>کل بارش ہو گی۔</p><p>سردی بڑھے گی۔</p></body></html></inlineXML></contentSet></newsItem>`,
	}
	for f, in := range inputs {
		res := read(t, f, in, Options{})
		if res.err != nil || len(res.items) != 1 {
			t.Fatalf("%s: %d items, err %v%s", f, len(res.items), res.err, errorsOf(res.stats))
		}
		it := res.items[0]
		if it.GUID != "urn:x:1" || it.Lang != "ur" || it.Headline != "بارش کا امکان" || it.Body != "کل بارش ہو گی۔\nسردی بڑھے گی۔" ||
			it.URL != "https://x.example/1" || !it.Published.Equal(mustTime(t, "2025-01-02T03:04:05Z")) {
			t.Errorf("%s gives %+v", f, it)
		}
	}
}

func TestItemErrorNamesPosition(t *testing.T) {
	e := ItemError{Pos: "item 3", GUID: strings.Repeat("g", 500), Err: ErrNoHeadline}
	if msg := e.Error(); !strings.HasPrefix(msg, `item 3 (guid "ggg`) || len(msg) > 200 || !errors.Is(e, ErrNoHeadline) {
		t.Errorf("%q", msg)
	}
	if msg := (ItemError{Pos: "line 2", Err: ErrEncoding}).Error(); msg != "line 2: invalid UTF-8" {
		t.Errorf("%q", msg)
	}
}

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
