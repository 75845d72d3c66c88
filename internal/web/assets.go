package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"mime"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

//go:embed assets
var assetFiles embed.FS

// Assets serves the embedded static files under fingerprinted URLs
// (/assets/site.3f2a91c0.css), so that browsers and CDNs may keep them
// forever: a changed file gets a new URL.
type Assets struct {
	byURL  map[string]asset  // "/assets/site.3f2a91c0.css" -> file
	byName map[string]string // "site.css" -> "/assets/site.3f2a91c0.css"
}

type asset struct {
	body        []byte
	contentType string
	etag        string
}

// cssURL finds url(...) references in stylesheets, so that they can point
// at the fingerprinted names too.
var cssURL = regexp.MustCompile(`url\(([^)"']+)\)`)

// LoadAssets reads and fingerprints every embedded asset. Stylesheets are
// done last because they refer to the others (fonts).
func LoadAssets() (*Assets, error) {
	a := &Assets{byURL: map[string]asset{}, byName: map[string]string{}}
	var css []string
	err := fs.WalkDir(assetFiles, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		if strings.HasSuffix(name, ".css") {
			css = append(css, name)
			return nil
		}
		body, err := assetFiles.ReadFile(p)
		if err != nil {
			return err
		}
		a.add(name, body)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load assets: %w", err)
	}
	for _, name := range css {
		body, err := assetFiles.ReadFile("assets/" + name)
		if err != nil {
			return nil, fmt.Errorf("web: load assets: %w", err)
		}
		var missing []string
		body = cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
			ref := string(cssURL.FindSubmatch(m)[1])
			u, ok := a.byName[path.Join(path.Dir(name), ref)]
			if !ok {
				missing = append(missing, ref)
				return m
			}
			return []byte("url(" + u + ")")
		})
		if len(missing) > 0 {
			return nil, fmt.Errorf("web: %s refers to missing assets %v", name, missing)
		}
		a.add(name, body)
	}
	return a, nil
}

func (a *Assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])[:10]
	ext := path.Ext(name)
	// URLs are flat (/assets/NAME.HASH.EXT): one path segment keeps the
	// route simple, and the file names are unique across folders.
	url := "/assets/" + strings.TrimSuffix(path.Base(name), ext) + "." + hash + ext
	ct := mime.TypeByExtension(ext)
	switch ext {
	case ".woff2":
		ct = "font/woff2"
	case ".txt":
		ct = "text/plain; charset=utf-8"
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	a.byURL[url] = asset{body: body, contentType: ct, etag: `"` + hash + `"`}
	a.byName[name] = url
}

// URLs lists every asset's fingerprinted URL, sorted (the static bake).
func (a *Assets) URLs() []string {
	return slices.Sorted(maps.Keys(a.byURL))
}

// URL gives the fingerprinted URL of an asset by its file name
// ("site.css", "fonts/NotoNastaliqUrdu-Regular.woff2"), or "" if unknown.
func (a *Assets) URL(name string) string { return a.byName[name] }

// ServeHTTP serves GET /assets/... . Unknown files are 404; known ones are
// immutable for a year.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.byURL[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Allow-Origin", "*") // fonts loaded through a CDN need it
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
}
