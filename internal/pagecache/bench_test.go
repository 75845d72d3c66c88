package pagecache

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmark
// measures the cache, not a recorder.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }

// BenchmarkHit is a cached 13 KB section page asked for by many readers at
// once, without compression (as wrk asks) and with gzip.
func BenchmarkHit(b *testing.B) {
	h := newCounting(strings.Repeat("<p>A card of a section page.</p>\n", 400))
	c := New(Options{Next: h})
	req, _ := http.NewRequest("GET", "/en/world/", nil)
	c.ServeHTTP(&discard{h: http.Header{}}, req)
	c.compressed.Wait()
	for _, enc := range []string{"", "gzip"} {
		b.Run("encoding="+enc, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r, _ := http.NewRequest("GET", "/en/world/", nil)
				if enc != "" {
					r.Header.Set("Accept-Encoding", enc)
				}
				w := &discard{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					c.ServeHTTP(w, r)
				}
			})
		})
	}
	if n := h.renders.Load(); n != 1 {
		b.Fatalf("%d renders, want 1", n)
	}
}

// BenchmarkHitWhilePublishing is BenchmarkHit while other stories are
// being published every millisecond: a section page that takes 5 ms to
// render must still be stored and served from memory.
func BenchmarkHitWhilePublishing(b *testing.B) {
	h := newCounting(strings.Repeat("<p>A card of a section page.</p>\n", 400))
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		h.ServeHTTP(w, r)
	})
	c := New(Options{Next: slow})
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-t.C:
				c.Invalidate("story:"+strconv.Itoa(i), "section:fr:sport", "home:fr")
			}
		}
	}()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r, _ := http.NewRequest("GET", "/en/world/", nil)
		w := &discard{h: http.Header{}}
		for pb.Next() {
			clear(w.h)
			c.ServeHTTP(w, r)
		}
	})
	close(stop)
	<-done
	b.ReportMetric(float64(h.renders.Load()), "renders")
}
