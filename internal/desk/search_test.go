package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
)

// searchFixture is the desk over the demo agency with a search index that
// follows the store, and the usual user per role, plus an Arabic
// translator and one without pairs.
type searchFixture struct {
	*fixture
	ix     *search.Index
	follow *search.Follower
	cat    *lang.Catalog
}

func newSearchFixture(t testing.TB, withIndex bool) *searchFixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.SQLite(t)
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	sf := &searchFixture{cat: cat}
	if withIndex {
		if sf.ix, err = search.OpenMemory(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sf.ix.Close() })
		if sf.follow, err = search.NewFollower(search.FollowerOptions{Store: db, Index: sf.ix}); err != nil {
			t.Fatal(err)
		}
	}
	svc := newsroom.New(newsroom.Options{Store: db})
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	tr := translate.New(translate.Options{Store: db, Newsroom: svc})
	d, err := desk.New(desk.Options{Service: svc, Store: db, Catalog: cat, Preview: s.Preview, PublicPath: render.StoryPath,
		Translate: tr, Search: sf.ix})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	sf.fixture = &fixture{srv: srv, db: db, svc: svc, tr: tr, users: map[auth.Role]auth.User{}}
	for _, u := range []auth.User{
		{Email: "admin@test.example", Roles: []auth.Role{auth.RoleAdmin}, UILang: "en"},
		{Email: "editor@test.example", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"},
		{Email: "reporter@test.example", Roles: []auth.Role{auth.RoleReporter}, UILang: "ur"},
		{Email: "translator@test.example", Roles: []auth.Role{auth.RoleTranslator}, UILang: "en", Pairs: []auth.Pair{{From: "en", To: "ur"}}},
	} {
		if err := svc.BootstrapUser(ctx, &u, password); err != nil {
			t.Fatal(err)
		}
		sf.users[u.Roles[0]] = u
	}
	return sf
}

