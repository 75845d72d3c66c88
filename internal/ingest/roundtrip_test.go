package ingest_test

// Round trips: stories written by our own wire encoders (ninjs and
// NewsML-G2) must come back through the readers with nothing lost that an
// Item holds. This is an external test package because the demo store it
// loads may import ingest.

import (
	"bytes"
	"context"
	"html/template"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/qasid/qasid/internal/ingest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/newsml"
	"github.com/qasid/qasid/internal/wire/ninjs"
	"github.com/qasid/qasid/internal/wire/ninjs/ninjstest"
)

func readAll(t *testing.T, f ingest.Format, b []byte) ([]ingest.Item, ingest.Stats) {
	t.Helper()
	var items []ingest.Item
	st, err := ingest.Read(context.Background(), bytes.NewReader(b), f, ingest.Options{Source: "Peer"}, func(it ingest.Item) error {
		items = append(items, it)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", f, err)
	}
	for _, e := range st.Errors {
		t.Errorf("%s: %v", f, e)
	}
	return items, st
}

// sameItem compares what came back with what the encoder described.
func sameItem(t *testing.T, name string, got ingest.Item, want ninjs.Item, guid string) {
	t.Helper()
	// Bodies are compared word by word (paragraph breaks become spaces);
	// one-line fields exactly, as the demo writes them clean (no-break
	// spaces before "%" included).
	fields := func(s string) string { return norm.NFC.String(strings.Join(strings.Fields(s), " ")) }
	line := func(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }
	checks := []struct {
		field string
		ok    bool
		got   any
		want  any
	}{
		{"guid", got.GUID == guid, got.GUID, guid},
		{"lang", got.Lang == want.Lang.Code, got.Lang, want.Lang.Code},
		{"headline", got.Headline == line(want.Headline), got.Headline, want.Headline},
		{"summary", got.Summary == line(want.Summary), got.Summary, want.Summary},
		{"byline", got.Byline == line(want.Byline), got.Byline, want.Byline},
		// The wire body is HTML; its text, paragraph breaks aside, is
		// what the encoder counted.
		{"body", fields(got.Body) == fields(want.Body.Text), got.Body, want.Body.Text},
		{"section", got.Section == want.Section, got.Section, want.Section},
		{"tags", strings.Join(got.Tags, "|") == strings.Join(want.Tags, "|"), got.Tags, want.Tags},
		{"url", got.URL == want.WebURL, got.URL, want.WebURL},
		{"published", got.Published.Equal(want.FirstCreated.Truncate(time.Second)), got.Published, want.FirstCreated},
		{"updated", got.Updated.Equal(want.VersionCreated.Truncate(time.Second)), got.Updated, want.VersionCreated},
		{"version", got.Version == want.Version, got.Version, want.Version},
		{"canceled", got.Canceled == want.Canceled, got.Canceled, want.Canceled},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: %s is %q, want %q", name, c.field, c.got, c.want)
		}
	}
	// Paragraphs stay paragraphs.
	if strings.Count(want.Body.XHTML, "<p") > 1 && !strings.Contains(got.Body, "\n") {
		t.Errorf("%s: the body lost its paragraphs: %.200s", name, got.Body)
	}
}

