package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzOptions are small limits, so that the fuzzer reaches them.
var fuzzOptions = Options{Lang: "en", MaxBody: 4096, MaxLine: 1 << 16, MaxDocument: 1 << 20, MaxItems: 1000}

// fuzzRead reads data as format f and checks what every Read promises,
// whatever the input: no panic, every item keeps the rules, the counts add
// up, and every refused item says where and why. It returns the stats and
// the fatal error for format-specific checks.
func fuzzRead(t *testing.T, f Format, data []byte) (Stats, error) {
	// Detection must never panic either, and names a real format.
	if got, err := Detect("input", data); err == nil {
		if _, perr := ParseFormat(got.String()); perr != nil {
			t.Fatalf("Detect gave %q", got)
		}
	}
	opt := fuzzOptions
	var bad []ItemError
	opt.Bad = func(e ItemError) { bad = append(bad, e) }
	items := 0
	st, err := Read(context.Background(), bytes.NewReader(data), f, opt, func(it Item) error {
		items++
		if err := checkItem(it, opt.MaxBody); err != nil {
			t.Fatalf("item %+v breaks a rule: %v", it, err)
		}
		if fp := Fingerprint(it.Body); fp != Fingerprint(it.Body) {
			t.Fatal("Fingerprint is not deterministic")
		}
		return nil
	})
	if st.Items != items || st.Bad != len(bad) || len(st.Errors) != 0 {
		t.Fatalf("stats %+v, but fn saw %d items and Bad %d", st, items, len(bad))
	}
	for _, e := range bad {
		if e.Pos == "" || e.Err == nil || e.Error() == "" {
			t.Fatalf("item error without position or cause: %#v", e)
		}
	}
	if err != nil && err.Error() == "" {
		t.Fatal("fatal error without a message")
	}
	return st, err
}

// seed adds the testdata files with the given extensions and the inputs.
func seed(f *testing.F, exts []string, inputs ...string) {
	for _, ext := range exts {
		files, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, in := range inputs {
		f.Add([]byte(in))
	}
}

// nonBlankLines counts the lines a line reader treats as items.
func nonBlankLines(data []byte) int {
	n := 0
	for i, l := range bytes.Split(data, []byte("\n")) {
		if i == 0 {
			l = bytes.TrimPrefix(l, []byte("\uFEFF"))
		}
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n
}

func FuzzReadJSONL(f *testing.F) {
	seed(f, []string{".jsonl"},
		`{"id":"a","lang":"ur","headline":"","body":"پہلا جملہ۔ دوسرا۔"}`,
		"{\"id\":\"b\",\"lang\":\"en\",\n\"headline\":\"x\"}\r\n\n",
		"\uFEFF{\"id\":\"c\",\"lang\":\"zh-TW\",\"headline\":\"x\"}",
		`{"id":"d","lang":"en","headline":"`+"\xff"+`"}`,
		`[[[[[[[[[[`,
		`{"id":"e","lang":"en","headline":"h","tags":["a","A"," ",""],"published":"2025-13-45"}`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := fuzzRead(t, JSONL, data)
		// Every line that is not blank is an item or an error, never
		// nothing.
		if err == nil && st.Items+st.Bad != nonBlankLines(data) {
			t.Fatalf("%d items and %d errors for %d lines", st.Items, st.Bad, nonBlankLines(data))
		}
	})
}

func FuzzReadNINJS(f *testing.F) {
	seed(f, []string{".json", "ninjs1-lines.jsonl"},
		`[{"uri":"u","language":"ar","headlines":[{"value":"<b>x</b>","contentType":"text/html"}]}]`,
		"{\n\"uri\":\"u\",\"language\":\"fr\",\"body_html\":\"<p>a</p><script>x</script>\"\n}",
		`{"uri":"u","altids":{"family":"f"},"renditions":{"web":{"href":"https://x"}},"version":7}`,
		`[]`, `[1,"a",null]`, `{"uri":`,
	)
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := fuzzRead(t, NINJS, data)
		// Nothing at all comes back only from empty arrays.
		if err == nil && st.Items+st.Bad == 0 {
			if rest := strings.Trim(strings.TrimPrefix(string(data), "\uFEFF"), " \t\r\n[]"); rest != "" {
				t.Fatalf("no item and no error from %q", data)
			}
		}
	})
}

func FuzzReadRSS(f *testing.F) {
	seed(f, []string{".rss"},
		`<rss version="2.0"><channel><language>ar</language><item><link>/a</link><title>&lt;b&gt;x</title></item></channel></rss>`,
		`<?xml version="1.0" encoding="windows-1256"?><rss><channel><item><guid>g</guid><title>`+"\xc7\xe1"+`</title></item></channel></rss>`,
		`<!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><item><guid>&b;</guid></item></channel></rss>`,
		`<rss><channel><item><guid>a</guid><title>t</title></item><item><guid>b`,
	)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, RSS, data) })
}

func FuzzReadAtom(f *testing.F) {
	seed(f, []string{".atom"},
		`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ru"><entry><id>1</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">x</div></title></entry></feed>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><content type="html">&lt;p&gt;a</content></entry><entry><id>2`,
	)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, Atom, data) })
}

func FuzzReadNewsML(f *testing.F) {
	seed(f, []string{"newsml-item.xml", "newsml-message.xml"},
		`<newsItem guid="g"><contentMeta><language tag="es"/><headline><![CDATA[a < b]]></headline></contentMeta></newsItem>`,
		`<newsMessage><itemSet><newsItem guid="1"><contentMeta><language tag="en"/><headline>x</headline></contentMeta></newsItem><newsItem guid="2">`,
		`<newsItem guid="g"><contentSet><inlineData encoding="base64">!!</inlineData></contentSet></newsItem>`,
		`<newsItem guid="g"><contentMeta><language tag="en"/></contentMeta><contentSet><inlineXML contenttype="application/nitf+xml"><nitf><body><body.head><hl1>H</hl1></body.head><body.content><p>P</p></body.content></body></nitf></inlineXML></contentSet></newsItem>`,
	)
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, NewsML, data) })
}
