package site_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// fixture is a site over a SQLite store holding the demo agency.
type fixture struct {
	srv    *httptest.Server
	db     *store.DB
	cat    *lang.Catalog
	client *http.Client
}

// newFixture builds the site; each of opts may change its options first.
func newFixture(t testing.TB, opts ...func(*site.Options)) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	o := site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"}
	for _, opt := range opts {
		opt(&o)
	}
	s, err := site.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &fixture{srv: srv, db: db, cat: cat, client: client}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (f *fixture) do(t *testing.T, method, path string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (f *fixture) get(t *testing.T, path string) response { return f.do(t, "GET", path, nil) }

// member finds the demo story of a family key in a language.
func (f *fixture) member(t testing.TB, key, code string) story.Story {
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

func TestRootRedirectsByLanguage(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		header map[string]string
		want   string
	}{
		{"no header", nil, "/en/"},
		{"urdu browser", map[string]string{"Accept-Language": "ur-PK,ur;q=0.9,en;q=0.8"}, "/ur/"},
		{"chinese browser", map[string]string{"Accept-Language": "zh-CN,zh;q=0.9"}, "/zh/"},
		{"arabic browser", map[string]string{"Accept-Language": "ar-SA"}, "/ar/"},
		{"german falls back", map[string]string{"Accept-Language": "de-DE"}, "/en/"},
		{"junk header", map[string]string{"Accept-Language": strings.Repeat(";;q=x,", 2000)}, "/en/"},
		{"cookie wins", map[string]string{"Accept-Language": "fr", "Cookie": "lang=ru"}, "/ru/"},
		{"bad cookie ignored", map[string]string{"Accept-Language": "es", "Cookie": "lang=xx"}, "/es/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do(t, "GET", "/", tt.header)
			if r.status != http.StatusFound || r.header.Get("Location") != tt.want {
				t.Fatalf("got %d %q, want 302 %q", r.status, r.header.Get("Location"), tt.want)
			}
			if !strings.Contains(r.header.Get("Vary"), "Accept-Language") {
				t.Errorf("Vary = %q, want Accept-Language", r.header.Get("Vary"))
			}
		})
	}
}

func TestHomePagesInEveryLanguage(t *testing.T) {
	f := newFixture(t)
	for _, l := range lang.All() {
		t.Run(l.Code, func(t *testing.T) {
			r := f.get(t, "/"+l.Code+"/")
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			want := []string{
				`<html lang="` + l.Tag + `" dir="` + l.Dir + `">`,
				demo.Agency().Text[l.Code].Name,
				demo.Agency().Text[l.Code].Tagline,
				`<link rel="canonical" href="https://news.example.org/` + l.Code + `/">`,
				`hreflang="x-default"`,
				f.cat.T(l.Code, "home.title"),
			}
			for _, sec := range demo.Sections() {
				want = append(want, `href="/`+l.Code+`/`+sec.Key+`/"`, sec.Names[l.Code])
			}
			for _, o := range lang.All() {
				want = append(want, `<link rel="alternate" hreflang="`+o.Tag+`" href="https://news.example.org/`+o.Code+`/">`)
			}
			for _, w := range want {
				if !strings.Contains(r.body, w) {
					t.Errorf("home page lacks %q", w)
				}
			}
			// Every story link on a language's home page is in that language.
			for _, m := range regexp.MustCompile(`<h3 lang="[^"]+" dir="[^"]+"><a href="(/[^/"]+)/`).FindAllStringSubmatch(r.body, -1) {
				if m[1] != "/"+l.Code {
					t.Errorf("home page of %s links a story under %s", l.Code, m[1])
				}
			}
		})
	}
}

