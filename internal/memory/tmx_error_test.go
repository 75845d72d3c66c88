package memory

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// tmxDoc joins lines into a document, so that a test can count lines: the
// prolog, <tmx>, <header srclang=...> and <body> take lines 1 to 4, the
// given body lines start at line 5, then </body> and </tmx>.
func tmxDoc(srclang string, body ...string) string {
	lines := []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<tmx version="1.4">`,
		`<header creationtool="t" creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" srclang="` + srclang + `" o-tmf="t"/>`,
		`<body>`,
	}
	lines = append(lines, body...)
	lines = append(lines, `</body>`, `</tmx>`)
	return strings.Join(lines, "\n") + "\n"
}

func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }

const (
	tuvEn = `<tuv xml:lang="en"><seg>The vote is on Friday.</seg></tuv>`
	tuvFr = `<tuv xml:lang="fr"><seg>Le vote a lieu vendredi.</seg></tuv>`
	tuvEs = `<tuv xml:lang="es"><seg>La votación es el viernes.</seg></tuv>`
)

var malformedTMX = []struct {
	name    string
	doc     string
	element string
	line    int
	msg     string
}{
	{"empty document", "", "<tmx>", 1, "empty"},
	{"not XML", "Once upon a time", "<tmx>", 1, "not a TMX document"},
	{"not XML, tags", "<<<>>>", "<tmx>", 1, "not well-formed"},
	{"wrong root", lines(`<?xml version="1.0"?>`, `<xliff version="1.2">`, `</xliff>`), "<xliff>", 2, "root element"},
	{"no header", lines(`<?xml version="1.0"?>`, `<tmx version="1.4">`, `<body>`, `</body>`, `</tmx>`), "<body>", 3, "<header> is missing"},
	{"no body", lines(`<?xml version="1.0"?>`, `<tmx version="1.4">`, `<header srclang="en"/>`, `</tmx>`), "<tmx>", 4, "no <body>"},
	{"header without srclang", lines(`<tmx version="1.4">`, `<header creationtool="t"/>`, `<body/>`, `</tmx>`), "<header>", 2, "no srclang"},
	{"unknown header srclang", tmxDoc("de-DE"), "<header>", 3, `unknown srclang "de-DE"`},
	{"Traditional Chinese srclang", tmxDoc("zh-TW"), "<header>", 3, "unknown srclang"},
	{"tu without source tuv", tmxDoc("en", `<tu>`, tuvFr, tuvEs, `</tu>`), "<tu>", 5, "no <tuv> in the source language en"},
	{"tu with the source only", tmxDoc("en", `<tu>`, tuvEn, `</tu>`), "<tu>", 5, "no target <tuv>"},
	{"tuv without seg", tmxDoc("en", `<tu>`, tuvEn, `<tuv xml:lang="fr">`, `<note>forgot the seg</note>`, `</tuv>`, `</tu>`), "<tuv>", 7, "no <seg>"},
	{"tuv without xml:lang", tmxDoc("en", `<tu>`, tuvEn, `<tuv><seg>Le vote</seg></tuv>`, `</tu>`), "<tuv>", 7, "no xml:lang"},
	{"empty source seg", tmxDoc("en", `<tu>`, `<tuv xml:lang="en"><seg>  </seg></tuv>`, tuvFr, `</tu>`), "<seg>", 6, "source segment is empty"},
	{"empty target seg", tmxDoc("en", `<tu>`, tuvEn, `<tuv xml:lang="fr"><seg></seg></tuv>`, `</tu>`), "<seg>", 7, "fr segment is empty"},
	{"two segs", tmxDoc("en", `<tu>`, tuvEn, `<tuv xml:lang="fr"><seg>Un</seg>`, `<seg>Deux</seg></tuv>`, `</tu>`), "<seg>", 8, "second <seg>"},
	{"two source tuvs", tmxDoc("en", `<tu>`, tuvEn, tuvFr, tuvEn, `</tu>`), "<tuv>", 8, "second <tuv> in the source"},
	{"two targets in one language", tmxDoc("en", `<tu>`, tuvEn, tuvFr, `<tuv xml:lang="fr-CA"><seg>Le vote est vendredi.</seg></tuv>`, `</tu>`), "<tuv>", 8, "line 7"},
	{"bad tu creationdate", tmxDoc("en", `<tu creationdate="2024-07-02">`, tuvEn, tuvFr, `</tu>`), "<tu>", 5, "creationdate"},
	{"bad tuv creationdate", tmxDoc("en", `<tu>`, tuvEn, `<tuv xml:lang="fr" creationdate="20241302T000000Z"><seg>Le vote</seg></tuv>`, `</tu>`), "<tuv>", 7, "creationdate"},
	{"bad story id", tmxDoc("en", `<tu>`, `<prop type="x-qasid-story">twelve</prop>`, tuvEn, tuvFr, `</tu>`), "<prop>", 6, "not a story id"},
	{"negative story id", tmxDoc("en", `<tu>`, `<prop type="x-qasid-story">-4</prop>`, tuvEn, tuvFr, `</tu>`), "<prop>", 6, "not a story id"},
	{"two story ids", tmxDoc("en", `<tu>`, `<prop type="x-qasid-story">4</prop>`, `<prop type="x-qasid-story">5</prop>`, tuvEn, tuvFr, `</tu>`), "<prop>", 7, "second"},
	{"unknown tu srclang", tmxDoc("en", `<tu srclang="xx-YY">`, tuvEn, tuvFr, `</tu>`), "<tu>", 5, `unknown srclang "xx-YY"`},
	{"*all* without tu srclang", tmxDoc("*all*", `<tu>`, tuvEn, tuvFr, `</tu>`), "<tu>", 5, "*all*"},
	{"tuv directly in body", tmxDoc("en", tuvEn), "<tuv>", 5, "unexpected element in <body>"},
	{"unknown element in tu", tmxDoc("en", `<tu>`, `<seg>loose</seg>`, `</tu>`), "<seg>", 6, "unexpected element in <tu>"},
	{"HTML in seg", tmxDoc("en", `<tu>`, `<tuv xml:lang="en"><seg>The <b>vote</b></seg></tuv>`, tuvFr, `</tu>`), "<b>", 6, "unexpected element in <seg>"},
	{"element in note", tmxDoc("en", `<tu>`, `<note>see <b>this</b></note>`, tuvEn, tuvFr, `</tu>`), "<b>", 6, "unexpected element in <note>"},
	{"mismatched end tag", tmxDoc("en", `<tu>`, `<tuv xml:lang="en"><seg>The vote</tuv>`, tuvFr, `</tu>`), "<seg>", 6, "not well-formed"},
	{"undefined entity", tmxDoc("en", `<tu>`, tuvEn, `<tuv xml:lang="fr"><seg>Le&nbsp;vote</seg></tuv>`, `</tu>`), "<seg>", 7, "entity"},
	{"bare ampersand", tmxDoc("en", `<tu>`, tuvEn, `<tuv xml:lang="fr"><seg>Vote & débat</seg></tuv>`, `</tu>`), "<seg>", 7, "not well-formed"},
	{"invalid UTF-8", tmxDoc("en", `<tu>`, tuvEn, "<tuv xml:lang=\"fr\"><seg>Le vote \xff</seg></tuv>", `</tu>`), "<seg>", 7, "UTF-8"},
	{"truncated", lines(`<?xml version="1.0"?>`, `<tmx version="1.4">`, `<header srclang="en"/>`, `<body>`, `<tu>`, `<tuv xml:lang="en"><seg>The vote`), "<seg>", 7, "unexpected EOF"},
	{"element after </tmx>", tmxDoc("en") + "<tmx/>\n", "<tmx>", 7, "after </tmx>"},
	{"text after </tmx>", tmxDoc("en") + "trailing words\n", "<tmx>", 7, "text after </tmx>"},
	{"unsupported encoding", lines(`<?xml version="1.0" encoding="ISO-8859-1"?>`, `<tmx version="1.4"/>`), "<tmx>", 1, "unsupported encoding"},
	{"UTF-16 declared without a byte order mark", lines(`<?xml version="1.0" encoding="UTF-16"?>`, `<tmx version="1.4"/>`), "<tmx>", 1, "byte order mark"},
}

