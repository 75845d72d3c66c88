package webhook

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// BenchmarkPublishToReceive measures, on the real clock, the time from an
// editor's publish to the moment a subscriber's HTTP receiver on 127.0.0.1
// has the signed item: the change log wakes the enqueue loop at commit and
// the enqueue wakes the delivery loop. It reports the p50 and p95 over
// b.N publications (one at a time) on SQLite.
//
//	go test -run '^$' -bench PublishToReceive -benchtime 200x ./internal/webhook
func BenchmarkPublishToReceive(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := store.OpenSQLite(ctx, filepath.Join(b.TempDir(), "qasid.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.SaveAgency(ctx, demo.Agency()); err != nil {
		b.Fatal(err)
	}
	for _, s := range demo.Sections() {
		if err := db.SaveSection(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	var got atomic.Int64
	arrived := make(chan struct{}, 1)
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		w.WriteHeader(http.StatusNoContent)
		select {
		case arrived <- struct{}{}:
		default:
		}
	}))
	defer rc.Close()
	sub := store.Subscriber{Name: "Bench Daily"}
	if err := db.CreateSubscriber(ctx, &sub); err != nil {
		b.Fatal(err)
	}
	if err := db.CreateEndpoint(ctx, &store.Endpoint{SubscriberID: sub.ID, URL: rc.URL + "/hook", Secret: secret}); err != nil {
		b.Fatal(err)
	}
	editor := auth.User{Email: "editor@example.com", Name: "Editor", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"}
	if err := db.CreateUser(ctx, &editor, audit.Entry{Actor: "system", Action: audit.UserCreate}); err != nil {
		b.Fatal(err)
	}
	var delivered atomic.Int64
	svc, err := New(Options{Store: db, BaseURL: "https://news.example.org", Every: 10 * time.Second,
		Observe: func(outcome string) {
			if outcome == "delivered" {
				delivered.Add(1)
			}
		}})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); svc.Run(ctx) }()
	nr := newsroom.New(newsroom.Options{Store: db})
	actor := newsroom.Actor{User: editor, IP: "192.0.2.1"}

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		st := story.Story{Lang: "en", Headline: "Benchmark dispatch", Section: "world", Summary: "A summary.",
			Body: "Rain fell on **Lahore** today.", Dateline: story.Dateline{Place: "Lahore"}}
		if err := nr.Create(ctx, actor, &st); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := nr.Publish(ctx, actor, st.ID, time.Time{}); err != nil {
			b.Fatal(err)
		}
		for got.Load() < int64(i+1) {
			select {
			case <-arrived:
			case <-time.After(30 * time.Second):
				b.Fatalf("publication %d not received within 30 s", i+1)
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	// The receiver answers before the worker records the outcome.
	for deadline := time.Now().Add(10 * time.Second); delivered.Load() < int64(b.N) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if delivered.Load() != int64(b.N) {
		b.Errorf("Observe saw %d deliveries, want %d", delivered.Load(), b.N)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)*95)/100].Microseconds())/1000, "p95-ms")
}