func TestStoryPage(t *testing.T) {
	f := newFixture(t)
	en := f.member(t, "01-xi-astana-state-visit", "en")
	ur := f.member(t, "01-xi-astana-state-visit", "ur")
	other := f.member(t, "02-sco-summit-preview", "en")
	otherUr := f.member(t, "02-sco-summit-preview", "ur")

	r := f.get(t, render.StoryPath(en))
	if r.status != http.StatusOK {
		t.Fatalf("status %d for %s", r.status, render.StoryPath(en))
	}
	for _, w := range []string{
		`<html lang="en" dir="ltr">`,
		"<h1>" + template(en.Headline) + "</h1>",
		`<p><span class="dateline">Astana, 2 July 2024, (IMN):</span> `,
		"<h2", "<h3", `class="run-in"`,
		`<span class="also-read-label">Also Read:</span>`,
		`<link rel="canonical" href="https://news.example.org` + render.StoryPath(en) + `">`,
		`hreflang="x-default" href="https://news.example.org` + render.StoryPath(en) + `"`,
		f.cat.T("en", "story.other_languages"),
		`<meta property="og:type" content="article">`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("English story page lacks %q", w)
		}
	}
	for _, l := range lang.All() {
		if !strings.Contains(r.body, `<link rel="alternate" hreflang="`+l.Tag+`"`) {
			t.Errorf("no hreflang alternate for %s", l.Tag)
		}
	}

	if !hasLink(r.body, render.StoryPath(other)) {
		t.Errorf("English story page does not link %s", render.StoryPath(other))
	}
	r = f.get(t, (&url.URL{Path: render.StoryPath(ur)}).EscapedPath())
	if !hasLink(r.body, render.StoryPath(otherUr)) {
		t.Errorf("Urdu story page's Also Read does not link the Urdu member %s", render.StoryPath(otherUr))
	}
	if r.status != http.StatusOK {
		t.Fatalf("status %d for the Urdu story", r.status)
	}
	for _, w := range []string{
		`<html lang="ur" dir="rtl">`,
		`<span class="dateline">` + ur.Dateline.Place + `، 2 جولائی 2024، (آئی ایم این):</span>`,
		`<span class="also-read-label">` + f.cat.T("ur", "story.also_read") + `</span>`,
		`NotoNastaliqUrdu-Regular.`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("Urdu story page lacks %q", w)
		}
	}
}

// hasLink reports whether body links to path, however the path's Unicode
// slug was percent-encoded (html/template writes lower-case hex).
func hasLink(body, path string) bool {
	esc := (&url.URL{Path: path}).EscapedPath()
	return strings.Contains(strings.ToLower(body), strings.ToLower(`href="`+esc+`"`))
}

// template escapes text as html/template does in element content, for
// comparing headlines with apostrophes and the like.
func template(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

func TestStoryURLsRedirectToCanonical(t *testing.T) {
	f := newFixture(t)
	en := f.member(t, "03-islamabad-electric-buses", "en")
	ru := f.member(t, "03-islamabad-electric-buses", "ru")
	canon := render.StoryPath(en)
	id := itoa(en.ID)
	ruCanon := (&url.URL{Path: render.StoryPath(ru)}).EscapedPath()
	tests := []struct{ name, path, want string }{
		{"canonical", canon, ""},
		{"no slug", "/en/national/" + id, canon},
		{"wrong slug", "/en/national/" + id + "-old-headline", canon},
		{"wrong section", "/en/world/" + id + "-x", canon},
		{"wrong language", "/fr/national/" + id, canon},
		{"cyrillic slug missing", "/ru/national/" + itoa(ru.ID), ruCanon},
		{"cyrillic canonical", ruCanon, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.path)
			if tt.want == "" {
				if r.status != http.StatusOK {
					t.Fatalf("canonical %s: status %d", tt.path, r.status)
				}
				return
			}
			if r.status != http.StatusMovedPermanently || r.header.Get("Location") != tt.want {
				t.Fatalf("%s: got %d %q, want 301 %q", tt.path, r.status, r.header.Get("Location"), tt.want)
			}
		})
	}
}

func TestNotFoundAndGone(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// A draft is not public; a killed story is gone.
	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	draft := story.Story{FamilyID: fid, Lang: "en", Headline: "An unpublished draft", Section: "world", Status: story.StatusDraft}
	if err := f.db.CreateStory(ctx, &draft); err != nil {
		t.Fatal(err)
	}
	killed := f.member(t, "04-lahore-smog-school-hours", "ar")
	if _, err := f.db.KillStory(ctx, killed.ID, store.Kill{Notice: "Withdrawn for a test.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path, lang string
		status           int
		title            string
	}{
		{"unknown language", "/de/", "en", 404, "error.not_found_title"},
		{"unknown section in urdu", "/ur/nosuch/", "ur", 404, "error.not_found_title"},
		{"unknown story in chinese", "/zh/world/987654-nothing", "zh", 404, "error.not_found_title"},
		{"not a story id", "/fr/world/abc", "fr", 404, "error.not_found_title"},
		{"huge id", "/es/world/99999999999999999999999-x", "es", 404, "error.not_found_title"},
		{"draft", render.StoryPath(draft), "en", 404, "error.not_found_title"},
		{"killed", (&url.URL{Path: render.StoryPath(killed)}).EscapedPath(), "ar", 410, "story.killed_title"},
		{"page zero", "/en/world/?page=0", "en", 404, "error.not_found_title"},
		{"page not a number", "/ru/world/?page=abc", "ru", 404, "error.not_found_title"},
		{"page past the end", "/en/world/page/50/", "en", 404, "error.not_found_title"},
		{"page one as a path", "/en/world/page/1/", "en", 404, "error.not_found_title"},
		{"page with a leading zero", "/en/world/page/02/", "en", 404, "error.not_found_title"},
		{"page not a number in the path", "/en/world/page/two/", "en", 404, "error.not_found_title"},
		{"deep unknown path", "/en/world/1/2/3", "en", 404, "error.not_found_title"},
		{"unknown asset", "/assets/nothing.css", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.path)
			if r.status != tt.status {
				t.Fatalf("%s: status %d, want %d", tt.path, r.status, tt.status)
			}
			if tt.title == "" {
				return
			}
			l, _ := lang.Get(tt.lang)
			if want := `<html lang="` + l.Tag + `" dir="` + l.Dir + `">`; !strings.Contains(r.body, want) {
				t.Errorf("error page not in %s: lacks %q", tt.lang, want)
			}
			if want := f.cat.T(tt.lang, tt.title); !strings.Contains(r.body, want) {
				t.Errorf("error page lacks %q", want)
			}
		})
	}
}

