package desk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire"
)

// TestDeliveryLog: an admin sees an endpoint's deliveries with their
// status and last error, and can send one again.
func TestDeliveryLog(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := context.Background()
	var fail atomic.Bool
	fail.Store(true)
	var got atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		if fail.Load() {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	ws := wire.New(wire.Options{Store: f.db})
	sub, _, err := ws.AddSubscriber(ctx, wire.NewSubscriber{Name: "Harbour Times"})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := ws.AddEndpoint(ctx, sub.ID, recv.URL+"/hook", "s3cret-s3cret-s3cret")
	if err != nil {
		t.Fatal(err)
	}
	// Stories published after the endpoint exists are delivered to it.
	a := newsroom.Actor{User: f.users[auth.RoleEditor], IP: "127.0.0.1"}
	st := story.Story{Lang: "en", Section: "world", Headline: "Ferry service resumes", Body: "Boats sailed again.\n"}
	if err := f.svc.Create(ctx, a, &st); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Publish(ctx, a, st.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.hooks.Enqueue(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.hooks.DeliverOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got.Load() != 1 {
		t.Fatalf("receiver got %d attempts, want 1", got.Load())
	}
	admin := f.login(t, auth.RoleAdmin)
	base := "/desk/subscribers/" + strconv.FormatInt(sub.ID, 10) + "/endpoints/" + strconv.FormatInt(ep.ID, 10) + "/deliveries"
	page := admin.get(base)
	if page.status != 200 || !strings.Contains(page.body, "HTTP 503") || !strings.Contains(page.body, ">"+strconv.FormatInt(st.ID, 10)+"</a>") {
		t.Fatalf("delivery log: %d %.600s", page.status, page.body)
	}
	if r := admin.get("/desk/subscribers"); !strings.Contains(r.body, base) {
		t.Error("the subscribers page does not link the delivery log")
	}
	// Redeliver: the failed attempt is queued again at once.
	log, err := f.hooks.Log(ctx, ep.ID, 10)
	if err != nil || len(log) != 1 {
		t.Fatalf("log: %v %v", log, err)
	}
	fail.Store(false)
	r := admin.post(base+"/"+strconv.FormatInt(log[0].ID, 10)+"/redeliver", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("redeliver: %d %.300s", r.status, r.body)
	}
	if _, err := f.hooks.DeliverOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if log, _ = f.hooks.Log(ctx, ep.ID, 10); log[0].Status != "delivered" || got.Load() != 2 {
		t.Errorf("after redelivery: %s, %d attempts at the receiver", log[0].Status, got.Load())
	}
	// Only admins, and only for the endpoint's own subscriber.
	if r := f.login(t, auth.RoleEditor).get(base); r.status != http.StatusForbidden {
		t.Errorf("editor on the delivery log: %d, want 403", r.status)
	}
	wrong := "/desk/subscribers/" + strconv.FormatInt(sub.ID+1, 10) + "/endpoints/" + strconv.FormatInt(ep.ID, 10) + "/deliveries"
	if r := admin.get(wrong); r.status != http.StatusNotFound {
		t.Errorf("endpoint under another subscriber: %d, want 404", r.status)
	}
}
