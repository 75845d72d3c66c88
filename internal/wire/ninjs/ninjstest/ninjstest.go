// Package ninjstest builds wire encoder Inputs from the demo agency, so the
// encoders' tests (and those of the wire's other parts) run on real stories
// in all seven languages, loaded into a real store.
package ninjstest

import (
	"context"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// BaseURL is the public origin the cases use.
const BaseURL = "https://news.example.org"

// Case is one Input with a name for subtests, e.g. "01-xi-astana-state-visit/ur/v1".
type Case struct {
	Name string
	In   ninjs.Input
}

// Demo loads the demo agency into a fresh SQLite store and returns a case
// for every demo story in every language, plus both versions of a
// corrected story and the kill of another (the first two families' Urdu
// and Arabic members: right-to-left text is where mistakes hide).
func Demo(t testing.TB) []Case {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite(t)
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatalf("ninjstest: load demo: %v", err)
	}
	fams, err := demo.Stories()
	if err != nil {
		t.Fatalf("ninjstest: %v", err)
	}
	if len(fams) < 2 {
		t.Fatalf("ninjstest: want at least 2 demo families, have %d", len(fams))
	}
	now := time.Now()
	r := story.NewBodyRenderer()
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatalf("ninjstest: %v", err)
	}
	label := func(code string) string { return cat.T(code, "story.also_read") }

	var cases []Case
	members := map[string]map[string]int64{} // family key -> lang -> story id
	for _, f := range fams {
		fid, err := db.FamilyByKey(ctx, "demo:"+f.Key)
		if err != nil {
			t.Fatalf("ninjstest: family %s: %v", f.Key, err)
		}
		stories, err := db.Family(ctx, fid)
		if err != nil {
			t.Fatalf("ninjstest: family %s: %v", f.Key, err)
		}
		members[f.Key] = map[string]int64{}
		for _, s := range stories {
			members[f.Key][s.Lang] = s.ID
			in, err := Input(ctx, db, r, label, s.ID, 0, now)
			if err != nil {
				t.Fatalf("ninjstest: %s/%s: %v", f.Key, s.Lang, err)
			}
			cases = append(cases, Case{Name: f.Key + "/" + s.Lang, In: in})
		}
	}

	// A correction: version 2 of the first family's Urdu member, with a
	// new headline; both versions go on the wire.
	corrID := members[fams[0].Key]["ur"]
	s, err := db.Story(ctx, corrID)
	if err != nil {
		t.Fatalf("ninjstest: %v", err)
	}
	s.Headline += " (تصحیح)"
	s.Body += "\n\nتصحیح: پہلے ورژن میں ایک تاریخ غلط تھی۔"
	if err := db.UpdateStory(ctx, &s); err != nil {
		t.Fatalf("ninjstest: %v", err)
	}
	at := s.PublishedAt.Add(3 * time.Hour)
	if _, err := db.PublishStory(ctx, corrID, store.Publish{At: at, CorrectionNote: "ایک تاریخ درست کی گئی۔"}); err != nil {
		t.Fatalf("ninjstest: correct: %v", err)
	}
	for _, v := range []int{1, 2} {
		in, err := Input(ctx, db, r, label, corrID, v, now)
		if err != nil {
			t.Fatalf("ninjstest: correction v%d: %v", v, err)
		}
		cases = append(cases, Case{Name: fmt.Sprintf("%s/ur/correction-v%d", fams[0].Key, v), In: in})
	}

	// A kill of the second family's Arabic member.
	killID := members[fams[1].Key]["ar"]
	ks, err := db.Story(ctx, killID)
	if err != nil {
		t.Fatalf("ninjstest: %v", err)
	}
	if _, err := db.KillStory(ctx, killID, store.Kill{Notice: "سُحبت هذه القصة. يرجى عدم نشرها.", At: ks.PublishedAt.Add(4 * time.Hour)}); err != nil {
		t.Fatalf("ninjstest: kill: %v", err)
	}
	in, err := Input(ctx, db, r, label, killID, 0, now)
	if err != nil {
		t.Fatalf("ninjstest: kill: %v", err)
	}
	if !in.Version.Killed {
		t.Fatalf("ninjstest: kill: latest version is not a kill")
	}
	cases = append(cases, Case{Name: fams[1].Key + "/ar/kill", In: in})
	return cases
}

