package webhook

import (
	"context"
	"encoding/json"
	"github.com/qasid/qasid/internal/clock"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

const secret = "whsec_test_0123456789"

func newClock() *clock.Fake {
	// After the real now: endpoints are stamped with the store's real
	// clock, and an endpoint receives only what changed after it was added.
	return clock.NewFake(time.Now().UTC().Add(time.Minute).Truncate(time.Second))
}

// hit is one request the receiver got.
type hit struct {
	path   string
	header http.Header
	body   []byte
	status int // what the receiver answered
}

// receiver is a real HTTP server on 127.0.0.1 that fails the first
// failFirst attempts of every delivery with a 500 and takes the rest.
type receiver struct {
	srv       *httptest.Server
	mu        sync.Mutex
	failFirst int
	hits      []hit
	seen      map[string]int // attempts by delivery id
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst, seen: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("receiver: read body: %v", err)
		}
		rc.mu.Lock()
		id := r.Header.Get(HeaderDelivery)
		rc.seen[id]++
		status := http.StatusNoContent
		if rc.seen[id] <= rc.failFirst {
			status = http.StatusInternalServerError
		}
		rc.hits = append(rc.hits, hit{path: r.URL.Path, header: r.Header.Clone(), body: body, status: status})
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) all() []hit {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.hits)
}

// delivered lists the hits that were answered 2xx.
func (rc *receiver) delivered() []hit {
	var out []hit
	for _, h := range rc.all() {
		if h.status < 300 {
			out = append(out, h)
		}
	}
	return out
}

// world is an agency with one subscriber's endpoint on the receiver, and
// a second subscriber, entitled to French only, whose endpoint must get
// nothing of an English story.
type world struct {
	ctx      context.Context
	clock    *clock.Fake
	rc       *receiver
	endpoint store.Endpoint
	french   store.Endpoint
	editor   auth.User
}

