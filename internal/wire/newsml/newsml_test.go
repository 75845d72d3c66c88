package newsml_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/newsml"
	"github.com/qasid/qasid/internal/wire/ninjs"
	"github.com/qasid/qasid/internal/wire/ninjs/ninjstest"
)

// xsdCheck validates files against the NewsML-G2 2.35 power XSD with
// xmllint, all at once (one run loads the large schema once), and fails
// naming each invalid file.
func xsdCheck(t *testing.T, files map[string]string) {
	t.Helper()
	xmllint := ninjstest.Xmllint(t)
	xsd := filepath.Join(ninjstest.SchemaDir(t), "newsml-g2", "NewsML-G2_2.35-spec-All-Power.xsd")
	args := []string{"--noout", "--nonet", "--schema", xsd}
	for path := range files {
		args = append(args, path)
	}
	out, err := exec.Command(xmllint, args...).CombinedOutput()
	if err == nil {
		return
	}
	for path, name := range files {
		if !strings.Contains(string(out), path+" validates") {
			t.Errorf("%s: not valid NewsML-G2 2.35", name)
		}
	}
	t.Fatalf("xmllint: %v\n%s", err, out)
}

// item is the part of a newsItem the tests look into.
type item struct {
	GUID     string `xml:"guid,attr"`
	Version  int    `xml:"version,attr"`
	Lang     string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ItemMeta struct {
		PubStatus struct {
			QCode string `xml:"qcode,attr"`
		} `xml:"pubStatus"`
		Signal *struct {
			QCode string `xml:"qcode,attr"`
		} `xml:"signal"`
		Embargoed string `xml:"embargoed"`
	} `xml:"itemMeta"`
	ContentMeta struct {
		Language struct {
			Tag string `xml:"tag,attr"`
		} `xml:"language"`
		Headline string `xml:"headline"`
		Dateline string `xml:"dateline"`
		Located  struct {
			Name string `xml:"name"`
		} `xml:"located"`
		Subject []struct {
			QCode string `xml:"qcode,attr"`
		} `xml:"subject"`
	} `xml:"contentMeta"`
	ContentSet struct {
		InlineXML struct {
			Dir   string `xml:"dir,attr"`
			Inner string `xml:",innerxml"`
		} `xml:"inlineXML"`
	} `xml:"contentSet"`
}

func decode(t *testing.T, b []byte) item {
	t.Helper()
	var it item
	if err := xml.Unmarshal(b, &it); err != nil {
		t.Fatalf("parse newsItem: %v\n%s", err, b)
	}
	if err := wellFormed(it.ContentSet.InlineXML.Inner); err != nil {
		t.Fatalf("inlineXML content is not well-formed XML on its own: %v\n%s", err, it.ContentSet.InlineXML.Inner)
	}
	return it
}

