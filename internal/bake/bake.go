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
//
// Pages are rendered by a pool of workers, one per CPU by default, through
// the same handler serve mounts: a bake of a large archive costs what its
// pages cost to render, and the bake's own work (files, tags, manifest)
// stays a small share of it. The manifest is streamed to a temporary file
// as pages are written and takes its name only when every page succeeded,
// so a failed bake leaves the previous manifest in force and the next
// bake since it writes again whatever this one may have left behind.
package bake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/qasid/qasid/internal/pagecache"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
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
	Skipped int   // paths that answered 404 or 410 (e.g. an empty news sitemap)
	Bytes   int64 // bytes written
	Seq     int64 // the change log position the bake reflects
}

// baker is one bake in progress.
type baker struct {
	o    Options
	man  *manifestWriter
	dirs sync.Map // folder name → *folder, so each is made once

	mu    sync.Mutex // guards what follows
	res   Result
	media map[string]bool // files the written pages refer to
	done  int             // pages done, for Progress
	total int             // pages to do
}

// Bake writes the site into o.Out.
func Bake(ctx context.Context, o Options) (Result, error) {
	if o.Handler == nil || o.Store == nil || o.Paths == nil || o.Out == "" {
		return Result{}, errors.New("bake: handler, store, paths and output folder are required")
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return Result{}, fmt.Errorf("bake: %w", err)
	}
	// The position is read before the pages, so a change made during the
	// bake is baked again next time rather than missed.
	seq, err := o.Store.LastSeq(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("bake: %w", err)
	}
	paths, err := o.Paths(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("bake: %w", err)
	}
	paths = unique(paths)
	man, err := createManifest(o.Out, seq)
	if err != nil {
		return Result{}, err
	}
	defer man.abort()
	b := &baker{o: o, man: man, media: map[string]bool{}}
	b.res.Seq = seq

	todo := paths
	if o.Since {
		if todo, err = b.since(ctx, paths); err != nil {
			return b.res, err
		}
	}
	b.total = len(todo)
	if err := b.pool(ctx, todo, b.page); err != nil {
		return b.res, err
	}
	// The photos and recordings the written pages use. They are
	// immutable (their addresses change with their content), so a file
	// already there is kept.
	var media []string
	for p := range b.media {
		if _, err := os.Lstat(fileFor(o.Out, p)); errors.Is(err, fs.ErrNotExist) {
			media = append(media, p)
		}
	}
	slices.Sort(media)
	if err := b.pool(ctx, media, b.mediaFile); err != nil {
		return b.res, err
	}
	if err := man.commit(); err != nil {
		return b.res, err
	}
	return b.res, nil
}

