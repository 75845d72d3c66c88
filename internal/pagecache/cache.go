// Package pagecache keeps rendered public pages in memory, bounded in
// bytes, and drops exactly the pages a change affects: a publish,
// correction, kill or embargo lift invalidates the story's page in every
// language of its family, the home, section and feed pages of the story's
// language and section, and the sitemaps of that language; nothing else.
//
// Each node follows the shared change log (store.Changed wakes it at once,
// on every node), so a change made on one node empties the others' caches
// within moments. Pages whose content depends on other stories in ways the
// log does not name (a related list that would now pick a newer story)
// are also bounded in age by a TTL.
//
// Cached pages are stored with a strong ETag and Last-Modified, answer
// conditional requests with 304, and are compressed once with gzip and
// Brotli, so that a hit costs a map lookup and a write. The compression
// runs after the page is stored, on one background worker, not on the
// reader's time: it cost more than rendering a story page. Until it is done, a reader who accepts gzip gets a fast gzip
// made for that response.
package pagecache

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"golang.org/x/sync/singleflight"

	"github.com/qasid/qasid/internal/render"
)

// Options configure a Cache.
type Options struct {
	Next     http.Handler     // the site
	MaxBytes int64            // budget for all entries, every encoding counted; 0 means 128 MiB
	TTL      time.Duration    // longest life of an entry; 0 means 10 minutes
	Now      func() time.Time // nil means time.Now
	// Counter, when set, is told of every lookup (metrics).
	Counter interface {
		CacheHit()
		CacheMiss()
	}
	// CacheControl is sent with cached pages. The default suits a CDN in
	// front: browsers revalidate (cheap, with the ETag), shared caches keep
	// a page a minute and may serve it stale while they fetch it again.
	CacheControl string
}

// DefaultCacheControl is the Cache-Control of cached pages.
const DefaultCacheControl = "public, max-age=0, must-revalidate, s-maxage=60, stale-while-revalidate=300, stale-if-error=86400"

// maxEntry bounds one page: a page bigger than this is served but not
// kept (it would push out hundreds of ordinary ones).
const maxEntry = 4 << 20

// Cache is an http.Handler that answers from memory what it can and asks
// Next for the rest.
type Cache struct {
	next    http.Handler
	max     int64
	ttl     time.Duration
	now     func() time.Time
	counter interface {
		CacheHit()
		CacheMiss()
	}
	cacheControl string

	mu    sync.Mutex
	size  int64
	lru   *list.List               // of *entry, most recently used first
	byKey map[string]*list.Element // key → element
	byTag map[string]map[string]struct{}
	// gen counts invalidations, and recent holds the latest of them: a
	// page rendered while one of its own tags was invalidated is not
	// stored, since it may show the state before the change (see put).
	gen    uint64
	recent []invalidation

	flight singleflight.Group // renders in progress, by key

	// Entries waiting to be compressed, and whether a worker drains them.
	// The worker exists only while there is work, so an idle Cache holds
	// no goroutine; busy bounds the compression to one core.
	pending    chan *entry
	working    atomic.Bool
	compressed sync.WaitGroup // compressions queued and not done (tests)

	gzip, brotli, fastGzip *compressor
}

// invalidation is one call of Invalidate (tags) or Purge (all set).
type invalidation struct {
	gen  uint64
	tags []string
	all  bool
}

// recentMax bounds the invalidations remembered for renders in progress.
// A render that began before the oldest of them is not stored if any
// invalidation happened since: it cannot be told apart any more.
const recentMax = 256

// pendingMax bounds the pages waiting for compression. A burst of cold
// pages beyond it (a crawler) is served with fast gzip until a later hit
// queues the page again.
const pendingMax = 1024

type entry struct {
	key      string
	tags     []string
	header   http.Header // Content-Type and the like, as the site set them
	plain    []byte
	comp     atomic.Pointer[variants] // nil until compressed
	queued   atomic.Bool              // compression queued or done
	zip      bool                     // worth compressing
	etag     string
	modified time.Time
	expires  time.Time
	size     int64 // guarded by Cache.mu once stored
}

// variants are an entry's compressed bodies.
type variants struct {
	gz, br []byte
}