func TestNoRequestFails(t *testing.T) {
	f := newFixture(t)
	paths := []string{
		"/", "/en", "/en/", "/ur", "/xx", "/en/world", "/en/world/", "/en/world/?page=1",
		"/en/world/1-%00", "/%ff/", "/en/%ff/", "/en/world/%2e%2e%2f%2e%2e", "/en/world/0", "/en/world/-1",
		"/en/world/1-", "/lang/", "/lang/zh", "/lang/xx", "/lang/zh?next=//evil.example", "/robots.txt",
		"/en/world/" + strings.Repeat("9", 5000), "/" + strings.Repeat("a/", 500),
	}
	for _, p := range paths {
		for _, m := range []string{"GET", "HEAD", "POST", "DELETE"} {
			r := f.do(t, m, p, map[string]string{"Accept-Language": "ur;q=NaN, \xff\xfe, *;q=-1"})
			if r.status >= 500 {
				t.Errorf("%s %s: status %d", m, p, r.status)
			}
		}
	}
}

func TestLanguageSwitcher(t *testing.T) {
	f := newFixture(t)
	zh := f.member(t, "05-karachi-port-containers", "zh")
	zhPath := (&url.URL{Path: render.StoryPath(zh)}).EscapedPath()
	tests := []struct{ name, path, want string }{
		{"to a story", "/lang/zh?next=" + url.QueryEscape(render.StoryPath(zh)), zhPath},
		{"to a section", "/lang/zh?next=/zh/business/", "/zh/business/"},
		{"open redirect refused", "/lang/zh?next=https://evil.example/", "/zh/"},
		{"protocol-relative refused", "/lang/zh?next=//evil.example/zh/", "/zh/"},
		{"another language's page refused", "/lang/zh?next=/en/", "/zh/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.get(t, tt.path)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != tt.want {
				t.Fatalf("got %d %q, want 303 %q", r.status, r.header.Get("Location"), tt.want)
			}
			c := r.header.Get("Set-Cookie")
			if !strings.Contains(c, "lang=zh") || !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Lax") {
				t.Errorf("Set-Cookie = %q", c)
			}
		})
	}
	if r := f.get(t, "/lang/xx"); r.status != http.StatusNotFound {
		t.Errorf("/lang/xx: status %d, want 404", r.status)
	}
	// The switcher on an English story page leads to the Chinese member.
	en := f.member(t, "05-karachi-port-containers", "en")
	r := f.get(t, render.StoryPath(en))
	if want := `href="/lang/zh?next=` + template(url.QueryEscape(render.StoryPath(zh))) + `"`; !strings.Contains(r.body, want) {
		t.Errorf("English story page has no switcher link %s", want)
	}
}