// unique drops repeated paths, keeping the first of each: a path is
// rendered once and named once in the manifest.
func unique(paths []string) []string {
	seen := make(map[string]bool, len(paths))
	out := paths[:0:0]
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// since reads the previous manifest and returns the paths to render: pages
// whose tags a change after its position touches, and pages it does not
// have. The others keep their entries; the files of pages no longer
// public are removed. Without a manifest everything is to do.
func (b *baker) since(ctx context.Context, paths []string) ([]string, error) {
	old, err := openManifest(b.o.Out)
	if err != nil || old == nil {
		return paths, err
	}
	defer old.close()
	stale, err := staleTags(ctx, b.o.Store, old.seq)
	if err != nil {
		return nil, err
	}
	public := make(map[string]bool, len(paths))
	for _, p := range paths {
		public[p] = true
	}
	known := make(map[string]bool, len(paths))
	var todo, gone []string
	err = old.pages(func(p string, tags []string) error {
		if known[p] {
			return nil
		}
		known[p] = true
		switch {
		case !public[p]:
			gone = append(gone, p)
		case slices.ContainsFunc(tags, func(t string) bool { return stale[t] }):
			todo = append(todo, p)
		default:
			return b.man.add(p, tags)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// No longer public (killed, moved): their files go, once the whole
	// manifest has been read and found sound.
	for _, p := range gone {
		removed, err := removeFile(fileFor(b.o.Out, p))
		if err != nil {
			return nil, fmt.Errorf("bake: remove %s: %w", p, err)
		}
		if removed {
			b.res.Removed++
		}
	}
	for _, p := range paths {
		if !known[p] {
			todo = append(todo, p)
		}
	}
	return todo, nil
}

// staleTags gathers the tags that the changes after seq touch. A story
// changed many times needs its tags once per version and kind.
func staleTags(ctx context.Context, st store.Store, seq int64) (map[string]bool, error) {
	type key struct {
		kind          story.ChangeKind
		story, family int64
		version       int
	}
	stale := map[string]bool{}
	seen := map[key]bool{}
	for after := seq; ; {
		chs, err := st.Changes(ctx, after, 1000)
		if err != nil {
			return nil, fmt.Errorf("bake: %w", err)
		}
		if len(chs) == 0 {
			return stale, nil
		}
		for _, ch := range chs {
			k := key{ch.Kind, ch.StoryID, ch.FamilyID, ch.Version}
			if seen[k] {
				continue
			}
			seen[k] = true
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
}

// pool runs do for every path on o.Workers goroutines. The first error
// stops it: no path is started after it, the renders under way are
// cancelled, and it is the error returned.
func (b *baker) pool(ctx context.Context, paths []string, do func(ctx context.Context, p string) error) error {
	if len(paths) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range min(b.o.Workers, len(paths)) {
		wg.Go(func() {
			for p := range jobs {
				if err := do(ctx, p); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for _, p := range paths {
		select {
		case jobs <- p:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("bake: %w", err)
	}
	return nil
}

// page renders one page and writes it, with its manifest entry. A page
// that answers 404 or 410 is not public at the moment (an empty news
// sitemap): any file of it from an earlier bake goes. Any other answer
// but 200 is an error, since a site missing a page it lists is not the
// site serve answers.
func (b *baker) page(ctx context.Context, p string) error {
	rctx, deps := render.WithDeps(ctx)
	status, ctype, body, err := get(rctx, b.o.Handler, p)
	if err != nil {
		return err
	}
	defer putBuffer(body)
	if err := ctx.Err(); err != nil {
		return err // a render cut short is no page
	}
	var refs []string
	switch status {
	case http.StatusOK:
		if err := b.write(fileFor(b.o.Out, p), body.Bytes()); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		if strings.HasPrefix(ctype, "text/html") {
			refs = mediaRefs(body.Bytes())
		}
	case http.StatusNotFound, http.StatusGone:
		removed, err := removeFile(fileFor(b.o.Out, p))
		if err != nil {
			return fmt.Errorf("remove %s: %w", p, err)
		}
		b.mu.Lock()
		b.res.Skipped++
		if removed {
			b.res.Removed++
		}
		b.progress()
		b.mu.Unlock()
		return nil
	default:
		return fmt.Errorf("GET %s answered %d %s", p, status, http.StatusText(status))
	}
	tags, _ := pagecache.Tags(p, "")
	tags = append(tags, deps.Tags()...)
	slices.Sort(tags)
	tags = slices.Compact(tags)

	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.man.add(p, tags); err != nil {
		return err
	}
	b.res.Written++
	b.res.Bytes += int64(body.Len())
	for _, r := range refs {
		b.media[r] = true
	}
	b.progress()
	return nil
}

// progress reports one more page done; b.mu is held.
func (b *baker) progress() {
	b.done++
	if b.o.Progress != nil {
		b.o.Progress(b.done, b.total)
	}
}

// mediaFile writes one photo rendition or voice-over a page refers to.
// One that is gone (a page may name a file the desk has since replaced)
// is left out, as serve would answer 404 for it.
func (b *baker) mediaFile(ctx context.Context, p string) error {
	status, _, body, err := get(ctx, b.o.Handler, p)
	if err != nil {
		return err
	}
	defer putBuffer(body)
	if err := ctx.Err(); err != nil {
		return err
	}
	switch status {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusGone:
		return nil
	default:
		return fmt.Errorf("GET %s answered %d %s", p, status, http.StatusText(status))
	}
	if err := b.write(fileFor(b.o.Out, p), body.Bytes()); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	b.mu.Lock()
	b.res.Media++
	b.res.Bytes += int64(body.Len())
	b.mu.Unlock()
	return nil
}

// get asks the handler for one path, as a reader's GET would, and returns
// the status, content type and body. A panic that escapes the handler is
// an error naming the path, not the end of the bake.
func get(ctx context.Context, h http.Handler, p string) (status int, ctype string, body *bytes.Buffer, err error) {
	// The path may hold Unicode slugs: build the request from a URL value
	// rather than parse a request line.
	u := &url.URL{Path: p}
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/", nil)
	req.URL, req.RequestURI = u, u.EscapedPath()
	w := &recorder{header: http.Header{}, body: getBuffer()}
	defer func() {
		if r := recover(); r != nil {
			putBuffer(w.body)
			err = fmt.Errorf("GET %s: panic: %v", p, r)
		}
	}()
	h.ServeHTTP(w, req)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.status, w.header.Get("Content-Type"), w.body, nil
}

// recorder is the least http.ResponseWriter a bake needs: the status, the
// headers and the body, in a buffer reused from page to page.
type recorder struct {
	header http.Header
	status int
	body   *bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.body.Write(b)
}

// Buffers are reused: a page is some tens of kilobytes, and a bake renders
// a hundred thousand of them.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 4<<20 { // a voice-over; not worth keeping
		return
	}
	b.Reset()
	buffers.Put(b)
}

// mediaRefs finds the photo renditions and voice-overs a page refers to
// (src, srcset and href values under /media/ and /audio/), without their
// query strings. A scan rather than a regular expression: it runs over
// every page of the bake.
func mediaRefs(page []byte) []string {
	var refs []string
	for _, prefix := range [][]byte{[]byte("/media/"), []byte("/audio/")} {
		for rest := page; ; {
			i := bytes.Index(rest, prefix)
			if i < 0 {
				break
			}
			rest = rest[i:]
			end := len(prefix)
			for end < len(rest) && !strings.ContainsRune("\"'?,<> \t\r\n\f", rune(rest[end])) {
				end++
			}
			if end > len(prefix) {
				refs = append(refs, string(rest[:end]))
			}
			rest = rest[end:]
		}
	}
	return refs
}

// fileFor maps a URL path to its file: a path ending in "/" is a folder
// with index.html; any other is a file of that name (story pages have no
// extension: serve them as text/html, see README). The path is cleaned
// first, so no path leads outside the folder.
func fileFor(out, p string) string {
	clean := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") {
		clean = path.Join(clean, "index.html")
	}
	return filepath.Join(out, filepath.FromSlash(strings.TrimPrefix(clean, "/")))
}

// write writes a file atomically, so a server reading the folder during a
// bake never sends half a page, and a failed write leaves no file under
// the page's name; an unchanged file is left alone, so its time (and a
// sync to an object store) stays as it was.
func (b *baker) write(name string, body []byte) error {
	dir := filepath.Dir(name)
	fresh, err := b.folder(dir)
	if err != nil {
		return err
	}
	if fresh {
		return writeNew(name, body)
	}
	if same, err := sameContent(name, body); err != nil || same {
		return err
	}
	f, err := os.CreateTemp(dir, ".bake-*")
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if err == nil {
		// CreateTemp makes files only their owner reads; a web server
		// usually runs as another user.
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// writeNew writes a file into a folder this bake made, under its own
// name: no earlier version of it can be served, and there is nothing to
// compare with. A temporary file and a rename cost two more directory
// changes a page, and with the workers writing into the same folders
// they were most of a fresh bake's system time.
func writeNew(name string, body []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

// folder makes dir once per bake, and says whether this bake made it.
func (b *baker) folder(dir string) (fresh bool, err error) {
	v, _ := b.dirs.LoadOrStore(dir, &folder{})
	d := v.(*folder)
	d.once.Do(func() {
		_, err := os.Stat(dir)
		d.fresh = errors.Is(err, fs.ErrNotExist)
		d.err = os.MkdirAll(dir, 0o755)
	})
	return d.fresh, d.err
}

type folder struct {
	once  sync.Once
	fresh bool // made by this bake
	err   error
}

// sameContent says whether name holds body already. The size is compared
// first, so that a changed page is seldom read.
func sameContent(name string, body []byte) (bool, error) {
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(body)) {
		return false, err
	}
	old := getBuffer()
	defer putBuffer(old)
	old.Grow(len(body) + bytes.MinRead)
	if _, err := old.ReadFrom(io.LimitReader(f, int64(len(body))+1)); err != nil {
		return false, err
	}
	return bytes.Equal(old.Bytes(), body), nil
}

// removeFile removes a file, saying whether there was one.
func removeFile(name string) (bool, error) {
	err := os.Remove(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}
