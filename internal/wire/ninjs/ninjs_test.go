package ninjs_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"html/template"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/ninjs"
	"github.com/qasid/qasid/internal/wire/ninjs/ninjstest"
)

// compileSchema compiles ninjs 3.1 with GeoJSON preloaded under the URL the
// schema refers to, so nothing is fetched from the network.
func compileSchema(t *testing.T, assertFormat bool) *jsonschema.Schema {
	t.Helper()
	dir := filepath.Join(ninjstest.SchemaDir(t), "ninjs")
	c := jsonschema.NewCompiler()
	if assertFormat {
		c.AssertFormat()
	}
	for url, file := range map[string]string{
		"https://geojson.org/schema/GeoJSON.json":             "GeoJSON-schema.json",
		"http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json": "ninjs-schema_3.1.json",
	} {
		doc := readJSON(t, filepath.Join(dir, file))
		if err := c.AddResource(url, doc); err != nil {
			t.Fatalf("add %s: %v", file, err)
		}
	}
	sch, err := c.Compile("http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json")
	if err != nil {
		t.Fatalf("compile ninjs schema: %v", err)
	}
	return sch
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

func validate(t *testing.T, sch *jsonschema.Schema, b []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("invalid ninjs 3.1: %v\n%s", err, b)
	}
}

