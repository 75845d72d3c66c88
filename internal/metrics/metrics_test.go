package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRoute(t *testing.T) {
	tests := map[string]string{
		"/":                          "root",
		"/en/":                       "home",
		"/ur/":                       "home",
		"/en/world/":                 "section",
		"/en/world/12-sco-summit":    "story",
		"/ur/world/12-شنگھائی":       "story",
		"/fr/search":                 "search",
		"/feeds/en.rss":              "feed",
		"/sitemap.xml":               "sitemap",
		"/sitemaps/en-1.xml":         "sitemap",
		"/desk/stories/4":            "desk",
		"/wire/v1/items":             "wire_items",
		"/wire/v1/items/9":           "wire_items",
		"/wire/v1/search":            "wire_search",
		"/wire/v1/openapi.json":      "wire_other",
		"/assets/site.abc123.css":    "asset",
		"/media/3/800.jpg":           "media",
		"/metrics":                   "ops",
		"/a/b/c/d/e":                 "other",
		"/../../etc/passwd/x/y/z/zz": "other",
	}
	for path, want := range tests {
		if got := Route(path); got != want {
			t.Errorf("Route(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestMiddlewareAndExposition(t *testing.T) {
	m := New()
	m.Gauge("qasid_test_queue_depth", "A queue for the test.", func() float64 { return 42 })
	app := http.NewServeMux()
	app.HandleFunc("GET /en/world/{id}", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("story")) })
	app.HandleFunc("GET /en/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	h := m.Middleware(app)
	for _, path := range []string{"/en/world/1-a", "/en/world/2-b", "/en/nothing/"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	m.CacheHit()
	m.CacheHit()
	m.CacheMiss()
	m.WebhookAttempt("delivered")

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`qasid_http_requests_total{code="200",method="GET",route="story"} 2`,
		`qasid_http_requests_total{code="404",method="GET",route="section"} 1`,
		`qasid_http_request_duration_seconds_count{route="story"} 2`,
		`qasid_page_cache_requests_total{result="hit"} 2`,
		`qasid_page_cache_requests_total{result="miss"} 1`,
		`qasid_webhook_attempts_total{outcome="delivered"} 1`,
		`qasid_test_queue_depth 42`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestHealth(t *testing.T) {
	dbErr := error(nil)
	h := Health(map[string]Check{
		"database": func(context.Context) error { return dbErr },
		"search":   func(context.Context) error { return nil },
	})
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		b, _ := io.ReadAll(rec.Body)
		return rec.Code, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 || body != "database: ok\nsearch: ok\n" {
		t.Errorf("/readyz = %d %q", code, body)
	}
	dbErr = errors.New("connection refused")
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, "database: connection refused") {
		t.Errorf("/readyz with the database down = %d %q", code, body)
	}
	// Still alive while not ready.
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("/healthz = %d while not ready", code)
	}
}
