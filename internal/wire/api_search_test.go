package wire_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire"
)

// requiredQuery fills the parameters a route cannot answer 200 without,
// for the tests that call every route.
var requiredQuery = map[string]string{"/wire/v1/search": "?q=Karachi"}

// catchUp brings the env's index up to date with its store.
func (e *env) catchUp(t testing.TB) {
	t.Helper()
	f, err := search.NewFollower(search.FollowerOptions{Store: e.db, Index: e.ix, Now: e.clock.now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.FollowOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// publishStory adds a published story in a family of its own.
func (e *env) publishStory(t testing.TB, code, section, headline, body string, embargo time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	fid, err := e.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s := story.Story{FamilyID: fid, Lang: code, Headline: headline, Body: body, Section: section, Status: story.StatusDraft}
	if err := e.db.CreateStory(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.PublishStory(ctx, s.ID, store.Publish{At: e.clock.now().Add(-time.Hour), EmbargoUntil: embargo}); err != nil {
		t.Fatal(err)
	}
	return s.ID
}

type searchAnswer struct {
	Total   int    `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Next    string `json:"next"`
	Items   []struct {
		URI            string `json:"uri"`
		ID             int64  `json:"id"`
		Version        int    `json:"version"`
		Lang           string `json:"lang"`
		Headline       string `json:"headline"`
		Section        string `json:"section"`
		FirstCreated   string `json:"firstcreated"`
		VersionCreated string `json:"versioncreated"`
		Snippet        []struct {
			Text string `json:"text"`
			Mark *bool  `json:"mark"`
		} `json:"snippet"`
		Links struct{ Item, Ninjs, NewsML string } `json:"links"`
	} `json:"items"`
}

func decodeSearch(t testing.TB, a answer) searchAnswer {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("content type %q", ct)
	}
	var s searchAnswer
	if err := json.Unmarshal(a.body, &s); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
	return s
}

func TestSearchAPI(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{rate: 1000, burst: 1000})
	e.catchUp(t)
	_, all := e.subscriber(t, wire.NewSubscriber{Name: "Everything"})
	enBusiness := storyIn(t, e.db, "en", "business")

	s := decodeSearch(t, e.get(t, all, "/wire/v1/search?q=Karachi&lang=en"))
	if s.Total < 1 || len(s.Items) < 1 || s.Page != 1 || s.PerPage != 20 {
		t.Fatalf("answer %+v", s)
	}
	found := false
	for _, it := range s.Items {
		if it.Lang != "en" {
			t.Errorf("lang=en answered a %s item", it.Lang)
		}
		if it.URI != baseURL+"/wire/v1/items/"+fmt.Sprint(it.ID) || it.Links.Item != it.URI ||
			it.Links.Ninjs != it.URI+".json" || it.Links.NewsML != it.URI+".xml" {
			t.Errorf("item %d: uri %q links %+v", it.ID, it.URI, it.Links)
		}
		if _, err := time.Parse(time.RFC3339, it.VersionCreated); err != nil || it.Version < 1 || it.Headline == "" || it.Section == "" {
			t.Errorf("item %d: version %d created %q headline %q section %q", it.ID, it.Version, it.VersionCreated, it.Headline, it.Section)
		}
		marks := 0
		for _, sp := range it.Snippet {
			switch {
			case sp.Mark == nil:
				t.Errorf("item %d: a snippet piece without mark", it.ID)
			case *sp.Mark:
				marks++
				if !strings.Contains(strings.ToLower(sp.Text), "karachi") {
					t.Errorf("item %d: %q marked", it.ID, sp.Text)
				}
			}
			if strings.ContainsAny(sp.Text, "<>") {
				t.Errorf("item %d: snippet holds markup %q", it.ID, sp.Text)
			}
		}
		if marks == 0 {
			t.Errorf("item %d: nothing marked in %+v", it.ID, it.Snippet)
		}
		found = found || it.ID == enBusiness
		// The item the link names answers for this key.
		if a := e.get(t, all, strings.TrimPrefix(it.Links.Ninjs, baseURL)); a.status != 200 {
			t.Errorf("%s: %d", it.Links.Ninjs, a.status)
		}
	}
	if !found {
		t.Errorf("the English business story %d about Karachi is not found", enBusiness)
	}

	// Every language without lang; a phrase; an excluded word.
	s = decodeSearch(t, e.get(t, all, "/wire/v1/search?q=Karachi&per_page=100"))
	langs := map[string]bool{}
	for _, it := range s.Items {
		langs[it.Lang] = true
	}
	if len(langs) < 2 {
		t.Errorf("search without lang found only %v", langs)
	}
	withPort := decodeSearch(t, e.get(t, all, "/wire/v1/search?q=Karachi&lang=en")).Total
	without := decodeSearch(t, e.get(t, all, "/wire/v1/search?q="+url.QueryEscape("Karachi -port")+"&lang=en")).Total
	if without >= withPort {
		t.Errorf("-port left %d of %d", without, withPort)
	}
}

func TestSearchAPIEntitlementsAndVisibility(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{rate: 1000, burst: 1000})
	ctx := context.Background()
	urWorld := e.publishStory(t, "ur", "world", "Wombatine عالمی خبر", "Wombatine کا ذکر۔", time.Time{})
	urSport := e.publishStory(t, "ur", "sport", "Wombatine کھیل", "Wombatine میچ۔", time.Time{})
	enWorld := e.publishStory(t, "en", "world", "Wombatine world", "Wombatine abroad.", time.Time{})
	embargoed := e.publishStory(t, "ur", "world", "Wombatine پابندی", "Wombatine بعد میں۔", e.clock.now().Add(24*time.Hour))
	killed := e.publishStory(t, "ur", "world", "Wombatine منسوخ", "Wombatine واپس۔", time.Time{})
	stale := e.publishStory(t, "ur", "world", "Wombatine پرانی", "Wombatine کل۔", time.Time{})
	if _, err := e.db.KillStory(ctx, killed, store.Kill{Notice: "واپس لی گئی۔", At: e.clock.now()}); err != nil {
		t.Fatal(err)
	}
	e.catchUp(t)
	// Killed after the index last followed: the answer checks the store.
	if _, err := e.db.KillStory(ctx, stale, store.Kill{Notice: "واپس لی گئی۔", At: e.clock.now()}); err != nil {
		t.Fatal(err)
	}
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "Urdu world", Languages: []string{"ur"}, Sections: []string{"world"}})
	_, all := e.subscriber(t, wire.NewSubscriber{Name: "All"})

	ids := func(s searchAnswer) map[int64]bool {
		out := map[int64]bool{}
		for _, it := range s.Items {
			out[it.ID] = true
		}
		return out
	}
	tests := []struct {
		name, key, query string
		want             []int64
	}{
		{"entitled", key, "q=wombatine", []int64{urWorld}},
		{"within the entitlement", key, "q=wombatine&lang=ur&section=world", []int64{urWorld}},
		{"a language outside it", key, "q=wombatine&lang=en", nil},
		{"a section outside it", key, "q=wombatine&section=sport", nil},
		{"everything", all, "q=wombatine", []int64{urWorld, urSport, enWorld}},
		{"a section", all, "q=wombatine&section=sport", []int64{urSport}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := decodeSearch(t, e.get(t, tt.key, "/wire/v1/search?"+tt.query))
			got := ids(s)
			if len(got) != len(tt.want) {
				t.Errorf("found %v, want %v", got, tt.want)
			}
			for _, id := range tt.want {
				if !got[id] {
					t.Errorf("story %d not found: %v", id, got)
				}
			}
			for _, id := range []int64{embargoed, killed, stale} {
				if got[id] {
					t.Errorf("story %d (embargoed or killed) found", id)
				}
			}
		})
	}
	// Dates: the stories were published an hour ago.
	day := e.clock.now().Add(-time.Hour).UTC().Format("2006-01-02")
	if s := decodeSearch(t, e.get(t, all, "/wire/v1/search?q=wombatine&from="+day+"&to="+day)); len(s.Items) != 3 {
		t.Errorf("from %s to %s: %d items", day, day, len(s.Items))
	}
	if s := decodeSearch(t, e.get(t, all, "/wire/v1/search?q=wombatine&to=2020-01-01")); s.Total != 0 {
		t.Errorf("stories found before they were published: %d", s.Total)
	}
	since := url.QueryEscape(e.clock.now().Add(-2 * time.Hour).Format(time.RFC3339))
	if s := decodeSearch(t, e.get(t, all, "/wire/v1/search?q=wombatine&from="+since)); len(s.Items) != 3 {
		t.Errorf("from an instant: %d items", len(s.Items))
	}
}

func TestSearchAPIPages(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{rate: 1000, burst: 1000})
	for i := range 7 {
		e.publishStory(t, "fr", "business", fmt.Sprintf("Quenouille %d", i), "La quenouille revient.", time.Time{})
	}
	e.catchUp(t)
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All"})
	seen := map[int64]bool{}
	next := "/wire/v1/search?q=quenouille&per_page=3"
	for page := 1; next != ""; page++ {
		s := decodeSearch(t, e.get(t, key, strings.TrimPrefix(next, baseURL)))
		if s.Total != 7 || s.Page != page || s.PerPage != 3 {
			t.Fatalf("page %d: %+v", page, s)
		}
		for _, it := range s.Items {
			if seen[it.ID] {
				t.Errorf("item %d on two pages", it.ID)
			}
			seen[it.ID] = true
		}
		if page > 3 {
			t.Fatal("more pages than results")
		}
		if next = s.Next; next != "" && !strings.HasPrefix(next, baseURL+"/wire/v1/search?") {
			t.Errorf("next %q", next)
		}
	}
	if len(seen) != 7 {
		t.Errorf("%d items over all pages, want 7", len(seen))
	}
}

func TestSearchAPIRefusesBadInput(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{rate: 1000, burst: 1000})
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All"})
	for _, tt := range []struct{ name, query, detail string }{
		{"no q", "", "q is required"},
		{"blank q", "q=++", "q is required"},
		{"ten thousand characters", "q=" + strings.Repeat("a", 10000), "q "},
		{"over the index's limit", "q=" + url.QueryEscape(strings.Repeat("ab ", 300)), "q cannot be searched"},
		{"unbalanced quote", "q=" + url.QueryEscape(`"karachi`), "quotation"},
		{"control character", "q=%01karachi", "control"},
		{"invalid utf-8", "q=%ffkarachi", "q cannot be searched"},
		{"only excluded", "q=-karachi", "q cannot be searched"},
		{"q twice", "q=a&q=b", "more than once"},
		{"unknown lang", "q=a&lang=de", "lang"},
		{"unknown section", "q=a&section=nosuch", "section"},
		{"bad from", "q=a&from=yesterday", "from"},
		{"bad to", "q=a&to=2026-02-30", "to"},
		{"reversed dates", "q=a&from=2026-02-02&to=2026-02-01", "before"},
		{"page zero", "q=a&page=0", "page"},
		{"page not a number", "q=a&page=two", "page"},
		{"per_page too big", "q=a&per_page=101", "per_page"},
		{"too deep", "q=a&page=11&per_page=100", "1000"},
		{"broken query string", "q=%zz", "query string"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, key, "/wire/v1/search?"+tt.query)
			p := checkProblem(t, a, http.StatusBadRequest)
			if d, _ := p["detail"].(string); !strings.Contains(d, tt.detail) {
				t.Errorf("detail %q, want it to mention %q", d, tt.detail)
			}
		})
	}
	checkProblem(t, e.get(t, "", "/wire/v1/search?q=karachi"), http.StatusUnauthorized)
	if a := e.get(t, key, "/wire/v1/search?q=karachi"); a.status != 200 {
		t.Errorf("a good search: %d", a.status)
	}
}

func TestSearchAPIWithoutAnIndex(t *testing.T) {
	db := storetest.SQLite(t)
	e := newEnv(t, db, envOptions{})
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All"})
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	api, err := wire.NewAPI(wire.APIOptions{Service: wire.New(wire.Options{Store: db, Catalog: cat, BaseURL: baseURL})})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	req, _ := http.NewRequest("GET", srv.URL+"/wire/v1/search?q=karachi", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p map[string]any
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Content-Type") != "application/problem+json" || p["status"] != float64(503) {
		t.Errorf("without an index: %d %v %v", res.StatusCode, res.Header, p)
	}
}

func FuzzSearchAPI(f *testing.F) {
	e := newEnv(f, storetest.SQLite(f), envOptions{rate: 1e9, burst: 1e9})
	e.catchUp(f)
	_, key, err := e.svc.AddSubscriber(context.Background(), wire.NewSubscriber{Name: "Fuzz", Languages: []string{"ur", "ar"}})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"q=Karachi", "q=%22kar", "q=-a+b&lang=ur&page=2", "q=%00", "q=a&from=2026-01-01T00:00:00Z&to=2026-13-01",
		"q=a&per_page=0", "q=" + strings.Repeat("%D8%A8", 700), "lang=&section=&q=a&page=1000&per_page=1", "%%%",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if _, err := url.Parse("/wire/v1/search?" + raw); err != nil || strings.ContainsAny(raw, " #") {
			t.Skip("not a request line a client can send")
		}
		a := e.get(t, key, "/wire/v1/search?"+raw)
		switch a.status {
		case http.StatusOK:
			var s searchAnswer
			if err := json.Unmarshal(a.body, &s); err != nil {
				t.Fatalf("%q: %v", raw, err)
			}
			for _, it := range s.Items {
				if it.Lang != "ur" && it.Lang != "ar" {
					t.Fatalf("%q: a %s item for a key entitled to ur and ar", raw, it.Lang)
				}
			}
		case http.StatusBadRequest:
		default:
			t.Fatalf("%q: status %d %s", raw, a.status, a.body)
		}
	})
}