// TestValidatorSuite proves the validator itself works: IPTC's should-pass
// fixtures pass and its should-fail fixtures fail (format assertion off, as
// the suite expects).
func TestValidatorSuite(t *testing.T) {
	sch := compileSchema(t, false)
	root := filepath.Join(ninjstest.SchemaDir(t), "ninjs", "test_suite", "3.1")
	for _, tc := range []struct {
		dir   string
		valid bool
	}{{"should_pass", true}, {"should_fail", false}} {
		files, err := filepath.Glob(filepath.Join(root, tc.dir, "*.json"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no fixtures in %s (%v)", tc.dir, err)
		}
		for _, f := range files {
			t.Run(tc.dir+"/"+filepath.Base(f), func(t *testing.T) {
				err := sch.Validate(readJSON(t, f))
				if tc.valid && err != nil {
					t.Errorf("should pass, failed: %v", err)
				}
				if !tc.valid && err == nil {
					t.Error("should fail, passed")
				}
			})
		}
	}
}

// TestSchemaRejects checks that the compiled schema, as the demo test
// uses it, rejects what it must: a misspelt property and a uri that is
// not one.
func TestSchemaRejects(t *testing.T) {
	sch := compileSchema(t, true)
	for _, doc := range []string{
		`{"uri":"https://x.example/1","headline":"2.x name"}`,
		`{"uri":"not a uri"}`,
		`{"uri":"https://x.example/1","pubStatus":"killed"}`,
		`{"uri":"https://x.example/1","associations":[{"uri":"https://x.example/2"}]}`,
	} {
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if sch.Validate(inst) == nil {
			t.Errorf("schema accepts %s", doc)
		}
	}
}

// wireItem is the part of an item the tests look into.
type wireItem struct {
	URI            string `json:"uri"`
	Version        string `json:"version"`
	PubStatus      string `json:"pubStatus"`
	Language       string `json:"language"`
	EmbargoedUntil string `json:"embargoedUntil"`
	EdNote         string `json:"edNote"`
	FirstCreated   string `json:"firstCreated"`
	VersionCreated string `json:"versionCreated"`
	Located        string `json:"located"`
	Headlines      []struct {
		Value string `json:"value"`
	} `json:"headlines"`
	Bodies []struct {
		Value     string `json:"value"`
		CharCount int    `json:"charCount"`
		WordCount int    `json:"wordCount"`
	} `json:"bodies"`
	Subjects []struct {
		Name, Rel, URI string
	} `json:"subjects"`
	AltIDs []struct {
		Role, Value string
	} `json:"altIds"`
	Associations []struct {
		Rel, URI, Language string
	} `json:"associations"`
	Renditions []struct {
		Href, ContentType string
	} `json:"renditions"`
}

// TestDemoValidates encodes every demo story in every language, a
// correction's two versions and a kill, and validates each item.
func TestDemoValidates(t *testing.T) {
	sch := compileSchema(t, true)
	cases := ninjstest.Demo(t)
	if len(cases) < 7*12 {
		t.Fatalf("only %d demo cases", len(cases))
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			b, err := ninjs.Encode(c.In)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, sch, b)
			var got wireItem
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			l, _ := lang.Get(c.In.Story.Lang)
			seen[l.Code] = true
			tag, err := language.Parse(got.Language)
			if err != nil || tag.String() != l.Tag {
				t.Errorf("language %q parses as %v (%v), want %s", got.Language, tag, err, l.Tag)
			}
			if want := ninjs.URI(ninjstest.BaseURL, c.In.Story.ID); got.URI != want {
				t.Errorf("uri %q, want %q", got.URI, want)
			}
			if got.Version != strconv.Itoa(c.In.Version.Version) {
				t.Errorf("version %q, want %d", got.Version, c.In.Version.Version)
			}
			if len(got.Headlines) != 1 || got.Headlines[0].Value != c.In.Version.Headline {
				t.Errorf("headlines %+v, want %q", got.Headlines, c.In.Version.Headline)
			}
			if len(got.Bodies) != 1 || got.Bodies[0].CharCount == 0 || got.Bodies[0].WordCount == 0 {
				t.Fatalf("bodies %+v", got.Bodies)
			}
			body := got.Bodies[0].Value
			if !strings.HasPrefix(body, `<div lang="`+l.Tag+`" dir="`+l.Dir+`">`) {
				t.Errorf("body does not open with its language and direction: %.80s", body)
			}
			if !hasAltID(got, "family", "family:"+strconv.FormatInt(c.In.Story.FamilyID, 10)) {
				t.Errorf("no family altId: %+v", got.AltIDs)
			}
			wellFormed(t, body)

			if c.In.Version.Killed {
				if got.PubStatus != "canceled" {
					t.Errorf("kill pubStatus %q", got.PubStatus)
				}
				if !strings.Contains(body, template.HTMLEscapeString(c.In.Version.Body)) {
					t.Errorf("kill body %q lacks the notice", body)
				}
				if len(got.Renditions) != 0 {
					t.Errorf("a kill links its withdrawn page: %+v", got.Renditions)
				}
				return
			}
			if got.PubStatus != "usable" {
				t.Errorf("pubStatus %q", got.PubStatus)
			}
			if got.Located != c.In.Version.Dateline.Place {
				t.Errorf("located %q, want %q", got.Located, c.In.Version.Dateline.Place)
			}
			if !strings.Contains(body, `class="dateline"`) {
				t.Errorf("body has no dateline: %.120s", body)
			}
			if c.In.Version.Version > 1 && got.EdNote != c.In.Version.CorrectionNote {
				t.Errorf("edNote %q, want the correction note %q", got.EdNote, c.In.Version.CorrectionNote)
			}
			if len(got.Renditions) != 1 || !strings.HasPrefix(got.Renditions[0].Href, ninjstest.BaseURL+"/"+l.Code+"/") {
				t.Errorf("renditions %+v", got.Renditions)
			}
			if len(got.Subjects) == 0 || got.Subjects[0].Rel != "section" || got.Subjects[0].Name != c.In.Version.Section {
				t.Errorf("subjects %+v", got.Subjects)
			}
			others := 0
			for _, m := range c.In.Family {
				if m.ID != c.In.Story.ID {
					others++
				}
			}
			if len(got.Associations) != others {
				t.Errorf("%d associations for %d other members", len(got.Associations), others)
			}
			for _, a := range got.Associations {
				if a.Rel != "translation" || a.Language == l.Tag || !strings.HasPrefix(a.URI, ninjstest.BaseURL+"/wire/v1/items/") {
					t.Errorf("association %+v", a)
				}
			}
		})
	}
	for _, code := range lang.Codes() {
		if !seen[code] {
			t.Errorf("no demo story in %s was encoded", code)
		}
	}
}

func hasAltID(it wireItem, role, value string) bool {
	for _, a := range it.AltIDs {
		if a.Role == role && a.Value == value {
			return true
		}
	}
	return false
}

// wellFormed checks that markup parses as XML (the body is XHTML for
// NewsML-G2 and must be at least that clean for ninjs too).
func wellFormed(t *testing.T, markup string) {
	t.Helper()
	if err := parseXML("<root>" + markup + "</root>"); err != nil {
		t.Errorf("not well-formed XML: %v\n%s", err, markup)
	}
}

