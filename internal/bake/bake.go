// Package bake writes the public site as static files that any web server
// or object store can serve: every home, section page, story, feed,
// sitemap and asset, each file byte for byte what `qasid serve` answers
// for its path.
//
// A bake leaves a manifest in the output folder (.qasid-bake.json): the
// change log position it reached and, for every page, the tags the page
// cache uses (what the page shows). A later bake with Since reads the log
// from there and writes only the pages those changes touch, new pages and
// nothing else, and removes the files of pages that are no longer public.
package bake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/qasid/qasid/internal/pagecache"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/store"
)

// ManifestName is the manifest's file name in the output folder.
const ManifestName = ".qasid-bake.json"

// Options say what to bake where.
type Options struct {
	Handler http.Handler // the public site, as serve mounts it
	Store   store.Store
	// Paths lists every public path (site.PublicPaths).
	Paths func(ctx context.Context) ([]string, error)
	Out   string // the output folder
	// Since, when true, bakes only what changed after the manifest's
	// position; without a manifest it bakes everything.
	Since   bool
	Workers int // pages rendered at once; 0 means one per CPU
	// Progress, when set, is called after each page with the count done
	// and the count to do, from one goroutine at a time.
	Progress func(done, total int)
}

// Result says what a bake did.
type Result struct {
	Written int   // pages written
	Media   int   // photo renditions and voice-overs the pages use, written
	Removed int   // files of pages no longer public, removed
	Skipped int   // paths that did not answer 200 (e.g. an empty news sitemap)
	Bytes   int64 // bytes written
	Seq     int64 // the change log position the bake reflects
}

type manifest struct {
	Seq   int64               `json:"seq"`
	Pages map[string][]string `json:"pages"` // path → tags
}

// Bake writes the site into o.Out.
func Bake(ctx context.Context, o Options) (Result, error) {
	var res Result
	if o.Handler == nil || o.Store == nil || o.Paths == nil || o.Out == "" {
		return res, errors.New("bake: handler, store, paths and output folder are required")
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return res, fmt.Errorf("bake: %w", err)
	}
	// The position is read before the pages, so a change made during the
	// bake is baked again next time rather than missed.
	seq, err := o.Store.LastSeq(ctx)
	if err != nil {
		return res, fmt.Errorf("bake: %w", err)
	}
	res.Seq = seq
	paths, err := o.Paths(ctx)
	if err != nil {
		return res, fmt.Errorf("bake: %w", err)
	}
	old, err := readManifest(o.Out)
	if err != nil {
		return res, err
	}
	todo := paths
	if o.Since && old != nil {
		todo, err = changedPaths(ctx, o.Store, old, paths)
		if err != nil {
			return res, err
		}
	}
	next := &manifest{Seq: seq, Pages: map[string][]string{}}
	if o.Since && old != nil {
		public := make(map[string]bool, len(paths))
		for _, p := range paths {
			public[p] = true
		}
		for p, tags := range old.Pages {
			if public[p] {
				next.Pages[p] = tags
				continue
			}
			// No longer public (killed, moved): its file goes.
			if err := os.Remove(fileFor(o.Out, p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return res, fmt.Errorf("bake: remove %s: %w", p, err)
			}
			res.Removed++
		}
	}

	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu       sync.Mutex
		firstErr error
		done     atomic.Int64
		wg       sync.WaitGroup
		media    = map[string]bool{} // files the written pages refer to
	)
	jobs := make(chan string)
	for range workers {
		wg.Go(func() {
			for p := range jobs {
				tags, refs, n, ok, err := bakeOne(ctx, o.Handler, o.Out, p)
				mu.Lock()
				switch {
				case err != nil && firstErr == nil:
					firstErr = err
				case err == nil && ok:
					res.Written++
					res.Bytes += n
					next.Pages[p] = tags
					for _, r := range refs {
						media[r] = true
					}
				case err == nil:
					res.Skipped++
					delete(next.Pages, p)
				}
				if o.Progress != nil {
					o.Progress(int(done.Add(1)), len(todo))
				}
				mu.Unlock()
			}
		})
	}
	for _, p := range todo {
		if ctx.Err() != nil {
			break
		}
		mu.Lock()
		failed := firstErr != nil
		mu.Unlock()
		if failed {
			break
		}
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	if firstErr != nil {
		return res, fmt.Errorf("bake: %w", firstErr)
	}
	// The photos and recordings the written pages use. They are
	// immutable (their addresses change with their content), so a file
	// already there is kept.
	for _, p := range slices.Sorted(maps.Keys(media)) {
		if _, err := os.Stat(fileFor(o.Out, p)); err == nil {
			continue
		}
		_, _, n, ok, err := bakeOne(ctx, o.Handler, o.Out, p)
		if err != nil {
			return res, fmt.Errorf("bake: %w", err)
		}
		if ok {
			res.Media++
			res.Bytes += n
		}
	}
	if err := writeManifest(o.Out, next); err != nil {
		return res, err
	}
	return res, nil
}

// mediaRef finds the photo renditions and voice-overs a page refers to
// (src, srcset and href values under /media/ and /audio/), without their
// query strings.
var mediaRef = regexp.MustCompile(`/(?:media|audio)/[^"'\s,?<>]+`)

// bakeOne renders one path and writes it if it answered 200, returning the
// page's tags, the media it refers to and the bytes written.
func bakeOne(ctx context.Context, h http.Handler, out, p string) (tags, refs []string, n int64, ok bool, err error) {
	// The path may hold Unicode slugs: build the request from a URL value
	// rather than parse a request line.
	u := &url.URL{Path: p}
	rctx, deps := render.WithDeps(ctx)
	req := httptest.NewRequestWithContext(rctx, http.MethodGet, "/", nil)
	req.URL, req.RequestURI = u, u.EscapedPath()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		return nil, nil, 0, false, nil
	}
	body := rec.Body.Bytes()
	if err := writeFile(fileFor(out, p), body); err != nil {
		return nil, nil, 0, false, fmt.Errorf("write %s: %w", p, err)
	}
	tags, _ = pagecache.Tags(p, "")
	tags = append(tags, deps.Tags()...)
	slices.Sort(tags)
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		for _, m := range mediaRef.FindAll(body, -1) {
			refs = append(refs, string(m))
		}
	}
	return slices.Compact(tags), refs, int64(len(body)), true, nil
}

