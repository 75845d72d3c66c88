package ingest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

func TestRSS(t *testing.T) {
	res := readFile(t, "feed-ur.rss", Options{})
	if res.err != nil || len(res.items) != 3 || res.stats.Bad != 1 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	// The item with neither guid nor link is refused, by position.
	if e := res.stats.Errors[0]; e.Pos != "item 3" || !errors.Is(e, ErrNoGUID) {
		t.Errorf("error %v", e)
	}

	smog := res.items[0]
	wantBody := "پنجاب حکومت نے لاہور میں بڑھتی ہوئی سموگ کے باعث اسکولوں کے اوقات تبدیل کر دیے ہیں۔\n" +
		"نئے اوقات کے مطابق اسکول صبح نو بجے کھلیں گے\u00a0اور دوپہر ایک بجے بند ہوں گے۔\n" +
		"اشتہار\n" +
		"محکمہ تعلیم کا کہنا ہے کہ یہ فیصلہ بچوں کی صحت کے لیے کیا گیا۔"
	switch {
	case smog.GUID != "urdu-example-88123" || smog.Lang != "ur" || smog.Headline != "لاہور میں سموگ: اسکولوں کے اوقات تبدیل":
		t.Errorf("smog item: %+v", smog)
	case smog.Body != wantBody:
		// content:encoded is the body: CDATA read, <strong> dropped,
		// &nbsp; kept as a no-break space, script and style gone.
		t.Errorf("smog body:\n%s\nwant:\n%s", smog.Body, wantBody)
	case smog.Summary != "پنجاب حکومت نے سموگ کے باعث اسکولوں کے اوقات تبدیل کر دیے۔":
		t.Errorf("the description should be the summary when content:encoded is the body: %q", smog.Summary)
	case smog.Byline != "نامہ نگار خصوصی" || len(smog.Tags) != 2 || smog.Tags[1] != "ماحولیات":
		t.Errorf("byline %q, tags %q", smog.Byline, smog.Tags)
	case !smog.Published.Equal(time.Date(2025, 11, 4, 4, 15, 0, 0, time.UTC)):
		t.Errorf("published %v", smog.Published)
	case smog.Source != "روزنامہ مثال - تازہ خبریں":
		t.Errorf("source %q: the feed's title when no option names one", smog.Source)
	}

	// No guid: the link, made absolute against the channel's; a relative
	// date gives no time; HTML escaped twice in the title is decoded.
	expo := res.items[1]
	if expo.GUID != "https://urdu.example.pk/news/2025/11/cartoon-expo" || expo.URL != expo.GUID || !expo.Published.IsZero() ||
		expo.Headline != "Tom & Jerry – کراچی میں نمائش" || expo.Body != "کراچی آرٹس کونسل میں کارٹون کی نمائش \"ٹام اینڈ جیری\" کل سے شروع ہو گی۔" {
		t.Errorf("expo item: %+v", expo)
	}
	// dc:language on the item wins over the channel's.
	if zh := res.items[2]; zh.Lang != "zh" || zh.Headline != "巴基斯坦与中国签署港口合作协议" {
		t.Errorf("zh item: %+v", zh)
	}

	// An editor's forced language wins over both, and a named source
	// over the feed's title.
	res = readFile(t, "feed-ur.rss", Options{Lang: "ur", ForceLang: true, Source: "Mithal"})
	for _, it := range res.items {
		if it.Lang != "ur" || it.Source != "Mithal" {
			t.Errorf("forced: %s %s %s", it.GUID, it.Lang, it.Source)
		}
	}
}

