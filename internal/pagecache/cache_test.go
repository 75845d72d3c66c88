package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestTags(t *testing.T) {
	tests := []struct {
		path, query string
		want        []string // nil: not cached
	}{
		{"/en/", "", []string{"home:en"}},
		{"/ur/", "", []string{"home:ur"}},
		{"/en/", "page=2", nil},
		{"/en/world/", "", []string{"section:en:world"}},
		{"/en/world/page/3/", "", []string{"section:en:world"}},
		{"/en/world/page/03/", "", nil},
		{"/en/world/page/1/", "", nil},
		{"/en/world/page/x/", "", nil},
		{"/en/world/page/3", "", nil},
		{"/en/search/page/3/", "", nil},
		{"/en/world/", "page=3", nil},
		{"/en/world/", "utm_source=x", nil},
		{"/en/world/12-sco-summit", "", []string{"story:12"}},
		{"/ur/world/12-شنگھائی-اجلاس", "", []string{"story:12"}},
		{"/en/world/12-sco-summit", "page=2", nil},
		{"/en/world/x-sco", "", nil},
		{"/en/world/-1-x", "", nil},
		{"/en/search", "q=x", nil},
		{"/en/search/", "", nil},
		{"/xx/world/", "", nil},
		{"/", "", nil},
		{"/en", "", nil},
		{"/feeds/en.rss", "", []string{"feed:en"}},
		{"/feeds/zh.atom", "", []string{"feed:zh"}},
		{"/feeds/en/world.rss", "", []string{"feed:en:world"}},
		{"/feeds/xx.rss", "", nil},
		{"/feeds/en.json", "", nil},
		{"/sitemap.xml", "", []string{"sitemap"}},
		{"/sitemaps/en.xml", "", []string{"sitemap:en"}},
		{"/sitemaps/ar-2.xml", "", []string{"sitemap:ar"}},
		{"/sitemaps/news.xml", "", []string{"sitemap:news"}},
		{"/sitemaps/xx.xml", "", nil},
		{"/desk/", "", nil},
		{"/wire/v1/items", "", nil},
		{"/assets/site.css", "", nil},
		{"/media/1/800.jpg", "", nil},
	}
	for _, tt := range tests {
		got, ok := Tags(tt.path, tt.query)
		if ok != (tt.want != nil) || (ok && !slices.Equal(got, tt.want)) {
			t.Errorf("Tags(%q, %q) = %v, %v; want %v", tt.path, tt.query, got, ok, tt.want)
		}
	}
}

func TestAcceptEncoding(t *testing.T) {
	tests := map[string]string{
		"":                         "",
		"gzip":                     "gzip",
		"gzip, deflate, br":        "br",
		"br;q=0, gzip":             "gzip",
		"br;q=0.0,gzip;q=0":        "",
		"identity":                 "",
		"*":                        "br",
		"GZIP":                     "gzip",
		"x-gzip;q=0.5":             "gzip",
		"gzip;q=0.8, br;q=1.0, zs": "br",
	}
	for h, want := range tests {
		if got := acceptEncoding(h); got != want {
			t.Errorf("acceptEncoding(%q) = %q, want %q", h, got, want)
		}
	}
}

// counting is a site stand-in that counts renders and can be told what to
// answer. (The cache's own behaviour is tested here; the real site behind
// it is tested in site_test.go.)
type counting struct {
	renders atomic.Int64
	body    atomic.Value // string
	code    int
	cookie  bool
}

