package bake

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type entry struct {
	path string
	tags []string
}

// readAll reads a manifest file through the streaming reader.
func readAll(t *testing.T, out string) (seq int64, got []entry, err error) {
	t.Helper()
	m, err := openManifest(out)
	if err != nil || m == nil {
		return 0, nil, err
	}
	defer m.close()
	err = m.pages(func(p string, tags []string) error {
		got = append(got, entry{p, tags})
		return nil
	})
	return m.seq, got, err
}

// TestManifestRoundTrip: what the writer streams, the reader gives back,
// page for page, with paths and tags that need escaping in JSON.
func TestManifestRoundTrip(t *testing.T) {
	out := t.TempDir()
	want := []entry{
		{"/ur/world/12-پاکستان-میں-بارش", []string{"family:3", "story:12"}},
		{"/zh/", []string{"home:zh"}},
		{`/en/odd/7-"quoted"\path<b>&`, []string{`tag"with\quote`}},
		{"/robots.txt", nil},
	}
	w, err := createManifest(out, 42)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range want {
		if err := w.add(e.path, e.tags); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.commit(); err != nil {
		t.Fatal(err)
	}
	seq, got, err := readAll(t, out)
	if err != nil || seq != 42 || len(got) != len(want) {
		t.Fatalf("read back seq %d, %d pages, %v", seq, len(got), err)
	}
	for i := range want {
		if got[i].path != want[i].path || !slices.Equal(got[i].tags, want[i].tags) {
			t.Errorf("page %d: got %q %q, want %q %q", i, got[i].path, got[i].tags, want[i].path, want[i].tags)
		}
	}
	if names, _ := filepath.Glob(filepath.Join(out, ".qasid-bake-*")); len(names) > 0 {
		t.Errorf("temporary files left: %v", names)
	}
}

// TestManifestAbort: a manifest not committed leaves neither a manifest
// nor its temporary file, and does not replace the one there.
func TestManifestAbort(t *testing.T) {
	out := t.TempDir()
	prev := []byte(`{"seq":1,"pages":{}}`)
	os.WriteFile(filepath.Join(out, ManifestName), prev, 0o644)
	w, err := createManifest(out, 2)
	if err != nil {
		t.Fatal(err)
	}
	w.add("/en/", []string{"home:en"})
	w.abort()
	w.abort() // twice is harmless
	if b, _ := os.ReadFile(filepath.Join(out, ManifestName)); string(b) != string(prev) {
		t.Errorf("manifest is now %q", b)
	}
	if names, _ := filepath.Glob(filepath.Join(out, ".qasid-bake-*")); len(names) > 0 {
		t.Errorf("temporary files left: %v", names)
	}
}

// TestManifestRead: manifests as an older bake wrote them, or with fields
// of a later version, are read; damaged ones of every kind are refused
// with an error that says so, never read in part as if whole.
func TestManifestRead(t *testing.T) {
	for _, c := range []struct {
		name, text string
		seq        int64
		pages      int
	}{
		{"older bake (json.Marshal)", `{"seq":3,"pages":{"/a/":["home:a"],"/b":["story:1","x"]}}`, 3, 2},
		{"no pages yet", `{"seq":0,"pages":{}}`, 0, 0},
		{"null tags", `{"seq":5,"pages":{"/a":null}}`, 5, 1},
		{"a later field", `{"seq":5,"format":{"v":2,"x":[1,2]},"pages":{"/a":["t"]},"more":true}`, 5, 1},
		{"white space", " \n{ \"seq\" : 7 ,\n\"pages\" : {\n\"/a\" : [ ]\n}\n}\n\n", 7, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			os.WriteFile(filepath.Join(out, ManifestName), []byte(c.text), 0o644)
			seq, got, err := readAll(t, out)
			if err != nil || seq != c.seq || len(got) != c.pages {
				t.Errorf("seq %d, %d pages, %v; want %d, %d", seq, len(got), err, c.seq, c.pages)
			}
		})
	}
	for _, c := range []struct{ name, text string }{
		{"empty", ``},
		{"not json", `{not json`},
		{"an array", `[{"seq":1}]`},
		{"a string", `"seq"`},
		{"seq not first", `{"pages":{},"seq":1}`},
		{"seq a string", `{"seq":"1","pages":{}}`},
		{"seq a fraction", `{"seq":1.5,"pages":{}}`},
		{"seq negative", `{"seq":-1,"pages":{}}`},
		{"seq too big", `{"seq":99999999999999999999,"pages":{}}`},
		{"no pages", `{"seq":1}`},
		{"pages null", `{"seq":1,"pages":null}`},
		{"pages a list", `{"seq":1,"pages":["/a"]}`},
		{"tags a string", `{"seq":1,"pages":{"/a":"home:a"}}`},
		{"tags numbers", `{"seq":1,"pages":{"/a":[1,2]}}`},
		{"tags nested", `{"seq":1,"pages":{"/a":[["x"]]}}`},
		{"truncated in pages", `{"seq":1,"pages":{"/a":["t"],"/b":[`},
		{"truncated after pages", `{"seq":1,"pages":{"/a":["t"]}`},
		{"unclosed string", `{"seq":1,"pages":{"/a`},
		{"more after the end", `{"seq":1,"pages":{}}{"seq":2,"pages":{}}`},
		{"garbage after the end", `{"seq":1,"pages":{}}x`},
		{"deep nesting in a later field", `{"seq":1,"x":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,"pages":{}`},
		{"binary", "\x00\xff\xfe{\"seq\":1}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			os.WriteFile(filepath.Join(out, ManifestName), []byte(c.text), 0o644)
			_, _, err := readAll(t, out)
			if err == nil || !strings.Contains(err.Error(), "damaged") {
				t.Errorf("read: %v; want an error saying the manifest is damaged", err)
			}
		})
	}
	seq, got, err := readAll(t, t.TempDir())
	if err != nil || seq != 0 || got != nil {
		t.Errorf("no manifest: %d %v %v", seq, got, err)
	}
}

