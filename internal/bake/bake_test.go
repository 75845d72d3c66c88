package bake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/bake"
	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
)

type env struct {
	db   *store.DB
	site *site.Site
	srv  *httptest.Server
	out  string
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith builds the demo site; photos, when given a folder of blobs,
// turns on the photo desk.
func newEnvWith(t *testing.T, photos func(db *store.DB) *media.Service) *env {
	t.Helper()
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
	o := site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"}
	if photos != nil {
		o.Media = photos(db)
	}
	s, err := site.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{db: db, site: s, srv: srv, out: t.TempDir()}
}

func (e *env) bake(t *testing.T, since bool) bake.Result {
	t.Helper()
	res, err := bake.Bake(t.Context(), bake.Options{Handler: e.site.Handler(), Store: e.db, Paths: e.site.PublicPaths, Out: e.out, Since: since})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// served fetches a path from the running server, as a reader would.
func (e *env) served(t *testing.T, p string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(e.srv.URL + (&url.URL{Path: p}).EscapedPath())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// name is the file the bake writes for a path.
func (e *env) name(p string) string {
	name := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/") {
		name += "index.html"
	}
	return filepath.Join(e.out, filepath.FromSlash(name))
}

// file reads what the bake wrote for a path.
func (e *env) file(p string) ([]byte, error) { return os.ReadFile(e.name(p)) }

// checkIdentical compares every baked path with what the server answers.
func (e *env) checkIdentical(t *testing.T) int {
	t.Helper()
	paths, err := e.site.PublicPaths(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range paths {
		code, want := e.served(t, p)
		got, err := e.file(p)
		if code != http.StatusOK {
			if err == nil {
				t.Errorf("%s answers %d but was baked", p, code)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: baked file (%d bytes) differs from what serve answers (%d bytes)", p, len(got), len(want))
		}
		n++
	}
	return n
}

func TestBakeIsByteIdentical(t *testing.T) {
	e := newEnv(t)
	res := e.bake(t, false)
	n := e.checkIdentical(t)
	if n < 84+7+20 || res.Written != n {
		t.Errorf("baked %d files, %d compared identical; want every page of the demo (84 stories and more)", res.Written, n)
	}
	// Every kind of page is there.
	for _, p := range []string{"/ur/", "/zh/world/", "/feeds/ar.rss", "/feeds/fr/world.atom", "/sitemap.xml", "/sitemaps/ru.xml", "/robots.txt"} {
		if _, err := e.file(p); err != nil {
			t.Errorf("%s not baked: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(e.out, bake.ManifestName)); err != nil {
		t.Error("no manifest")
	}
}

// TestBakeSince: after a correction, a bake since the last one writes the
// pages the change touches and no others, and the folder again matches
// the server; after a kill, the story's file goes.
func TestBakeSince(t *testing.T) {
	e := newEnv(t)
	full := e.bake(t, false)

	// Nothing changed: nothing to write.
	if res := e.bake(t, true); res.Written != 0 || res.Removed != 0 {
		t.Errorf("bake since with no changes wrote %d, removed %d", res.Written, res.Removed)
	}

	ctx := t.Context()
	list, err := e.db.PublishedStories(ctx, store.ListQuery{Lang: "fr", Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatal("no French story", err)
	}
	st, _ := e.db.Story(ctx, list[0].ID)
	st.Headline = "Rectificatif : " + st.Headline
	if err := e.db.UpdateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.PublishStory(ctx, st.ID, store.Publish{At: time.Now(), CorrectionNote: "Titre corrigé."}); err != nil {
		t.Fatal(err)
	}
	res := e.bake(t, true)
	if res.Written == 0 || res.Written >= full.Written/2 {
		t.Errorf("bake since a correction wrote %d of %d files; want the affected few", res.Written, full.Written)
	}
	e.checkIdentical(t)
	page, err := e.file(render.StoryPath(st))
	if err != nil || !strings.Contains(string(page), "Rectificatif") {
		t.Errorf("the corrected page was not rewritten: %v", err)
	}

	if _, err := e.db.KillStory(ctx, st.ID, store.Kill{Notice: "Retiré.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	res = e.bake(t, true)
	if res.Removed != 1 {
		t.Errorf("bake since a kill removed %d files, want 1", res.Removed)
	}
	if _, err := e.file(render.StoryPath(st)); !os.IsNotExist(err) {
		t.Errorf("the killed story's file is still there: %v", err)
	}
	e.checkIdentical(t)
}

func TestBakeDamagedManifest(t *testing.T) {
	e := newEnv(t)
	os.WriteFile(filepath.Join(e.out, bake.ManifestName), []byte("{not json"), 0o644)
	_, err := bake.Bake(t.Context(), bake.Options{Handler: e.site.Handler(), Store: e.db, Paths: e.site.PublicPaths, Out: e.out, Since: true})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("damaged manifest: %v", err)
	}
}

// TestBakeWritesPhotos: the renditions a baked page shows are baked too,
// the same bytes serve sends.
func TestBakeWritesPhotos(t *testing.T) {
	var photos *media.Service
	e := newEnvWith(t, func(db *store.DB) *media.Service {
		blobs, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		photos, err = media.New(media.Options{Store: db, Blobs: blobs, Limits: media.Limits{Widths: []int{100, 200}}})
		if err != nil {
			t.Fatal(err)
		}
		return photos
	})
	ctx := t.Context()
	ed := newsroom.Actor{User: auth.User{Email: "photo-editor@example.com", Roles: []auth.Role{auth.RoleEditor}}}
	if err := e.db.CreateUser(ctx, &ed.User, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	fid, err := e.db.FamilyByKey(ctx, "demo:03-islamabad-electric-buses")
	if err != nil {
		t.Fatal(err)
	}
	members, _ := e.db.Family(ctx, fid)
	var en int64
	for _, m := range members {
		if m.Lang == "en" {
			en = m.ID
		}
	}
	m := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range m.Pix {
		m.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	png.Encode(&b, m)
	up, err := photos.Upload(ctx, ed, en, &b)
	if err != nil {
		t.Fatal(err)
	}
	if err := photos.SetText(ctx, ed, en, up.Image.ID, store.ImageText{Caption: "Buses at the depot.", Alt: "Green buses"}); err != nil {
		t.Fatal(err)
	}
	res := e.bake(t, false)
	if res.Media < 2 {
		t.Fatalf("baked %d media files, want the two renditions", res.Media)
	}
	e.checkIdentical(t)
	var found int
	filepath.WalkDir(filepath.Join(e.out, "media"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(e.out, p)
		code, want := e.served(t, "/"+filepath.ToSlash(rel))
		got, _ := os.ReadFile(p)
		if code != 200 || !bytes.Equal(got, want) {
			t.Errorf("%s: baked file differs from what serve answers (%d)", rel, code)
		}
		found++
		return nil
	})
	if found != res.Media {
		t.Errorf("%d files under media/, result says %d", found, res.Media)
	}
}

// tree reads every file under dir, by its slash path relative to dir.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// manifestOf reads a manifest as a value, whatever the order of its pages.
func manifestOf(t *testing.T, b []byte) (seq int64, pages map[string][]string) {
	t.Helper()
	var m struct {
		Seq   int64               `json:"seq"`
		Pages map[string][]string `json:"pages"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("manifest: %v", err)
	}
	return m.Seq, m.Pages
}

// TestBakeParallelSameTree: many workers write exactly the tree one worker
// writes, file for file and byte for byte, and a manifest with the same
// position and the same tags for every page; every page's tags name at
// least the page itself.
func TestBakeParallelSameTree(t *testing.T) {
	e := newEnv(t)
	one, many := t.TempDir(), t.TempDir()
	for _, run := range []struct {
		out     string
		workers int
	}{{one, 1}, {many, 8}} {
		if _, err := bake.Bake(t.Context(), bake.Options{Handler: e.site.Handler(), Store: e.db, Paths: e.site.PublicPaths,
			Out: run.out, Workers: run.workers}); err != nil {
			t.Fatal(err)
		}
	}
	a, b := tree(t, one), tree(t, many)
	if len(a) < 100 || len(a) != len(b) {
		t.Fatalf("one worker wrote %d files, eight wrote %d", len(a), len(b))
	}
	for name, want := range a {
		if name == bake.ManifestName {
			continue
		}
		if got, ok := b[name]; !ok || !bytes.Equal(got, want) {
			t.Errorf("%s: written by one worker (%d bytes), not the same from eight (%v, %d bytes)", name, len(want), ok, len(got))
		}
	}
	seqA, pagesA := manifestOf(t, a[bake.ManifestName])
	seqB, pagesB := manifestOf(t, b[bake.ManifestName])
	if seqA != seqB || seqA == 0 || len(pagesA) != len(pagesB) || len(pagesA) < 100 {
		t.Fatalf("manifests: seq %d and %d, %d and %d pages", seqA, seqB, len(pagesA), len(pagesB))
	}
	for p, tags := range pagesA {
		if !slices.Equal(tags, pagesB[p]) {
			t.Errorf("%s: tags %v with one worker, %v with eight", p, tags, pagesB[p])
		}
	}
	for _, p := range []string{"/fr/", "/feeds/ar.rss", "/sitemap.xml"} {
		if len(pagesA[p]) == 0 {
			t.Errorf("%s: no tags in the manifest", p)
		}
	}
	for p, tags := range pagesA {
		if strings.Count(p, "/") == 3 && !strings.HasSuffix(p, "/") && !strings.Contains(p, ".") && !slices.ContainsFunc(tags, func(t string) bool { return strings.HasPrefix(t, "story:") }) {
			t.Errorf("story page %s: tags %v name no story", p, tags)
		}
	}
}

// failing answers like h, except for the paths in fail: a 500 after half a
// page, or a panic.
func failing(h http.Handler, fail map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch fail[r.URL.Path] {
		case "500":
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte("<!doctype html><p>half a pa"))
			return
		case "panic":
			panic("template exploded")
		}
		h.ServeHTTP(w, r)
	})
}

// leftovers lists files under dir that a bake writes only for a moment.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	for name := range tree(t, dir) {
		if strings.HasPrefix(path.Base(name), ".bake-") || strings.HasPrefix(path.Base(name), ".qasid-bake-") {
			found = append(found, name)
		}
	}
	return found
}

// TestBakeFailingPage: a page that fails (an error status, a panic, a
// file that cannot be written) fails the bake with an error naming it; no
// file stands under its name, no temporary file is left, and the manifest
// is the previous one, so the next bake since it does the work again.
func TestBakeFailingPage(t *testing.T) {
	e := newEnv(t)
	list, err := e.db.PublishedStories(t.Context(), store.ListQuery{Lang: "ur", Limit: 2})
	if err != nil || len(list) < 2 {
		t.Fatal("want two Urdu stories", err)
	}
	broken, panicky := render.StoryPath(list[0]), render.StoryPath(list[1])

	for _, c := range []struct {
		name, mode, path string
		want             []string
	}{
		{"error status", "500", broken, []string{broken, "500"}},
		{"panic", "panic", panicky, []string{panicky, "panic", "template exploded"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			_, err := bake.Bake(t.Context(), bake.Options{Handler: failing(e.site.Handler(), map[string]string{c.path: c.mode}),
				Store: e.db, Paths: e.site.PublicPaths, Out: out})
			for _, w := range c.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v; want it to say %q", err, w)
				}
			}
			e := &env{out: out}
			if _, err := e.file(c.path); !os.IsNotExist(err) {
				t.Errorf("%s was written: %v", c.path, err)
			}
			if _, err := os.Stat(filepath.Join(out, bake.ManifestName)); !os.IsNotExist(err) {
				t.Errorf("a failed first bake left a manifest: %v", err)
			}
			if l := leftovers(t, out); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
		})
	}

	t.Run("after a good bake", func(t *testing.T) {
		e.bake(t, false)
		manifest, err := os.ReadFile(filepath.Join(e.out, bake.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		st, _ := e.db.Story(t.Context(), list[0].ID)
		st.Headline = "تصحیح: " + st.Headline
		if err := e.db.UpdateStory(t.Context(), &st); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.PublishStory(t.Context(), st.ID, store.Publish{At: time.Now(), CorrectionNote: "سرخی درست کی گئی۔"}); err != nil {
			t.Fatal(err)
		}
		_, err = bake.Bake(t.Context(), bake.Options{Handler: failing(e.site.Handler(), map[string]string{broken: "500"}),
			Store: e.db, Paths: e.site.PublicPaths, Out: e.out, Since: true})
		if err == nil || !strings.Contains(err.Error(), broken) {
			t.Fatalf("bake since with a failing page: %v", err)
		}
		if now, _ := os.ReadFile(filepath.Join(e.out, bake.ManifestName)); !bytes.Equal(now, manifest) {
			t.Error("a failed bake replaced the manifest")
		}
		if page, _ := e.file(broken); strings.Contains(string(page), "تصحیح") || !strings.Contains(string(page), "<html") {
			t.Error("the failing page's file is not the previous whole page")
		}
		if l := leftovers(t, e.out); len(l) > 0 {
			t.Errorf("temporary files left: %v", l)
		}
		// The next bake since the same manifest does the work.
		if res := e.bake(t, true); res.Written == 0 {
			t.Error("the bake after the failure wrote nothing")
		}
		if page, _ := e.file(broken); !strings.Contains(string(page), "تصحیح") {
			t.Error("the corrected page was not written by the next bake")
		}
		e.checkIdentical(t)
	})

	t.Run("file not writable", func(t *testing.T) {
		out := t.TempDir()
		// A folder where the file should be: the rename cannot replace it.
		if err := os.MkdirAll(filepath.Join(out, "robots.txt", "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := bake.Bake(t.Context(), bake.Options{Handler: e.site.Handler(), Store: e.db, Paths: e.site.PublicPaths, Out: out})
		if err == nil || !strings.Contains(err.Error(), "write /robots.txt") {
			t.Errorf("error %v; want it to name /robots.txt", err)
		}
		if l := leftovers(t, out); len(l) > 0 {
			t.Errorf("temporary files left: %v", l)
		}
	})
}

// TestBakeDamagedManifestRemovesNothing: a manifest damaged after an
// entry for a page that is no longer public fails the bake before that
// page's file is removed.
func TestBakeDamagedManifestRemovesNothing(t *testing.T) {
	e := newEnv(t)
	e.bake(t, false)
	keep := filepath.Join(e.out, "en", "world", "old-story")
	os.MkdirAll(filepath.Dir(keep), 0o755)
	os.WriteFile(keep, []byte("<html>"), 0o644)
	os.WriteFile(filepath.Join(e.out, bake.ManifestName), []byte(`{"seq":1,"pages":{"/en/world/old-story":["story:1"],"/en/":[`), 0o644)
	_, err := bake.Bake(t.Context(), bake.Options{Handler: e.site.Handler(), Store: e.db, Paths: e.site.PublicPaths, Out: e.out, Since: true})
	if err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("truncated manifest: %v", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a damaged manifest removed a file: %v", err)
	}
}

// TestBakeKeepsUnchangedFiles: a full bake over an earlier one leaves the
// files that did not change alone (their times too, for a sync to an
// object store), and rewrites a file that differs, even by one byte of the
// same length.
func TestBakeKeepsUnchangedFiles(t *testing.T) {
	e := newEnv(t)
	e.bake(t, false)
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for name := range tree(t, e.out) {
		os.Chtimes(filepath.Join(e.out, filepath.FromSlash(name)), old, old)
	}
	sameSize, shorter := "/fr/", "/feeds/ar.rss"
	for _, p := range []string{sameSize, shorter} {
		b, err := e.file(p)
		if err != nil {
			t.Fatal(err)
		}
		if p == sameSize {
			b[len(b)/2] ^= 1
		} else {
			b = b[:len(b)/2]
		}
		os.WriteFile(e.name(p), b, 0o644)
	}
	e.bake(t, false)
	e.checkIdentical(t)
	for name := range tree(t, e.out) {
		full := filepath.Join(e.out, filepath.FromSlash(name))
		fi, err := os.Stat(full)
		if err != nil {
			t.Fatal(err)
		}
		rewritten := full == e.name(sameSize) || full == e.name(shorter) || name == bake.ManifestName
		if moved := !fi.ModTime().Equal(old); moved != rewritten {
			t.Errorf("%s: time changed %v, want %v", name, moved, rewritten)
		}
	}
}