func parseXML(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// hostileBodies are bodies no renderer of ours would produce but a caller
// might pass: the encoders must still write valid JSON and XML.
var hostileBodies = []struct {
	name, body string
}{
	{"script", `<p>before<script>alert("x")</script>after</p>`},
	{"unbalanced", `<p><b>bold <i>both</b> italic? <ul><li>one<li>two</p></div></span>`},
	{"ampersands", `Tom & Jerry &amp; &nbsp; &#0; &#x1F600; &bogus; <p>a && b</p>`},
	{"controls", "<p>bell\x07 null\x00 esc\x1b del\x7f c1\u0085 bom\uFEFF nonchar\uFFFF</p>"},
	{"invalid utf8", "<p>broken \xff\xfe bytes \xc3</p>"},
	{"cdata end", `<p>]]> <![CDATA[ x ]]> </p>`},
	{"odd attributes", `<p a<b="1" on click="x" onclick="y" xmlns:evil="urn:x" style="x" title='"q"'>t</p>`},
	{"javascript link", `<a href="javascript:alert(1)">x</a> <a href=" /en/world/1-x ">rel</a>`},
	{"foreign", `<svg onload="x"><circle/></svg><math><mi>x</mi></math>text`},
	{"document tags", `<html><head><title>x</title></head><body><p>inside</p></body></html>`},
	{"comments", `<!-- a -- b --><p>x</p><!DOCTYPE html>`},
	{"plain text", "just a notice with < and > and \"quotes\""},
	{"empty", ""},
}

// Hostile returns an Input whose every text field is hostile too.
func hostileInput(body string) ninjs.Input {
	at := time.Date(2025, 11, 27, 4, 0, 0, 0, time.UTC)
	return ninjs.Input{
		Story: story.Story{ID: 9, FamilyID: 4, Lang: "ar", Section: "world", Status: story.StatusPublished, PublishedAt: at, Headline: "h", Slug: "s\x01lug"},
		Version: story.Version{StoryID: 9, Version: 1, Headline: "عنوان <b>&\x00\x1b</b>", Summary: "\x07ملخص & <", Byline: "ب\x00",
			Dateline: story.Dateline{Place: "القاهرة\x0b"}, Section: "world", Tags: []string{"وسم", "\x01", " "}, PublishedAt: at},
		Agency:  story.Agency{TimeZone: "Nowhere/Invalid"},
		BaseURL: "https://news.example.org/",
		Body:    template.HTML(body),
	}
}

func TestHostileContent(t *testing.T) {
	sch := compileSchema(t, true)
	for _, tc := range hostileBodies {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ninjs.Encode(hostileInput(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(b) {
				t.Fatalf("invalid JSON: %s", b)
			}
			validate(t, sch, b)
			var got wireItem
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			body := ""
			if len(got.Bodies) > 0 {
				body = got.Bodies[0].Value
			}
			wellFormed(t, body)
			for _, bad := range []string{"<script", "javascript:", "onclick", "onload", "\x00", "\x07", "<svg", "<!--"} {
				if strings.Contains(string(b), bad) || strings.Contains(body, bad) {
					t.Errorf("output holds %q: %s", bad, b)
				}
			}
		})
	}
}

func TestCleanBody(t *testing.T) {
	tests := []struct {
		in, want string
		words    int
	}{
		{`<p>a<br>b</p>`, `<p>a<br />b</p>`, 2},
		{`<p>x & y</p>`, `<p>x &amp; y</p>`, 2},
		{`<p title="a&quot;b">t</p>`, `<p title="a&quot;b">t</p>`, 1},
		{`<p>unclosed`, `<p>unclosed</p>`, 1},
		{`<a href="/ur/world/1-سلام">x</a>`, `<a href="https://news.example.org/ur/world/1-%D8%B3%D9%84%D8%A7%D9%85">x</a>`, 1},
		{`<a href="javascript:x()">x</a>`, `<a>x</a>`, 1},
		{`<p>a</p><p>b</p>`, `<p>a</p><p>b</p>`, 2},
		{`<p>巴基斯坦总理</p>`, `<p>巴基斯坦总理</p>`, 6},
		{"<p>x\x00y</p>", `<p>xy</p>`, 1},
		{`<hr><p>x</p>`, `<hr /><p>x</p>`, 1},
		{`<span class="dateline">کراچی</span> متن`, `<span class="dateline">کراچی</span> متن`, 2},
	}
	base := mustURL(t, "https://news.example.org")
	for _, tc := range tests {
		got := ninjs.CleanBody(tc.in, base)
		if got.XHTML != tc.want {
			t.Errorf("CleanBody(%q) = %q, want %q", tc.in, got.XHTML, tc.want)
		}
		if got.Words != tc.words {
			t.Errorf("CleanBody(%q) counts %d words, want %d", tc.in, got.Words, tc.words)
		}
	}
}

func TestDescribeRejects(t *testing.T) {
	good := hostileInput("<p>x</p>")
	tests := []struct {
		name   string
		change func(in *ninjs.Input)
	}{
		{"no base URL", func(in *ninjs.Input) { in.BaseURL = "" }},
		{"relative base URL", func(in *ninjs.Input) { in.BaseURL = "/news" }},
		{"ftp base URL", func(in *ninjs.Input) { in.BaseURL = "ftp://x.example" }},
		{"no story id", func(in *ninjs.Input) { in.Story.ID = 0 }},
		{"no version", func(in *ninjs.Input) { in.Version.Version = 0 }},
		{"version of another story", func(in *ninjs.Input) { in.Version.StoryID = 99 }},
		{"unknown language", func(in *ninjs.Input) { in.Story.Lang = "xx" }},
		{"never published", func(in *ninjs.Input) { in.Story.PublishedAt, in.Version.PublishedAt = time.Time{}, time.Time{} }},
	}
	if _, err := ninjs.Encode(good); err != nil {
		t.Fatalf("the good input fails: %v", err)
	}
	for _, tc := range tests {
		in := good
		tc.change(&in)
		if _, err := ninjs.Encode(in); !errors.Is(err, ninjs.ErrInput) {
			t.Errorf("%s: err = %v, want ErrInput", tc.name, err)
		}
	}
}

// TestStableIdentity checks that a correction keeps the uri and guid of
// the item it corrects and that an embargo is sent, but never on a kill.
func TestStableIdentity(t *testing.T) {
	in := hostileInput("<p>x</p>")
	in.Embargo = in.Version.PublishedAt.Add(2 * time.Hour)
	v1, err := ninjs.Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Version.Version, in.Version.CorrectionNote = 2, "fixed"
	in.Version.PublishedAt = in.Version.PublishedAt.Add(time.Hour)
	v2, err := ninjs.Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	if v1.URI != v2.URI || v1.GUID != v2.GUID || v1.Version == v2.Version {
		t.Errorf("v1 %s %s %d, v2 %s %s %d", v1.URI, v1.GUID, v1.Version, v2.URI, v2.GUID, v2.Version)
	}
	if v1.Embargo.IsZero() {
		t.Error("embargo lost")
	}
	in.Version.Killed, in.Version.Version = true, 3
	k, err := ninjs.Describe(in)
	if err != nil {
		t.Fatal(err)
	}
	if !k.Canceled || !k.Embargo.IsZero() || k.WebURL != "" {
		t.Errorf("kill: canceled %v, embargo %v, web %q", k.Canceled, k.Embargo, k.WebURL)
	}
}

func FuzzCleanBody(f *testing.F) {
	for _, tc := range hostileBodies {
		f.Add(tc.body)
	}
	base := mustURL(f, "https://news.example.org")
	f.Fuzz(func(t *testing.T, body string) {
		got := ninjs.CleanBody(body, base)
		d := xml.NewDecoder(strings.NewReader("<root>" + got.XHTML + "</root>"))
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("CleanBody(%q) is not well-formed: %v\n%s", body, err, got.XHTML)
			}
			if se, ok := tok.(xml.StartElement); ok {
				switch se.Name.Local {
				case "script", "style", "iframe", "svg":
					t.Fatalf("CleanBody(%q) keeps a %s: %s", body, se.Name.Local, got.XHTML)
				}
				for _, a := range se.Attr {
					if strings.HasPrefix(a.Name.Local, "on") || (a.Name.Local == "href" || a.Name.Local == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Value)), "javascript:") {
						t.Fatalf("CleanBody(%q) keeps %s=%q", body, a.Name.Local, a.Value)
					}
				}
			}
		}
	})
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