func (f *searchFixture) catchUp(t testing.TB) {
	t.Helper()
	if _, err := f.follow.FollowOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// draft adds a draft in a family of its own.
func (f *searchFixture) draft(t *testing.T, code, section, headline, body string) story.Story {
	t.Helper()
	ctx := context.Background()
	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s := story.Story{FamilyID: fid, Lang: code, Headline: headline, Body: body, Section: section, Status: story.StatusDraft}
	if err := f.db.CreateStory(ctx, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// demoMember finds the demo story of a family key in a language.
func (f *searchFixture) demoMember(t *testing.T, key, code string) story.Story {
	t.Helper()
	ctx := context.Background()
	fid, err := f.db.FamilyByKey(ctx, "demo:"+key)
	if err != nil {
		t.Fatal(err)
	}
	fam, err := f.db.Family(ctx, fid)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range fam {
		if m.Lang == code {
			return m
		}
	}
	t.Fatalf("no %s member in %s", code, key)
	return story.Story{}
}

var deskHit = regexp.MustCompile(`<td><a href="/desk/stories/([0-9]+)" lang="([^"]+)" dir="([^"]+)">`)

// hits lists the story ids and languages a desk search page shows.
func hits(body string) map[string]string {
	out := map[string]string{}
	for _, m := range deskHit.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

func TestDeskSearchFindsDraftsByTheirWorkingCopy(t *testing.T) {
	f := newSearchFixture(t, true)
	ctx := context.Background()
	draft := f.draft(t, "en", "world", "Council budget", "The council weighs a levy on marquetry workshops.")
	pub := f.demoMember(t, "05-karachi-port-containers", "en")
	w, err := f.db.Story(ctx, pub.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.Body += "\n\nEditors add: marquetry exports also rose."
	if err := f.db.UpdateStory(ctx, &w); err != nil {
		t.Fatal(err)
	}
	f.catchUp(t)

	c := f.login(t, auth.RoleEditor)
	r := c.get("/desk/search?q=marquetry")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	got := hits(r.body)
	if len(got) != 2 || got[fmt.Sprint(draft.ID)] != "en" || got[fmt.Sprint(pub.ID)] != "en" {
		t.Errorf("desk search found %v, want the draft %d and the edited story %d", got, draft.ID, pub.ID)
	}
	for _, want := range []string{
		`<span class="status status-draft">` + f.cat.T("en", "desk.status_draft") + `</span>`,
		`<span class="status status-published">` + f.cat.T("en", "desk.status_published") + `</span> <span class="meta working-copy">` + f.cat.T("en", "search.working_copy") + `</span>`,
		`<mark>marquetry</mark>`,
		`href="/desk/search" aria-current="page"`,
		`name="q" value="marquetry"`,
		f.cat.N("en", "search.result_count", 2),
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("desk search page lacks %q", want)
		}
	}
	// Every desk page links to it.
	if r := c.get("/desk/"); !strings.Contains(r.body, `<a href="/desk/search">`+f.cat.T("en", "search.title")+`</a>`) {
		t.Error("the desk navigation has no search link")
	}
	// The status is the story's now: publishing the draft shows at once,
	// even before the index follows.
	if _, err := f.db.PublishStory(ctx, draft.ID, store.Publish{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	r = c.get("/desk/search?q=marquetry&lang=en&section=world")
	if got := hits(r.body); len(got) != 1 || !strings.Contains(r.body, "status-published") {
		t.Errorf("filtered desk search: %v", got)
	}
}

func TestDeskSearchKeepsTranslatorsToTheirLanguages(t *testing.T) {
	f := newSearchFixture(t, true)
	urDraft := f.draft(t, "ur", "world", "Vellichor مسودہ", "Vellichor کی خبر۔")
	arDraft := f.draft(t, "ar", "world", "Vellichor مسودة", "خبر Vellichor سرية.")
	enDraft := f.draft(t, "en", "world", "Vellichor draft", "Vellichor in English.")
	frDraft := f.draft(t, "fr", "world", "Vellichor brouillon", "Vellichor en français.")
	f.catchUp(t)

	tests := []struct {
		name  string
		role  auth.Role
		query string
		want  []story.Story
	}{
		{"editor sees every language", auth.RoleEditor, "q=vellichor", []story.Story{urDraft, arDraft, enDraft, frDraft}},
		{"reporter too", auth.RoleReporter, "q=vellichor", []story.Story{urDraft, arDraft, enDraft, frDraft}},
		{"translator only their pair", auth.RoleTranslator, "q=vellichor", []story.Story{urDraft, enDraft}},
		{"translator asking for another language", auth.RoleTranslator, "q=vellichor&lang=ar", []story.Story{urDraft, enDraft}},
		{"translator narrowing within their own", auth.RoleTranslator, "q=vellichor&lang=ur", []story.Story{urDraft}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.login(t, tt.role).get("/desk/search?" + tt.query)
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			got := hits(r.body)
			if len(got) != len(tt.want) {
				t.Errorf("found %v, want %d stories", got, len(tt.want))
			}
			for _, s := range tt.want {
				if got[fmt.Sprint(s.ID)] != s.Lang {
					t.Errorf("story %d (%s) not found: %v", s.ID, s.Lang, got)
				}
			}
		})
	}
	// The translator's language menu offers only their languages.
	r := f.login(t, auth.RoleTranslator).get("/desk/search?q=vellichor")
	form := r.body[strings.Index(r.body, `action="/desk/search"`):]
	form = form[:strings.Index(form, "</form>")]
	if strings.Contains(form, `<option value="ar"`) || !strings.Contains(form, `<option value="ur"`) {
		t.Error("the translator's language menu offers other languages")
	}
	if strings.Contains(r.body, arDraft.Headline) || strings.Contains(r.body, frDraft.Headline) {
		t.Error("another language's draft shows on the translator's page")
	}

}

func TestDeskSearchInput(t *testing.T) {
	f := newSearchFixture(t, true)
	f.catchUp(t)
	c := f.login(t, auth.RoleReporter) // works in Urdu
	tests := []struct {
		name, query string
		status      int
		key         string
	}{
		{"empty form", "", 200, ""},
		{"blank query", "q=+++", 200, ""},
		{"ten thousand characters", "q=" + strings.Repeat("x", 10000), 400, "search.err_too_long"},
		{"unbalanced quote", "q=" + url.QueryEscape(`"karachi`), 400, "search.err_quote"},
		{"control character", "q=%07karachi", 400, "search.err_control"},
		{"only excluded", "q=-karachi", 400, "search.err_only_excluded"},
		{"bad date", "q=karachi&from=yesterday", 400, "search.err_date"},
		{"dates reversed", "q=karachi&from=2026-02-02&to=2026-02-01", 400, "search.err_date_range"},
		{"unknown language ignored", "q=karachi&lang=xx", 200, ""},
		{"unknown section ignored", "q=karachi&section=%00", 200, ""},
		{"page too deep", "q=karachi&page=51", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.get("/desk/search?" + tt.query)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			if tt.key != "" {
				if want := f.cat.T("ur", tt.key); !strings.Contains(r.body, want) {
					t.Errorf("the page lacks %q", want)
				}
				if !strings.Contains(r.body, `<html lang="ur" dir="rtl">`) {
					t.Error("the message is not in the user's language")
				}
			}
		})
	}
	if r := f.client(t).get("/desk/search?q=karachi"); r.status != http.StatusSeeOther {
		t.Errorf("a stranger: %d, want a redirect to the login", r.status)
	}
}

func TestDeskSearchWithoutAnIndex(t *testing.T) {
	f := newSearchFixture(t, false)
	if r := f.login(t, auth.RoleEditor).get("/desk/search?q=karachi"); r.status != http.StatusNotFound {
		t.Errorf("desk search without an index: %d", r.status)
	}
}

func FuzzDeskSearch(f *testing.F) {
	sf := newSearchFixture(f, true)
	sf.catchUp(f)
	c := sf.login(f, auth.RoleTranslator)
	for _, seed := range [][5]string{
		{"karachi", "", "", "", ""},
		{`"port`, "ar", "world", "2026-01-01", "2025-01-01"},
		{"-a -b", "xx", "\x00", "", "0"},
		{strings.Repeat("ب", 700), "ur", "", "", "51"},
		{"\xff", "", "", "9999-99-99", "-1"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4])
	}
	f.Fuzz(func(t *testing.T, q, code, section, from, page string) {
		v := url.Values{"q": {q}, "lang": {code}, "section": {section}, "from": {from}, "page": {page}}
		// The signed-in browser, reporting to this run's t.
		r := (&client{t: t, f: c.f, http: c.http}).get("/desk/search?" + v.Encode())
		switch r.status {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d for %v", r.status, v)
		}
		// The translator works in en and ur only.
		for _, l := range hits(r.body) {
			if l != "en" && l != "ur" {
				t.Fatalf("a %s story shown to an en-ur translator for %v", l, v)
			}
		}
	})
}