// New returns a Cache in front of o.Next.
func New(o Options) *Cache {
	c := &Cache{next: o.Next, max: o.MaxBytes, ttl: o.TTL, now: o.Now, counter: o.Counter, cacheControl: o.CacheControl,
		lru: list.New(), byKey: map[string]*list.Element{}, byTag: map[string]map[string]struct{}{},
		pending: make(chan *entry, pendingMax)}
	c.gzip, c.brotli, c.fastGzip = newCompressors()
	if c.max <= 0 {
		c.max = 128 << 20
	}
	if c.ttl <= 0 {
		c.ttl = 10 * time.Minute
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.cacheControl == "" {
		c.cacheControl = DefaultCacheControl
	}
	return c
}

// ServeHTTP answers GET and HEAD of cacheable pages from memory, rendering
// and storing them on a miss; everything else passes straight through.
func (c *Cache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		c.next.ServeHTTP(w, r)
		return
	}
	tags, ok := Tags(r.URL.Path, r.URL.RawQuery)
	if !ok {
		c.next.ServeHTTP(w, r)
		return
	}
	key := r.URL.Path + "?" + r.URL.RawQuery
	if e := c.get(key); e != nil {
		if c.counter != nil {
			c.counter.CacheHit()
		}
		c.write(w, r, e)
		return
	}
	if c.counter != nil {
		c.counter.CacheMiss()
	}
	// Misses for one page at once share one render: when a story breaks,
	// the first reader's request renders it and the hundreds that arrive
	// meanwhile wait for that, instead of each rendering it again.
	v, _, _ := c.flight.Do(key, func() (any, error) {
		return c.render(r, key, tags), nil
	})
	res := v.(rendered)
	if res.e == nil {
		copyHeader(w.Header(), res.rec.header)
		w.WriteHeader(res.rec.code)
		if r.Method != http.MethodHead {
			w.Write(res.rec.body.Bytes())
		}
		return
	}
	c.write(w, r, res.e)
}

// rendered is one render's outcome: a cacheable entry, or a response to
// pass on as it came.
type rendered struct {
	e   *entry
	rec *recorder
}

// render asks the site for a page and keeps it if it may. It runs without
// the asking request's cancellation: other readers may be waiting for it.
func (c *Cache) render(r *http.Request, key string, tags []string) rendered {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	rec := &recorder{header: http.Header{}, code: http.StatusOK}
	ctx, deps := render.WithDeps(context.WithoutCancel(r.Context()))
	get := r.Clone(ctx)
	get.Method = http.MethodGet // a HEAD's render serves the GETs waiting on it too
	c.next.ServeHTTP(rec, get)
	tags = append(tags, deps.Tags()...)
	// Only complete, ordinary pages are kept: an error, a redirect or a
	// page that set a cookie goes to the client as it came.
	if rec.code != http.StatusOK || rec.header.Get("Set-Cookie") != "" || rec.body.Len() > maxEntry ||
		strings.Contains(rec.header.Get("Cache-Control"), "no-store") || strings.Contains(rec.header.Get("Cache-Control"), "private") {
		return rendered{rec: rec}
	}
	e := c.newEntry(key, tags, rec)
	c.put(e, gen)
	return rendered{e: e}
}

func (c *Cache) newEntry(key string, tags []string, rec *recorder) *entry {
	now := c.now()
	plain := bytes.Clone(rec.body.Bytes())
	sum := sha256.Sum256(plain)
	h := http.Header{}
	copyHeader(h, rec.header)
	// The site's own caching headers give way to the cache's: it decides
	// validators and lifetimes for every page it keeps.
	for _, k := range []string{"Cache-Control", "Etag", "Last-Modified", "Content-Length", "Content-Encoding", "Vary"} {
		h.Del(k)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", http.DetectContentType(plain))
	}
	e := &entry{key: key, tags: tags, header: h, plain: plain,
		etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: now.UTC().Truncate(time.Second), expires: now.Add(c.ttl)}
	e.zip = compressible(h.Get("Content-Type")) && len(plain) > 512
	e.size = int64(len(e.plain)+len(key)) + 256
	return e
}

