package site_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// searchFixture is the demo agency in SQLite with a search index that
// follows it, as qasid demo serves it.
type searchFixture struct {
	*fixture
	ix     *search.Index
	follow *search.Follower
	now    time.Time
}

func newSearchFixture(t testing.TB) *searchFixture {
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
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	f, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org", Search: ix})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sf := &searchFixture{fixture: &fixture{srv: srv, db: db, cat: cat, client: client}, ix: ix, follow: f, now: time.Now().UTC()}
	sf.catchUp(t)
	return sf
}

func (f *searchFixture) catchUp(t testing.TB) {
	t.Helper()
	if _, err := f.follow.FollowOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// publish adds a published story in a family of its own.
func (f *searchFixture) publish(t testing.TB, code, section, headline, body string, embargo time.Time) story.Story {
	t.Helper()
	ctx := context.Background()
	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s := story.Story{FamilyID: fid, Lang: code, Headline: headline, Slug: lang.Slug(code, headline), Body: body,
		Section: section, Status: story.StatusDraft}
	if err := f.db.CreateStory(ctx, &s); err != nil {
		t.Fatal(err)
	}
	pub, err := f.db.PublishStory(ctx, s.ID, store.Publish{At: f.now.Add(-time.Hour), EmbargoUntil: embargo})
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func (f *searchFixture) search(t *testing.T, code string, params url.Values) response {
	t.Helper()
	u := "/" + code + "/search"
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	return f.get(t, u)
}

func q(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// hitIDs lists the story ids the result links to, in order.
func hitIDs(body string) []string {
	var out []string
	for _, m := range hitLink.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

var hitLink = regexp.MustCompile(`<li class="hit">\s*<h2 lang="[^"]+" dir="[^"]+"><a href="/[a-z]+/[a-z]+/([0-9]+)-`)

func TestSearchPage(t *testing.T) {
	f := newSearchFixture(t)
	en := f.member(t, "05-karachi-port-containers", "en")
	r := f.search(t, "en", q("q", "Karachi"))
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	for _, w := range []string{
		`<html lang="en" dir="ltr">`,
		`<meta name="robots" content="noindex">`,
		`<title>` + f.cat.T("en", "search.results_title", "query", "Karachi"),
		`name="q" value="Karachi"`,
		`<mark>Karachi</mark>`,
		`<a href="` + render.StoryPath(en) + `">` + template(en.Headline) + `</a>`,
		`href="/en/search?all=1&amp;q=Karachi"`,
		f.cat.T("en", "search.facet_section"),
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("search page lacks %q", w)
		}
	}
	if strings.Contains(r.body, `id="q_site_q"`) {
		t.Error("the search page repeats the header's search box")
	}
	// Only English results without all=1.
	for _, m := range regexp.MustCompile(`<li class="hit">\s*<h2 lang="([^"]+)"`).FindAllStringSubmatch(r.body, -1) {
		if m[1] != "en" {
			t.Errorf("English search shows a %s hit", m[1])
		}
	}
	// The snippet is text: markup in a query or a story never becomes HTML.
	r = f.search(t, "en", q("q", `<script>alert(1)</script> Karachi`))
	if strings.Contains(r.body, "<script>alert") {
		t.Error("the query is written unescaped")
	}

	// Every other page has the search box, acting on its own language.
	for _, l := range lang.All() {
		home := f.get(t, "/"+l.Code+"/")
		if !strings.Contains(home.body, `<form class="site-search" role="search" method="get" action="/`+l.Code+`/search">`) {
			t.Errorf("%s home page has no search box", l.Code)
		}
	}
	// The empty form, and a box submitted empty.
	for _, v := range []url.Values{nil, q("q", "   ")} {
		r := f.search(t, "fr", v)
		if r.status != http.StatusOK || !strings.Contains(r.body, `<html lang="fr" dir="ltr">`) || strings.Contains(r.body, `class="no-results"`) ||
			strings.Contains(r.body, "search-error") {
			t.Errorf("empty search %v: status %d", v, r.status)
		}
	}
	r = f.search(t, "en", q("q", "xylophonist"))
	if r.status != http.StatusOK || !strings.Contains(r.body, f.cat.T("en", "search.no_results")) {
		t.Errorf("no results: status %d, message missing", r.status)
	}
}

func TestSearchPageRightToLeft(t *testing.T) {
	f := newSearchFixture(t)
	for _, tt := range []struct{ code, word string }{{"ur", "کراچی"}, {"ar", "كراتشي"}} {
		t.Run(tt.code, func(t *testing.T) {
			m := f.member(t, "05-karachi-port-containers", tt.code)
			r := f.search(t, tt.code, q("q", tt.word))
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			for _, w := range []string{
				`<html lang="` + tt.code + `" dir="rtl">`,
				`<h2 lang="` + tt.code + `" dir="rtl">`,
				`<p class="snippet" lang="` + tt.code + `" dir="rtl">`,
				`<mark>`,
				f.cat.T(tt.code, "search.title"),
			} {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s search page lacks %q", tt.code, w)
				}
			}
			if !hasLink(r.body, render.StoryPath(m)) {
				t.Errorf("%s search does not link %s", tt.code, render.StoryPath(m))
			}
		})
	}
	// All languages from an English page: each hit keeps its own direction.
	f.publish(t, "ur", "business", "Qasimabad بندرگاہ کی خبر", "Qasimabad کے قریب نئی سڑک۔", time.Time{})
	f.publish(t, "en", "business", "Qasimabad road opens", "A road to Qasimabad opened.", time.Time{})
	f.catchUp(t)
	r := f.search(t, "en", q("q", "Qasimabad", "all", "1"))
	for _, w := range []string{`<h2 lang="ur" dir="rtl">`, `<h2 lang="en" dir="ltr">`, `<span class="lang-badge">اردو</span>`,
		f.cat.T("en", "search.facet_language"), `lang="ur" hreflang="ur" dir="rtl">اردو</a>`} {
		if !strings.Contains(r.body, w) {
			t.Errorf("all-language search lacks %q", w)
		}
	}
	if r := f.search(t, "en", q("q", "Qasimabad")); len(hitIDs(r.body)) != 1 {
		t.Errorf("English-only search found %d stories, want 1", len(hitIDs(r.body)))
	}
}

func TestSearchPageRefusesBadQueries(t *testing.T) {
	f := newSearchFixture(t)
	tests := []struct {
		name, code string
		params     url.Values
		key        string
	}{
		{"ten thousand characters", "en", q("q", strings.Repeat("a", 10000)), "search.err_too_long"},
		{"long in urdu", "ur", q("q", strings.Repeat("کراچی ", 200)), "search.err_too_long"},
		{"unbalanced quote", "en", q("q", `"Karachi port`), "search.err_quote"},
		{"unbalanced quote in arabic", "ar", q("q", `"ميناء كراتشي`), "search.err_quote"},
		{"control character", "fr", q("q", "port\x01"), "search.err_control"},
		{"escape character", "ru", q("q", "\x1b[31mпорт"), "search.err_control"},
		{"invalid utf-8", "es", q("q", "puerto\xff"), "search.err_control"},
		{"only excluded", "en", q("q", "-Karachi"), "search.err_only_excluded"},
		{"no words", "zh", q("q", "!!! ???"), "search.err_empty"},
		{"dates the wrong way round", "en", q("q", "Karachi", "from", "2026-11-30", "to", "2026-11-01"), "search.err_date_range"},
		{"not a date", "ur", q("q", "کراچی", "from", "2026-13-45"), "search.err_date"},
		{"date with junk", "en", q("q", "Karachi", "to", "2026-11-01'; DROP TABLE"), "search.err_date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.search(t, tt.code, tt.params)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			l, _ := lang.Get(tt.code)
			for _, w := range []string{
				`<html lang="` + l.Tag + `" dir="` + l.Dir + `">`,
				template(f.cat.T(tt.code, tt.key)),
				template(f.cat.T(tt.code, "search.error_title")),
				`aria-invalid="true"`,
				`<meta name="robots" content="noindex">`,
			} {
				if !strings.Contains(r.body, w) {
					t.Errorf("400 page lacks %q", w)
				}
			}
			if strings.Contains(r.body, `class="hit"`) {
				t.Error("a refused search shows results")
			}
		})
	}
	// The query stays in the box, escaped, to be corrected.
	r := f.search(t, "en", q("q", `"<b>Karachi`))
	if !strings.Contains(r.body, `value="&#34;&lt;b&gt;Karachi"`) {
		t.Errorf("the refused query is not kept in the box")
	}
}

func TestSearchPageFiltersAndPages(t *testing.T) {
	f := newSearchFixture(t)
	var world, business []story.Story
	for i := range 14 {
		world = append(world, f.publish(t, "en", "world", fmt.Sprintf("Zephyrine report %d", i), "Zephyrine winds over the coast.", time.Time{}))
	}
	for i := range 11 {
		business = append(business, f.publish(t, "en", "business", fmt.Sprintf("Zephyrine shares %d", i), "Zephyrine shares rose; traders cheered.", time.Time{}))
	}
	f.catchUp(t)

	// Three pages of ten, with links between them.
	seen := map[string]bool{}
	for n, want := range map[int]int{1: 10, 2: 10, 3: 5} {
		params := q("q", "zephyrine")
		if n > 1 {
			params.Set("page", fmt.Sprint(n))
		}
		r := f.search(t, "en", params)
		ids := hitIDs(r.body)
		if r.status != http.StatusOK || len(ids) != want {
			t.Fatalf("page %d: status %d, %d hits, want %d", n, r.status, len(ids), want)
		}
		for _, id := range ids {
			if seen[id] {
				t.Errorf("story %s on two pages", id)
			}
			seen[id] = true
		}
		if n < 3 && !strings.Contains(r.body, fmt.Sprintf(`href="/en/search?page=%d&amp;q=zephyrine" rel="next"`, n+1)) {
			t.Errorf("page %d has no link to page %d", n, n+1)
		}
		if n > 1 {
			prev := `href="/en/search?q=zephyrine" rel="prev"`
			if n == 3 {
				prev = `href="/en/search?page=2&amp;q=zephyrine" rel="prev"`
			}
			if !strings.Contains(r.body, prev) {
				t.Errorf("page %d lacks %s", n, prev)
			}
		}
		if !strings.Contains(r.body, f.cat.N("en", "search.result_count", 25)) {
			t.Errorf("page %d does not say 25 results", n)
		}
	}
	if r := f.search(t, "en", q("q", "zephyrine", "page", "4")); r.status != http.StatusNotFound {
		t.Errorf("page past the end: %d", r.status)
	}
	for _, bad := range []string{"0", "-1", "x", "99999999999"} {
		if r := f.search(t, "en", q("q", "zephyrine", "page", bad)); r.status != http.StatusNotFound {
			t.Errorf("page %q: %d", bad, r.status)
		}
	}

	// Facets: counts as links that narrow the search.
	r := f.search(t, "en", q("q", "zephyrine"))
	// The index counts months in UTC.
	month := f.now.Add(-time.Hour).UTC()
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	for _, w := range []string{
		`<a href="/en/search?q=zephyrine&amp;section=world">World</a> <span class="facet-count">14</span>`,
		`<a href="/en/search?q=zephyrine&amp;section=business">Business</a> <span class="facet-count">11</span>`,
		fmt.Sprintf(`<a href="/en/search?from=%s&amp;q=zephyrine&amp;to=%s">%s</a> <span class="facet-count">25</span>`,
			first.Format("2006-01-02"), first.AddDate(0, 1, -1).Format("2006-01-02"), lang.Default().FormatMonth(first.Year(), first.Month())),
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("facets lack %q", w)
		}
	}
	r = f.search(t, "en", q("q", "zephyrine", "section", "business"))
	if ids := hitIDs(r.body); len(ids) != 10 || !strings.Contains(r.body, f.cat.N("en", "search.result_count", 11)) {
		t.Errorf("section filter: %d hits", len(ids))
	}
	if !strings.Contains(r.body, `aria-current="true">Business</a>`) || !strings.Contains(r.body, `href="/en/search?q=zephyrine">`+f.cat.T("en", "search.clear_filters")) {
		t.Error("the section filter is not shown as current, or cannot be cleared")
	}
	// -word leaves stories out.
	r = f.search(t, "en", q("q", "zephyrine -traders"))
	if !strings.Contains(r.body, f.cat.N("en", "search.result_count", 14)) {
		t.Errorf("exclusion: want the 14 world stories")
	}
	for _, s := range business {
		if strings.Contains(r.body, fmt.Sprintf("/%d-", s.ID)) {
			t.Errorf("excluded story %d shown", s.ID)
		}
	}
	// A phrase.
	r = f.search(t, "en", q("q", `"shares rose"`))
	if !strings.Contains(r.body, f.cat.N("en", "search.result_count", 11)) {
		t.Errorf("phrase search: want the 11 business stories")
	}
	// Dates bound the first publication, in the agency's days.
	zone, err := time.LoadLocation(demo.Agency().TimeZone)
	if err != nil {
		zone = time.UTC
	}
	day := f.now.Add(-time.Hour).In(zone).Format("2006-01-02")
	if r := f.search(t, "en", q("q", "zephyrine", "from", day, "to", day)); !strings.Contains(r.body, f.cat.N("en", "search.result_count", 25)) {
		t.Errorf("today's stories not found from %s to %s", day, day)
	}
	if r := f.search(t, "en", q("q", "zephyrine", "to", "2020-01-01")); !strings.Contains(r.body, f.cat.T("en", "search.no_results")) {
		t.Error("stories found before they were published")
	}
	// An unknown section filters nothing rather than failing.
	if r := f.search(t, "en", q("q", "zephyrine", "section", "nosuch")); r.status != http.StatusOK || len(hitIDs(r.body)) != 10 {
		t.Errorf("unknown section: %d", r.status)
	}
	_ = world
}

