package memory

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"

	"github.com/qasid/qasid/internal/lang"
)

func day(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

// unitsFromEnglish has one unit from English into each other language,
// with text XML must escape, a line break, Markdown and a decomposed accent.
var unitsFromEnglish = []Unit{
	{SrcLang: "en", TgtLang: "ur", Source: "Floods closed the **Karakoram Highway** for a second day.", Target: "سیلاب کے باعث **شاہراہ قراقرم** دوسرے روز بھی بند رہی۔", StoryID: 1204, Created: day(2024, 7, 2, 9, 30), Note: "checked by the Lahore desk"},
	{SrcLang: "en", TgtLang: "zh", Source: "The ministers met in Beijing on 2 July.", Target: "部长们于7月2日在北京会面。", StoryID: 1205, Created: day(2024, 7, 2, 11, 5)},
	{SrcLang: "en", TgtLang: "ar", Source: "Talks will resume after the holiday.", Target: "ستُستأنف المحادثات بعد العطلة.", Created: day(2023, 12, 31, 23, 59)},
	{SrcLang: "en", TgtLang: "ru", Source: "Prices rose by 4.2% in June.", Target: "В июне цены выросли на 4,2%.", StoryID: 88},
	{SrcLang: "en", TgtLang: "fr", Source: `The agency said "no comment" & left <quickly>.`, Target: "L’agence a répondu « pas de commentaire » et est partie.", Note: `a note with <tags> & "quotes"`},
	{SrcLang: "en", TgtLang: "es", Source: "Rescue teams reached the village at dawn.\nTwo people were found.", Target: "Los equipos de rescate llegaron al pueblo al amanecer.\nSe encontró a dos personas.", StoryID: 9, Created: day(2025, 1, 1, 0, 0)},
}

// unitsMixed has a unit from each language, so the header's srclang is
// *all* and each <tu> names its own.
var unitsMixed = []Unit{
	{SrcLang: "ur", TgtLang: "en", Source: "وزیر اعظم نے امدادی پیکج کا اعلان کیا۔", Target: "The prime minister announced a relief package.", StoryID: 31, Created: day(2024, 8, 14, 6, 0)},
	{SrcLang: "zh", TgtLang: "ar", Source: "会议将于明天闭幕。", Target: "تختتم القمة غداً.", StoryID: 32},
	{SrcLang: "ar", TgtLang: "ru", Source: "ارتفعت أسعار النفط صباح اليوم.", Target: "Цены на нефть выросли сегодня утром.", Created: day(2024, 2, 29, 12, 0)},
	{SrcLang: "ru", TgtLang: "fr", Source: "Выборы пройдут в сентябре.", Target: "Les élections auront lieu en septembre.", Note: "ё kept: всё"},
	{SrcLang: "fr", TgtLang: "es", Source: "La grève continue à Marseille.", Target: "La huelga continúa en Marsella.", StoryID: 35},
	{SrcLang: "es", TgtLang: "zh", Source: "¿Quién ganó el partido?", Target: "谁赢得了比赛？"},
	{SrcLang: "en", TgtLang: "ur", Source: "Tabs\tand \"quotes\" survive.", Target: "ٹیب اور 'کوٹس' باقی رہتے ہیں۔"},
}

func equalUnits(t *testing.T, got, want []Unit) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d units, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.SrcLang != w.SrcLang || g.TgtLang != w.TgtLang || g.Source != w.Source || g.Target != w.Target ||
			g.StoryID != w.StoryID || !g.Created.Equal(w.Created) || g.Note != w.Note {
			t.Errorf("unit %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestTMXRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		units   []Unit
		header  string
		perUnit string // an attribute every <tu> must carry, if any
	}{
		{"one source language", unitsFromEnglish, `srclang="en"`, ""},
		{"several source languages", unitsMixed, `srclang="*all*"`, `<tu srclang=`},
		{"no units", nil, `srclang="*all*"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first bytes.Buffer
			if err := WriteTMX(&first, tt.units); err != nil {
				t.Fatalf("WriteTMX: %v", err)
			}
			out := first.String()
			for _, want := range []string{`<tmx version="1.4">`, `creationtool="Qasid"`, `o-tmf="Qasid"`, `datatype="plaintext"`, `segtype="sentence"`, `adminlang="en"`, tt.header} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %s:\n%s", want, out)
				}
			}
			if tt.perUnit != "" && strings.Count(out, tt.perUnit) != len(tt.units) {
				t.Errorf("%d of %d <tu>s carry %s", strings.Count(out, tt.perUnit), len(tt.units), tt.perUnit)
			}
			got, err := ReadTMX(bytes.NewReader(first.Bytes()))
			if err != nil {
				t.Fatalf("ReadTMX of our own output: %v\n%s", err, out)
			}
			equalUnits(t, got, tt.units)
			var second bytes.Buffer
			if err := WriteTMX(&second, got); err != nil {
				t.Fatalf("second WriteTMX: %v", err)
			}
			if !bytes.Equal(first.Bytes(), second.Bytes()) {
				t.Errorf("export → import → export differs:\n%s\n----\n%s", first.String(), second.String())
			}
		})
	}
}

func TestTMXRoundTripCoversAllLanguages(t *testing.T) {
	seen := map[string]bool{}
	for _, u := range append(append([]Unit{}, unitsFromEnglish...), unitsMixed...) {
		seen[u.SrcLang], seen[u.TgtLang] = true, true
	}
	for _, code := range lang.Codes() {
		if !seen[code] {
			t.Errorf("the round-trip units have no %s text", code)
		}
	}
}

func TestWriteTMXDetails(t *testing.T) {
	var b bytes.Buffer
	units := []Unit{{SrcLang: "en", TgtLang: "zh", Source: "Caf\u0065\u0301 & <b>", Target: "咖啡馆", StoryID: 7,
		Created: time.Date(2024, 7, 2, 15, 4, 5, 999, time.FixedZone("PKT", 5*3600)), Note: "n"}}
	if err := WriteTMX(&b, units); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="Qasid" creationtoolversion="1.0" datatype="plaintext" segtype="sentence" adminlang="en" srclang="en" o-tmf="Qasid"/>
  <body>
    <tu creationdate="20240702T100405Z">
      <prop type="x-qasid-story">7</prop>
      <note>n</note>
      <tuv xml:lang="en"><seg>Café &amp; &lt;b&gt;</seg></tuv>
      <tuv xml:lang="zh-Hans"><seg>咖啡馆</seg></tuv>
    </tu>
  </body>
</tmx>
`
	if b.String() != want {
		t.Errorf("WriteTMX wrote\n%s\nwant\n%s", b.String(), want)
	}
}

func TestWriteTMXRefusesUnreadableUnits(t *testing.T) {
	good := Unit{SrcLang: "en", TgtLang: "fr", Source: "Hello", Target: "Bonjour"}
	tests := []struct {
		name string
		edit func(*Unit)
		want string
	}{
		{"unknown source language", func(u *Unit) { u.SrcLang = "de" }, "unknown source language"},
		{"unknown target language", func(u *Unit) { u.TgtLang = "zh-Hans" }, "unknown target language"},
		{"same languages", func(u *Unit) { u.TgtLang = "en" }, "both en"},
		{"empty source", func(u *Unit) { u.Source = "" }, "empty source"},
		{"blank target", func(u *Unit) { u.Target = " \n " }, "empty target"},
		{"negative story", func(u *Unit) { u.StoryID = -3 }, "negative story"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := good
			tt.edit(&bad)
			var b bytes.Buffer
			err := WriteTMX(&b, []Unit{good, bad})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "unit 2") {
				t.Errorf("WriteTMX error = %v, want one about unit 2 containing %q", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("WriteTMX wrote %d bytes before failing", b.Len())
			}
		})
	}
}

func TestReadTMXFeatures(t *testing.T) {
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<!-- written by hand for this test -->
<tmx version="1.4">
<header creationtool="OtherTool" creationtoolversion="3" datatype="html" segtype="sentence" adminlang="en-US" srclang="en-GB" o-tmf="x">
  <note>header note</note>
  <prop type="x-anything">value</prop>
</header>
<body>
<tu tuid="1" creationdate="20240115T083000Z">
  <note>first</note>
  <note>second</note>
  <prop type="x-qasid-story">77</prop>
  <prop type="x-other">ignored</prop>
  <tuv xml:lang="EN-GB"><seg>The <bpt i="1">&lt;b&gt;</bpt>Senate<ept i="1">&lt;/b&gt;</ept> voted<ph>&lt;br/&gt;</ph> <hi type="em">to<hi>day</hi></hi>.</seg></tuv>
  <tuv xml:lang="zh-CN"><seg>参议院今天投票。</seg></tuv>
  <tuv xml:lang="de-DE"><seg>Der Senat stimmte heute ab.</seg></tuv>
  <tuv xml:lang="ur-PK"><prop type="x-y">p</prop><note>tuv note</note><seg>سینیٹ نے آج ووٹ دیا۔</seg></tuv>
  <tuv xml:lang="zh-TW"><seg>參議院今天投票。</seg></tuv>
</tu>
<tu srclang="fr">
  <tuv lang="fr"><seg>Cafe` + "\u0301" + ` fermé</seg></tuv>
  <tuv xml:lang="es" creationdate="20230301T120000Z"><seg>Café cerrado</seg></tuv>
</tu>
<tu>
  <tuv xml:lang="en"><seg>Only German here</seg></tuv>
  <tuv xml:lang="de"><seg>Nur Deutsch</seg></tuv>
</tu>
</body>
</tmx>
<!-- trailing comment -->
`
	want := []Unit{
		{SrcLang: "en", TgtLang: "zh", Source: "The Senate voted today.", Target: "参议院今天投票。", StoryID: 77, Created: day(2024, 1, 15, 8, 30), Note: "first\nsecond"},
		{SrcLang: "en", TgtLang: "ur", Source: "The Senate voted today.", Target: "سینیٹ نے آج ووٹ دیا۔", StoryID: 77, Created: day(2024, 1, 15, 8, 30), Note: "first\nsecond"},
		{SrcLang: "fr", TgtLang: "es", Source: "Café fermé", Target: "Café cerrado", Created: day(2023, 3, 1, 12, 0)},
	}
	got, err := ReadTMX(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	equalUnits(t, got, want)
}

func TestReadTMXEncodings(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTMX(&b, unitsMixed); err != nil {
		t.Fatal(err)
	}
	utf8Doc := b.String()
	utf16Doc := strings.Replace(utf8Doc, `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
	for _, tt := range []struct {
		name string
		doc  string
	}{
		{"UTF-8 with byte order mark", "\uFEFF" + utf8Doc},
		{"UTF-16 little endian", mustEncode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), utf16Doc)},
		{"UTF-16 big endian", mustEncode(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), utf16Doc)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadTMX(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			equalUnits(t, got, unitsMixed)
		})
	}
}

func mustEncode(t *testing.T, enc encoding.Encoding, s string) string {
	t.Helper()
	out, err := enc.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
