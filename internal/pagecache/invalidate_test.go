package pagecache

import (
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/qasid/qasid/internal/render"
)

// TestInvalidationsDuringRender: a page rendered while invalidations
// happen is kept unless one of them may have changed it: one naming its
// address's tag or a tag it recorded while rendering, a purge, or more
// invalidations than the cache remembers.
func TestInvalidationsDuringRender(t *testing.T) {
	tests := []struct {
		name   string
		during func(c *Cache)
		kept   bool
	}{
		{"nothing", func(c *Cache) {}, true},
		{"other pages' tags", func(c *Cache) {
			c.Invalidate("section:fr:sport", "home:fr", "story:5")
			c.Invalidate("family:12")
		}, true},
		{"its own tag", func(c *Cache) { c.Invalidate("home:ur", "section:en:world") }, false},
		{"a tag it recorded", func(c *Cache) { c.Invalidate("story:5", "family:9") }, false},
		{"a purge", func(c *Cache) { c.Purge() }, false},
		{"as many others as are remembered", func(c *Cache) {
			for i := range recentMax {
				c.Invalidate("story:" + strconv.Itoa(1000+i))
			}
		}, true},
		{"more others than are remembered", func(c *Cache) {
			for i := range recentMax + 1 {
				c.Invalidate("story:" + strconv.Itoa(1000+i))
			}
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var c *Cache
			renders := 0
			site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				renders++
				render.Depend(r.Context(), "family:9") // an "Also Read" line
				io.WriteString(w, "the section page")
				tc.during(c)
			})
			c = New(Options{Next: site})
			// Invalidations before the render never matter.
			c.Invalidate("section:en:world", "family:9")
			if rec := get(t, c, "/en/world/", nil); rec.Code != http.StatusOK || rec.Body.String() != "the section page" {
				t.Fatalf("first answer: %d %q", rec.Code, rec.Body.String())
			}
			if got := c.Has("/en/world/", ""); got != tc.kept {
				t.Errorf("kept %v, want %v", got, tc.kept)
			}
			get(t, c, "/en/world/", nil)
			if want := map[bool]int{true: 1, false: 2}[tc.kept]; renders != want {
				t.Errorf("%d renders for two requests, want %d", renders, want)
			}
			// Whatever happened, the page's own tags still drop it.
			if tc.kept {
				if n := c.Invalidate("family:9"); n != 1 || c.Has("/en/world/", "") {
					t.Errorf("invalidating a recorded tag dropped %d pages", n)
				}
			}
		})
	}
}