func TestSearchPageShowsOnlyWhatReadersMaySee(t *testing.T) {
	f := newSearchFixture(t)
	ctx := context.Background()
	embargoed := f.publish(t, "en", "world", "Quillwort treaty signed", "The quillwort accord.", f.now.Add(24*time.Hour))
	killed := f.publish(t, "en", "world", "Quillwort harvest falls", "A quillwort shortage.", time.Time{})
	edited := f.publish(t, "en", "world", "Quillwort prices", "Quillwort prices steady.", time.Time{})
	f.catchUp(t)
	if ids := hitIDs(f.search(t, "en", q("q", "quillwort")).body); len(ids) != 2 {
		t.Fatalf("before the kill: %v", ids)
	}
	if _, err := f.db.KillStory(ctx, killed.ID, store.Kill{Notice: "Withdrawn.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	w, err := f.db.Story(ctx, edited.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.Body = "Quillwort prices steady. Embezzlement alleged."
	w.Headline = "Quillwort prices: embezzlement alleged"
	if err := f.db.UpdateStory(ctx, &w); err != nil {
		t.Fatal(err)
	}
	f.catchUp(t)
	r := f.search(t, "en", q("q", "quillwort"))
	ids := hitIDs(r.body)
	if len(ids) != 1 || ids[0] != fmt.Sprint(edited.ID) {
		t.Errorf("readers find %v, want only the published story %d", ids, edited.ID)
	}
	for _, s := range []story.Story{embargoed, killed} {
		if strings.Contains(r.body, fmt.Sprintf("/%d-", s.ID)) {
			t.Errorf("story %d (embargoed or killed) is found", s.ID)
		}
	}
	if strings.Contains(r.body, "embezzlement") || strings.Contains(r.body, "Embezzlement") {
		t.Error("the unpublished edit shows in the results")
	}
	if r := f.search(t, "en", q("q", "embezzlement")); len(hitIDs(r.body)) != 0 {
		t.Error("a word only in the working copy is found")
	}
}

func TestSearchPageLanguageSwitcherKeepsTheQuery(t *testing.T) {
	f := newSearchFixture(t)
	r := f.search(t, "en", q("q", "Karachi port"))
	next := "/ur/search?q=Karachi+port"
	if want := `href="/lang/ur?next=` + template(url.QueryEscape(next)) + `"`; !strings.Contains(r.body, want) {
		t.Fatalf("no switcher link %s", want)
	}
	sw := f.get(t, "/lang/ur?next="+url.QueryEscape(next))
	if sw.status != http.StatusSeeOther || sw.header.Get("Location") != next {
		t.Errorf("switch: %d %q, want 303 %q", sw.status, sw.header.Get("Location"), next)
	}
	// The query string cannot smuggle a header or another host.
	sw = f.get(t, "/lang/ur?next="+url.QueryEscape("/ur/search?q=a&x=%0d%0aSet-Cookie:+evil"))
	if loc := sw.header.Get("Location"); !strings.HasPrefix(loc, "/ur/search?") || strings.ContainsAny(loc, "\r\n") {
		t.Errorf("switch to a hostile query: %q", loc)
	}
}

func TestSearchPageOffWithoutAnIndex(t *testing.T) {
	f := newFixture(t)
	if r := f.get(t, "/en/search?q=Karachi"); r.status != http.StatusNotFound {
		t.Errorf("search without an index: %d", r.status)
	}
	// The other pages do not depend on it.
	if r := f.get(t, "/en/"); r.status != http.StatusOK {
		t.Errorf("home page: %d", r.status)
	}
}

func FuzzSearchPage(f *testing.F) {
	sf := newSearchFixture(f)
	for _, seed := range [][4]string{
		{"Karachi", "", "", ""},
		{`"Karachi port`, "2026-11-01", "2026-11-30", "1"},
		{"-Karachi", "", "", "2"},
		{"\x00\x01", "x", "y", "-1"},
		{strings.Repeat("ب", 600), "", "", ""},
		{"کراچی -بندرگاہ \"", "2026-02-30", "", "999"},
		{"\xff\xfe", "0000-00-00", "9999-12-31", "0"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, query, from, to, page string) {
		r := sf.search(t, "ur", q("q", query, "from", from, "to", to, "page", page, "all", "1"))
		switch r.status {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound:
		default:
			t.Fatalf("status %d for q=%q from=%q to=%q page=%q", r.status, query, from, to, page)
		}
	})
}

// BenchmarkSearchPage renders result pages through the handler, without
// the network, over the demo agency.
func BenchmarkSearchPage(b *testing.B) {
	f := newSearchFixture(b)
	h := f.srv.Config.Handler
	for _, p := range []struct{ name, path string }{
		{"en_word", "/en/search?q=Karachi"},
		{"en_phrase_facets", "/en/search?q=%22Karachi+port%22"},
		{"ur_word", "/ur/search?q=" + url.QueryEscape("کراچی")},
		{"all_languages", "/en/search?q=Karachi&all=1"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", p.path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
			}
		})
	}
}