// Input builds the Input for one version of a story (0: the latest) the
// way the wire does: the public story, or for a kill the killed story, its
// public family, the agency, and the body rendered in the story's language
// with Also Read links resolved as the public site resolves them.
func Input(ctx context.Context, st store.Store, r *story.BodyRenderer, label func(code string) string, id int64, version int, now time.Time) (ninjs.Input, error) {
	cur, err := st.Story(ctx, id)
	if err != nil {
		return ninjs.Input{}, err
	}
	versions, err := st.StoryVersions(ctx, id)
	if err != nil {
		return ninjs.Input{}, err
	}
	if len(versions) == 0 {
		return ninjs.Input{}, fmt.Errorf("story %d has no versions", id)
	}
	v := versions[len(versions)-1]
	if version > 0 {
		if version > len(versions) {
			return ninjs.Input{}, fmt.Errorf("story %d has no version %d", id, version)
		}
		v = versions[version-1]
	}
	ag, err := st.Agency(ctx)
	if err != nil {
		return ninjs.Input{}, err
	}
	fam, err := st.PublicFamily(ctx, cur.FamilyID, now)
	if err != nil {
		return ninjs.Input{}, err
	}
	in := ninjs.Input{Version: v, Family: fam, Agency: ag, BaseURL: BaseURL, Embargo: cur.EmbargoUntil}
	if v.Killed {
		in.Story = cur
		in.Body = template.HTML("<p>" + template.HTMLEscapeString(v.Body) + "</p>")
		return in, nil
	}
	if in.Story, err = st.PublicStory(ctx, id, now); err != nil {
		return ninjs.Input{}, err
	}
	l, _ := lang.Get(cur.Lang)
	links, err := alsoLinks(ctx, st, l, v.Body, now)
	if err != nil {
		return ninjs.Input{}, err
	}
	in.Body, err = r.Render(v.Body, story.RenderOptions{
		AlsoLabel: label(l.Code),
		Resolve: func(id int64) (story.AlsoLink, bool) {
			link, ok := links[id]
			return link, ok
		},
	})
	return in, err
}

// alsoLinks resolves a body's Also Read references like the public site:
// the referenced family's member in the page's language, else the
// referenced story itself with its language named.
func alsoLinks(ctx context.Context, st store.Store, l lang.Language, body string, now time.Time) (map[int64]story.AlsoLink, error) {
	links := map[int64]story.AlsoLink{}
	refs := story.AlsoRefs(body)
	if len(refs) == 0 {
		return links, nil
	}
	targets, err := st.Stories(ctx, refs)
	if err != nil {
		return nil, err
	}
	for id, t := range targets {
		fam, err := st.PublicFamily(ctx, t.FamilyID, now)
		if err != nil {
			return nil, err
		}
		for _, m := range fam {
			if m.Lang == l.Code {
				links[id] = story.AlsoLink{Href: render.StoryPath(m), Headline: m.Headline, Lang: l.Tag, Dir: l.Dir}
			} else if _, ok := links[id]; !ok && m.ID == t.ID {
				ol, _ := lang.Get(m.Lang)
				links[id] = story.AlsoLink{Href: render.StoryPath(m), Headline: m.Headline, Lang: ol.Tag, Dir: ol.Dir, LangName: ol.Name}
			}
		}
	}
	return links, nil
}

// SchemaDir finds ../shared/schemas: the folder "shared" that lies beside
// the repository, wherever the repository was cloned. It walks up from
// the test's working directory and skips the test, saying so, when no
// parent holds shared/schemas.
func SchemaDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("ninjstest: %v", err)
	}
	for {
		cand := filepath.Join(dir, "shared", "schemas")
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("ninjstest: no shared/schemas beside the repository (looked in every parent folder of the working directory); schema validation needs ../shared")
			return ""
		}
		dir = parent
	}
}

// Xmllint returns the path of xmllint. Where it is missing the test is
// skipped, but fails under CI or QASID_E2E=1, where it must be installed.
func Xmllint(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err == nil {
		return p
	}
	if os.Getenv("QASID_E2E") == "1" || os.Getenv("CI") != "" {
		t.Fatalf("ninjstest: xmllint is required under CI/QASID_E2E (apt-get install libxml2-utils): %v", err)
	}
	t.Skip("ninjstest: xmllint not installed (apt-get install libxml2-utils)")
	return ""
}
