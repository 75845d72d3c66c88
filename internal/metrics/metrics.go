// Package metrics counts what an operator watches: requests and their
// latency by route, the page cache's hits and misses, queue depths and
// follower lag, webhook outcomes. It serves them at /metrics in
// Prometheus's text format, and answers /healthz and /readyz.
//
// It uses Prometheus's own client library (a registry of our own, never
// the global one) rather than writing the exposition format by hand:
// histograms and escaping are easy to get subtly wrong.
package metrics

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds the collectors of one process.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	cache    *prometheus.CounterVec
	webhooks *prometheus.CounterVec
}

// New makes a registry with the process and Go runtime collectors and
// Qasid's own.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qasid_http_requests_total",
			Help: "HTTP requests answered, by route, method and status code.",
		}, []string{"route", "method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "qasid_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route.",
			// From a cached page (well under a millisecond) to a slow search.
			Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}, []string{"route"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qasid_page_cache_requests_total",
			Help: "Page cache lookups, by result (hit or miss).",
		}, []string{"result"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "qasid_webhook_attempts_total",
			Help: "Webhook delivery attempts, by outcome (delivered, retry, failed).",
		}, []string{"outcome"}),
	}
	m.reg.MustRegister(
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewGoCollector(),
		m.requests, m.latency, m.cache, m.webhooks,
	)
	return m
}

// CacheHit and CacheMiss count page cache lookups.
func (m *Metrics) CacheHit()  { m.cache.WithLabelValues("hit").Inc() }
func (m *Metrics) CacheMiss() { m.cache.WithLabelValues("miss").Inc() }

// WebhookAttempt counts one delivery attempt's outcome.
func (m *Metrics) WebhookAttempt(outcome string) { m.webhooks.WithLabelValues(outcome).Inc() }

// Gauge registers a value read when /metrics is scraped: a queue's depth,
// a follower's lag. f must be quick and safe to call at any time.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// Handler serves the registry at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Middleware counts and times every request by route. Routes are named by
// Route, a fixed set, so that a crawler asking for a million addresses
// cannot make a million time series.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := Route(r.URL.Path)
		m.requests.WithLabelValues(route, method(r.Method), strconv.Itoa(rec.code)).Inc()
		m.latency.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// method keeps the method label to the methods Qasid answers.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions:
		return m
	}
	return "other"
}

// Route names the kind of page a path asks for. It follows the site's URL
// scheme (internal/site): /{lang}/, /{lang}/{section}/,
// /{lang}/{section}/{id}-{slug}, /{lang}/search, feeds and sitemaps, and
// the desk, wire, media and asset trees.
func Route(path string) string {
	switch {
	case path == "/":
		return "root"
	case path == "/metrics", path == "/healthz", path == "/readyz":
		return "ops"
	case strings.HasPrefix(path, "/desk"):
		return "desk"
	case strings.HasPrefix(path, "/wire/v1/search"):
		return "wire_search"
	case strings.HasPrefix(path, "/wire/v1/items"):
		return "wire_items"
	case strings.HasPrefix(path, "/wire/"):
		return "wire_other"
	case strings.HasPrefix(path, "/assets/"):
		return "asset"
	case strings.HasPrefix(path, "/media/"), strings.HasPrefix(path, "/audio/"):
		return "media"
	case strings.HasPrefix(path, "/feeds/"):
		return "feed"
	case strings.HasPrefix(path, "/sitemap"), path == "/robots.txt":
		return "sitemap"
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) == 1:
		return "home"
	case len(parts) == 2 && parts[1] == "search":
		return "search"
	case len(parts) == 2:
		return "section"
	case len(parts) == 3:
		return "story"
	}
	return "other"
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the real writer (flushing,
// deadlines).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Check is one readiness condition: nil when ready.
type Check func(ctx context.Context) error

// Health answers /healthz (the process is up and serving) and /readyz
// (every check passes: the database answers, the search index has caught
// up). A load balancer sends traffic to a node only while it is ready.
func Health(checks map[string]Check) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		var b strings.Builder
		ready := true
		for _, name := range sortedKeys(checks) {
			if err := checks[name](ctx); err != nil {
				ready = false
				b.WriteString(name + ": " + err.Error() + "\n")
			} else {
				b.WriteString(name + ": ok\n")
			}
		}
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		w.Write([]byte(b.String()))
	})
	return mux
}

func sortedKeys(m map[string]Check) []string {
	return slices.Sorted(maps.Keys(m))
}