// compressLater queues e for the background worker, once.
func (c *Cache) compressLater(e *entry) {
	if !e.queued.CompareAndSwap(false, true) {
		return
	}
	c.compressed.Add(1)
	select {
	case c.pending <- e:
	default: // full: a later hit will try again
		e.queued.Store(false)
		c.compressed.Done()
		return
	}
	if c.working.CompareAndSwap(false, true) {
		go c.compressAll()
	}
}

// compressAll drains the queue, then stops. A page queued between the
// last receive and the flag's reset is picked up by the re-check.
func (c *Cache) compressAll() {
	for {
		select {
		case e := <-c.pending:
			c.compress(e)
			c.compressed.Done()
			continue
		default:
		}
		c.working.Store(false)
		if len(c.pending) == 0 || !c.working.CompareAndSwap(false, true) {
			return
		}
	}
}

// compress makes e's variants and counts them against the budget, if e is
// still cached; an entry dropped meanwhile is compressed for nothing, once.
func (c *Cache) compress(e *entry) {
	c.mu.Lock()
	el, ok := c.byKey[e.key]
	c.mu.Unlock()
	if !ok || el.Value.(*entry) != e {
		return
	}
	v := &variants{gz: c.gzip.compress(e.plain), br: c.brotli.compress(e.plain)}
	e.comp.Store(v)
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok = c.byKey[e.key]
	if !ok || el.Value.(*entry) != e {
		return
	}
	grow := int64(len(v.gz) + len(v.br))
	e.size += grow
	c.size += grow
	for c.size > c.max && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
}

// write sends an entry, or 304 when the client's copy is current.
func (c *Cache) write(w http.ResponseWriter, r *http.Request, e *entry) {
	h := w.Header()
	copyHeader(h, e.header)
	h.Set("Cache-Control", c.cacheControl)
	h.Set("ETag", e.etag)
	h.Set("Last-Modified", e.modified.Format(http.TimeFormat))
	h.Set("Vary", "Accept-Encoding")
	if notModified(r, e) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := e.plain
	enc := acceptEncoding(r.Header.Get("Accept-Encoding"))
	v := e.comp.Load()
	if v == nil && e.zip {
		c.compressLater(e)
	}
	switch {
	case enc == "br" && v != nil:
		h.Set("Content-Encoding", "br")
		body = v.br
	case enc != "" && v != nil:
		h.Set("Content-Encoding", "gzip")
		body = v.gz
	case enc != "" && e.zip:
		// Not compressed yet: a fast gzip for this reader alone.
		h.Set("Content-Encoding", "gzip")
		body = c.fastGzip.compress(e.plain)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies RFC 9110's rules: If-None-Match decides when
// present; otherwise If-Modified-Since.
func notModified(r *http.Request, e *entry) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimSpace(t)
			t = strings.TrimPrefix(t, "W/") // weak comparison is right for GET
			if t == e.etag || t == "*" {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !e.modified.After(t) {
			return true
		}
	}
	return false
}

// acceptEncoding picks "br", "gzip" or "" from an Accept-Encoding header,
// honouring q=0 refusals.
func acceptEncoding(h string) string {
	br, gz := false, false
	for _, part := range strings.Split(h, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if q := strings.ReplaceAll(params, " ", ""); q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			continue
		}
		switch name {
		case "br":
			br = true
		case "gzip", "x-gzip":
			gz = true
		case "*":
			br, gz = true, true
		}
	}
	switch {
	case br:
		return "br"
	case gz:
		return "gzip"
	}
	return ""
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.Contains(ct, "xml") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript")
}

// A compressor is a pool of writers of one encoding and level. Pooling
// matters: a new Brotli writer allocates a 32 MiB hash table before it
// reads a byte, which cost more than compressing a story page.
type compressor struct{ pool sync.Pool }

// resetWriter is what gzip.Writer and brotli.Writer have in common.
type resetWriter interface {
	Reset(io.Writer)
	Write([]byte) (int, error)
	Close() error
}

func newCompressor(mk func() resetWriter) *compressor {
	return &compressor{pool: sync.Pool{New: func() any { return mk() }}}
}

// compress returns b compressed. Writing to a bytes.Buffer cannot fail.
func (z *compressor) compress(b []byte) []byte {
	var buf bytes.Buffer
	w := z.pool.Get().(resetWriter)
	w.Reset(&buf)
	w.Write(b)
	w.Close()
	z.pool.Put(w)
	return buf.Bytes()
}