func TestAtom(t *testing.T) {
	res := readFile(t, "feed-zh.atom", Options{})
	if res.err != nil || len(res.items) != 2 || res.stats.Bad != 1 {
		t.Fatalf("%d items, err %v%s", len(res.items), res.err, errorsOf(res.stats))
	}
	if e := res.stats.Errors[0]; e.Pos != "entry 3" || e.GUID != "tag:zh.example.cn,2025:story-503" || !errors.Is(e, ErrNoHeadline) {
		t.Errorf("error %v", e)
	}
	bus := res.items[0]
	if bus.GUID != "tag:zh.example.cn,2025:story-501" || bus.Lang != "zh" || bus.Headline != "伊斯兰堡电动公交开通" ||
		bus.Body != "伊斯兰堡首批三十辆电动公交车周二投入运营。\n市政府表示，明年将再增加五十辆。" || bus.Summary != "首批三十辆电动公交车投入运营。" ||
		bus.Byline != "王记者" || len(bus.Tags) != 1 || bus.Tags[0] != "交通" ||
		!bus.Published.Equal(time.Date(2025, 11, 4, 2, 0, 0, 0, time.UTC)) || !bus.Updated.Equal(time.Date(2025, 11, 4, 4, 30, 0, 0, time.UTC)) {
		t.Errorf("bus entry: %+v", bus)
	}
	// XHTML content; no published date, so the updated one.
	glacier := res.items[1]
	if glacier.Body != "喀喇昆仑山脉冰川上的六个监测站投入使用。\n罕萨\n斯卡都" || !glacier.Published.Equal(time.Date(2025, 11, 5, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("glacier entry: %+v", glacier)
	}
}

// TestFeedLegacyEncoding reads an Arabic feed in windows-1256, as older
// Arabic sites still send.
func TestFeedLegacyEncoding(t *testing.T) {
	doc := `<?xml version="1.0" encoding="windows-1256"?><rss version="2.0"><channel><title>صحيفة</title><language>ar</language>` +
		`<item><guid>ar-1</guid><title>أمطار غزيرة على جدة</title><description>هطلت أمطار غزيرة على جدة اليوم.</description></item></channel></rss>`
	enc, err := charmap.Windows1256.NewEncoder().String(doc)
	if err != nil {
		t.Fatal(err)
	}
	res := read(t, RSS, enc, Options{})
	if res.err != nil || len(res.items) != 1 || res.items[0].Headline != "أمطار غزيرة على جدة" || res.items[0].Lang != "ar" {
		t.Fatalf("items %+v, err %v%s", res.items, res.err, errorsOf(res.stats))
	}
}

func TestFeedMalformed(t *testing.T) {
	item := func(guid, title string) string {
		return `<item><guid>` + guid + `</guid><title>` + title + `</title><description>Text of ` + guid + `.</description></item>`
	}
	channel := func(items ...string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title><language>en</language>` + strings.Join(items, "") + `</channel></rss>`
	}
	full := channel(item("a", "A"), item("b", "B"), item("c", "C"))
	lol := `<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>` + strings.TrimPrefix(channel(item("lol", "Laughs &lol9;")), `<?xml version="1.0" encoding="UTF-8"?>`)

	tests := []struct {
		name   string
		format Format
		input  string
		items  int
		bad    int
		fatal  error // nil: Read must finish
	}{
		{"whole", RSS, full, 3, 0, nil},
		// Cut in the third item: the two whole ones are read, and the
		// error says the feed was cut.
		{"truncated", RSS, full[:strings.Index(full, "<guid>c")+8], 2, 0, ErrMalformed},
		{"truncated before any item", RSS, full[:60], 0, 0, ErrMalformed},
		{"truncated atom", Atom, `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry><id>1</id><title>One</title></entry><entry><id>2</id><ti`, 1, 0, ErrMalformed},
		// Invalid bytes spoil only the item that holds them.
		{"invalid UTF-8 in one item", RSS, channel(item("a", "A"), item("b", "B \xff\xfe broken"), item("c", "C")), 2, 1, nil},
		// Control characters XML forbids are dropped rather than losing
		// the feed.
		{"control characters", RSS, channel(item("a", "A\x01\x1b"), item("b", "B")), 2, 0, nil},
		{"no guid and no link", RSS, channel(`<item><title>Orphan</title></item>`, item("b", "B")), 1, 1, nil},
		{"billion laughs", RSS, lol, 1, 0, nil},
		{"not a feed", RSS, `<html><head><title>x</title></head><body><p>Hello</p></body></html>`, 0, 0, ErrMalformed},
		{"JSON feed", RSS, `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[]}`, 0, 0, ErrUnknownFormat},
		{"empty", RSS, "  \n", 0, 0, ErrMalformed},
		{"too large", RSS, channel(item("a", strings.Repeat("A", 2000))), 0, 0, ErrTooLarge},
		{"empty channel", RSS, channel(), 0, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := Options{}
			if tc.name == "too large" {
				opt.MaxDocument = 1000
			}
			start := time.Now()
			res := read(t, tc.format, tc.input, opt)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if len(res.items) != tc.items || res.stats.Bad != tc.bad {
				t.Errorf("%d items and %d bad, want %d and %d%s", len(res.items), res.stats.Bad, tc.items, tc.bad, errorsOf(res.stats))
			}
			switch {
			case tc.fatal == nil && res.err != nil:
				t.Errorf("fatal error %v", res.err)
			case tc.fatal != nil && !errors.Is(res.err, tc.fatal):
				t.Errorf("error %v, want %v", res.err, tc.fatal)
			}
			if tc.name == "billion laughs" {
				// encoding/xml expands no declared entity: the reference
				// stays as written, a few bytes, not 3 GB of "lol".
				if it := res.items[0]; it.Headline != "Laughs &lol9;" {
					t.Errorf("headline %q", it.Headline)
				}
			}
			if tc.name == "invalid UTF-8 in one item" && (res.stats.Errors[0].Pos != "item 2" || !errors.Is(res.stats.Errors[0], ErrEncoding)) {
				t.Errorf("error %v", res.stats.Errors[0])
			}
		})
	}
}

// TestXMLDepth refuses documents nested deeper than any real feed, before
// gofeed's recursive reading of unknown elements spends minutes on them,
// and accepts the depth real documents have.
func TestXMLDepth(t *testing.T) {
	docs := map[Format]func(depth int) string{
		RSS: func(n int) string {
			return `<rss version="2.0" xmlns:x="urn:x"><channel><title>T</title><language>en</language><item><guid>1</guid><title>t</title>` +
				strings.Repeat("<x:a>", n) + "deep" + strings.Repeat("</x:a>", n) + `</item></channel></rss>`
		},
		Atom: func(n int) string {
			return `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><entry><id>1</id><title>t</title><content type="xhtml">` +
				strings.Repeat("<div>", n) + "deep" + strings.Repeat("</div>", n) + `</content></entry></feed>`
		},
		NewsML: func(n int) string {
			return `<newsItem guid="g"><contentMeta><language tag="en"/><headline>h</headline></contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml">` +
				strings.Repeat("<div>", n) + "deep" + strings.Repeat("</div>", n) + `</inlineXML></contentSet></newsItem>`
		},
	}
	for f, doc := range docs {
		if res := read(t, f, doc(maxXMLDepth-10), Options{}); res.err != nil || len(res.items) != 1 {
			t.Errorf("%s nested %d deep: %d items, err %v%s", f, maxXMLDepth-10, len(res.items), res.err, errorsOf(res.stats))
		}
		start := time.Now()
		res := read(t, f, doc(200000), Options{})
		if !errors.Is(res.err, ErrMalformed) || len(res.items) != 0 || !strings.Contains(res.err.Error(), "nested deeper") {
			t.Errorf("%s nested 200000 deep: %d items, err %v", f, len(res.items), res.err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: refusing took %v", f, d)
		}
	}
}