func (h *counting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.renders.Add(1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=5") // replaced by the cache's
	if h.cookie {
		http.SetCookie(w, &http.Cookie{Name: "x", Value: "y"})
	}
	if h.code != 0 {
		w.WriteHeader(h.code)
	}
	io.WriteString(w, h.body.Load().(string))
}

func newCounting(body string) *counting {
	h := &counting{}
	h.body.Store(body)
	return h
}

func get(t *testing.T, h http.Handler, path string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHitMissAndHeaders(t *testing.T) {
	page := "<!doctype html><p>" + strings.Repeat("Astana summit ", 200)
	site := newCounting(page)
	c := New(Options{Next: site})
	r1 := get(t, c, "/en/world/1-a", nil)
	r2 := get(t, c, "/en/world/1-a", nil)
	if site.renders.Load() != 1 {
		t.Errorf("rendered %d times for two requests, want 1", site.renders.Load())
	}
	if r1.Body.String() != page || r2.Body.String() != page {
		t.Error("cached body differs from the page")
	}
	h := r2.Header()
	if h.Get("ETag") == "" || h.Get("Last-Modified") == "" || h.Get("Cache-Control") != DefaultCacheControl ||
		h.Get("Vary") != "Accept-Encoding" || h.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("headers %v", h)
	}
	if r1.Header().Get("ETag") != h.Get("ETag") {
		t.Error("the miss and the hit carry different ETags")
	}

	// Conditional requests.
	if rec := get(t, c, "/en/world/1-a", map[string]string{"If-None-Match": h.Get("ETag")}); rec.Code != 304 || rec.Body.Len() != 0 {
		t.Errorf("If-None-Match with the ETag: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	if rec := get(t, c, "/en/world/1-a", map[string]string{"If-None-Match": `"other", ` + h.Get("ETag")}); rec.Code != 304 {
		t.Errorf("If-None-Match list holding the ETag: %d", rec.Code)
	}
	if rec := get(t, c, "/en/world/1-a", map[string]string{"If-None-Match": `"other"`}); rec.Code != 200 {
		t.Errorf("If-None-Match with another ETag: %d", rec.Code)
	}
	if rec := get(t, c, "/en/world/1-a", map[string]string{"If-Modified-Since": h.Get("Last-Modified")}); rec.Code != 304 {
		t.Errorf("If-Modified-Since the Last-Modified: %d", rec.Code)
	}
	if rec := get(t, c, "/en/world/1-a", map[string]string{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}); rec.Code != 200 {
		t.Errorf("If-Modified-Since long ago: %d", rec.Code)
	}
	if rec := get(t, c, "/en/world/1-a", map[string]string{"If-Modified-Since": "not a date"}); rec.Code != 200 {
		t.Errorf("If-Modified-Since garbage: %d", rec.Code)
	}

	// Compressed variants decode to the page, once the background worker
	// has made them.
	c.compressed.Wait()
	br := get(t, c, "/en/world/1-a", map[string]string{"Accept-Encoding": "gzip, br"})
	if br.Header().Get("Content-Encoding") != "br" {
		t.Fatalf("Content-Encoding %q, want br", br.Header().Get("Content-Encoding"))
	}
	if b, err := io.ReadAll(brotli.NewReader(br.Body)); err != nil || string(b) != page {
		t.Errorf("brotli body decodes to %d bytes, %v", len(b), err)
	}
	gz := get(t, c, "/en/world/1-a", map[string]string{"Accept-Encoding": "gzip"})
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != page {
		t.Error("gzip body does not decode to the page")
	}
	if gz.Body.Len() >= len(page)/3 {
		t.Errorf("gzip body %d bytes for a page of %d: not compressed", gz.Body.Len(), len(page))
	}
	if site.renders.Load() != 1 {
		t.Errorf("rendered %d times, want 1", site.renders.Load())
	}

	// HEAD: headers, no body.
	req := httptest.NewRequest("HEAD", "/en/world/1-a", nil)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "2817" && rec.Header().Get("Content-Length") == "" {
		t.Errorf("HEAD: %d, %d bytes, Content-Length %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}
}

func TestNotCached(t *testing.T) {
	for name, site := range map[string]*counting{
		"404":        {code: 404},
		"500":        {code: 500},
		"redirect":   {code: 301},
		"set-cookie": {cookie: true},
	} {
		site.body.Store("x")
		c := New(Options{Next: site})
		get(t, c, "/en/world/1-a", nil)
		get(t, c, "/en/world/1-a", nil)
		if site.renders.Load() != 2 {
			t.Errorf("%s: rendered %d times, want 2 (not cached)", name, site.renders.Load())
		}
	}
	site := newCounting("x")
	c := New(Options{Next: site})
	for _, p := range []string{"/", "/en/search?q=a", "/desk/", "/en/world/?utm=1"} {
		get(t, c, p, nil)
		get(t, c, p, nil)
	}
	if site.renders.Load() != 8 {
		t.Errorf("uncacheable addresses rendered %d times, want 8", site.renders.Load())
	}
	req := httptest.NewRequest("POST", "/en/", nil)
	c.ServeHTTP(httptest.NewRecorder(), req)
	if c.Has("/en/", "") {
		t.Error("a POST was cached")
	}
}

func TestInvalidateAndBudget(t *testing.T) {
	site := newCounting(strings.Repeat("a", 1000))
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := New(Options{Next: site, MaxBytes: 10_000, TTL: time.Minute, Now: func() time.Time { return now }})
	for _, p := range []string{"/en/", "/ur/", "/en/world/1-a", "/en/world/2-b"} {
		get(t, c, p, nil)
	}
	if n := c.Invalidate("story:1", "home:en", "story:99"); n != 2 {
		t.Errorf("Invalidate dropped %d, want 2", n)
	}
	if c.Has("/en/", "") || c.Has("/en/world/1-a", "") || !c.Has("/ur/", "") || !c.Has("/en/world/2-b", "") {
		t.Error("Invalidate dropped the wrong pages")
	}
	// The budget: ten more pages of ~1.4 KB (plain + gzip + br) in 10 KB.
	for i := range 10 {
		get(t, c, "/en/world/"+string(rune('3'+i))+"-x", nil)
	}
	if _, size := c.Stats(); size > 10_000 {
		t.Errorf("cache holds %d bytes, budget 10000", size)
	}
	if c.Has("/ur/", "") {
		t.Error("the least recently used page survived the budget")
	}
	// TTL.
	get(t, c, "/fr/", nil)
	now = now.Add(2 * time.Minute)
	before := site.renders.Load()
	get(t, c, "/fr/", nil)
	if site.renders.Load() != before+1 {
		t.Error("an expired page was served from the cache")
	}
}

// A page rendered while an invalidation happens may show the state before
// it: it is served, but not kept.
func TestInvalidateDuringRender(t *testing.T) {
	var c *Cache
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "old state")
		c.Invalidate("story:1") // a correction lands mid-render
	})
	c = New(Options{Next: site})
	rec := get(t, c, "/en/world/1-a", nil)
	if rec.Body.String() != "old state" {
		t.Errorf("body %q", rec.Body.String())
	}
	if c.Has("/en/world/1-a", "") {
		t.Error("a page rendered across an invalidation was kept")
	}
}

func TestCompressedOnlyWhenWorthIt(t *testing.T) {
	c := New(Options{Next: newCounting("tiny")})
	rec := get(t, c, "/en/", map[string]string{"Accept-Encoding": "br, gzip"})
	if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), []byte("tiny")) {
		t.Errorf("a 4-byte page was sent as %q", rec.Header().Get("Content-Encoding"))
	}
}