// TestRoundTripDemo encodes every demo story in every language, a
// correction and a kill, with both encoders, one by one and in batches,
// and reads them back.
func TestRoundTripDemo(t *testing.T) {
	cases := ninjstest.Demo(t)
	var lines, array, message bytes.Buffer
	array.WriteString("[")
	message.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2025-11-27T00:00:00Z</sent></header><itemSet>`)
	var wants []ninjs.Item
	for i, c := range cases {
		want, err := ninjs.Describe(c.In)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		wants = append(wants, want)
		nj, err := ninjs.Encode(c.In)
		if err != nil {
			t.Fatal(err)
		}
		g2, err := newsml.Encode(c.In)
		if err != nil {
			t.Fatal(err)
		}

		items, _ := readAll(t, ingest.NINJS, nj)
		if len(items) != 1 {
			t.Fatalf("%s: ninjs gave %d items", c.Name, len(items))
		}
		sameItem(t, c.Name+"/ninjs", items[0], want, want.URI)
		if fam := "news.example.org/family:" + strconv.FormatInt(c.In.Story.FamilyID, 10); items[0].FamilyKey != fam {
			t.Errorf("%s/ninjs: family %q, want %q", c.Name, items[0].FamilyKey, fam)
		}
		if items[0].Source != "Peer" {
			t.Errorf("%s/ninjs: source %q", c.Name, items[0].Source)
		}
		if f, err := ingest.Detect("item.json", nj); err != nil || f != ingest.NINJS {
			t.Errorf("%s: ninjs detected as %q, %v", c.Name, f, err)
		}

		items, _ = readAll(t, ingest.NewsML, g2)
		if len(items) != 1 {
			t.Fatalf("%s: NewsML-G2 gave %d items", c.Name, len(items))
		}
		sameItem(t, c.Name+"/newsml", items[0], want, want.GUID)
		// Our NewsML-G2 carries no family id, and names its agency.
		if items[0].FamilyKey != "" || items[0].Source != want.AgencyName {
			t.Errorf("%s/newsml: family %q, source %q", c.Name, items[0].FamilyKey, items[0].Source)
		}
		if f, err := ingest.Detect("item.xml", g2); err != nil || f != ingest.NewsML {
			t.Errorf("%s: NewsML-G2 detected as %q, %v", c.Name, f, err)
		}

		lines.Write(nj)
		lines.WriteByte('\n')
		if i > 0 {
			array.WriteString(",\n")
		}
		array.Write(nj)
		message.Write(bytes.TrimPrefix(g2, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)))
	}
	array.WriteString("]")
	message.WriteString(`</itemSet></newsMessage>`)

	for _, batch := range []struct {
		name   string
		format ingest.Format
		doc    []byte
		guid   func(ninjs.Item) string
	}{
		{"ninjs lines", ingest.NINJS, lines.Bytes(), func(it ninjs.Item) string { return it.URI }},
		{"ninjs array", ingest.NINJS, array.Bytes(), func(it ninjs.Item) string { return it.URI }},
		{"newsMessage", ingest.NewsML, message.Bytes(), func(it ninjs.Item) string { return it.GUID }},
	} {
		items, _ := readAll(t, batch.format, batch.doc)
		if len(items) != len(cases) {
			t.Errorf("%s: %d items, want %d", batch.name, len(items), len(cases))
			continue
		}
		for i, it := range items {
			sameItem(t, batch.name+"/"+cases[i].Name, it, wants[i], batch.guid(wants[i]))
		}
	}
}

// TestRoundTripHostile sends bodies no renderer of ours writes through
// both encoders: what comes back is text, without the script.
func TestRoundTripHostile(t *testing.T) {
	at := time.Date(2025, 11, 27, 4, 0, 0, 0, time.UTC)
	bodies := []string{
		`<p>before<script>alert("x")</script>after</p>`,
		`<p><b>bold <i>both</b> italic? <ul><li>one<li>two</p></div></span>`,
		`Tom & Jerry &amp; &nbsp; &#0; &#x1F600; &bogus; <p>a && b</p>`,
		"<p>bell\x07 null\x00 esc\x1b broken \xff\xfe bytes</p>",
		`<p>]]> <![CDATA[ x ]]> </p>`,
		`<svg onload="x"><circle/></svg><html><body><p>inside</p></body></html><!-- c -->`,
	}
	for i, body := range bodies {
		in := ninjs.Input{
			Story:   story.Story{ID: 9, FamilyID: 4, Lang: "ar", Section: "world", Status: story.StatusPublished, PublishedAt: at},
			Version: story.Version{StoryID: 9, Version: 1, Headline: "عنوان <b>&\x00</b>", Section: "world", PublishedAt: at},
			BaseURL: "https://news.example.org",
			Body:    template.HTML(body),
		}
		want, err := ninjs.Describe(in)
		if err != nil {
			t.Fatal(err)
		}
		for _, enc := range []struct {
			format ingest.Format
			encode func(ninjs.Input) ([]byte, error)
			guid   string
		}{{ingest.NINJS, ninjs.Encode, want.URI}, {ingest.NewsML, newsml.Encode, want.GUID}} {
			b, err := enc.encode(in)
			if err != nil {
				t.Fatal(err)
			}
			items, _ := readAll(t, enc.format, b)
			if len(items) != 1 {
				t.Fatalf("body %d, %s: %d items", i, enc.format, len(items))
			}
			sameItem(t, "body "+strconv.Itoa(i)+"/"+string(enc.format), items[0], want, enc.guid)
			if strings.Contains(items[0].Body, "alert") || strings.Contains(items[0].Body, "<") && i != 2 {
				t.Errorf("body %d, %s: %q", i, enc.format, items[0].Body)
			}
		}
	}
}