// wellFormed parses s as a complete XML document.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	roots := 0
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if roots != 1 {
				return fmt.Errorf("%d root elements", roots)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func TestDemoValidates(t *testing.T) {
	cases := ninjstest.Demo(t)
	dir := t.TempDir()
	files := map[string]string{}
	guids := map[int64]string{}
	for i, c := range cases {
		b, err := newsml.Encode(c.In)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		path := filepath.Join(dir, strconv.Itoa(i)+".xml")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		files[path] = c.Name

		t.Run(c.Name, func(t *testing.T) {
			got := decode(t, b)
			l, _ := lang.Get(c.In.Story.Lang)
			if got.Lang != l.Tag || got.ContentMeta.Language.Tag != l.Tag {
				t.Errorf("xml:lang %q, language %q, want %s", got.Lang, got.ContentMeta.Language.Tag, l.Tag)
			}
			if got.Version != c.In.Version.Version {
				t.Errorf("version %d, want %d", got.Version, c.In.Version.Version)
			}
			if prev, ok := guids[c.In.Story.ID]; ok && prev != got.GUID {
				t.Errorf("guid changed between versions: %s, then %s", prev, got.GUID)
			}
			guids[c.In.Story.ID] = got.GUID
			if !strings.HasPrefix(got.GUID, "urn:newsml:news.example.org:") || !strings.HasSuffix(got.GUID, ":"+strconv.FormatInt(c.In.Story.ID, 10)) {
				t.Errorf("guid %q", got.GUID)
			}
			if got.ContentMeta.Headline != c.In.Version.Headline {
				t.Errorf("headline %q, want %q", got.ContentMeta.Headline, c.In.Version.Headline)
			}
			wantDir := ""
			if l.RTL() {
				wantDir = "rtl"
			}
			inner := got.ContentSet.InlineXML.Inner
			if got.ContentSet.InlineXML.Dir != wantDir || !strings.Contains(inner, `dir="`+l.Dir+`"`) {
				t.Errorf("inlineXML dir %q, want %q", got.ContentSet.InlineXML.Dir, wantDir)
			}
			if !strings.HasPrefix(inner, `<html xmlns="http://www.w3.org/1999/xhtml"`) {
				t.Errorf("inlineXML does not hold an XHTML html element: %.100s", inner)
			}
			status := got.ItemMeta.PubStatus.QCode
			switch {
			case c.In.Version.Killed:
				if status != "stat:canceled" || !strings.Contains(inner, template.HTMLEscapeString(c.In.Version.Body)) {
					t.Errorf("kill: pubStatus %q, body %.200s", status, inner)
				}
			case status != "stat:usable":
				t.Errorf("pubStatus %q", status)
			case c.In.Version.Version > 1 && (got.ItemMeta.Signal == nil || got.ItemMeta.Signal.QCode != "sig:correction"):
				t.Errorf("correction without sig:correction")
			case got.ContentMeta.Dateline == "" || got.ContentMeta.Located.Name != c.In.Version.Dateline.Place:
				t.Errorf("dateline %q, located %q", got.ContentMeta.Dateline, got.ContentMeta.Located.Name)
			case len(got.ContentMeta.Subject) == 0 || got.ContentMeta.Subject[0].QCode != "qasid-section:"+c.In.Version.Section:
				t.Errorf("subjects %+v", got.ContentMeta.Subject)
			}
		})
	}
	xsdCheck(t, files)
}

// TestHostileContent writes stories with hostile bodies and fields, which
// must still give valid NewsML-G2 with well-formed XHTML inside.
func TestHostileContent(t *testing.T) {
	bodies := []string{
		`<p>before<script>alert("x")</script>after</p>`,
		`<p><b>bold <i>both</b> italic? <ul><li>one<li>two</p></div></span>`,
		`Tom & Jerry &amp; &nbsp; &#0; &#x1F600; &bogus; <p>a && b</p>`,
		"<p>bell\x07 null\x00 esc\x1b del\x7f c1\u0085 nonchar\uFFFF broken \xff\xfe</p>",
		`<p>]]> <![CDATA[ x ]]></p><p a<b="1" onclick="y" xmlns:evil="urn:x" title='"q"'>t</p>`,
		`<svg onload="x"><circle/></svg><html><body><p>inside</p></body></html><!-- c -->`,
		"",
	}
	at := time.Date(2025, 11, 27, 4, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	files := map[string]string{}
	for i, body := range bodies {
		for _, killed := range []bool{false, true} {
			in := ninjs.Input{
				Story: story.Story{ID: 9, FamilyID: 4, Lang: "ur", Section: "sport", Status: story.StatusPublished, PublishedAt: at, Slug: "s\x01"},
				Version: story.Version{StoryID: 9, Version: 1, Killed: killed, Headline: "سرخی <b>&\x00]]>", Summary: "\x07<", Byline: "ب\x1b",
					Dateline: story.Dateline{Place: "لاہور\x0b", Date: story.Date{Year: 2025, Month: 11, Day: 27}}, Section: "sp\x01ort <x>",
					Tags: []string{"<tag>", "\x00"}, CorrectionNote: "\x01", Body: body, PublishedAt: at},
				Agency:  story.Agency{TimeZone: "Asia/Karachi", Text: map[string]story.AgencyText{"ur": {Name: "<ایجنسی> & \x02", Credit: "&"}}},
				BaseURL: "https://news.example.org",
				Body:    template.HTML(body),
				Embargo: at.Add(time.Hour),
			}
			if killed {
				in.Body = ""
			}
			b, err := newsml.Encode(in)
			if err != nil {
				t.Fatalf("body %d: %v", i, err)
			}
			got := decode(t, b)
			if strings.Contains(strings.ToLower(got.ContentSet.InlineXML.Inner), "<script") {
				t.Errorf("body %d keeps a script: %s", i, got.ContentSet.InlineXML.Inner)
			}
			path := filepath.Join(dir, fmt.Sprintf("%d-%v.xml", i, killed))
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			files[path] = fmt.Sprintf("body %d (killed %v)", i, killed)
		}
	}
	xsdCheck(t, files)
}

func TestEncodeRejects(t *testing.T) {
	if _, err := newsml.Encode(ninjs.Input{}); err == nil {
		t.Error("an empty input encodes")
	}
}

// TestRTLOnlyForRTL pins dir="rtl" to the right-to-left languages.
func TestRTLOnlyForRTL(t *testing.T) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, l := range lang.All() {
		in := ninjs.Input{
			Story:   story.Story{ID: 1, FamilyID: 1, Lang: l.Code, Section: "world", Status: story.StatusPublished, PublishedAt: at},
			Version: story.Version{Version: 1, Headline: "h", PublishedAt: at},
			BaseURL: "https://news.example.org",
			Body:    "<p>x</p>",
		}
		b, err := newsml.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		rtl := bytes.Contains(b, []byte(`<inlineXML contenttype="application/xhtml+xml" xml:lang="`+l.Tag+`" dir="rtl">`))
		if rtl != l.RTL() {
			t.Errorf("%s: inlineXML rtl %v, want %v", l.Code, rtl, l.RTL())
		}
	}
}
