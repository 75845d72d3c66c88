package memory

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var glossaryTerms = []Term{
	{SrcLang: "en", TgtLang: "ur", Source: "Shehbaz Sharif", Target: "شہباز شریف", Note: "prime minister"},
	{SrcLang: "en", TgtLang: "ur", Source: "Diamer-Bhasha Dam", Target: "دیامر بھاشا ڈیم"},
	{SrcLang: "en", TgtLang: "zh", Source: "Belt and Road Initiative", Target: "一带一路倡议", Note: "use the full form on first mention"},
	{SrcLang: "en", TgtLang: "ar", Source: "United Nations", Target: "الأمم المتحدة"},
	{SrcLang: "en", TgtLang: "ru", Source: "World Health Organization", Target: "Всемирная организация здравоохранения", Note: "ВОЗ, after the first mention"},
	{SrcLang: "zh", TgtLang: "en", Source: "国务院", Target: "State Council"},
	{SrcLang: "fr", TgtLang: "es", Source: "Organisation mondiale du commerce", Target: "Organización Mundial del Comercio", Note: "OMC, both"},
	{SrcLang: "ar", TgtLang: "en", Source: "محمد بن سلمان", Target: "Mohammed bin Salman", Note: `spelling per the "style guide"`},
	{SrcLang: "es", TgtLang: "fr", Source: "Banco Central, S.A.", Target: "Banque centrale", Note: "two lines:\nfirst, then second"},
}

func TestGlossaryCSVRoundTrip(t *testing.T) {
	var first bytes.Buffer
	if err := WriteGlossaryCSV(&first, glossaryTerms); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first.String(), "src_lang,tgt_lang,source,target,note\n") {
		t.Errorf("output does not start with the header:\n%s", first.String())
	}
	got, err := ReadGlossaryCSV(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("ReadGlossaryCSV of our own output: %v\n%s", err, first.String())
	}
	if !reflect.DeepEqual(got, glossaryTerms) {
		t.Errorf("terms changed in the round trip:\n got %+v\nwant %+v", got, glossaryTerms)
	}
	var second bytes.Buffer
	if err := WriteGlossaryCSV(&second, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("export → import → export differs:\n%s\n----\n%s", first.String(), second.String())
	}
}

func TestWriteGlossaryCSVDropsIDAndCleans(t *testing.T) {
	var b bytes.Buffer
	terms := []Term{{ID: 42, SrcLang: "zh-Hans", TgtLang: "en-GB", Source: "  北京 ", Target: "Beijing\r\n", Note: "a\r\nb"}}
	if err := WriteGlossaryCSV(&b, terms); err != nil {
		t.Fatal(err)
	}
	want := "src_lang,tgt_lang,source,target,note\nzh,en,北京,Beijing,\"a\nb\"\n"
	if b.String() != want {
		t.Errorf("wrote %q, want %q", b.String(), want)
	}
}

func TestReadGlossaryCSVFeatures(t *testing.T) {
	in := "\uFEFF SOURCE ,Target,Src_Lang,TGT_LANG\r\n" +
		"Antonio Guterres,Антониу Гутерреш,en-GB,ru\r\n" +
		"\r\n" +
		"  Gwadar Port  ,گوادر بندرگاہ,en,ur-PK\r\n" +
		"\"Moscow, Russia\",\"Москва, Россия\",EN,RU\r\n" +
		"北京,Pékin,zh-CN,fr\r\n"
	want := []Term{
		{SrcLang: "en", TgtLang: "ru", Source: "Antonio Guterres", Target: "Антониу Гутерреш"},
		{SrcLang: "en", TgtLang: "ur", Source: "Gwadar Port", Target: "گوادر بندرگاہ"},
		{SrcLang: "en", TgtLang: "ru", Source: "Moscow, Russia", Target: "Москва, Россия"},
		{SrcLang: "zh", TgtLang: "fr", Source: "北京", Target: "Pékin"},
	}
	got, err := ReadGlossaryCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	got, err = ReadGlossaryCSV(strings.NewReader("src_lang,tgt_lang,source,target,note\n"))
	if err != nil || len(got) != 0 {
		t.Errorf("a header alone gives %v, %v; want no terms and no error", got, err)
	}
}

const csvHeader = "src_lang,tgt_lang,source,target,note\n"

var malformedCSV = []struct {
	name   string
	in     string
	line   int
	column string
	msg    string
}{
	{"empty file", "", 0, "", "empty"},
	{"unknown column", "src_lang,tgt_lang,source,target,comment\n", 1, "", `unknown column "comment"`},
	{"missing column", "src_lang,source,target\n", 1, "", "no tgt_lang column"},
	{"column twice", "src_lang,tgt_lang,source,target,Source\n", 1, "", "source twice"},
	{"unknown source language", csvHeader + "en,ur,Karachi,کراچی,\nde,en,Berlin,Berlin,\n", 3, "src_lang", `unknown language "de"`},
	{"unknown target language", csvHeader + "en,xx,Karachi,Karachi,\n", 2, "tgt_lang", `unknown language "xx"`},
	{"Traditional Chinese", csvHeader + "en,zh-TW,Taipei,臺北,\n", 2, "tgt_lang", "unknown language"},
	{"empty language", csvHeader + ",ur,Karachi,کراچی,\n", 2, "src_lang", `unknown language ""`},
	{"same languages", csvHeader + "fr,fr-CA,Québec,Québec,\n", 2, "tgt_lang", "source language fr"},
	{"empty source", csvHeader + "en,ur,Karachi,کراچی,\nen,ur,  ,لاہور,\n", 3, "source", "empty source"},
	{"empty target", csvHeader + "en,ar,Lahore,,\n", 2, "target", "empty target"},
	{"too many fields", csvHeader + "en,ar,Lahore,لاهور,city,extra\n", 2, "", "6 fields, want 5"},
	{"too few fields", csvHeader + "en,ar,Lahore,لاهور,\nen,ar,Karachi\n", 3, "", "3 fields, want 5"},
	{"duplicate", csvHeader + "en,ur,Imran Khan,عمران خان,\nen,ar,Imran Khan,عمران خان,\nen,ur,imran  KHAN,عمران خان,\n", 4, "source", "on line 2"},
	{"duplicate after Urdu folding", csvHeader + "ur,en,پاکستان,Pakistan,\nur,en,پاكستان,Pakistan,\n", 3, "source", "on line 2"},
	{"bare quote", csvHeader + "en,fr,The \"Times\",Le Times,\n", 2, "", "bare \""},
	{"unclosed quote", csvHeader + "en,fr,\"Le Monde,Le Monde,\n", 2, "", "extraneous or missing \""},
	{"invalid UTF-8", csvHeader + "en,fr,Caf\xe9,Café,\n", 2, "source", "UTF-8"},
	{"field too long", csvHeader + "en,fr,Paris,Paris," + strings.Repeat("é", maxFieldRunes+1) + "\n", 2, "note", "1001 characters"},
	{"record over several lines", csvHeader + "en,fr,Paris,Paris,\"one\ntwo\"\nen,fr,Lyon,,\n", 4, "target", "empty target"},
}

