package bake_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/bake"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site/sitetest"
	"github.com/qasid/qasid/internal/store"
)

// TestBakeScale bakes a real data folder, such as the 100,000-story one
// bench/run.sh builds, and reports where the time goes: the handler's
// renders by kind of page (summed over the workers) against the bake's
// own work (writing files, tags, the manifest; a CPU profile splits them
// best). It is a measurement, not a test: it runs only when
// QASID_BENCH_DATA names a data folder (a copy: see sitetest.DataDir), and
// fails only when the bake fails.
// QASID_BAKE_N bakes every Nth path only (a sample of every kind of page,
// for profiles); QASID_BAKE_WORKERS sets the workers (default one per
// CPU); QASID_BAKE_OUT keeps the output (default: a temporary folder), so
// that a second run measures a bake over an existing tree.
//
//	QASID_BENCH_DATA=/work/copy QASID_BAKE_N=20 go test -run TestBakeScale -v -cpuprofile cpu.out ./internal/bake
func TestBakeScale(t *testing.T) {
	ctx := context.Background()
	// The SQLite file is mapped, as `qasid bake` maps it (app/offline.go).
	data := sitetest.OpenWith(t, sitetest.DataDir(t), true, store.OpenOptions{SQLiteMap: 1 << 40})
	s, db := data.Site, data.Store
	var err error
	every := 1
	if v := os.Getenv("QASID_BAKE_N"); v != "" {
		if every, err = strconv.Atoi(v); err != nil || every < 1 {
			t.Fatalf("QASID_BAKE_N=%q", v)
		}
	}
	out := os.Getenv("QASID_BAKE_OUT")
	if out == "" {
		out = t.TempDir()
	}
	var listing time.Duration
	paths := func(ctx context.Context) ([]string, error) {
		start := time.Now()
		defer func() { listing = time.Since(start) }()
		all, err := s.PublicPaths(ctx)
		if err != nil {
			return nil, err
		}
		var some []string
		for i, p := range all {
			if i%every == 0 {
				some = append(some, p)
			}
		}
		return some, nil
	}
	// The handler's time by kind of page, summed over the workers: the
	// rest of wall time × workers is the bake's own.
	var (
		mu    sync.Mutex
		spent = map[string]time.Duration{}
		count = map[string]int{}
	)
	h := s.Handler()
	timed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(start)
		k := kind(r.URL.Path)
		mu.Lock()
		spent[k] += d
		count[k]++
		mu.Unlock()
	})
	workers := 0
	if v := os.Getenv("QASID_BAKE_WORKERS"); v != "" {
		if workers, err = strconv.Atoi(v); err != nil {
			t.Fatalf("QASID_BAKE_WORKERS=%q", v)
		}
	}
	start := time.Now()
	res, err := bake.Bake(ctx, bake.Options{Handler: timed, Store: db, Paths: paths, Out: out, Workers: workers})
	wall := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	var rendering time.Duration
	for k, d := range spent {
		rendering += d
		t.Logf("%-16s %6d pages, rendering %8.1f s, %7.2f ms each", k, count[k], d.Seconds(), d.Seconds()*1000/float64(count[k]))
	}
	t.Logf("baked %d pages, %d media, %d skipped, %d bytes in %v (%.0f pages/s); listing paths %v; rendering %v summed over the workers",
		res.Written, res.Media, res.Skipped, res.Bytes, wall.Round(time.Millisecond), float64(res.Written)/wall.Seconds(),
		listing.Round(time.Millisecond), rendering.Round(time.Millisecond))
}

func kind(p string) string {
	switch {
	case strings.Contains(p, "/page/"):
		return "section page 2+"
	case strings.HasPrefix(p, "/feeds/"):
		return "feed"
	case strings.HasPrefix(p, "/sitemap"):
		return "sitemap"
	case strings.HasSuffix(p, "/") && strings.Count(p, "/") == 2:
		return "home"
	case strings.HasSuffix(p, "/"):
		return "section page 1"
	case strings.Count(p, "/") == 3 && !strings.Contains(p, "."):
		return "story"
	}
	return "other"
}

// BenchmarkBakeOwnWork measures what the bake itself costs, apart from
// rendering: 100,000 pages from a handler that answers at once (13 KB of
// HTML and a few tags each, spread over folders as a 100,000-story site's
// are), written into a fresh folder each time, with the manifest; then a
// second bake over the written tree, which finds every file unchanged.
//
//	go test -run '^$' -bench BakeOwnWork -benchtime 1x ./internal/bake
func BenchmarkBakeOwnWork(b *testing.B) {
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(b.TempDir(), "qasid.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 100_000
	paths := make([]string, 0, n)
	codes := lang.Codes()
	for i := range n {
		code := codes[i%len(codes)]
		switch {
		case i%20 == 0:
			paths = append(paths, "/"+code+"/world/page/"+strconv.Itoa(i/20+2)+"/")
		default:
			paths = append(paths, "/"+code+"/section-"+strconv.Itoa(i%5)+"/"+strconv.Itoa(i)+"-a-story-slug")
		}
	}
	page := []byte("<!doctype html><html lang=en><title>x</title>" + strings.Repeat("<p>A paragraph of a story, long enough.</p>", 300))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		render.Depend(r.Context(), "family:12", "story:1234", "story:5678", "home:en")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	list := func(context.Context) ([]string, error) { return paths, nil }
	for b.Loop() {
		out := b.TempDir()
		start := time.Now()
		res, err := bake.Bake(ctx, bake.Options{Handler: h, Store: db, Paths: list, Out: out})
		if err != nil || res.Written != n {
			b.Fatalf("%d written: %v", res.Written, err)
		}
		first := time.Since(start)
		start = time.Now()
		if _, err := bake.Bake(ctx, bake.Options{Handler: h, Store: db, Paths: list, Out: out}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(first.Seconds(), "s/fresh-bake")
		b.ReportMetric(time.Since(start).Seconds(), "s/unchanged-bake")
	}
}
