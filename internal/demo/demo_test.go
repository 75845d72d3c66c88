package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

func TestDemoStoriesHaveTheAgencyShape(t *testing.T) {
	fams, err := Stories()
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) < 12 {
		t.Fatalf("%d demo stories, want at least 12", len(fams))
	}
	sections := map[string]bool{}
	keys := map[string]bool{}
	for _, f := range fams {
		keys[f.Key] = true
	}
	for _, f := range fams {
		for _, code := range lang.Codes() {
			m := f.Members[code]
			sections[m.Section] = true
			for _, w := range []string{"\n## ", "\n### ", "\n**"} {
				if !strings.Contains("\n"+m.Body, w) {
					t.Errorf("%s/%s: body lacks %q", f.Key, code, strings.TrimSpace(w))
				}
			}
			refs := alsoKey.FindAllStringSubmatch(m.Body, -1)
			if len(refs) != 1 {
				t.Errorf("%s/%s: %d Also Read references, want 1", f.Key, code, len(refs))
			}
			for _, r := range refs {
				if !keys[r[1]] || r[1] == f.Key {
					t.Errorf("%s/%s: Also Read names %q, not another demo story", f.Key, code, r[1])
				}
			}
			if strings.Contains(m.Body, "[[also:") && len(refs) == 0 {
				t.Errorf("%s/%s: malformed Also Read token", f.Key, code)
			}
			if m.Byline == "" || m.Dateline.Place == "" || m.Summary == "" || len(m.Tags) == 0 {
				t.Errorf("%s/%s: byline, place, summary and tags are all required", f.Key, code)
			}
		}
	}
	var known []string
	for _, s := range Sections() {
		known = append(known, s.Key)
	}
	for s := range sections {
		if !strings.Contains(" "+strings.Join(known, " ")+" ", " "+s+" ") {
			t.Errorf("demo story in unknown section %q", s)
		}
	}
	if len(sections) < 4 {
		t.Errorf("demo stories cover %d sections, want at least 4", len(sections))
	}
}

func TestAgencyAndSectionsAreTranslated(t *testing.T) {
	a := Agency()
	for _, code := range lang.Codes() {
		txt := a.Text[code]
		if txt.Name == "" || txt.Tagline == "" || txt.Credit == "" {
			t.Errorf("agency text in %s incomplete: %+v", code, txt)
		}
		for _, s := range Sections() {
			if s.Names[code] == "" {
				t.Errorf("section %s has no name in %s", s.Key, code)
			}
		}
	}
}

func TestParseFileErrors(t *testing.T) {
	good := "headline: H\nsummary: S\nbyline: B\nplace: P\ndate: 2026-11-20\nsection: world\ntags: a, b\n---\nBody.\n"
	tests := []struct{ name, text, want string }{
		{"no separator", strings.Replace(good, "---\nBody.\n", "", 1), `no "---" line`},
		{"body without separator", strings.Replace(good, "---\n", "", 1), "x.md:8"},
		{"missing field", strings.Replace(good, "byline: B\n", "", 1), "byline is missing"},
		{"unknown field", strings.Replace(good, "byline: B", "author: B", 1), "x.md:3"},
		{"duplicate field", strings.Replace(good, "byline: B", "byline: B\nbyline: C", 1), "byline given twice"},
		{"bad date", strings.Replace(good, "2026-11-20", "20/11/2026", 1), "want YYYY-MM-DD"},
		{"long headline", strings.Replace(good, "headline: H", "headline: "+strings.Repeat("h", story.MaxHeadline+1), 1), "headline is longer"},
		{"not utf-8", strings.Replace(good, "Body.", "\xff\xfe", 1), "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFile("x.md", "01-x", "en", tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	f, err := parseFile("x.md", "01-x", "en", good)
	if err != nil {
		t.Fatal(err)
	}
	if f.Story.Headline != "H" || f.Story.Dateline.Date.String() != "2026-11-20" || len(f.Story.Tags) != 2 || f.Story.Body != "Body.\n" {
		t.Errorf("parsed %+v", f.Story)
	}
}

func TestParseStoriesNeedsEveryLanguage(t *testing.T) {
	file := "headline: H\nsummary: S\nbyline: B\nplace: P\ndate: 2026-11-20\nsection: world\ntags: a\n---\nBody.\n"
	fsys := fstest.MapFS{}
	for _, code := range lang.Codes() {
		if code != "zh" {
			fsys["s/01-x/"+code+".md"] = &fstest.MapFile{Data: []byte(file)}
		}
	}
	if _, err := parseStories(fsys, "s"); err == nil || !strings.Contains(err.Error(), "no zh file") {
		t.Fatalf("err = %v, want a missing zh file", err)
	}
	fsys["s/01-x/zh.md"] = &fstest.MapFile{Data: []byte(strings.Replace(file, "world", "sport", 1))}
	if _, err := parseStories(fsys, "s"); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Fatalf("err = %v, want a section mismatch", err)
	}
}

func TestLoadTwiceAddsNothing(t *testing.T) {
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "q.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first, err := Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	fams, _ := Stories()
	want := len(fams) * len(lang.Codes())
	if first.Created != want || first.Published != want {
		t.Fatalf("first load %+v, want %d created and published", first, want)
	}
	seq, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	chs, err := db.Changes(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	publishes := 0
	for _, ch := range chs {
		if ch.Kind == story.ChangePublish {
			publishes++
		}
	}
	if publishes != want {
		t.Errorf("change log has %d publish entries, want one per story (%d)", publishes, want)
	}
	second, err := Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := db.LastSeq(ctx); again != seq {
		t.Errorf("the second load moved the change log from %d to %d", seq, again)
	}
	if second.Created != 0 || second.Published != 0 {
		t.Errorf("second load %+v, want nothing new", second)
	}
	n, err := db.CountPublished(ctx, store.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("%d published, want %d", n, want)
	}
	// Translations point at the original and every token became an id.
	fid, err := db.FamilyByKey(ctx, "demo:01-xi-astana-state-visit")
	if err != nil {
		t.Fatal(err)
	}
	members, err := db.Family(ctx, fid)
	if err != nil {
		t.Fatal(err)
	}
	var enID int64
	for _, m := range members {
		if m.Lang == "en" {
			enID = m.ID
		}
	}
	for _, m := range members {
		if strings.Contains(m.Body, "[[also:0") || len(story.AlsoRefs(m.Body)) != 1 {
			t.Errorf("%s: references not resolved to ids: %v", m.Lang, story.AlsoRefs(m.Body))
		}
		if m.Lang != "en" && m.TranslatedFromID != enID {
			t.Errorf("%s: translated from %d, want the English %d", m.Lang, m.TranslatedFromID, enID)
		}
	}
}