func TestUntranslatedStoriesAreNotCopied(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	only := story.Story{FamilyID: fid, Lang: "fr", Headline: "Une dépêche seulement en français", Summary: "Pas encore traduite.",
		Section: "world", Status: story.StatusDraft, Body: "Un paragraphe.\n"}
	if err := f.db.CreateStory(ctx, &only); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PublishStory(ctx, only.ID, store.Publish{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// An Urdu story that refers to it links to the French original, named as French.
	ur := f.member(t, "06-textile-exports-quarter", "ur")
	ur.Body += "\n[[also:" + itoa(only.ID) + "]]\n"
	if err := f.db.UpdateStory(ctx, &ur); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PublishStory(ctx, ur.ID, store.Publish{At: time.Now(), CorrectionNote: "اضافی حوالہ"}); err != nil {
		t.Fatal(err)
	}

	home := f.get(t, "/ur/")
	if !strings.Contains(home.body, `id="q_other_languages"`) {
		t.Fatal("Urdu home page has no 'from other languages' list")
	}
	others := home.body[strings.Index(home.body, `id="q_other_languages"`):]
	if !strings.Contains(others, `<h3 lang="fr" dir="ltr"><a href="`+render.StoryPath(only)+`">`) {
		t.Errorf("the French-only story is not listed with its own lang and URL")
	}
	if strings.Contains(home.body, `href="/ur/world/`+itoa(only.ID)) {
		t.Errorf("the French-only story appears under an Urdu URL")
	}
	page := f.get(t, (&url.URL{Path: render.StoryPath(ur)}).EscapedPath())
	for _, w := range []string{
		`href="` + render.StoryPath(only) + `" hreflang="fr" lang="fr" dir="ltr"`,
		`(Français)`,
		`اضافی حوالہ`, // the correction note is shown
	} {
		if !strings.Contains(page.body, w) {
			t.Errorf("Urdu story page lacks %q", w)
		}
	}
	if r := f.get(t, "/ur/world/"+itoa(only.ID)); r.status != http.StatusMovedPermanently || !strings.HasPrefix(r.header.Get("Location"), "/fr/") {
		t.Errorf("French story under /ur/: %d %q, want a redirect to /fr/", r.status, r.header.Get("Location"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSectionPaginates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 25 more English business stories make two pages of 20.
	for i := 0; i < 25; i++ {
		fid, err := f.db.CreateFamily(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		s := story.Story{FamilyID: fid, Lang: "en", Headline: "Market note " + itoa(int64(i)), Section: "business", Status: story.StatusDraft}
		if err := f.db.CreateStory(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.PublishStory(ctx, s.ID, store.Publish{At: time.Now().Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	p1 := f.get(t, "/en/business/")
	if old := f.get(t, "/en/business/?page=2"); old.status != http.StatusMovedPermanently || old.header.Get("Location") != "/en/business/page/2/" {
		t.Errorf("?page=2: %d to %q, want 301 to /en/business/page/2/", old.status, old.header.Get("Location"))
	}
	p2 := f.get(t, "/en/business/page/2/")
	if p1.status != 200 || p2.status != 200 {
		t.Fatalf("statuses %d %d", p1.status, p2.status)
	}
	if n := strings.Count(p1.body, `<li class="card">`); n < 20 {
		t.Errorf("page 1 has %d cards, want at least 20", n)
	}
	if !strings.Contains(p1.body, `href="/en/business/page/2/" rel="next"`) || !strings.Contains(p2.body, `href="/en/business/" rel="prev"`) {
		t.Errorf("pager links missing")
	}
	if !strings.Contains(p1.body, "Market note 24") || strings.Contains(p2.body, "Market note 24<") {
		t.Errorf("newest story should be on page 1 only")
	}
	// Page 2 starts where page 1 ends (section.go reads it after page 1's
	// last story): every story is on exactly one of them.
	for i := range 25 {
		h := "Market note " + itoa(int64(i)) + "<"
		if n := strings.Count(p1.body, h) + strings.Count(p2.body, h); n != 1 {
			t.Errorf("%q is on %d of the two pages, want 1", h, n)
		}
	}
	if !strings.Contains(p2.body, `<link rel="canonical" href="https://news.example.org/en/business/page/2/">`) {
		t.Errorf("page 2 canonical wrong")
	}
}

// TestSectionDeepPages: past page 25 a section page starts after the
// previous page's last story (section.go), before it at an offset; either
// way every story is on exactly one page, newest first, ties on the time
// broken by id, and the page after the last is not found.
func TestSectionDeepPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before := f.get(t, "/en/business/")
	already := strings.Count(before.body, `<li class="card">`)
	const n = 27*20 + 7
	base := time.Now().Add(-time.Hour)
	var batch []store.ImportedStory
	for i := range n {
		batch = append(batch, store.ImportedStory{PublishedAt: base.Add(-time.Duration(i/2) * time.Second), // pairs share a time
			Story: story.Story{Lang: "en", Headline: fmt.Sprintf("Deep note %d", i), Section: "business", Status: story.StatusPublished}})
	}
	if _, err := f.db.ImportStories(ctx, batch); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var order []string
	heading := regexp.MustCompile(`>(Deep note \d+)<`)
	pages := (n + already + 19) / 20
	for p := 1; p <= pages; p++ {
		path := "/en/business/"
		if p > 1 {
			path += "page/" + strconv.Itoa(p) + "/"
		}
		res := f.get(t, path)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d", path, res.status)
		}
		for _, m := range heading.FindAllStringSubmatch(res.body, -1) {
			seen[m[1]]++
			order = append(order, m[1])
		}
	}
	if res := f.get(t, "/en/business/page/"+strconv.Itoa(pages+1)+"/"); res.status != http.StatusNotFound {
		t.Errorf("page %d of %d: %d, want 404", pages+1, pages, res.status)
	}
	for i := range n {
		if h := fmt.Sprintf("Deep note %d", i); seen[h] != 1 {
			t.Errorf("%q is on %d pages, want 1", h, seen[h])
		}
	}
	// Imported in order, so among equal times the later id is listed first.
	for i := 1; i < len(order); i++ {
		var a, b int
		fmt.Sscanf(order[i-1], "Deep note %d", &a)
		fmt.Sscanf(order[i], "Deep note %d", &b)
		if a/2 > b/2 || (a/2 == b/2 && a < b) {
			t.Errorf("%q listed before %q", order[i-1], order[i])
		}
	}
}

func TestAssetsAreFingerprintedAndImmutable(t *testing.T) {
	f := newFixture(t)
	home := f.get(t, "/ur/")
	css := regexp.MustCompile(`href="(/assets/site\.[0-9a-f]{10}\.css)"`).FindStringSubmatch(home.body)
	if css == nil {
		t.Fatal("no fingerprinted stylesheet link")
	}
	r := f.get(t, css[1])
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") ||
		!strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Fatalf("stylesheet: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
	}
	font := regexp.MustCompile(`url\((/assets/NotoNastaliqUrdu-Regular\.[0-9a-f]{10}\.woff2)\)`).FindStringSubmatch(r.body)
	if font == nil {
		t.Fatal("stylesheet does not point at the fingerprinted Nastaliq font")
	}
	fr := f.get(t, font[1])
	if fr.status != 200 || fr.header.Get("Content-Type") != "font/woff2" || !strings.HasPrefix(fr.body, "wOF2") {
		t.Fatalf("font: %d %q", fr.status, fr.header.Get("Content-Type"))
	}
	for _, rule := range []string{"margin-left", "margin-right", "padding-left", "padding-right", "text-align: left", "text-align: right", "float: left", "float: right"} {
		if strings.Contains(r.body, rule) {
			t.Errorf("stylesheet uses physical property %q; use logical ones", rule)
		}
	}
}

// TestReadersSeeOnlyWhatIsPublished: an editor's unsaved-to-the-public
// edit of a published story, and an embargoed story, stay off every page.
func TestReadersSeeOnlyWhatIsPublished(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	en := f.member(t, "07-women-cricket-series", "en")
	path := render.StoryPath(en)
	edited := en
	edited.Headline, edited.Body = "An edit not yet published", "Draft text of a correction.\n"
	if err := f.db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, "/en/", "/en/sport/"} {
		r := f.get(t, p)
		if r.status != 200 || strings.Contains(r.body, "An edit not yet published") || strings.Contains(r.body, "Draft text") {
			t.Errorf("%s (%d) shows the working copy", p, r.status)
		}
	}

	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	emb := story.Story{FamilyID: fid, Lang: "en", Headline: "Budget figures under embargo", Section: "business", Status: story.StatusDraft, Body: "Numbers.\n"}
	if err := f.db.CreateStory(ctx, &emb); err != nil {
		t.Fatal(err)
	}
	until := time.Now().Add(time.Hour)
	if _, err := f.db.PublishStory(ctx, emb.ID, store.Publish{At: time.Now(), EmbargoUntil: until}); err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, render.StoryPath(emb)); r.status != http.StatusNotFound {
		t.Errorf("embargoed story: %d, want 404", r.status)
	}
	for _, p := range []string{"/en/", "/en/business/", "/fr/"} {
		if r := f.get(t, p); strings.Contains(r.body, "Budget figures under embargo") {
			t.Errorf("%s lists the embargoed story", p)
		}
	}
	// The same store, seen by a site whose clock is past the embargo.
	cat, _ := lang.LoadCatalog()
	later, err := site.New(site.Options{Store: f.db, Catalog: cat, Now: func() time.Time { return until.Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	later.Handler().ServeHTTP(rec, httptest.NewRequest("GET", render.StoryPath(emb), nil))
	if rec.Code != http.StatusOK {
		t.Errorf("after the embargo: %d, want 200", rec.Code)
	}
}