func setUp(t *testing.T, db store.Store, failFirst int) *world {
	t.Helper()
	ctx := t.Context()
	w := &world{ctx: ctx, clock: newClock(), rc: newReceiver(t, failFirst)}
	if err := db.SaveAgency(ctx, demo.Agency()); err != nil {
		t.Fatal(err)
	}
	for _, s := range demo.Sections() {
		if err := db.SaveSection(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	w.endpoint = addEndpoint(t, db, "Daily Example", nil, w.rc.srv.URL+"/hook")
	w.french = addEndpoint(t, db, "Le Quotidien", []string{"fr"}, w.rc.srv.URL+"/fr")
	w.editor = auth.User{Email: "editor@example.com", Name: "Editor", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"}
	if err := db.CreateUser(ctx, &w.editor, audit.Entry{At: w.clock.Now(), Actor: "system", Action: audit.UserCreate}); err != nil {
		t.Fatal(err)
	}
	return w
}

func addEndpoint(t *testing.T, db store.Store, name string, langs []string, url string) store.Endpoint {
	t.Helper()
	sub := store.Subscriber{Name: name, Languages: langs}
	if err := db.CreateSubscriber(t.Context(), &sub); err != nil {
		t.Fatal(err)
	}
	ep := store.Endpoint{SubscriberID: sub.ID, URL: url, Secret: secret}
	if err := db.CreateEndpoint(t.Context(), &ep); err != nil {
		t.Fatal(err)
	}
	return ep
}

func (w *world) service(t *testing.T, db store.Store) *Service {
	t.Helper()
	s, err := New(Options{Store: db, Now: w.clock.Now, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (w *world) newsroom(db store.Store) (*newsroom.Service, newsroom.Actor) {
	return newsroom.New(newsroom.Options{Store: db, Now: w.clock.Now}), newsroom.Actor{User: w.editor, IP: "192.0.2.1"}
}

// publishStory creates and publishes an English story through the newsroom.
func (w *world) publishStory(t *testing.T, db store.Store, headline string) story.Story {
	t.Helper()
	nr, a := w.newsroom(db)
	st := story.Story{Lang: "en", Headline: headline, Section: "world", Summary: "A summary.",
		Body: "Rain fell on **Lahore** today.", Dateline: story.Dateline{Place: "Lahore"}}
	if err := nr.Create(w.ctx, a, &st); err != nil {
		t.Fatalf("create: %v", err)
	}
	out, err := nr.Publish(w.ctx, a, st.ID, time.Time{})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return out
}

// pass runs the follower and one worker pass.
func pass(t *testing.T, s *Service) {
	t.Helper()
	if _, err := s.Enqueue(t.Context()); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	if _, err := s.DeliverOnce(t.Context()); err != nil {
		t.Fatalf("deliver: %v", err)
	}
}

// item reads the fields of a ninjs item the tests look at.
type item struct {
	URI       string `json:"uri"`
	Version   string `json:"version"`
	PubStatus string `json:"pubstatus"`
	Language  string `json:"language"`
	BodyHTML  string `json:"body_html"`
}

func decode(t *testing.T, body []byte) item {
	t.Helper()
	var it item
	if err := json.Unmarshal(body, &it); err != nil {
		t.Fatalf("ninjs item: %v\n%s", err, body)
	}
	return it
}

// The test: a receiver that fails the first two attempts of every
// delivery; a story published, corrected and killed; qasid restarted
// between attempts. Every version arrives, every signature verifies, and
// the retries of a delivery carry its id.
func TestDeliveryWithFailuresAndRestart(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "qasid.db")
	db, err := store.OpenSQLite(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := setUp(t, db, 2)
	svc := w.service(t, db)

	st := w.publishStory(t, db, "Rain expected in Lahore")
	pass(t, svc) // queued, attempt 1 fails
	if got := len(w.rc.all()); got != 1 {
		t.Fatalf("%d requests after the first pass, want 1", got)
	}
	w.clock.Add(time.Minute) // not yet due (at most 10 s + jitter after attempt 1: due)
	pass(t, svc)             // attempt 2 fails

	// Restart: the service and the store go away; a new process opens the
	// same file.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.OpenSQLite(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	svc = w.service(t, db)

	nr, a := w.newsroom(db)
	cur, err := nr.Story(ctx, a, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Body = "Rain fell on **Lahore** and Kasur today."
	if err := nr.Save(ctx, a, &cur); err != nil {
		t.Fatalf("save: %v", err)
	}
	if _, err := nr.Correct(ctx, a, st.ID, "Adds Kasur."); err != nil {
		t.Fatalf("correct: %v", err)
	}
	pass(t, svc)
	w.clock.Add(time.Minute)
	if _, err := nr.Kill(ctx, a, st.ID, "The report was wrong."); err != nil {
		t.Fatalf("kill: %v", err)
	}
	for i := 0; i < 20 && len(w.rc.delivered()) < 3; i++ {
		pass(t, svc)
		w.clock.Add(backoffCap + time.Second) // every pending delivery is due
	}

	// Every version arrived, once each.
	var got []string
	for _, h := range w.rc.delivered() {
		it := decode(t, h.body)
		got = append(got, h.header.Get(HeaderEvent)+" v"+it.Version+" "+it.PubStatus)
		if it.Language != "en" {
			t.Errorf("item language %q", it.Language)
		}
	}
	slices.Sort(got)
	want := []string{"correct v2 usable", "kill v3 canceled", "publish v1 usable"}
	if !slices.Equal(got, want) {
		t.Errorf("delivered %q, want %q", got, want)
	}

	ids := map[string][]hit{}
	for _, h := range w.rc.all() {
		if h.path != "/hook" {
			t.Errorf("a request reached %s: the French subscriber is not entitled to English", h.path)
		}
		// Every attempt is signed with the endpoint's secret.
		r := &http.Request{Header: h.header}
		if err := Verify(secret, r, h.body, 0); err != nil {
			t.Errorf("signature: %v", err)
		}
		if err := Verify("another secret", r, h.body, 0); err == nil {
			t.Error("a signature verified with the wrong secret")
		}
		if ct := h.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("content type %q", ct)
		}
		id := h.header.Get(HeaderDelivery)
		ids[id] = append(ids[id], h)
	}
	if len(ids) != 3 {
		t.Errorf("%d delivery ids, want 3 (one per version)", len(ids))
	}
	for id, hs := range ids {
		// A delivery's attempts are the same delivery: same event, same
		// item, same id; two failed, the third was taken.
		if len(hs) != 3 {
			t.Errorf("delivery %s: %d attempts, want 3", id, len(hs))
		}
		for _, h := range hs[1:] {
			if h.header.Get(HeaderEvent) != hs[0].header.Get(HeaderEvent) || decode(t, h.body).Version != decode(t, hs[0].body).Version {
				t.Errorf("delivery %s: retries differ", id)
			}
		}
	}

	log, err := svc.Log(ctx, w.endpoint.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("delivery log has %d entries, want 3", len(log))
	}
	for _, d := range log {
		if d.Status != store.DeliveryDelivered || d.Attempts != 3 || d.LastStatus != http.StatusNoContent || d.DeliveredAt.IsZero() {
			t.Errorf("log entry %+v", d)
		}
	}
	if fr, _ := svc.Log(ctx, w.french.ID, 0); len(fr) != 0 {
		t.Errorf("the French endpoint has %d deliveries", len(fr))
	}
}

// Two nodes, each with its own store and service, share one PostgreSQL
// database and run their followers and workers at the same time: each
// delivery reaches the receiver exactly once when nothing fails.
func TestTwoWorkersDeliverOnce(t *testing.T) {
	url := storetest.PostgresURL(t)
	ctx := t.Context()
	var dbs []store.Store
	for range 2 {
		db, err := store.OpenPostgres(ctx, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs = append(dbs, db)
	}
	w := setUp(t, dbs[0], 0)
	second := addEndpoint(t, dbs[0], "Evening Example", []string{"en"}, w.rc.srv.URL+"/hook")
	const stories = 12
	for i := range stories {
		w.publishStory(t, dbs[i%2], "Story "+string(rune('A'+i)))
	}
	var wg sync.WaitGroup
	for n, db := range dbs {
		svc := w.service(t, db)
		for range 2 { // two workers per node
			wg.Go(func() {
				for range 50 {
					if _, err := svc.Enqueue(ctx); err != nil {
						t.Errorf("node %d: enqueue: %v", n, err)
						return
					}
					k, err := svc.DeliverOnce(ctx)
					if err != nil {
						t.Errorf("node %d: deliver: %v", n, err)
						return
					}
					if k == 0 && len(w.rc.all()) >= 2*stories {
						return
					}
				}
			})
		}
	}
	wg.Wait()
	hits := w.rc.all()
	if len(hits) != 2*stories {
		t.Errorf("%d requests, want %d (each story once to each of two endpoints)", len(hits), 2*stories)
	}
	for id, n := range w.rc.seen {
		if n != 1 {
			t.Errorf("delivery %s arrived %d times", id, n)
		}
	}
	for _, ep := range []store.Endpoint{w.endpoint, second} {
		log, err := dbs[1].Deliveries(ctx, ep.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != stories {
			t.Errorf("endpoint %d: %d deliveries queued, want %d", ep.ID, len(log), stories)
		}
		for _, d := range log {
			if d.Status != store.DeliveryDelivered || d.Attempts != 1 {
				t.Errorf("endpoint %d: %+v", ep.ID, d)
			}
		}
	}
}

func TestRedeliver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setUp(t, db, 0)
		svc := w.service(t, db)
		w.publishStory(t, db, "Redelivered")
		pass(t, svc)
		log, err := svc.Log(w.ctx, w.endpoint.ID, 0)
		if err != nil || len(log) != 1 || log[0].Status != store.DeliveryDelivered {
			t.Fatalf("log %+v, %v; want one delivered", log, err)
		}
		d, err := svc.Redeliver(w.ctx, log[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.DeliveryPending || d.DeliveryID != log[0].DeliveryID {
			t.Errorf("redelivered %+v", d)
		}
		pass(t, svc)
		hits := w.rc.all()
		if len(hits) != 2 || hits[0].header.Get(HeaderDelivery) != hits[1].header.Get(HeaderDelivery) {
			t.Errorf("%d requests; a redelivery must carry the first one's id", len(hits))
		}
		after, _ := svc.Log(w.ctx, w.endpoint.ID, 0)
		if after[0].Status != store.DeliveryDelivered || after[0].Attempts != 2 {
			t.Errorf("after redelivery %+v", after[0])
		}
		if _, err := svc.Redeliver(w.ctx, 987654); err == nil {
			t.Error("redelivering an unknown delivery succeeded")
		}
	})
}

// A receiver that never answers 2xx is tried for 24 hours, then the
// delivery fails and is tried no more.
func TestGiveUpAfter24Hours(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setUp(t, db, 1<<30)
		svc := w.service(t, db)
		w.publishStory(t, db, "Never taken")
		start := w.clock.Now()
		for w.clock.Now().Before(start.Add(RetryFor + 2*time.Hour)) {
			pass(t, svc)
			w.clock.Add(backoffCap + time.Second)
		}
		log, err := svc.Log(w.ctx, w.endpoint.ID, 0)
		if err != nil || len(log) != 1 {
			t.Fatalf("log %+v, %v", log, err)
		}
		d := log[0]
		if d.Status != store.DeliveryFailed || d.LastStatus != http.StatusInternalServerError || d.LastError == "" {
			t.Errorf("after 26 hours: %+v, want failed with the last 500", d)
		}
		// With a one-hour cap the attempts come at least hourly: about 25
		// in 24 hours, and none after.
		n := len(w.rc.all())
		if n < 20 || n > 30 || d.Attempts != n {
			t.Errorf("%d requests, %d attempts recorded; want about 25 of each", n, d.Attempts)
		}
		w.clock.Add(48 * time.Hour)
		pass(t, svc)
		if len(w.rc.all()) != n {
			t.Error("a failed delivery was tried again")
		}
	})
}

// What an attempt comes to when the receiver is not there, redirects, or
// the endpoint was removed before the attempt.
func TestAttemptOutcomes(t *testing.T) {
	redirect := httptest.NewServer(http.RedirectHandler("https://elsewhere.example/", http.StatusFound))
	t.Cleanup(redirect.Close)
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close() // nothing listens there now
	tests := []struct {
		name       string
		url        string
		remove     bool
		want       store.DeliveryStatus
		wantStatus int
	}{
		{"connection refused", goneURL, false, store.DeliveryPending, 0},
		{"redirect", redirect.URL, false, store.DeliveryPending, http.StatusFound},
		{"endpoint removed", redirect.URL, true, store.DeliveryFailed, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			w := setUp(t, db, 0)
			ep := addEndpoint(t, db, "Other", nil, tc.url)
			svc := w.service(t, db)
			w.publishStory(t, db, "Outcomes")
			if _, err := svc.Enqueue(w.ctx); err != nil {
				t.Fatal(err)
			}
			if tc.remove {
				if err := db.RemoveEndpoint(w.ctx, ep.SubscriberID, ep.ID); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := svc.DeliverOnce(w.ctx); err != nil {
				t.Fatal(err)
			}
			log, err := svc.Log(w.ctx, ep.ID, 0)
			if err != nil || len(log) != 1 {
				t.Fatalf("log %+v, %v", log, err)
			}
			d := log[0]
			if d.Status != tc.want || d.LastStatus != tc.wantStatus || d.LastError == "" || d.Attempts != 1 {
				t.Errorf("%+v, want %s with HTTP status %d and an error", d, tc.want, tc.wantStatus)
			}
			if tc.want == store.DeliveryPending && !d.NextAttemptAt.After(w.clock.Now()) {
				t.Errorf("retry due at %v, not after now %v", d.NextAttemptAt, w.clock.Now())
			}
		})
	}
}

// Run follows and delivers on its own until its context ends.
func TestRun(t *testing.T) {
	db := storetest.SQLite(t)
	w := setUp(t, db, 0)
	svc, err := New(Options{Store: db, Now: w.clock.Now, BaseURL: "https://news.example.org", Every: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	w.publishStory(t, db, "Run")
	deadline := time.Now().Add(10 * time.Second)
	for len(w.rc.delivered()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if n := len(w.rc.delivered()); n != 1 {
		t.Errorf("Run delivered %d items, want 1", n)
	}
}