func TestReadTMXErrors(t *testing.T) {
	for _, tt := range malformedTMX {
		t.Run(tt.name, func(t *testing.T) {
			units, err := ReadTMX(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatalf("ReadTMX accepted it: %+v", units)
			}
			if units != nil {
				t.Errorf("ReadTMX returned %d units with its error", len(units))
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if pe.Element != tt.element || pe.Line != tt.line || !strings.Contains(pe.Error(), tt.msg) {
				t.Errorf("error %q: element %s line %d; want element %s line %d and %q", err, pe.Element, pe.Line, tt.element, tt.line, tt.msg)
			}
			wantPrefix := fmt.Sprintf("TMX: line %d: %s: ", tt.line, tt.element)
			if !strings.HasPrefix(err.Error(), wantPrefix) {
				t.Errorf("error %q does not start with %q", err, wantPrefix)
			}
		})
	}
}

// TestReadTMXAllOrNothing checks that a fault in the last <tu> loses the
// good ones before it too.
func TestReadTMXAllOrNothing(t *testing.T) {
	doc := tmxDoc("en", `<tu>`, tuvEn, tuvFr, `</tu>`, `<tu>`, tuvEn, tuvEs, `</tu>`, `<tu>`, tuvEn, `</tu>`)
	units, err := ReadTMX(strings.NewReader(doc))
	if err == nil || units != nil {
		t.Errorf("ReadTMX = %d units, %v; want no units and an error", len(units), err)
	}
}

func TestReadTMXLimits(t *testing.T) {
	var b bytes.Buffer
	if err := WriteTMX(&b, unitsFromEnglish); err != nil {
		t.Fatal(err)
	}
	doc := b.Bytes()
	if _, err := readTMX(bytes.NewReader(doc), tmxLimits{doc: int64(len(doc)), seg: maxSegBytes}); err != nil {
		t.Errorf("a document of exactly the limit: %v", err)
	}
	_, err := readTMX(bytes.NewReader(doc), tmxLimits{doc: int64(len(doc)) - 1, seg: maxSegBytes})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "the file is over") {
		t.Errorf("a document one byte over the limit: %v, want ErrTooLarge", err)
	}
	_, err = readTMX(bytes.NewReader(doc), tmxLimits{doc: maxTMXBytes, seg: 40})
	var pe *ParseError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Element != "<seg>" || pe.Line != 9 {
		t.Errorf("a segment over the limit: %v, want ErrTooLarge in the <seg> on line 9", err)
	}
	_, err = readTMX(bytes.NewReader(doc), tmxLimits{doc: maxTMXBytes, seg: 20})
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &pe) || pe.Element != "<note>" {
		t.Errorf("a note over the limit: %v, want ErrTooLarge in a <note>", err)
	}
	if got := (&ParseError{Format: formatTMX, Err: ErrTooLarge}).Error(); got != "TMX: too large" {
		t.Errorf("ParseError without line or element = %q", got)
	}
	if maxTMXBytes != 200<<20 || maxSegBytes != 100<<10 {
		t.Errorf("limits are %d and %d, want 200 MB and 100 KB", maxTMXBytes, maxSegBytes)
	}
}

