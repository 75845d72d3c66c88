package desk_test

import (
	"context"
	"github.com/qasid/qasid/internal/render"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
	"github.com/qasid/qasid/internal/webhook"
)

const password = "correct horse battery"

// fixture is the whole web surface (site and desk) over a store holding the
// demo agency and one user per role.
type fixture struct {
	srv   *httptest.Server
	db    store.Store
	svc   *newsroom.Service
	tr    *translate.Service
	hooks *webhook.Service
	users map[auth.Role]auth.User
}

func newFixture(t testing.TB, db store.Store) *fixture {
	t.Helper()
	return newFixtureWith(t, db, nil, "")
}

// newFixtureWith is newFixture with a machine translation provider.
func newFixtureWith(t testing.TB, db store.Store, provider translate.Provider, mtName string) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	svc := newsroom.New(newsroom.Options{Store: db})
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	tr := translate.New(translate.Options{Store: db, Newsroom: svc, MT: provider})
	hooks, err := webhook.New(webhook.Options{Store: db, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := desk.New(desk.Options{Service: svc, Store: db, Catalog: cat, Preview: s.Preview, PublicPath: render.StoryPath,
		Translate: tr, MTName: mtName, Webhooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/desk/", d.Handler())
	mux.Handle("/", s.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, db: db, svc: svc, tr: tr, hooks: hooks, users: map[auth.Role]auth.User{}}
	for _, u := range []auth.User{
		{Email: "admin@test.example", Roles: []auth.Role{auth.RoleAdmin}, UILang: "en"},
		{Email: "editor@test.example", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"},
		{Email: "reporter@test.example", Roles: []auth.Role{auth.RoleReporter}, UILang: "en"},
		{Email: "translator@test.example", Roles: []auth.Role{auth.RoleTranslator}, UILang: "en", Pairs: []auth.Pair{{From: "en", To: "ur"}, {From: "en", To: "zh"}}},
	} {
		if err := svc.BootstrapUser(ctx, &u, password); err != nil {
			t.Fatal(err)
		}
		f.users[u.Roles[0]] = u
	}
	return f
}

// client is a browser of one signed-in user: it keeps cookies and does not
// follow redirects, so tests see each answer.
type client struct {
	t    testing.TB
	f    *fixture
	http *http.Client
}

func (f *fixture) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (f *fixture) login(t testing.TB, role auth.Role) *client {
	t.Helper()
	c := f.client(t)
	r := c.post("/desk/login", url.Values{"email": {f.users[role].Email}, "password": {password}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("login as %s: %d %s", role, r.status, r.body)
	}
	return c
}

type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, string(b)}
}

func (c *client) get(path string) response {
	req, _ := http.NewRequest("GET", c.f.srv.URL+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) response {
	req, _ := http.NewRequest("POST", c.f.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var editor = newsroom.Actor{IP: "127.0.0.1"}

// draft makes a story by the editor in the given state, for a test to act on.
func (f *fixture) story(t testing.TB, code string, status story.Status) story.Story {
	t.Helper()
	ctx := context.Background()
	a := newsroom.Actor{User: f.users[auth.RoleEditor], IP: "127.0.0.1"}
	st := story.Story{Lang: code, Headline: "A test story " + strconv.FormatInt(time.Now().UnixNano(), 36), Section: "world",
		Body: "First paragraph.\n\n## A heading\n\nMore text.\n", Dateline: story.Dateline{Place: "Karachi"}}
	if err := f.svc.Create(ctx, a, &st); err != nil {
		t.Fatal(err)
	}
	var err error
	switch status {
	case story.StatusSubmitted:
		st, err = f.svc.Submit(ctx, a, st.ID)
	case story.StatusPublished:
		st, err = f.svc.Publish(ctx, a, st.ID, time.Time{})
	case story.StatusKilled:
		if st, err = f.svc.Publish(ctx, a, st.ID, time.Time{}); err == nil {
			st, err = f.svc.Kill(ctx, a, st.ID, "Withdrawn.")
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func storyForm(st story.Story) url.Values {
	return url.Values{"lang": {st.Lang}, "headline": {st.Headline + " (edited)"}, "section": {st.Section},
		"body": {st.Body}, "place": {st.Dateline.Place}, "date": {"2026-11-20"}, "summary": {"s"}}
}

func (f *fixture) auditCount(t testing.TB) int {
	t.Helper()
	es, err := f.db.Audit(context.Background(), audit.Query{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// TestPermissionMatrix: every role against every desk action, through HTTP.
// A refused action answers 403 and changes nothing: the story and the audit
// log are as they were.
func TestPermissionMatrix(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		type action struct {
			name   string
			setup  story.Status // the state of a fresh editor's story to act on; "" for none
			lang   string
			method string
			path   func(st story.Story) string
			form   func(st story.Story) url.Values
		}
		id := func(st story.Story) string { return strconv.FormatInt(st.ID, 10) }
		actions := []action{
			{"view desk", "", "", "GET", func(story.Story) string { return "/desk/" }, nil},
			{"open editor", "", "", "GET", func(story.Story) string { return "/desk/stories/new" }, nil},
			{"create english", "", "", "POST", func(story.Story) string { return "/desk/stories" },
				func(story.Story) url.Values {
					return url.Values{"lang": {"en"}, "headline": {"Fresh"}, "section": {"world"}, "body": {"Text."}}
				}},
			{"create urdu", "", "", "POST", func(story.Story) string { return "/desk/stories" },
				func(story.Story) url.Values {
					return url.Values{"lang": {"ur"}, "headline": {"تازہ خبر"}, "section": {"world"}, "body": {"متن۔"}}
				}},
			{"view others' story", story.StatusDraft, "en", "GET", func(st story.Story) string { return "/desk/stories/" + id(st) }, nil},
			{"edit others' draft", story.StatusDraft, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) }, storyForm},
			{"edit urdu draft", story.StatusDraft, "ur", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) }, storyForm},
			{"submit others' draft", story.StatusDraft, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/submit" }, nil},
			{"return submitted", story.StatusSubmitted, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/return" }, nil},
			{"publish", story.StatusSubmitted, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/publish" }, nil},
			{"publish urdu from editor", story.StatusDraft, "ur", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/publish" }, storyForm},
			{"schedule", story.StatusSubmitted, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/schedule" },
				func(story.Story) url.Values {
					return url.Values{"publish_at": {time.Now().Add(48 * time.Hour).In(karachi(t)).Format("2006-01-02T15:04")}}
				}},
			{"correct", story.StatusPublished, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/correct" },
				func(story.Story) url.Values { return url.Values{"note": {"Fixed a figure."}} }},
			{"kill", story.StatusPublished, "en", "POST", func(st story.Story) string { return "/desk/stories/" + id(st) + "/kill" },
				func(story.Story) url.Values { return url.Values{"notice": {"Withdrawn."}} }},
			{"versions", story.StatusPublished, "en", "GET", func(st story.Story) string { return "/desk/stories/" + id(st) + "/versions" }, nil},
			{"audit log", "", "", "GET", func(story.Story) string { return "/desk/audit" }, nil},
			{"users page", "", "", "GET", func(story.Story) string { return "/desk/users" }, nil},
			{"add user", "", "", "POST", func(story.Story) string { return "/desk/users" },
				func(story.Story) url.Values {
					return url.Values{"email": {"new" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@test.example"}, "role": {"reporter"}, "password": {password}}
				}},
			{"change roles", "", "", "POST", func(story.Story) string { return "/desk/users/" + strconv.FormatInt(f.users[auth.RoleReporter].ID, 10) },
				func(story.Story) url.Values { return url.Values{"role": {"reporter"}, "ui_lang": {"ur"}} }},
		}
		// allowed[action] lists the roles that may; every other role gets 403.
		allowed := map[string][]auth.Role{
			"view desk":                {auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator},
			"open editor":              {auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator},
			"create english":           {auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter},
			"create urdu":              {auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator},
			"view others' story":       {auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator}, // en is the translator's source
			"edit others' draft":       {auth.RoleAdmin, auth.RoleEditor},
			"edit urdu draft":          {auth.RoleAdmin, auth.RoleEditor, auth.RoleTranslator},
			"submit others' draft":     {auth.RoleAdmin, auth.RoleEditor},
			"return submitted":         {auth.RoleAdmin, auth.RoleEditor},
			"publish":                  {auth.RoleAdmin, auth.RoleEditor},
			"publish urdu from editor": {auth.RoleAdmin, auth.RoleEditor},
			"schedule":                 {auth.RoleAdmin, auth.RoleEditor},
			"correct":                  {auth.RoleAdmin, auth.RoleEditor},
			"kill":                     {auth.RoleAdmin, auth.RoleEditor},
			"versions":                 {auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator},
			"audit log":                {auth.RoleAdmin},
			"users page":               {auth.RoleAdmin},
			"add user":                 {auth.RoleAdmin},
			"change roles":             {auth.RoleAdmin},
		}
		clients := map[auth.Role]*client{}
		for _, r := range auth.Roles() {
			clients[r] = f.login(t, r)
		}
		for _, act := range actions {
			for _, role := range auth.Roles() {
				t.Run(act.name+"/"+string(role), func(t *testing.T) {
					var st story.Story
					if act.setup != "" {
						st = f.story(t, act.lang, act.setup)
					}
					before := f.auditCount(t)
					var r response
					if act.method == "GET" {
						r = clients[role].get(act.path(st))
					} else {
						var form url.Values
						if act.form != nil {
							form = act.form(st)
						}
						r = clients[role].post(act.path(st), form)
					}
					may := false
					for _, a := range allowed[act.name] {
						may = may || a == role
					}
					if !may {
						if r.status != http.StatusForbidden {
							t.Fatalf("%s as %s: status %d, want 403", act.name, role, r.status)
						}
						if after := f.auditCount(t); after != before {
							t.Errorf("refused %s wrote %d audit entries", act.name, after-before)
						}
						if st.ID != 0 {
							now, err := f.db.Story(context.Background(), st.ID)
							if err != nil {
								t.Fatal(err)
							}
							if now.Status != st.Status || now.Version != st.Version || now.Headline != st.Headline {
								t.Errorf("refused %s changed the story: %s v%d %q", act.name, now.Status, now.Version, now.Headline)
							}
						}
						return
					}
					if r.status != http.StatusOK && r.status != http.StatusSeeOther {
						t.Fatalf("%s as %s: status %d, want 200 or 303: %.300s", act.name, role, r.status, r.body)
					}
				})
			}
		}
	})
}

func karachi(t testing.TB) *time.Location {
	loc, err := time.LoadLocation("Asia/Karachi")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