// TestConcurrentMissesRenderOnce: a hundred readers asking for a page that
// is not cached yet cause one render, and all get the page.
func TestConcurrentMissesRenderOnce(t *testing.T) {
	release := make(chan struct{})
	var renders atomic.Int64
	site := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		renders.Add(1)
		<-release // a slow render: every other reader arrives meanwhile
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "breaking news")
	})
	c := New(Options{Next: site})
	var wg sync.WaitGroup
	bodies := make(chan string, 100)
	for range 100 {
		wg.Go(func() {
			bodies <- get(t, c, "/en/world/7-breaking", nil).Body.String()
		})
	}
	for renders.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // let the others pile up behind the first
	close(release)
	wg.Wait()
	close(bodies)
	for b := range bodies {
		if b != "breaking news" {
			t.Fatalf("a reader got %q", b)
		}
	}
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for 100 concurrent misses, want 1", n)
	}
}

// TestCompressionAfterStore: a cold page goes out at once, fast-gzipped for
// a reader who accepts gzip; the worker then makes the stored variants,
// which count against the budget.
func TestCompressionAfterStore(t *testing.T) {
	page := "<!doctype html><title>x</title>" + strings.Repeat("<p>The ministry said on Tuesday that the figures were final.</p>\n", 200)
	site := htmlSite(page)
	c := New(Options{Next: site})
	first := get(t, c, "/en/world/7-b", map[string]string{"Accept-Encoding": "gzip, br"})
	if enc := first.Header().Get("Content-Encoding"); enc != "gzip" && enc != "br" {
		t.Fatalf("cold page: Content-Encoding %q, want a compressed body", enc)
	}
	if got := decode(t, first); got != page {
		t.Fatalf("cold page decodes to %d bytes, want %d", len(got), len(page))
	}
	c.compressed.Wait()
	plainSize := int64(len(page)+len("/en/world/7-b?")) + 256
	if _, after := c.Stats(); after <= plainSize {
		t.Errorf("cache holds %d bytes after compression, the plain page alone %d: variants not counted", after, plainSize)
	}
	br := get(t, c, "/en/world/7-b", map[string]string{"Accept-Encoding": "br"})
	if br.Header().Get("Content-Encoding") != "br" || decode(t, br) != page {
		t.Errorf("after compression: %q", br.Header().Get("Content-Encoding"))
	}
	plain := get(t, c, "/en/world/7-b", nil)
	if plain.Header().Get("Content-Encoding") != "" || plain.Body.String() != page {
		t.Error("a reader without Accept-Encoding got a compressed body")
	}

	// A budget that holds the page but not its variants: compression
	// evicts rather than overruns.
	small := New(Options{Next: site, MaxBytes: int64(len(page)) + 2048})
	get(t, small, "/en/world/8-c", map[string]string{"Accept-Encoding": "gzip"})
	small.compressed.Wait()
	if _, n := small.Stats(); n > int64(len(page))+2048 {
		t.Errorf("cache holds %d bytes over its budget of %d", n, len(page)+2048)
	}
	// Many cold pages in a row: all answered while the worker catches up.
	for i := range 60 {
		rec := get(t, c, "/en/world/"+strconv.Itoa(100+i)+"-x", map[string]string{"Accept-Encoding": "gzip"})
		if rec.Code != 200 || decode(t, rec) != page {
			t.Fatalf("page %d: %d", i, rec.Code)
		}
	}
	c.compressed.Wait()
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var r io.Reader = rec.Body
	switch rec.Header().Get("Content-Encoding") {
	case "gzip":
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "br":
		r = brotli.NewReader(rec.Body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCompressionQueueFull: when the queue is full, a page is still served
// (fast gzip) and is queued again by a later hit once there is room.
func TestCompressionQueueFull(t *testing.T) {
	page := "<!doctype html>" + strings.Repeat("<p>Wheat prices rose again on Monday.</p>\n", 100)
	site := htmlSite(page)
	c := New(Options{Next: site})
	c.pending = make(chan *entry, 1)
	c.working.Store(true) // as if a worker were busy: nothing drains the queue
	gz := map[string]string{"Accept-Encoding": "gzip"}
	for _, p := range []string{"/en/world/1-a", "/en/world/2-b"} {
		if rec := get(t, c, p, gz); rec.Header().Get("Content-Encoding") != "gzip" || decode(t, rec) != page {
			t.Fatalf("%s: not served as gzip", p)
		}
	}
	b := c.byKey["/en/world/2-b?"].Value.(*entry)
	if b.queued.Load() {
		t.Fatal("the second page counts as queued though the queue was full")
	}
	// The queue empties (here by hand: the first page's job is taken
	// out); the next hit on the second page queues it, a worker starts,
	// and the page gets its variants.
	<-c.pending
	c.compressed.Done()
	c.working.Store(false)
	get(t, c, "/en/world/2-b", gz)
	c.compressed.Wait()
	if b.comp.Load() == nil {
		t.Error("the second page was never compressed")
	}
}

// htmlSite answers every request with page as HTML.
func htmlSite(page string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
}