// FuzzReadTMX checks that ReadTMX never panics, and that whatever it
// accepts is a set of usable units that export and import back unchanged.
func FuzzReadTMX(f *testing.F) {
	var b bytes.Buffer
	if err := WriteTMX(&b, unitsMixed); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	b.Reset()
	if err := WriteTMX(&b, unitsFromEnglish); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(tmxDoc("en", `<tu srclang="fr">`, tuvEn, tuvFr, `<tuv xml:lang="zh-Hans"><seg>投票<hi>在</hi>周五<ph>x</ph></seg></tuv>`, `</tu>`)))
	for _, m := range malformedTMX {
		f.Add([]byte(m.doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		units, err := readTMX(bytes.NewReader(doc), tmxLimits{doc: 1 << 20, seg: 4 << 10})
		if err != nil {
			var pe *ParseError
			if units != nil || !errors.As(err, &pe) {
				t.Fatalf("error %v came with %d units or is not a *ParseError", err, len(units))
			}
			return
		}
		for i, u := range units {
			if err := checkUnit(u); err != nil {
				t.Fatalf("unit %d %+v: %v", i, u, err)
			}
		}
		var out bytes.Buffer
		if err := WriteTMX(&out, units); err != nil {
			t.Fatalf("WriteTMX of what ReadTMX accepted: %v", err)
		}
		again, err := ReadTMX(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("ReadTMX of our export: %v\n%s", err, out.String())
		}
		if len(again) != len(units) {
			t.Fatalf("%d units, %d after a round trip", len(units), len(again))
		}
		for i := range units {
			a, u := again[i], units[i]
			if a.SrcLang != u.SrcLang || a.TgtLang != u.TgtLang || a.Source != u.Source || a.Target != u.Target ||
				a.StoryID != u.StoryID || !a.Created.Equal(u.Created) || a.Note != u.Note {
				t.Fatalf("unit %d changed in a round trip:\n%+v\n%+v", i, u, a)
			}
		}
	})
}
