package wire_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/wire"
)

const baseURL = "https://news.example.org"

// clock is a settable clock for the service and the rate limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is the wire over a store holding the demo agency, with the API on a
// real HTTP server.
type env struct {
	db    store.Store
	svc   *wire.Service
	srv   *httptest.Server
	clock *clock
	news  *newsroom.Service
	ed    newsroom.Actor
	ix    *search.Index // follows db when the test calls catchUp
}

type envOptions struct {
	rate  float64
	burst int
}

func newEnv(t testing.TB, db store.Store, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Now().UTC()}
	svc := wire.New(wire.Options{Store: db, Catalog: cat, BaseURL: baseURL, Now: c.now})
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	api, err := wire.NewAPI(wire.APIOptions{Service: svc, Rate: o.rate, Burst: o.burst, Now: c.now, Search: ix})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/wire/v1/", api.Handler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{db: db, svc: svc, srv: srv, clock: c, ix: ix}
}

// editor makes an editor for publishing through the newsroom.
func (e *env) editor(t *testing.T) {
	t.Helper()
	e.news = newsroom.New(newsroom.Options{Store: e.db})
	u := auth.User{Email: "editor@wire.example", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"}
	if err := e.news.BootstrapUser(context.Background(), &u, "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	e.ed = newsroom.Actor{User: u, IP: "127.0.0.1"}
}

func (e *env) subscriber(t *testing.T, n wire.NewSubscriber) (store.Subscriber, string) {
	t.Helper()
	sub, key, err := e.svc.AddSubscriber(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return sub, key
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) get(t testing.TB, key, path string, header ...string) answer {
	t.Helper()
	req, err := http.NewRequest("GET", e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}
}

// page is the decoded answer of GET /wire/v1/items.
type page struct {
	Items []item `json:"items"`
	Next  string `json:"next"`
	More  bool   `json:"more"`
}

type item struct {
	URI       string `json:"uri"`
	Version   string `json:"version"`
	Language  string `json:"language"`
	PubStatus string `json:"pubStatus"`
	Subjects  []struct {
		Name string `json:"name"`
	} `json:"subjects"`
}

func decodePage(t testing.TB, a answer) page {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	var p page
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
	return p
}

// checkProblem asserts an RFC 9457 problem document with the status.
func checkProblem(t *testing.T, a answer, status int) map[string]any {
	t.Helper()
	if a.status != status {
		t.Errorf("status %d, want %d: %s", a.status, status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("content type %q, want application/problem+json", ct)
	}
	var p map[string]any
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("problem %s: %v", a.body, err)
	}
	if p["type"] != "about:blank" || p["title"] != http.StatusText(status) || p["status"] != float64(status) || p["detail"] == "" {
		t.Errorf("problem %v: want type, title, status %d and detail", p, status)
	}
	return p
}
