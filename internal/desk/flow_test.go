package desk_test

import (
	"context"
	"github.com/qasid/qasid/internal/render"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

var storyID = regexp.MustCompile(`^/desk/stories/([0-9]+)\?done=created$`)

// TestWorkflowThroughTheDesk: a reporter writes and submits an Urdu story,
// an editor publishes, corrects and kills it, and the public site follows.
func TestWorkflowThroughTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		rep := f.login(t, auth.RoleReporter)
		ed := f.login(t, auth.RoleEditor)
		pub := f.client(t)

		r := rep.post("/desk/stories", url.Values{"lang": {"ur"}, "section": {"national"}, "headline": {"کراچی میں نئی لائبریری کھل گئی"},
			"summary": {"شہر کی سب سے بڑی عوامی لائبریری۔"}, "byline": {"زینب ملک"}, "place": {"کراچی"}, "date": {"2026-11-26"},
			"tags": {"کراچی، کتب"}, "body": {"شہر میں آج نئی لائبریری کا افتتاح ہوا۔\n\n## تفصیلات\n\n**بڑا ذخیرہ** لائبریری میں پچاس ہزار کتابیں ہیں۔\n"}})
		m := storyID.FindStringSubmatch(r.header.Get("Location"))
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d %q %.300s", r.status, r.header.Get("Location"), r.body)
		}
		id := m[1]
		if r := rep.post("/desk/stories/"+id+"/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("submit: %d", r.status)
		}
		if r := rep.post("/desk/stories/"+id+"/publish", nil); r.status != http.StatusForbidden {
			t.Fatalf("reporter publish: %d, want 403", r.status)
		}
		if r := ed.post("/desk/stories/"+id+"/publish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("publish: %d %.300s", r.status, r.body)
		}
		n, _ := strconv.ParseInt(id, 10, 64)
		st, err := db.Story(context.Background(), n)
		if err != nil {
			t.Fatal(err)
		}
		path := (&url.URL{Path: render.StoryPath(st)}).EscapedPath()
		page := pub.get(path)
		if page.status != http.StatusOK || !strings.Contains(page.body, `<html lang="ur" dir="rtl">`) ||
			!strings.Contains(page.body, `<span class="dateline">کراچی، 26 نومبر 2026، (آئی ایم این):</span>`) {
			t.Fatalf("public Urdu page: %d %.500s", page.status, page.body)
		}
		if home := pub.get("/ur/"); !strings.Contains(home.body, "کراچی میں نئی لائبریری کھل گئی") {
			t.Error("the story is not on the Urdu home page")
		}

		// A correction: edit and publish version 2 with a note.
		form := url.Values{"lang": {"ur"}, "section": {"national"}, "headline": {"کراچی میں نئی لائبریری کھل گئی"},
			"place": {"کراچی"}, "date": {"2026-11-26"}, "body": {"شہر میں آج نئی لائبریری کا افتتاح ہوا۔\n\n**بڑا ذخیرہ** لائبریری میں ساٹھ ہزار کتابیں ہیں۔\n"},
			"note": {"کتابوں کی تعداد درست کی گئی۔"}}
		if r := ed.post("/desk/stories/"+id+"/correct", form); r.status != http.StatusSeeOther {
			t.Fatalf("correct: %d %.300s", r.status, r.body)
		}
		page = pub.get(path)
		if !strings.Contains(page.body, "کتابوں کی تعداد درست کی گئی۔") || !strings.Contains(page.body, "ساٹھ ہزار") {
			t.Errorf("corrected page lacks the note or the new text")
		}
		if r := ed.get("/desk/stories/" + id + "/diff?from=1&to=2"); r.status != 200 || !strings.Contains(r.body, "<del>پچاس</del>") || !strings.Contains(r.body, "<ins>ساٹھ</ins>") {
			i := strings.Index(r.body, `class="diff"`)
			t.Errorf("diff: %d, want پچاس deleted and ساٹھ inserted: %.1500s", r.status, r.body[max(i, 0):])
		}
		if r := ed.get("/desk/stories/" + id + "/versions/1"); r.status != 200 || !strings.Contains(r.body, "پچاس ہزار") {
			t.Errorf("version 1 view: %d", r.status)
		}

		// Kill: the URL is gone, with the notice in Urdu.
		if r := ed.post("/desk/stories/"+id+"/kill", url.Values{"notice": {"یہ خبر واپس لے لی گئی ہے۔"}}); r.status != http.StatusSeeOther {
			t.Fatalf("kill: %d", r.status)
		}
		if page := pub.get(path); page.status != http.StatusGone || !strings.Contains(page.body, `dir="rtl"`) {
			t.Errorf("killed story: %d, want 410 in Urdu", page.status)
		}
		if home := pub.get("/ur/"); strings.Contains(home.body, "کراچی میں نئی لائبریری کھل گئی") {
			t.Error("the killed story is still on the Urdu home page")
		}
		// Every step is in the audit log for this story.
		es, err := db.Audit(context.Background(), audit.Query{StoryID: n})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, string(e.Action))
		}
		for _, want := range []audit.Action{audit.StoryCreate, audit.StorySubmit, audit.StoryPublish, audit.StoryCorrect, audit.StoryKill} {
			if !strings.Contains(strings.Join(got, " "), string(want)) {
				t.Errorf("audit log for the story lacks %s: %v", want, got)
			}
		}
		if r := f.login(t, auth.RoleAdmin).get("/desk/audit?story=" + id); r.status != 200 || !strings.Contains(r.body, "story.kill") {
			t.Errorf("admin audit page: %d", r.status)
		}
	})
}

