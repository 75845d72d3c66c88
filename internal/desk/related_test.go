package desk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
)

// relatedFixture is the desk and the public site over the demo agency,
// both with a search index the change-log follower has filled, and one
// user per role (the translator works from English into Urdu and Chinese).
type relatedFixture struct {
	*fixture
	ix  *search.Index
	cat *lang.Catalog
}

func newRelatedFixture(t *testing.T, db store.Store) *relatedFixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	fl, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fl.FollowOnce(ctx); err != nil {
		t.Fatal(err)
	}
	svc := newsroom.New(newsroom.Options{Store: db})
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org", Search: ix})
	if err != nil {
		t.Fatal(err)
	}
	tr := translate.New(translate.Options{Store: db, Newsroom: svc})
	d, err := desk.New(desk.Options{Service: svc, Store: db, Catalog: cat, Preview: s.Preview, PublicPath: render.StoryPath,
		Translate: tr, Search: ix})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/desk/", d.Handler())
	mux.Handle("/", s.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	rf := &relatedFixture{fixture: &fixture{srv: srv, db: db, svc: svc, tr: tr, users: map[auth.Role]auth.User{}}, ix: ix, cat: cat}
	for _, u := range []auth.User{
		{Email: "admin@test.example", Roles: []auth.Role{auth.RoleAdmin}, UILang: "en"},
		{Email: "editor@test.example", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"},
		{Email: "reporter@test.example", Roles: []auth.Role{auth.RoleReporter}, UILang: "en"},
		{Email: "translator@test.example", Roles: []auth.Role{auth.RoleTranslator}, UILang: "en", Pairs: []auth.Pair{{From: "en", To: "ur"}, {From: "en", To: "zh"}}},
	} {
		if err := svc.BootstrapUser(ctx, &u, password); err != nil {
			t.Fatal(err)
		}
		rf.users[u.Roles[0]] = u
	}
	return rf
}

func (f *relatedFixture) member(t *testing.T, key, code string) story.Story {
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

type relatedSuggestion struct {
	ID       int64  `json:"id"`
	Headline string `json:"headline"`
	Lang     string `json:"lang"`
	Dir      string `json:"dir"`
	Token    string `json:"token"`
}

// suggestions asks the picker's endpoint for story id's related stories.
func (c *client) relatedSuggestions(id int64) ([]relatedSuggestion, response) {
	c.t.Helper()
	r := c.get("/desk/stories/" + strconv.FormatInt(id, 10) + "/related.json")
	var out []relatedSuggestion
	if r.status == http.StatusOK {
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			c.t.Errorf("related.json Content-Type %q", ct)
		}
		if err := json.Unmarshal([]byte(r.body), &out); err != nil {
			c.t.Fatalf("related.json: %v: %.300s", err, r.body)
		}
	}
	return out, r
}

func suggestionIDs(list []relatedSuggestion) []int64 {
	out := []int64{}
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func (f *relatedFixture) choices(t *testing.T, id int64) []store.RelatedChoice {
	t.Helper()
	cs, err := f.db.RelatedChoices(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func relatedForm(other int64, do string) url.Values {
	return url.Values{"other": {strconv.FormatInt(other, 10)}, "do": {do}}
}

// panel cuts the editor's Related panel out of a page.
func relatedPanelOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<section class="related-panel" id="q_related"`)
	if i < 0 {
		t.Fatalf("the editor has no Related panel: %.300s", body)
	}
	j := strings.Index(body[i:], "</section>")
	return body[i : i+j]
}

var publicRelated = regexp.MustCompile(`<h3 lang="[^"]+" dir="[^"]+"><a href="/[a-z]+/[^/]+/([0-9]+)-`)

// publicRelatedIDs lists the story ids of a public page's related block.
func publicRelatedIDs(body string) []int64 {
	i := strings.Index(body, `id="q_related"`)
	if i < 0 {
		return nil
	}
	var out []int64
	for _, m := range publicRelated.FindAllStringSubmatch(body[i:], -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		out = append(out, n)
	}
	return out
}

// TestRelatedRoundTrip: an editor pins, excludes, allows again and unpins
// through the desk's forms; the panel, the picker's suggestions and the
// public page follow each change, which the audit log records.
func TestRelatedRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newRelatedFixture(t, db)
		ed := f.login(t, auth.RoleEditor)
		pub := f.client(t)
		st := f.member(t, "09-glacier-monitoring-stations", "en")
		cricket := f.member(t, "07-women-cricket-series", "en")
		urdu := f.member(t, "07-women-cricket-series", "ur")
		id := strconv.FormatInt(st.ID, 10)
		publicPath := (&url.URL{Path: render.StoryPath(st)}).EscapedPath()

		// The picker suggests exactly what readers see beside the story.
		before, r := ed.relatedSuggestions(st.ID)
		if r.status != http.StatusOK || len(before) == 0 || len(before) > related.Limit {
			t.Fatalf("related.json: %d, %d suggestions: %.300s", r.status, len(before), r.body)
		}
		for _, s := range before {
			if s.Lang != "en" || s.Dir != "ltr" || s.Token != "[[also:"+strconv.FormatInt(s.ID, 10)+"]]" || s.ID == st.ID || s.Headline == "" {
				t.Errorf("suggestion %+v", s)
			}
		}
		if got := publicRelatedIDs(pub.get(publicPath).body); !slices.Equal(got, suggestionIDs(before)) {
			t.Errorf("public page shows %v, the picker suggests %v", got, suggestionIDs(before))
		}
		page := ed.get("/desk/stories/" + id)
		if page.status != http.StatusOK {
			t.Fatalf("editor: %d", page.status)
		}
		if !strings.Contains(page.body, `data-related="/desk/stories/`+id+`/related.json"`) {
			t.Error("the Also Read picker does not ask for related suggestions")
		}
		p := relatedPanelOf(t, page.body)
		for _, s := range before {
			if !strings.Contains(p, `<a href="/desk/stories/`+strconv.FormatInt(s.ID, 10)+`" lang="en" dir="ltr">`) {
				t.Errorf("panel lacks shown story %d", s.ID)
			}
		}

		// Pin: first everywhere.
		audits := f.auditCount(t)
		r = ed.post("/desk/stories/"+id+"/related", relatedForm(cricket.ID, "pin"))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/desk/stories/"+id+"?done=saved#q_related" {
			t.Fatalf("pin: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
		}
		got, _ := ed.relatedSuggestions(st.ID)
		if len(got) == 0 || got[0].ID != cricket.ID || len(got) > related.Limit {
			t.Errorf("after the pin, suggestions %v: want %d first", suggestionIDs(got), cricket.ID)
		}
		if ids := publicRelatedIDs(pub.get(publicPath).body); len(ids) == 0 || ids[0] != cricket.ID {
			t.Errorf("after the pin, the public page shows %v", ids)
		}
		if p := relatedPanelOf(t, ed.get("/desk/stories/"+id).body); !strings.Contains(p, `class="related-list related-pins"`) ||
			!strings.Contains(p, cricket.Headline) {
			t.Errorf("the panel does not list the pin: %.600s", p)
		}

		// Exclude the best suggestion that is not pinned.
		excluded := before[0].ID
		if excluded == cricket.ID {
			excluded = before[1].ID
		}
		if r := ed.post("/desk/stories/"+id+"/related", relatedForm(excluded, "exclude")); r.status != http.StatusSeeOther {
			t.Fatalf("exclude: %d %.300s", r.status, r.body)
		}
		got, _ = ed.relatedSuggestions(st.ID)
		if slices.Contains(suggestionIDs(got), excluded) {
			t.Errorf("excluded %d still suggested: %v", excluded, suggestionIDs(got))
		}
		if slices.Contains(publicRelatedIDs(pub.get(publicPath).body), excluded) {
			t.Errorf("excluded %d still on the public page", excluded)
		}
		if p := relatedPanelOf(t, ed.get("/desk/stories/"+id).body); !strings.Contains(p, `class="related-list related-excluded"`) {
			t.Errorf("the panel does not list the exclusion")
		}
		// Allowed again, then unpinned: back where it started.
		if r := ed.post("/desk/stories/"+id+"/related", relatedForm(excluded, "clear")); r.status != http.StatusSeeOther {
			t.Fatalf("allow again: %d", r.status)
		}
		if r := ed.post("/desk/stories/"+id+"/related", relatedForm(cricket.ID, "clear")); r.status != http.StatusSeeOther {
			t.Fatalf("unpin: %d", r.status)
		}
		if got, _ := ed.relatedSuggestions(st.ID); !slices.Equal(suggestionIDs(got), suggestionIDs(before)) {
			t.Errorf("after undoing everything: %v, want %v", suggestionIDs(got), suggestionIDs(before))
		}
		if len(f.choices(t, st.ID)) != 0 {
			t.Errorf("choices left: %v", f.choices(t, st.ID))
		}
		es, err := f.db.Audit(context.Background(), audit.Query{StoryID: st.ID, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var acts []audit.Action
		for _, e := range es[:4] {
			acts = append(acts, e.Action)
			if e.ActorID != f.users[auth.RoleEditor].ID {
				t.Errorf("entry %+v not by the editor", e)
			}
		}
		if want := []audit.Action{related.AuditClear, related.AuditClear, related.AuditExclude, related.AuditPin}; !slices.Equal(acts, want) {
			t.Errorf("audit %v, want %v", acts, want)
		}
		if n := f.auditCount(t) - audits; n != 4 {
			t.Errorf("%d audit entries for four changes", n)
		}

		// Find a story by headline and pin it from the results.
		p = relatedPanelOf(t, ed.get("/desk/stories/"+id+"?related_q="+url.QueryEscape("women take T20")).body)
		if !strings.Contains(p, `class="related-list related-found"`) || !strings.Contains(p, `<input type="hidden" name="other" value="`+strconv.FormatInt(cricket.ID, 10)+`">`) {
			t.Errorf("headline search does not offer the cricket story: %.800s", p)
		}
		if strings.Contains(p, `value="`+strconv.FormatInt(urdu.ID, 10)+`"`) {
			t.Error("headline search offers a story in another language")
		}

		// Refused choices: the editor again with the reason, nothing kept.
		audits = f.auditCount(t)
		for _, tt := range []struct {
			name string
			form url.Values
			want string
		}{
			{"another language", relatedForm(urdu.ID, "pin"), "Urdu"},
			{"itself", relatedForm(st.ID, "pin"), "itself"},
			{"no such story", relatedForm(1<<40, "pin"), "no story"},
		} {
			r := ed.post("/desk/stories/"+id+"/related", tt.form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tt.want) || !strings.Contains(r.body, `id="q_story_form"`) {
				t.Errorf("%s: %d, want 422 in the editor saying %q: %.300s", tt.name, r.status, tt.want, r.body)
			}
		}
		if len(f.choices(t, st.ID)) != 0 || f.auditCount(t) != audits {
			t.Errorf("refused choices were kept: %v", f.choices(t, st.ID))
		}
	})
}

// TestRelatedHostileInput: malformed, oversized and hostile requests are
// refused with a 4xx and change nothing.
func TestRelatedHostileInput(t *testing.T) {
	f := newRelatedFixture(t, storetest.SQLite(t))
	ed := f.login(t, auth.RoleEditor)
	st := f.member(t, "09-glacier-monitoring-stations", "en")
	other := f.member(t, "07-women-cricket-series", "en")
	id := strconv.FormatInt(st.ID, 10)
	o := strconv.FormatInt(other.ID, 10)
	audits := f.auditCount(t)
	for _, tt := range []struct {
		name string
		path string
		form url.Values
		want int
	}{
		{"no other", "/desk/stories/" + id + "/related", url.Values{"do": {"pin"}}, 422},
		{"other not a number", "/desk/stories/" + id + "/related", url.Values{"other": {"abc"}, "do": {"pin"}}, 422},
		{"other negative", "/desk/stories/" + id + "/related", url.Values{"other": {"-4"}, "do": {"pin"}}, 422},
		{"other too big", "/desk/stories/" + id + "/related", url.Values{"other": {"99999999999999999999999"}, "do": {"pin"}}, 422},
		{"other with SQL", "/desk/stories/" + id + "/related", url.Values{"other": {o + "; DELETE FROM related_choices"}, "do": {"pin"}}, 422},
		{"unknown action", "/desk/stories/" + id + "/related", url.Values{"other": {o}, "do": {"boost"}}, 422},
		{"no action", "/desk/stories/" + id + "/related", url.Values{"other": {o}}, 422},
		{"position zero", "/desk/stories/" + id + "/related", url.Values{"other": {o}, "do": {"pin"}, "position": {"0"}}, 422},
		{"position too far", "/desk/stories/" + id + "/related", url.Values{"other": {o}, "do": {"pin"}, "position": {"6"}}, 422},
		{"position not a number", "/desk/stories/" + id + "/related", url.Values{"other": {o}, "do": {"pin"}, "position": {"first"}}, 422},
		{"NUL in the action", "/desk/stories/" + id + "/related", url.Values{"other": {o}, "do": {"pin\x00"}}, 422},
		{"story not a number", "/desk/stories/abc/related", relatedForm(other.ID, "pin"), 404},
		{"story zero", "/desk/stories/0/related", relatedForm(other.ID, "pin"), 404},
		{"no such story", "/desk/stories/1099511627776/related", relatedForm(other.ID, "pin"), 404},
		{"oversized form", "/desk/stories/" + id + "/related", url.Values{"other": {o}, "do": {"pin"}, "x": {strings.Repeat("a", 3<<20)}}, 413},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := ed.post(tt.path, tt.form); r.status != tt.want {
				t.Errorf("status %d, want %d: %.300s", r.status, tt.want, r.body)
			}
		})
	}
	for _, body := range []string{"other=%zz&do=pin", "other=" + o + "&do=pin&%", strings.Repeat("&", 100000)} {
		req, _ := http.NewRequest("POST", f.srv.URL+"/desk/stories/"+id+"/related", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := ed.do(req); r.status != http.StatusUnprocessableEntity {
			t.Errorf("body %.30q: %d, want 422", body, r.status)
		}
	}
	if len(f.choices(t, st.ID)) != 0 || f.auditCount(t) != audits {
		t.Errorf("hostile requests changed something: %v", f.choices(t, st.ID))
	}
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/desk/stories/abc/related.json", 404},
		{"/desk/stories/-1/related.json", 404},
		{"/desk/stories/1099511627776/related.json", 404},
		{"/desk/stories/" + id + "?related_q=" + url.QueryEscape("\x00<script>"), 200},
		{"/desk/stories/" + id + "?related_q=" + url.QueryEscape(strings.Repeat("گلیشیئر", 2000)), 200},
		{"/desk/stories/" + id + "?related_q=" + url.QueryEscape("%_\\'\""), 200},
	} {
		if r := ed.get(tt.path); r.status != tt.want || strings.Contains(r.body, "<script>") {
			t.Errorf("GET %.80s: %d, want %d", tt.path, r.status, tt.want)
		}
	}
	// Strangers and other sites.
	if r := f.client(t).post("/desk/stories/"+id+"/related", relatedForm(other.ID, "pin")); r.status != http.StatusUnauthorized {
		t.Errorf("signed out: %d, want 401", r.status)
	}
	if r := f.client(t).get("/desk/stories/" + id + "/related.json"); r.status != http.StatusSeeOther {
		t.Errorf("signed-out suggestions: %d, want a redirect to the login", r.status)
	}
	req, _ := http.NewRequest("POST", f.srv.URL+"/desk/stories/"+id+"/related", strings.NewReader(relatedForm(other.ID, "pin").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := ed.do(req); r.status != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", r.status)
	}
	if len(f.choices(t, st.ID)) != 0 {
		t.Error("a refused request pinned a story")
	}
}

// TestRelatedPermissions: only those who may change the story's related
// list do; a reporter or translator without rights is refused and nothing
// changes; anyone who may open the story sees its suggestions.
func TestRelatedPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newRelatedFixture(t, db)
		ctx := context.Background()
		clients := map[auth.Role]*client{}
		for _, r := range auth.Roles() {
			clients[r] = f.login(t, r)
		}
		published := f.member(t, "09-glacier-monitoring-stations", "en")
		other := f.member(t, "07-women-cricket-series", "en")
		urOther := f.member(t, "07-women-cricket-series", "ur")
		urDraft := f.story(t, "ur", story.StatusDraft)
		enDraft := f.story(t, "en", story.StatusDraft) // by the editor
		rep := newsroom.Actor{User: f.users[auth.RoleReporter]}
		own := story.Story{Lang: "en", Headline: "The reporter's own draft", Section: "world", Body: "Text."}
		if err := f.svc.Create(ctx, rep, &own); err != nil {
			t.Fatal(err)
		}
		fr := f.member(t, "09-glacier-monitoring-stations", "fr")

		for _, tt := range []struct {
			name  string
			st    story.Story
			other int64
			may   []auth.Role
		}{
			{"published story", published, other.ID, []auth.Role{auth.RoleAdmin, auth.RoleEditor}},
			{"editor's English draft", enDraft, other.ID, []auth.Role{auth.RoleAdmin, auth.RoleEditor}},
			{"reporter's own draft", own, other.ID, []auth.Role{auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter}},
			{"Urdu draft", urDraft, urOther.ID, []auth.Role{auth.RoleAdmin, auth.RoleEditor, auth.RoleTranslator}},
		} {
			for _, role := range auth.Roles() {
				t.Run(tt.name+"/"+string(role), func(t *testing.T) {
					path := "/desk/stories/" + strconv.FormatInt(tt.st.ID, 10) + "/related"
					before := f.auditCount(t)
					r := clients[role].post(path, relatedForm(tt.other, "pin"))
					if !slices.Contains(tt.may, role) {
						if r.status != http.StatusForbidden {
							t.Fatalf("status %d, want 403", r.status)
						}
						if len(f.choices(t, tt.st.ID)) != 0 || f.auditCount(t) != before {
							t.Errorf("a refused pin changed something")
						}
						// The panel offers no buttons to those it would refuse.
						if page := clients[role].get("/desk/stories/" + strconv.FormatInt(tt.st.ID, 10)); page.status == http.StatusOK {
							if p := relatedPanelOf(t, page.body); strings.Contains(p, `name="do"`) || !strings.Contains(p, f.cat.T("en", "related.read_only")) {
								t.Errorf("the panel offers changes to a %s: %.400s", role, p)
							}
						}
						return
					}
					if r.status != http.StatusSeeOther {
						t.Fatalf("status %d, want 303: %.300s", r.status, r.body)
					}
					if cs := f.choices(t, tt.st.ID); len(cs) != 1 || cs[0].OtherID != tt.other || cs[0].SetBy != f.users[role].ID {
						t.Errorf("choices %+v", cs)
					}
					if r := clients[role].post(path, relatedForm(tt.other, "clear")); r.status != http.StatusSeeOther {
						t.Fatalf("clear: %d", r.status)
					}
				})
			}
		}

		// Suggestions follow the right to open the story: the translator
		// reads English (a source) but not French.
		for _, role := range auth.Roles() {
			if _, r := clients[role].relatedSuggestions(published.ID); r.status != http.StatusOK {
				t.Errorf("%s: suggestions for an English story: %d", role, r.status)
			}
		}
		if _, r := clients[auth.RoleTranslator].relatedSuggestions(fr.ID); r.status != http.StatusForbidden {
			t.Errorf("translator: suggestions for a French story: %d, want 403", r.status)
		}
		if r := clients[auth.RoleEditor].post("/desk/stories/"+strconv.FormatInt(published.ID, 10)+"/kill", url.Values{"notice": {"Withdrawn."}}); r.status != http.StatusSeeOther {
			t.Fatalf("kill: %d", r.status)
		}
		if r := clients[auth.RoleEditor].post("/desk/stories/"+strconv.FormatInt(published.ID, 10)+"/related", relatedForm(other.ID, "pin")); r.status != http.StatusConflict {
			t.Errorf("pin on a killed story: %d, want 409", r.status)
		}
	})
}