// changedPaths is what a bake since m must write: pages whose tags a
// change after m.Seq touches, and pages m does not have.
func changedPaths(ctx context.Context, st store.Store, m *manifest, paths []string) ([]string, error) {
	stale := map[string]bool{}
	for after := m.Seq; ; {
		chs, err := st.Changes(ctx, after, 1000)
		if err != nil {
			return nil, fmt.Errorf("bake: %w", err)
		}
		if len(chs) == 0 {
			break
		}
		for _, ch := range chs {
			tags, err := pagecache.ChangeTags(ctx, st, ch)
			if err != nil {
				return nil, fmt.Errorf("bake: %w", err)
			}
			for _, t := range tags {
				stale[t] = true
			}
		}
		after = chs[len(chs)-1].Seq
	}
	var todo []string
	for _, p := range paths {
		tags, known := m.Pages[p]
		if !known {
			todo = append(todo, p)
			continue
		}
		for _, t := range tags {
			if stale[t] {
				todo = append(todo, p)
				break
			}
		}
	}
	return todo, nil
}

// fileFor maps a URL path to its file: a path ending in "/" is a folder
// with index.html; any other is a file of that name (story pages have no
// extension: serve them as text/html, see README).
func fileFor(out, p string) string {
	clean := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") {
		clean = path.Join(clean, "index.html")
	}
	return filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(clean, "/")))
}

// writeFile writes atomically, so a server reading the folder during a bake
// never sends half a page; unchanged files are left alone, so their times
// (and a sync to an object store) stay as they were.
func writeFile(name string, body []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, body) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".bake-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(body); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

func readManifest(out string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(out, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bake: manifest: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Pages == nil {
		return nil, fmt.Errorf("bake: manifest %s is damaged (delete it to bake everything): %v", ManifestName, err)
	}
	return &m, nil
}

func writeManifest(out string, m *manifest) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("bake: manifest: %w", err)
	}
	if err := writeFile(filepath.Join(out, ManifestName), b); err != nil {
		return fmt.Errorf("bake: manifest: %w", err)
	}
	return nil
}