func TestLoginSessionsAndCSRF(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	anon := f.client(t)
	if r := anon.get("/desk/"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/desk/login?next=") {
		t.Errorf("anonymous desk: %d %q", r.status, r.header.Get("Location"))
	}
	if r := anon.post("/desk/stories", url.Values{"lang": {"en"}}); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous POST: %d, want 401", r.status)
	}
	wrong := anon.post("/desk/login", url.Values{"email": {"editor@test.example"}, "password": {"not the password"}})
	unknown := anon.post("/desk/login", url.Values{"email": {"nobody@test.example"}, "password": {"not the password"}})
	if wrong.status != http.StatusUnauthorized || unknown.status != http.StatusUnauthorized {
		t.Fatalf("failed logins: %d %d, want 401", wrong.status, unknown.status)
	}
	msg := regexp.MustCompile(`<p class="flash error" role="alert">([^<]*)</p>`)
	if a, b := msg.FindStringSubmatch(wrong.body), msg.FindStringSubmatch(unknown.body); a == nil || b == nil || a[1] != b[1] {
		t.Errorf("wrong password and unknown email must look the same: %v %v", a, b)
	}

	c := f.login(t, auth.RoleEditor)
	u, _ := url.Parse(f.srv.URL + "/desk/")
	var session *http.Cookie
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "qasid_session" {
			session = ck
		}
	}
	if session == nil {
		t.Fatal("no session cookie")
	}
	raw := f.client(t)
	r := raw.post("/desk/login", url.Values{"email": {"editor@test.example"}, "password": {password}})
	sc := r.header.Get("Set-Cookie")
	for _, w := range []string{"HttpOnly", "SameSite=Lax", "Path=/desk/"} {
		if !strings.Contains(sc, w) {
			t.Errorf("session cookie %q lacks %s", sc, w)
		}
	}
	// A cross-site form post is refused before it reaches the handler.
	req, _ := http.NewRequest("POST", f.srv.URL+"/desk/stories", strings.NewReader("lang=en&headline=x&section=world"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if r := c.do(req); r.status != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", r.status)
	}
	req, _ = http.NewRequest("POST", f.srv.URL+"/desk/stories", strings.NewReader("lang=en&headline=x&section=world"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if r := c.do(req); r.status != http.StatusForbidden {
		t.Errorf("POST from another origin: %d, want 403", r.status)
	}
	// Logout ends the session on the server: the old cookie no longer works.
	if r := c.post("/desk/logout", nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	replay := f.client(t)
	replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "qasid_session", Value: session.Value, Path: "/desk/"}})
	if r := replay.get("/desk/"); r.status != http.StatusSeeOther {
		t.Errorf("desk with a logged-out session: %d, want a redirect to login", r.status)
	}
	// Repeated failures slow the account down: 429 with Retry-After.
	var last response
	for i := 0; i < 6; i++ {
		last = anon.post("/desk/login", url.Values{"email": {"reporter@test.example"}, "password": {"guess " + strconv.Itoa(i)}})
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" {
		t.Errorf("after 6 failures: %d Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
	if r := anon.post("/desk/login", url.Values{"email": {"reporter@test.example"}, "password": {password}}); r.status != http.StatusTooManyRequests {
		t.Errorf("a throttled account must wait even with the right password: %d", r.status)
	}
}

// TestHostileInput: scripts render inert, oversized and invalid input is
// refused with a clear message, and nothing is saved.
func TestHostileInput(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ed := f.login(t, auth.RoleEditor)
	ctx := context.Background()
	count := func() int {
		n, err := f.db.CountDeskStories(ctx, store.DeskQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	tests := []struct {
		name   string
		body   string
		head   string
		status int
		want   string
	}{
		{"body over 1 MiB", strings.Repeat("a", story.MaxBody+1), "Big", http.StatusUnprocessableEntity, "body is larger than"},
		{"invalid UTF-8", "text \xff\xfe", "Bad bytes", http.StatusUnprocessableEntity, "UTF-8"},
		{"empty headline", "text", "  ", http.StatusUnprocessableEntity, "headline is required"},
		{"form over the limit", strings.Repeat("b", 3<<20), "Huge", http.StatusRequestEntityTooLarge, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ed.post("/desk/stories", url.Values{"lang": {"en"}, "section": {"world"}, "headline": {tt.head}, "body": {tt.body}})
			if r.status != tt.status || !strings.Contains(r.body, tt.want) {
				t.Fatalf("status %d, want %d with %q: %.300s", r.status, tt.status, tt.want, r.body)
			}
			if n := count(); n != before {
				t.Fatalf("%d stories saved by a refused request", n-before)
			}
		})
	}

	payload := "Hello <script>alert(1)</script>\n\n<iframe src=\"https://evil.example\"></iframe>\n\n[click](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n"
	r := ed.post("/desk/stories", url.Values{"lang": {"en"}, "section": {"world"}, "headline": {"<b>Bold</b> headline"}, "body": {payload}})
	m := storyID.FindStringSubmatch(r.header.Get("Location"))
	if m == nil {
		t.Fatalf("create: %d", r.status)
	}
	if r := ed.post("/desk/stories/"+m[1]+"/publish", nil); r.status != http.StatusSeeOther {
		t.Fatalf("publish: %d", r.status)
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	st, _ := f.db.Story(ctx, n)
	// Rendered output (the public page, the preview) carries none of it;
	// the editor shows the source only as escaped text in its textarea.
	for _, page := range []response{f.client(t).get(render.StoryPath(st)), ed.post("/desk/preview", url.Values{"lang": {"en"}, "body": {payload}})} {
		if page.status != 200 {
			t.Fatalf("status %d", page.status)
		}
		// The page's own JSON-LD block is data, not script: leave it out.
		body := regexp.MustCompile(`(?s)<script type="application/ld\+json">.*?</script>`).ReplaceAllString(page.body, "")
		for _, bad := range []string{"<script", "<iframe", "<img", `href="javascript:`, "<b>Bold</b>"} {
			if strings.Contains(body, bad) {
				t.Errorf("rendered page contains %q", bad)
			}
		}
		if m := regexp.MustCompile(`<[^>]*\son[a-z]+\s*=`).FindString(body); m != "" {
			t.Errorf("rendered page has an event attribute: %s", m)
		}
	}
	editorPage := ed.get("/desk/stories/" + m[1])
	for _, bad := range []string{"<script>", "<iframe", "<img src=x", "<b>Bold</b>"} {
		if strings.Contains(editorPage.body, bad) {
			t.Errorf("desk editor contains %q unescaped", bad)
		}
	}
}

func TestListFiltersAndInterfaceLanguage(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	rep := f.login(t, auth.RoleReporter)
	r := rep.post("/desk/stories", url.Values{"lang": {"fr"}, "section": {"sport"}, "headline": {"Le marathon de Lahore"}, "body": {"Texte."}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d", r.status)
	}
	ed := f.login(t, auth.RoleEditor)
	repID := strconv.FormatInt(f.users[auth.RoleReporter].ID, 10)
	tests := []struct {
		query string
		in    bool
	}{
		{"", true},
		{"?author=" + repID, true},
		{"?author=" + strconv.FormatInt(f.users[auth.RoleEditor].ID, 10), false},
		{"?lang=fr&status=draft&section=sport", true},
		{"?lang=en", false},
		{"?status=published", false},
		{"?section=world", false},
		{"?status=bogus&lang=xx", true}, // unknown values do not filter
	}
	for _, tt := range tests {
		r := ed.get("/desk/" + tt.query)
		if r.status != 200 || strings.Contains(r.body, "Le marathon de Lahore") != tt.in {
			t.Errorf("/desk/%s: %d, listed=%v, want %v", tt.query, r.status, !tt.in, tt.in)
		}
	}
	if r := ed.get("/desk/?author=abc"); r.status != http.StatusUnprocessableEntity {
		t.Errorf("bad author filter: %d, want 422", r.status)
	}
	if r := rep.get("/desk/?author=me"); !strings.Contains(r.body, "Le marathon de Lahore") {
		t.Error("the reporter's own story is not under 'my stories'")
	}
	// The desk speaks the user's language, right to left for Urdu.
	if r := rep.post("/desk/account/lang", url.Values{"lang": {"ur"}}); r.status != http.StatusSeeOther {
		t.Fatalf("set language: %d", r.status)
	}
	r = rep.get("/desk/")
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(r.body, `<html lang="ur" dir="rtl">`) || !strings.Contains(r.body, ">"+cat.T("ur", "desk.nav_stories")+"</a>") {
		t.Errorf("Urdu desk: %.300s", r.body)
	}
	if r := rep.post("/desk/account/lang", url.Values{"lang": {"xx"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("unknown interface language: %d", r.status)
	}
}
