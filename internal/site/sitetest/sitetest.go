// Package sitetest opens a real data folder (such as the 100,000-story one
// bench/run.sh builds) for the measurements that render from it: cold
// pages, the bake, related stories. They run only when QASID_BENCH_DATA
// names the folder, and each opens it the same way, as `qasid serve` does,
// without the page cache in front.
package sitetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/voice"
)

// DataDir is QASID_BENCH_DATA; the measurement is skipped without it. The
// folder is opened for writing (the store migrates it, and the search
// index empties itself when written with another mapping version): give
// a copy.
func DataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("QASID_BENCH_DATA")
	if dir == "" {
		t.Skip("set QASID_BENCH_DATA to a copy of a data folder")
	}
	return dir
}

// Data is a data folder opened for rendering.
type Data struct {
	Store store.Store
	Index *search.Index // nil unless asked for
	Site  *site.Site
}

// Open opens the store of dir, and its search index when withSearch, and
// builds the public site over them; all are closed when t ends. Without
// the index, story pages show the editors' pins alone, which isolates the
// rest of the page from related stories.
func Open(t testing.TB, dir string, withSearch bool) Data {
	t.Helper()
	return OpenWith(t, dir, withSearch, store.OpenOptions{})
}

// OpenWith is Open with the store opened with o: the bake's measurement
// maps the SQLite file as `qasid bake` does.
func OpenWith(t testing.TB, dir string, withSearch bool, so store.OpenOptions) Data {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenWith(ctx, "", dir, nil, so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.Open(ctx, "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := voice.New(voice.Options{Store: db, Blobs: blobs})
	if err != nil {
		t.Fatal(err)
	}
	photos, err := media.New(media.Options{Store: db, Blobs: blobs})
	if err != nil {
		t.Fatal(err)
	}
	d := Data{Store: db}
	o := site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org", Voice: vs, Media: photos}
	if withSearch {
		if d.Index, err = search.Open(filepath.Join(dir, "search")); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Index.Close() })
		o.Search = d.Index
	}
	if d.Site, err = site.New(o); err != nil {
		t.Fatal(err)
	}
	return d
}
