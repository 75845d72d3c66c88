package site

import (
	"context"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"

	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
)

// TestSitemapPages pages the demo's twelve stories per language five at a
// time: the real page size is too large for test data.
func TestSitemapPages(t *testing.T) {
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
	s, err := New(Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	s.sitemapSize = 5
	h := s.Handler()
	get := func(path string, v any) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code == http.StatusOK && v != nil {
			if err := xml.Unmarshal(rec.Body.Bytes(), v); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return rec.Code
	}
	var idx struct {
		Locs []string `xml:"sitemap>loc"`
	}
	get("/sitemap.xml", &idx)
	for _, code := range []string{"en", "ur", "zh", "ar"} {
		for _, p := range []string{"/sitemaps/" + code + ".xml", "/sitemaps/" + code + "-2.xml", "/sitemaps/" + code + "-3.xml"} {
			if !slices.Contains(idx.Locs, "https://news.example.org"+p) {
				t.Errorf("index lacks %s", p)
			}
		}
	}
	seen := map[string]bool{}
	for page, want := range map[string]int{"en.xml": 5, "en-2.xml": 5, "en-3.xml": 2} {
		var doc struct {
			Locs []string `xml:"url>loc"`
		}
		if code := get("/sitemaps/"+page, &doc); code != http.StatusOK || len(doc.Locs) != want {
			t.Errorf("%s: %d with %d URLs, want %d", page, code, len(doc.Locs), want)
		}
		for _, l := range doc.Locs {
			if seen[l] {
				t.Errorf("%s is on two pages", l)
			}
			seen[l] = true
		}
	}
	if code := get("/sitemaps/en-4.xml", nil); code != http.StatusNotFound {
		t.Errorf("page past the end: %d, want 404", code)
	}
}
