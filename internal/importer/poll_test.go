package importer

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/clock"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
)

// rss is an RSS 2.0 document with one item per guid.
func rss(guids ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Test Feed</title><link>https://example.com/</link><language>en</language>`)
	for i, g := range guids {
		fmt.Fprintf(&b, `<item><title>Item %s</title><guid>%s</guid><link>https://example.com/%s</link><description>%s</description></item>`,
			g, g, g, text(100+i+len(g)*31, 40))
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// feedServer serves a feed that honours ETag and Last-Modified, and
// remembers the validators each request sent.
type feedServer struct {
	mu       sync.Mutex
	body     string
	etag     string
	modified string
	requests []http.Header
}

func (f *feedServer) set(body, etag, modified string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body, f.etag, f.modified = body, etag, modified
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Header.Clone())
	w.Header().Set("ETag", f.etag)
	w.Header().Set("Last-Modified", f.modified)
	if r.Header.Get("If-None-Match") == f.etag || r.Header.Get("If-Modified-Since") == f.modified {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprint(w, f.body)
}

func (f *feedServer) last() http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[len(f.requests)-1]
}

func addFeed(t *testing.T, s *Service, url string) store.Feed {
	t.Helper()
	f, err := s.AddFeed(t.Context(), NewFeed{URL: url, Name: "Test Feed", Every: 15 * time.Minute})
	if err != nil {
		t.Fatalf("add feed: %v", err)
	}
	return f
}

func poll(t *testing.T, s *Service) PollResult {
	t.Helper()
	res, err := s.PollDue(t.Context())
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return res
}

func TestPollConditional(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	fs := &feedServer{}
	fs.set(rss("a", "b"), `"v1"`, "Mon, 04 May 2026 05:00:00 GMT")
	srv := httptest.NewServer(fs)
	defer srv.Close()
	c := clock.NewFake(start)
	s := newService(t, db, Options{Now: c.Now})
	f := addFeed(t, s, srv.URL+"/feed.xml")

	if res := poll(t, s); res.Polled != 1 || res.New != 2 || res.Failed != 0 {
		t.Fatalf("first poll %+v: want 2 new items", res)
	}
	first := fs.last()
	if !strings.HasPrefix(first.Get("User-Agent"), "Qasid/") || first.Get("If-None-Match") != "" {
		t.Errorf("first request: User-Agent %q, If-None-Match %q", first.Get("User-Agent"), first.Get("If-None-Match"))
	}
	items, err := db.Items(ctx, store.ItemQuery{})
	if err != nil || len(items) != 2 {
		t.Fatalf("items: %d, %v", len(items), err)
	}
	for _, it := range items {
		if it.State != store.ItemIncoming || it.Source != "Test Feed" || it.FeedID != f.ID || it.StoryID != 0 || it.Lang != "en" {
			t.Errorf("feed item %+v: want incoming, from the feed, no story", it)
		}
	}
	got, err := db.Feed(ctx, f.ID)
	if err != nil || got.ETag != `"v1"` || got.LastNew != 2 || !got.NextPollAt.Equal(start.Add(15*time.Minute)) || got.LeaseOwner != "" {
		t.Fatalf("feed after the first poll: %+v, %v", got, err)
	}

	// Not due yet: nothing is fetched.
	c.Add(14 * time.Minute)
	if res := poll(t, s); res.Polled != 0 || len(fs.requests) != 1 {
		t.Errorf("poll before the interval: %+v, %d requests", res, len(fs.requests))
	}

	// Due: the validators go back and the unchanged feed costs a 304.
	c.Add(time.Minute)
	if res := poll(t, s); res.Polled != 1 || res.NotModified != 1 || res.New != 0 {
		t.Errorf("second poll %+v: want a 304", res)
	}
	second := fs.last()
	if second.Get("If-None-Match") != `"v1"` || second.Get("If-Modified-Since") != "Mon, 04 May 2026 05:00:00 GMT" {
		t.Errorf("second request sent If-None-Match %q, If-Modified-Since %q", second.Get("If-None-Match"), second.Get("If-Modified-Since"))
	}
	if got, _ := db.Feed(ctx, f.ID); got.ETag != `"v1"` || got.LastError != "" {
		t.Errorf("a 304 changed the feed: %+v", got)
	}

	// A changed feed brings only its new item.
	fs.set(rss("a", "b", "c"), `"v2"`, "Mon, 04 May 2026 06:20:00 GMT")
	c.Add(15 * time.Minute)
	if res := poll(t, s); res.New != 1 {
		t.Errorf("third poll %+v: want 1 new item", res)
	}
	if got, _ := db.Feed(ctx, f.ID); got.ETag != `"v2"` {
		t.Errorf("etag after a change: %q", got.ETag)
	}
}

func TestPollFailures(t *testing.T) {
	slow := make(chan struct{})
	defer close(slow)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"server error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", http.StatusInternalServerError) }, "HTTP 500"},
		{"not found", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "HTTP 404"},
		{"garbage", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "this is not a feed at all") }, "unknown format"},
		{"broken XML", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a`)
		}, "rss"},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, rss("a"))
			fmt.Fprint(w, strings.Repeat("<!-- padding -->", 1000))
		}, "larger than"},
		{"slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-slow:
			case <-r.Context().Done():
			}
		}, "deadline"},
		{"redirect loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) }, "redirects"},
		{"redirect to ftp", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "ftp://example.com/x", http.StatusFound)
		}, "ftp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			ctx := t.Context()
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			c := clock.NewFake(start)
			s := newService(t, db, Options{Now: c.Now, Poll: PollOptions{Timeout: 300 * time.Millisecond, MaxBytes: 4000}})
			f := addFeed(t, s, srv.URL+"/feed")
			if res := poll(t, s); res.Failed != 1 || res.New != 0 {
				t.Fatalf("poll %+v: want one failure", res)
			}
			got, err := db.Feed(ctx, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(got.LastError, tc.want) || got.Failures != 1 || got.LeaseOwner != "" {
				t.Errorf("feed after the failure: error %q (want %q), failures %d, lease %q", got.LastError, tc.want, got.Failures, got.LeaseOwner)
			}
			if strings.Contains(got.LastError, srv.URL) {
				t.Errorf("the error repeats the feed's URL: %q", got.LastError)
			}
			// Backoff: twice the interval after one failure, four times
			// after two.
			if want := start.Add(30 * time.Minute); !got.NextPollAt.Equal(want) {
				t.Errorf("next poll %v, want %v", got.NextPollAt, want)
			}
			c.Set(got.NextPollAt)
			poll(t, s)
			got, _ = db.Feed(ctx, f.ID)
			if want := c.Now().Add(60 * time.Minute); got.Failures != 2 || !got.NextPollAt.Equal(want) {
				t.Errorf("after two failures: %d, next %v; want 2, %v", got.Failures, got.NextPollAt, want)
			}
			if n, _ := db.CountItems(ctx, store.ItemQuery{}); n != 0 {
				t.Errorf("a failed poll stored %d items", n)
			}
		})
	}
}

// A feed that comes back clears its error and its backoff.
func TestPollRecovers(t *testing.T) {
	db := storetest.SQLite(t)
	var up atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, rss("x"))
	}))
	defer srv.Close()
	c := clock.NewFake(start)
	s := newService(t, db, Options{Now: c.Now, Poll: PollOptions{MaxBackoff: 40 * time.Minute}})
	f := addFeed(t, s, srv.URL)
	for range 3 {
		poll(t, s)
		got, _ := db.Feed(t.Context(), f.ID)
		if got.NextPollAt.Sub(c.Now()) > 40*time.Minute {
			t.Errorf("backoff %v beyond the maximum", got.NextPollAt.Sub(c.Now()))
		}
		c.Set(got.NextPollAt)
	}
	up.Store(true)
	if res := poll(t, s); res.New != 1 || res.Failed != 0 {
		t.Fatalf("poll after recovery: %+v", res)
	}
	got, _ := db.Feed(t.Context(), f.ID)
	if got.LastError != "" || got.Failures != 0 || !got.NextPollAt.Equal(c.Now().Add(15*time.Minute)) {
		t.Errorf("after recovery: %+v", got)
	}
}

// Two nodes on one PostgreSQL database poll a due feed exactly once.
func TestPollOnceAcrossNodes(t *testing.T) {
	url := storetest.PostgresURL(t)
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		time.Sleep(50 * time.Millisecond) // long enough for the other node to look
		fmt.Fprint(w, rss("one", "two"))
	}))
	defer srv.Close()
	var nodes []*Service
	for i := range 2 {
		db, err := store.OpenPostgres(t.Context(), url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		nodes = append(nodes, newService(t, db, Options{Poll: PollOptions{Owner: fmt.Sprintf("node-%d", i)}}))
	}
	for i := range 5 {
		addFeed(t, nodes[0], fmt.Sprintf("%s/feed/%d", srv.URL, i))
	}
	var wg sync.WaitGroup
	results := make([]PollResult, 4)
	for i := range results {
		wg.Go(func() {
			res, err := nodes[i%2].PollDue(context.Background())
			if err != nil {
				t.Errorf("node %d: %v", i%2, err)
			}
			results[i] = res
		})
	}
	wg.Wait()
	polled := 0
	for _, r := range results {
		polled += r.Polled
	}
	if polled != 5 || hits.Load() != 5 {
		t.Errorf("%d polls, %d requests for 5 due feeds: want each polled once", polled, hits.Load())
	}
}

func TestAddFeedRefuses(t *testing.T) {
	db := storetest.SQLite(t)
	world(t, db)
	s := newService(t, db, Options{})
	good := NewFeed{URL: "https://example.com/rss", Lang: "ur", Section: "world", Every: time.Hour}
	f, err := s.AddFeed(t.Context(), good)
	if err != nil || f.Name != "example.com" || f.Lang != "ur" || f.Every != time.Hour {
		t.Fatalf("good feed: %+v, %v", f, err)
	}
	bad := []NewFeed{
		{URL: ""},
		{URL: "ftp://example.com/feed"},
		{URL: "javascript:alert(1)"},
		{URL: "file:///etc/passwd"},
		{URL: "/relative/feed"},
		{URL: "https://user:secret@example.com/feed"},
		{URL: "https://example.com/" + strings.Repeat("a", store.MaxFeedURL)},
		{URL: "https://exa mple.com/"},
		{URL: "https://example.com/\x00"},
		{URL: "https://example.com/\nX-Header: y"},
		{URL: "https://"},
		{URL: "https://example.com/a", Lang: "tlh"},
		{URL: "https://example.com/b", Section: "nowhere"},
		{URL: "https://example.com/c", Every: time.Second},
		{URL: "https://example.com/d", Every: 365 * 24 * time.Hour},
		{URL: "https://example.com/e", Name: strings.Repeat("n", 201)},
		{URL: "https://example.com/f", Name: "two\nlines"},
		{URL: "https://example.com/rss"}, // already there
	}
	for _, n := range bad {
		if _, err := s.AddFeed(t.Context(), n); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: %v, want ErrInvalid", n.URL, err)
		}
	}
	list, err := s.Feeds(t.Context())
	if err != nil || len(list) != 1 {
		t.Errorf("feeds after refusals: %d, %v", len(list), err)
	}
	if err := s.RemoveFeed(t.Context(), f.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed(t.Context(), f.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("remove twice: %v", err)
	}
}

func FuzzCheckFeedURL(f *testing.F) {
	for _, s := range []string{"https://example.com/rss", "http://a/b?c=d#e", "https://u:p@h/", "ftp://x", "", "https://[::1]:80/x", "http://%41/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := CheckFeedURL(raw)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: %v is not ErrInvalid", raw, err)
			}
			return
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(u.String()) > store.MaxFeedURL+10 {
			t.Fatalf("%q accepted as %q", raw, u)
		}
	})
}
