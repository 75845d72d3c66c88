package site_test

import (
	"context"
	"math/rand/v2"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site/sitetest"
	"github.com/qasid/qasid/internal/store"
)

// TestColdPages measures cold renders (no page cache in front) on a real
// data folder, such as the 100,000-story one bench/run.sh builds. It is a
// measurement, not a test: it runs only when QASID_BENCH_DATA names a data
// folder (a copy: see sitetest.DataDir), and reports times with
// t.Log; it fails only when a page does not render. Run it with
// -cpuprofile to see where the time goes. QASID_COLD_SEARCH=1 opens the
// folder's search index too (related stories); without it the page has
// the editors' pins alone, which isolates the rest of the page.
//
//	QASID_BENCH_DATA=/work/copy go test -run TestColdPages -v -cpuprofile cpu.out ./internal/site
func TestColdPages(t *testing.T) {
	dir := sitetest.DataDir(t)
	ctx := context.Background()
	start := time.Now()
	data := sitetest.Open(t, dir, os.Getenv("QASID_COLD_SEARCH") == "1")
	t.Logf("open, with any migrations: %v", time.Since(start))
	db := data.Store
	h := data.Site.Handler()
	get := func(path string) time.Duration {
		t.Helper()
		start := time.Now()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		d := time.Since(start)
		if rec.Code != 200 {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		return d
	}
	report := func(name string, ds []time.Duration) {
		slices.Sort(ds)
		var sum time.Duration
		for _, d := range ds {
			sum += d
		}
		t.Logf("%-28s n=%4d mean %8.3f ms  p50 %8.3f ms  p95 %8.3f ms  max %8.3f ms", name, len(ds),
			ms(sum)/float64(len(ds)), ms(ds[len(ds)/2]), ms(ds[len(ds)*95/100]), ms(ds[len(ds)-1]))
	}

	// Story pages: a sample spread over the archive, each asked once.
	latest, err := db.PublishedStories(ctx, store.ListQuery{Limit: 1})
	if err != nil || len(latest) == 0 {
		t.Fatalf("no published story: %v", err)
	}
	n := 300
	if v := os.Getenv("QASID_COLD_N"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	lists := 5 // renders of each list page
	if v := os.Getenv("QASID_COLD_LISTS"); v != "" {
		if lists, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 7))
	var paths []string
	for len(paths) < n {
		st, err := db.PublicStory(ctx, 1+rng.Int64N(latest[0].ID), time.Now())
		if err != nil {
			continue
		}
		paths = append(paths, (&url.URL{Path: render.StoryPath(st)}).EscapedPath())
	}
	get(paths[0]) // warm the templates and the first page of every pool
	var ds []time.Duration
	for _, p := range paths[1:] {
		ds = append(ds, get(p))
	}
	report("story pages", ds)

	for _, p := range []string{"/en/", "/ar/", "/en/imported/", "/en/imported/page/2/", "/en/imported/page/700/",
		"/feeds/en.rss", "/feeds/en/imported.rss", "/sitemaps/en.xml"} {
		var ds []time.Duration
		for range lists {
			ds = append(ds, get(p))
		}
		report(p, ds)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