func TestReadGlossaryCSVErrors(t *testing.T) {
	for _, tt := range malformedCSV {
		t.Run(tt.name, func(t *testing.T) {
			terms, err := ReadGlossaryCSV(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("accepted: %+v", terms)
			}
			if terms != nil {
				t.Errorf("returned %d terms with its error", len(terms))
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			if pe.Line != tt.line || pe.Element != tt.column || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q: line %d column %q; want line %d column %q and %q", err, pe.Line, pe.Element, tt.line, tt.column, tt.msg)
			}
			if tt.line > 0 && !strings.HasPrefix(err.Error(), fmt.Sprintf("glossary CSV: line %d: ", tt.line)) {
				t.Errorf("error %q does not name line %d first", err, tt.line)
			}
		})
	}
}

func TestReadGlossaryCSVLimit(t *testing.T) {
	in := csvHeader + "en,ur,Karachi,کراچی,\n"
	if _, err := readGlossaryCSV(strings.NewReader(in), csvLimits{doc: int64(len(in)), field: maxFieldRunes}); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
	_, err := readGlossaryCSV(strings.NewReader(in), csvLimits{doc: int64(len(in)) - 1, field: maxFieldRunes})
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "over") {
		t.Errorf("a file one byte over the limit: %v, want ErrTooLarge", err)
	}
	if maxGlossaryBytes != 50<<20 || maxFieldRunes != 1000 {
		t.Errorf("limits are %d bytes and %d characters, want 50 MB and 1,000", maxGlossaryBytes, maxFieldRunes)
	}
}

func TestWriteGlossaryCSVRefusesBadTerms(t *testing.T) {
	ok := Term{SrcLang: "en", TgtLang: "ur", Source: "Karachi", Target: "کراچی"}
	tests := []struct {
		name  string
		terms []Term
		want  string
	}{
		{"unknown language", []Term{ok, {SrcLang: "en", TgtLang: "de", Source: "Karachi", Target: "Karatschi"}}, "term 2: tgt_lang"},
		{"empty target", []Term{{SrcLang: "en", TgtLang: "ar", Source: "Karachi"}}, "term 1: target"},
		{"duplicate", []Term{ok, {SrcLang: "en", TgtLang: "zh", Source: "Karachi", Target: "卡拉奇"}, ok}, "term 3: same source as term 1"},
		{"too long", []Term{{SrcLang: "en", TgtLang: "fr", Source: "Paris", Target: strings.Repeat("x", 1001)}}, "1001 characters"},
		{"invalid UTF-8", []Term{{SrcLang: "en", TgtLang: "fr", Source: "Caf\xe9", Target: "Café"}}, "UTF-8"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		err := WriteGlossaryCSV(&b, tt.terms)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", tt.name, b.Len())
		}
	}
}

// FuzzReadGlossaryCSV checks that ReadGlossaryCSV never panics, and that
// whatever it accepts is a valid glossary that exports and imports back
// unchanged.
func FuzzReadGlossaryCSV(f *testing.F) {
	var b bytes.Buffer
	if err := WriteGlossaryCSV(&b, glossaryTerms); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("\uFEFFSource,TARGET,src_lang,tgt_lang\r\nGwadar,گوادر,en,ur\r\n"))
	for _, m := range malformedCSV {
		f.Add([]byte(m.in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		terms, err := readGlossaryCSV(bytes.NewReader(in), csvLimits{doc: 1 << 20, field: maxFieldRunes})
		if err != nil {
			var pe *ParseError
			if terms != nil || !errors.As(err, &pe) {
				t.Fatalf("error %v came with %d terms or is not a *ParseError", err, len(terms))
			}
			return
		}
		for i, term := range terms {
			if c, _, err := cleanTerm(term); err != nil || c != term {
				t.Fatalf("term %d %+v is not clean: %v", i, term, err)
			}
		}
		var out bytes.Buffer
		if err := WriteGlossaryCSV(&out, terms); err != nil {
			t.Fatalf("WriteGlossaryCSV of what ReadGlossaryCSV accepted: %v", err)
		}
		again, err := ReadGlossaryCSV(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("ReadGlossaryCSV of our export: %v\n%q", err, out.String())
		}
		if !reflect.DeepEqual(again, terms) {
			t.Fatalf("terms changed in a round trip:\n%+v\n%+v", terms, again)
		}
	})
}
