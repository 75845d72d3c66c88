package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewsMLItem(t *testing.T) {
	res := readFile(t, "newsml-item.xml", Options{})
	if res.err != nil || len(res.items) != 1 || res.stats.Bad != 0 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	it := res.items[0]
	checks := []struct {
		name string
		ok   bool
	}{
		{"guid", it.GUID == "urn:newsml:news.example.org:20251126:77"},
		// contentMeta/language wins over xml:lang, and ur-PK is Urdu.
		{"language", it.Lang == "ur"},
		{"headline, entity decoded", it.Headline == "لاہور ادبی میلہ & کتابوں کی نمائش"},
		// The XHTML head's title is not body text; &nbsp; stays a no-break space.
		{"body", it.Body == "لاہور ادبی میلہ آج\u00a0الحمرا میں شروع ہوا۔\nمیلے میں اردو اور پنجابی ادب پر نشستیں ہوں گی۔"},
		{"summary", it.Summary == "تین روزہ میلے میں سو سے زیادہ مصنفین شریک ہیں۔"},
		{"byline", it.Byline == "ثقافتی ڈیسک"},
		{"section from our scheme", it.Section == "culture"},
		{"tags: keywords, not the Media Topic", strings.Join(it.Tags, ",") == "ادب,لاہور"},
		// The page link, not the English translation's.
		{"url", it.URL == "https://news.example.org/ur/culture/77-lit-fest"},
		{"source from the provider", it.Source == "مثال نیوز"},
		{"published", it.Published.Equal(time.Date(2025, 11, 26, 5, 0, 0, 0, time.UTC))},
		{"version", it.Version == 1 && !it.Canceled},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %+v", c.name, it)
		}
	}
}

func TestNewsMLMessage(t *testing.T) {
	res := readFile(t, "newsml-message.xml", Options{})
	if res.err != nil || len(res.items) != 2 || res.stats.Bad != 2 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	exports := res.items[0]
	if exports.Headline != "Exports rise 8% in third quarter" || exports.Lang != "en" || exports.Version != 3 ||
		exports.Body != "Exports rose 8% in the third quarter, led by textiles.\nThe trade ministry expects a similar rise next quarter." ||
		exports.Byline != "Business desk" || exports.Source != "Example Agency" || exports.FamilyKey != "agency.example.net/exports-q3" ||
		!exports.Published.Equal(time.Date(2025, 11, 5, 6, 0, 0, 0, time.UTC)) || !exports.Updated.Equal(time.Date(2025, 11, 5, 7, 45, 0, 0, time.UTC)) {
		t.Errorf("exports: %+v", exports)
	}
	// A kill, its notice in base64 inlineData.
	if kill := res.items[1]; !kill.Canceled || kill.Lang != "zh" || kill.Body != "此稿已撤销。" || kill.Version != 2 {
		t.Errorf("kill: %+v", kill)
	}
	if e := res.stats.Errors[0]; e.Pos != "item 2" || !errors.Is(e, ErrNotText) {
		t.Errorf("picture: %v", e)
	}
	if e := res.stats.Errors[1]; e.Pos != "item 3" || !errors.Is(e, ErrNotText) || e.GUID != "urn:newsml:agency.example.net:20251105:p1" {
		t.Errorf("package: %v", e)
	}
}

func TestNewsMLMalformed(t *testing.T) {
	item := func(guid, headline string) string {
		return `<newsItem guid="` + guid + `"><itemMeta><itemClass qcode="ninat:text"/></itemMeta><contentMeta><language tag="ru"/><headline>` +
			headline + `</headline></contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>Текст ` +
			guid + `.</p></body></html></inlineXML></contentSet></newsItem>`
	}
	message := func(items ...string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2025-01-01T00:00:00Z</sent></header><itemSet>` +
			strings.Join(items, "\n") + `</itemSet></newsMessage>`
	}
	full := message(item("g1", "Один"), item("g2", "Два"), item("g3", "Три"))
	tests := []struct {
		name  string
		input string
		items int
		bad   int
		fatal error
	}{
		{"whole", full, 3, 0, nil},
		// Streaming: the items before the cut are delivered.
		{"truncated", full[:strings.Index(full, `guid="g3"`)+20], 2, 0, ErrMalformed},
		{"invalid UTF-8 in one item", message(item("g1", "Один"), item("g2", "Д\xffва"), item("g3", "Три")), 2, 1, nil},
		{"windows-1251 declared", "<?xml version=\"1.0\" encoding=\"windows-1251\"?>" + strings.TrimPrefix(message(item("g1", "\xc4\xe2\xe0")), `<?xml version="1.0" encoding="UTF-8"?>`), 1, 0, nil},
		{"billion laughs", `<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` +
			item("g1", "&c;"), 0, 0, ErrMalformed},
		{"external entity", `<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + item("g1", "&x;"), 0, 0, ErrMalformed},
		{"HTML entity in the body", strings.Replace(item("g1", "Один"), "Текст", "Текст&nbsp;&mdash;", 1), 1, 0, nil},
		{"wrong root", `<rss version="2.0"><channel/></rss>`, 0, 0, ErrUnknownFormat},
		{"no root", `<?xml version="1.0"?><!-- nothing -->`, 0, 0, ErrMalformed},
		{"not XML", `{"uri":"x"}`, 0, 0, ErrMalformed},
		{"no guid", `<newsItem><contentMeta><language tag="ru"/><headline>Без id</headline></contentMeta></newsItem>`, 0, 1, nil},
		{"bad base64", `<newsItem guid="g"><contentMeta><language tag="ru"/><headline>x</headline></contentMeta><contentSet><inlineData contenttype="text/plain" encoding="base64">!!!</inlineData></contentSet></newsItem>`, 0, 1, nil},
		{"too large", message(item("g1", strings.Repeat("Д", 3000))), 0, 0, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{}
			if tc.name == "too large" {
				opt.MaxDocument = 4000
			}
			res := read(t, NewsML, tc.input, opt)
			if len(res.items) != tc.items || res.stats.Bad != tc.bad {
				t.Errorf("%d items and %d bad, want %d and %d%s", len(res.items), res.stats.Bad, tc.items, tc.bad, errorsOf(res.stats))
			}
			switch {
			case tc.fatal == nil && res.err != nil:
				t.Errorf("fatal error %v", res.err)
			case tc.fatal != nil && !errors.Is(res.err, tc.fatal):
				t.Errorf("error %v, want %v", res.err, tc.fatal)
			}
			switch tc.name {
			case "invalid UTF-8 in one item":
				if e := res.stats.Errors[0]; e.Pos != "item 2" || e.GUID != "g2" || !errors.Is(e, ErrEncoding) {
					t.Errorf("error %v", e)
				}
			case "windows-1251 declared":
				if res.items[0].Headline != "Два" {
					t.Errorf("headline %q", res.items[0].Headline)
				}
			case "HTML entity in the body":
				if res.items[0].Body != "Текст\u00a0— g1." {
					t.Errorf("body %q", res.items[0].Body)
				}
			case "truncated":
				if !strings.Contains(res.err.Error(), "after 2 items") {
					t.Errorf("error %v does not say how far it got", res.err)
				}
			}
		})
	}
}
