package bake_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
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

// file reads what the bake wrote for a path.
func (e *env) file(p string) ([]byte, error) {
	name := strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/") {
		name += "index.html"
	}
	return os.ReadFile(filepath.Join(e.out, filepath.FromSlash(name)))
}

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
