package site_test

import (
	"github.com/qasid/qasid/internal/render"
	"net/http/httptest"
	"net/url"
	"testing"
)

// BenchmarkPages renders pages through the handler, without the network,
// on the demo agency (84 stories) in SQLite. Nothing is cached yet, so this
// is the cost of a cold page.
func BenchmarkPages(b *testing.B) {
	f := newFixture(b)
	h := f.srv.Config.Handler
	en := f.member(b, "01-xi-astana-state-visit", "en")
	ur := f.member(b, "01-xi-astana-state-visit", "ur")
	for _, p := range []struct{ name, path string }{
		{"story_en", (&url.URL{Path: render.StoryPath(en)}).EscapedPath()},
		{"story_ur", (&url.URL{Path: render.StoryPath(ur)}).EscapedPath()},
		{"home_en", "/en/"},
		{"section_zh", "/zh/world/"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", p.path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
			}
		})
	}
}