// brotliLevel: on story pages 5 gives the same size as 9 (within 0.1%) at
// a third of the time.
const brotliLevel = 5

// newCompressors returns the Cache's writers: best gzip and Brotli make
// the stored variants, compressed once and served many times; fast gzip
// serves a page before they are made (about a tenth of a millisecond for a
// story page).
func newCompressors() (best, br, fast *compressor) {
	level := func(l int) func() resetWriter {
		return func() resetWriter { zw, _ := gzip.NewWriterLevel(nil, l); return zw }
	}
	return newCompressor(level(gzip.BestCompression)),
		newCompressor(func() resetWriter { return brotli.NewWriterLevel(nil, brotliLevel) }),
		newCompressor(level(gzip.BestSpeed))
}

func (c *Cache) get(key string) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	e := el.Value.(*entry)
	if c.now().After(e.expires) {
		c.remove(el)
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

// put stores e unless one of its tags was invalidated since gen (the page
// may show the state before the change), evicting the least recently used
// entries to stay within the budget.
func (c *Cache) put(e *entry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.staleSince(e, gen) || e.size > c.max {
		return
	}
	if el, ok := c.byKey[e.key]; ok {
		c.remove(el)
	}
	for c.size+e.size > c.max && c.lru.Len() > 0 {
		c.remove(c.lru.Back())
	}
	el := c.lru.PushFront(e)
	c.byKey[e.key] = el
	for _, t := range e.tags {
		keys := c.byTag[t]
		if keys == nil {
			keys = map[string]struct{}{}
			c.byTag[t] = keys
		}
		keys[e.key] = struct{}{}
	}
	c.size += e.size
}

// staleSince reports whether an invalidation since gen may have changed
// what e shows: one naming any of e's tags (its address's and those it
// recorded while rendering), a purge, or one too old to remember. Only
// those: while stories are being published every moment (a breaking
// story, an import), the change to one section must not keep every other
// page that was rendering from being stored. (Before, any invalidation
// did, and a page slower to render than the gap between two changes was
// never kept: each request rendered it again.) The caller holds mu.
func (c *Cache) staleSince(e *entry, gen uint64) bool {
	if c.gen == gen {
		return false
	}
	if len(c.recent) == 0 || c.recent[0].gen > gen+1 {
		return true // the invalidations since gen are no longer all known
	}
	for _, inv := range c.recent {
		if inv.gen <= gen {
			continue
		}
		if inv.all {
			return true
		}
		for _, t := range inv.tags {
			if slices.Contains(e.tags, t) {
				return true
			}
		}
	}
	return false
}

// remember records an invalidation for staleSince; the caller holds mu
// and has just advanced gen.
func (c *Cache) remember(inv invalidation) {
	if len(c.recent) == recentMax {
		c.recent = slices.Delete(c.recent, 0, 1)
	}
	c.recent = append(c.recent, inv)
}

// remove drops one entry; the caller holds mu.
func (c *Cache) remove(el *list.Element) {
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.byKey, e.key)
	for _, t := range e.tags {
		if keys := c.byTag[t]; keys != nil {
			delete(keys, e.key)
			if len(keys) == 0 {
				delete(c.byTag, t)
			}
		}
	}
	c.size -= e.size
}

// Invalidate drops every page carrying any of tags and returns how many.
func (c *Cache) Invalidate(tags ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.remember(invalidation{gen: c.gen, tags: slices.Clone(tags)})
	n := 0
	for _, t := range tags {
		for key := range c.byTag[t] {
			if el, ok := c.byKey[key]; ok {
				c.remove(el)
				n++
			}
		}
	}
	return n
}

// Purge empties the cache.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.remember(invalidation{gen: c.gen, all: true})
	c.lru.Init()
	c.byKey = map[string]*list.Element{}
	c.byTag = map[string]map[string]struct{}{}
	c.size = 0
}

// Stats reports the entries and bytes held.
func (c *Cache) Stats() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len(), c.size
}

// Has reports whether the page at path?query is cached (tests, bake).
func (c *Cache) Has(path, rawQuery string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.byKey[path+"?"+rawQuery]
	return ok
}

// recorder captures what the site writes for a page.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.code, r.wrote = code, true
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
}