func TestMediaRefs(t *testing.T) {
	page := `<img src="/media/ab12/photo-100.webp" srcset="/media/ab12/photo-100.webp 100w, /media/ab12/photo-200.webp 200w"
<audio src='/audio/17/en-3f2a.opus?v=2'></audio><a href="https://cdn.example.org/media/cd34/x.jpg">x</a>
<p>Text about /media/ and /audio/ with nothing after.</p><a href="/media/ef56/last.jpg">`
	got := mediaRefs([]byte(page))
	slices.Sort(got)
	got = slices.Compact(got)
	want := []string{"/audio/17/en-3f2a.opus", "/media/ab12/photo-100.webp", "/media/ab12/photo-200.webp",
		"/media/cd34/x.jpg", "/media/ef56/last.jpg"}
	if !slices.Equal(got, want) {
		t.Errorf("refs\n got %q\nwant %q", got, want)
	}
	if got := mediaRefs([]byte("/media/")); len(got) != 0 {
		t.Errorf("a bare prefix: %q", got)
	}
	if got := mediaRefs([]byte("x/media/a")); !slices.Equal(got, []string{"/media/a"}) {
		t.Errorf("at the end of the page: %q", got)
	}
}

// TestFileFor: every path, hostile ones included, maps to a file inside
// the output folder.
func TestFileFor(t *testing.T) {
	out := filepath.FromSlash("/srv/site")
	for p, want := range map[string]string{
		"/en/":                        "/srv/site/en/index.html",
		"/en/world/page/2/":           "/srv/site/en/world/page/2/index.html",
		"/ur/world/12-بارش":           "/srv/site/ur/world/12-بارش",
		"/feeds/en.rss":               "/srv/site/feeds/en.rss",
		"/":                           "/srv/site/index.html",
		"/../../etc/passwd":           "/srv/site/etc/passwd",
		"/media/../../../etc/shadow":  "/srv/site/etc/shadow",
		"media/./a//b":                "/srv/site/media/a/b",
		"/en/..":                      "/srv/site",
		"/../":                        "/srv/site/index.html",
		"/" + ManifestName + "/../x/": "/srv/site/x/index.html",
	} {
		if got := fileFor(out, p); got != filepath.FromSlash(want) {
			t.Errorf("fileFor(%q) = %q, want %q", p, got, want)
		}
	}
}
