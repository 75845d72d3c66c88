package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/story"
)

func deliveryContract() []contractTest {
	return []contractTest{
		{"deliveries: enqueue once, with the follower", testEnqueueDeliveries},
		{"deliveries: claim and lease", testClaimDeliveries},
		{"deliveries: outcomes", testDeliveryOutcomes},
		{"deliveries: redeliver", testRedeliver},
		{"deliveries: log", testDeliveryLog},
		{"deliveries: concurrent claims take each once", testConcurrentClaims},
	}
}

// newDelivery is a delivery of story st's version 1 for endpoint ep,
// announcing change seq, created at at(min) and given 24 hours.
func newDelivery(st story.Story, ep, seq int64, min int) Delivery {
	return Delivery{EndpointID: ep, ChangeSeq: seq, StoryID: st.ID, Version: 1, Event: story.ChangePublish,
		DeliveryID: fmt.Sprintf("d-%d-%d", ep, seq), CreatedAt: at(min), GiveUpAt: at(min).Add(24 * time.Hour)}
}

// endpoints creates a subscriber with n webhook endpoints and returns
// their ids.
func endpoints(t *testing.T, db *DB, n int) []int64 {
	t.Helper()
	sub := Subscriber{Name: "Daily Example"}
	if err := db.CreateSubscriber(t.Context(), &sub); err != nil {
		t.Fatalf("create subscriber: %v", err)
	}
	var out []int64
	for i := range n {
		e := Endpoint{SubscriberID: sub.ID, URL: fmt.Sprintf("https://example.com/hook/%d", i), Secret: "s3cret"}
		if err := db.CreateEndpoint(t.Context(), &e); err != nil {
			t.Fatalf("create endpoint: %v", err)
		}
		out = append(out, e.ID)
	}
	return out
}

func enqueue(t *testing.T, db *DB, seq int64, ds ...Delivery) {
	t.Helper()
	if _, err := db.EnqueueDeliveries(t.Context(), "webhooks", seq, ds); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
}

func claim(t *testing.T, db *DB, now time.Time, limit int) []Delivery {
	t.Helper()
	ds, err := db.ClaimDeliveries(t.Context(), now, time.Minute, limit)
	if err != nil {
		t.Fatalf("claim at %v: %v", now, err)
	}
	return ds
}

func deliveryIDs(ds []Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.DeliveryID)
	}
	return out
}

func testEnqueueDeliveries(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	ep := endpoints(t, db, 3)
	n, err := db.EnqueueDeliveries(ctx, "webhooks", 5, []Delivery{newDelivery(st, ep[0], 5, 0), newDelivery(st, ep[1], 5, 0)})
	if err != nil || n != 2 {
		t.Fatalf("enqueue: %d, %v; want 2 new", n, err)
	}
	// The same change again, as after a crash between commit and the
	// follower's next read, or from a second node: nothing new, and the
	// first delivery id stays.
	again := newDelivery(st, ep[0], 5, 1)
	again.DeliveryID = "other"
	n, err = db.EnqueueDeliveries(ctx, "webhooks", 4, []Delivery{again, newDelivery(st, ep[0], 6, 1)})
	if err != nil || n != 1 {
		t.Fatalf("enqueue again: %d, %v; want 1 new", n, err)
	}
	if seq, _ := db.FollowerSeq(ctx, "webhooks"); seq != 5 {
		t.Errorf("follower at %d, want 5 (never back)", seq)
	}
	db2 := reopen(t)
	if db2 == nil {
		t.FailNow()
	}
	log, err := db2.Deliveries(ctx, ep[0], 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(deliveryIDs(log), " "), fmt.Sprintf("d-%d-6 d-%[1]d-5", ep[0]); got != want {
		t.Errorf("endpoint's deliveries %q, want %q", got, want)
	}
	d := log[1]
	if d.Status != DeliveryPending || d.Attempts != 0 || !d.NextAttemptAt.Equal(storeTime(at(0))) ||
		!d.CreatedAt.Equal(storeTime(at(0))) || !d.GiveUpAt.Equal(storeTime(at(0).Add(24*time.Hour))) ||
		d.StoryID != st.ID || d.Version != 1 || d.Event != story.ChangePublish || d.ChangeSeq != 5 ||
		!d.LeaseUntil.IsZero() || !d.DeliveredAt.IsZero() {
		t.Errorf("queued delivery %+v", d)
	}

	// A bad delivery fails the whole batch: nothing queued, follower unmoved.
	for name, edit := range map[string]func(*Delivery){
		"no endpoint":   func(d *Delivery) { d.EndpointID = 0 },
		"no change":     func(d *Delivery) { d.ChangeSeq = 0 },
		"no version":    func(d *Delivery) { d.Version = 0 },
		"bad event":     func(d *Delivery) { d.Event = story.ChangeEmbargoLift },
		"no id":         func(d *Delivery) { d.DeliveryID = "" },
		"long id":       func(d *Delivery) { d.DeliveryID = strings.Repeat("x", maxDeliveryID+1) },
		"NUL in id":     func(d *Delivery) { d.DeliveryID = "a\x00b" },
		"no created":    func(d *Delivery) { d.CreatedAt = time.Time{} },
		"no give up at": func(d *Delivery) { d.GiveUpAt = time.Time{} },
	} {
		bad := newDelivery(st, ep[2], 9, 0)
		edit(&bad)
		_, err := db.EnqueueDeliveries(ctx, "webhooks", 9, []Delivery{newDelivery(st, ep[2], 8, 0), bad})
		wantErr(t, name, err, story.ErrInvalid)
	}
	_, err = db.EnqueueDeliveries(ctx, "", 9, nil)
	wantErr(t, "no follower", err, story.ErrInvalid)
	if log, _ := db.Deliveries(ctx, ep[2], 0); len(log) != 0 {
		t.Errorf("a refused batch queued %d deliveries", len(log))
	}
	if seq, _ := db.FollowerSeq(ctx, "webhooks"); seq != 5 {
		t.Errorf("a refused batch moved the follower to %d", seq)
	}
	// An empty batch still moves the follower: changes that concern no
	// endpoint are passed over.
	if n, err := db.EnqueueDeliveries(ctx, "webhooks", 20, nil); err != nil || n != 0 {
		t.Errorf("empty batch: %d, %v", n, err)
	}
	if seq, _ := db.FollowerSeq(ctx, "webhooks"); seq != 20 {
		t.Errorf("follower at %d after an empty batch, want 20", seq)
	}
}

func testClaimDeliveries(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	ep := endpoints(t, db, 1)[0]
	later := newDelivery(st, ep, 3, 10) // due at minute 10
	enqueue(t, db, 3, newDelivery(st, ep, 2, 1), newDelivery(st, ep, 1, 0), later)
	backlog := func(want int) {
		t.Helper()
		if n, err := db.DeliveryBacklog(ctx); err != nil || n != want {
			t.Errorf("backlog %d (%v), want %d", n, err, want)
		}
	}
	backlog(3)

	if got := claim(t, db, at(0).Add(-time.Second), 10); len(got) != 0 {
		t.Errorf("claimed %v before anything was due", deliveryIDs(got))
	}
	got := claim(t, db, at(5), 10)
	if ids := strings.Join(deliveryIDs(got), " "); ids != fmt.Sprintf("d-%d-1 d-%[1]d-2", ep) {
		t.Fatalf("claimed %q at minute 5, want the two due, oldest first", ids)
	}
	for _, d := range got {
		if d.Status != DeliveryLeased || d.Attempts != 1 || !d.LeaseUntil.Equal(storeTime(at(6))) {
			t.Errorf("claimed %+v, want leased until minute 6 on attempt 1", d)
		}
	}
	if again := claim(t, db, at(5).Add(59*time.Second), 10); len(again) != 0 {
		t.Errorf("claimed %v again under a live lease", deliveryIDs(again))
	}
	// A limit takes the oldest due.
	if one := claim(t, db, at(10), 1); len(one) != 1 || one[0].ID != got[0].ID {
		t.Errorf("claim of one at minute 10: %v, want d-1-1 (its lease ran out)", deliveryIDs(one))
	}
	// The worker whose lease ran out cannot record over the new one.
	err := db.RecordDeliveryAttempt(ctx, DeliveryAttempt{ID: got[0].ID, Attempt: 1, Status: DeliveryDelivered, At: at(10)})
	wantErr(t, "record with a lost lease", err, ErrConflict)
	d, _ := db.Delivery(ctx, got[0].ID)
	if d.Status != DeliveryLeased || d.Attempts != 2 {
		t.Errorf("after a stale record: %s on attempt %d, want leased on attempt 2", d.Status, d.Attempts)
	}
	if err := db.RecordDeliveryAttempt(ctx, DeliveryAttempt{ID: d.ID, Attempt: 2, Status: DeliveryDelivered, At: at(10)}); err != nil {
		t.Errorf("record by the lease holder: %v", err)
	}
	backlog(2) // one delivered; one leased, one pending remain
	_, err = db.ClaimDeliveries(ctx, at(10), 0, 1)
	wantErr(t, "no lease", err, story.ErrInvalid)
}

func testDeliveryOutcomes(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	eps := endpoints(t, db, 3)
	tests := []struct {
		name      string
		attempt   DeliveryAttempt
		want      DeliveryStatus
		claimable []time.Time // claims at these times take it again
		never     time.Time   // a claim at this time does not
	}{
		{"delivered", DeliveryAttempt{Status: DeliveryDelivered, HTTPStatus: 204}, DeliveryDelivered, nil, at(60 * 48)},
		{"retry", DeliveryAttempt{Status: DeliveryPending, NextAttemptAt: at(30), HTTPStatus: 500, Error: "500 Internal Server Error"},
			DeliveryPending, []time.Time{at(30)}, at(29)},
		{"failed", DeliveryAttempt{Status: DeliveryFailed, Error: "dial tcp: connection refused"}, DeliveryFailed, nil, at(60 * 48)},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep := eps[i]
			enqueue(t, db, int64(i+1), newDelivery(st, ep, int64(i+1), 0))
			var d Delivery
			for _, c := range claim(t, db, at(1), 100) {
				if c.EndpointID == ep {
					d = c
				}
			}
			if d.ID == 0 {
				t.Fatal("not claimed")
			}
			a := tc.attempt
			a.ID, a.Attempt, a.At = d.ID, d.Attempts, at(1)
			if err := db.RecordDeliveryAttempt(ctx, a); err != nil {
				t.Fatal(err)
			}
			got, err := db.Delivery(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want || got.LastStatus != a.HTTPStatus || got.LastError != a.Error || !got.LeaseUntil.IsZero() {
				t.Errorf("after %s: %+v", tc.name, got)
			}
			if wantDelivered := tc.want == DeliveryDelivered; wantDelivered != !got.DeliveredAt.IsZero() {
				t.Errorf("delivered at %v for %s", got.DeliveredAt, tc.want)
			}
			if tc.want == DeliveryPending && !got.NextAttemptAt.Equal(storeTime(at(30))) {
				t.Errorf("next attempt at %v, want minute 30", got.NextAttemptAt)
			}
			has := func(ds []Delivery) bool {
				for _, c := range ds {
					if c.ID == d.ID {
						return true
					}
				}
				return false
			}
			if has(claim(t, db, tc.never, 100)) {
				t.Errorf("%s delivery claimed at %v", tc.name, tc.never)
			}
			for _, when := range tc.claimable {
				if c := claim(t, db, when, 100); !has(c) {
					t.Errorf("%s delivery not claimed at %v", tc.name, when)
				}
			}
			// A second record of the same attempt finds no lease.
			err = db.RecordDeliveryAttempt(ctx, a)
			wantErr(t, "record twice", err, ErrConflict)
		})
	}
	for name, a := range map[string]DeliveryAttempt{
		"retry without time": {ID: 1, Attempt: 1, Status: DeliveryPending, At: at(1)},
		"not an outcome":     {ID: 1, Attempt: 1, Status: DeliveryLeased, At: at(1)},
		"no time":            {ID: 1, Attempt: 1, Status: DeliveryFailed},
		"long error":         {ID: 1, Attempt: 1, Status: DeliveryFailed, At: at(1), Error: strings.Repeat("e", maxDeliveryError+1)},
		"NUL in error":       {ID: 1, Attempt: 1, Status: DeliveryFailed, At: at(1), Error: "a\x00"},
	} {
		wantErr(t, name, db.RecordDeliveryAttempt(ctx, a), story.ErrInvalid)
	}
}

func testRedeliver(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	enqueue(t, db, 1, newDelivery(st, endpoints(t, db, 1)[0], 1, 0))
	d := claim(t, db, at(0), 1)[0]

	_, err := db.RedeliverDelivery(ctx, d.ID, at(0).Add(time.Second), at(60))
	wantErr(t, "redeliver under a live lease", err, ErrConflict)
	if err := db.RecordDeliveryAttempt(ctx, DeliveryAttempt{ID: d.ID, Attempt: 1, Status: DeliveryFailed, At: at(0), HTTPStatus: 410}); err != nil {
		t.Fatal(err)
	}
	got, err := db.RedeliverDelivery(ctx, d.ID, at(100), at(100+24*60))
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != DeliveryPending || got.DeliveryID != d.DeliveryID || got.Attempts != 1 ||
		!got.NextAttemptAt.Equal(storeTime(at(100))) || !got.GiveUpAt.Equal(storeTime(at(100+24*60))) {
		t.Errorf("redelivered %+v", got)
	}
	again := claim(t, db, at(100), 1)
	if len(again) != 1 || again[0].DeliveryID != d.DeliveryID || again[0].Attempts != 2 {
		t.Errorf("claim after redeliver: %+v", again)
	}
	// A lease that ran out no longer protects the delivery.
	if _, err := db.RedeliverDelivery(ctx, d.ID, at(200), at(300)); err != nil {
		t.Errorf("redeliver after the lease ran out: %v", err)
	}
	_, err = db.RedeliverDelivery(ctx, 999999, at(100), at(200))
	wantErr(t, "redeliver unknown", err, ErrNotFound)
	_, err = db.RedeliverDelivery(ctx, d.ID, at(100), at(99))
	wantErr(t, "give up before now", err, story.ErrInvalid)
	_, err = db.Delivery(ctx, 999999)
	wantErr(t, "unknown delivery", err, ErrNotFound)
}

func testDeliveryLog(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	ep := endpoints(t, db, 2)
	for seq := int64(1); seq <= 5; seq++ {
		enqueue(t, db, seq, newDelivery(st, ep[0], seq, int(seq)), newDelivery(st, ep[1], seq, int(seq)))
	}
	log, err := db.Deliveries(ctx, ep[0], 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(deliveryIDs(log), " "), fmt.Sprintf("d-%d-5 d-%[1]d-4 d-%[1]d-3", ep[0]); got != want {
		t.Errorf("log, 3 newest: %q, want %q", got, want)
	}
	if log, _ := db.Deliveries(ctx, 999999, 0); len(log) != 0 {
		t.Errorf("an endpoint without deliveries has %d", len(log))
	}
}

// Two stores on one database stand for two nodes; several workers on each
// claim until the queue is empty. Every delivery must be claimed exactly
// once. On SQLite the writer serialises the claims; on PostgreSQL this is
// SKIP LOCKED at work.
func testConcurrentClaims(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	st := publish(t, db, draft(t, db, family(t, db), "en").ID, at(0))
	const n = 120
	ep := endpoints(t, db, 1)[0]
	var ds []Delivery
	for seq := int64(1); seq <= n; seq++ {
		ds = append(ds, newDelivery(st, ep, seq, 0))
	}
	enqueue(t, db, n, ds...)
	other := reopen(t)
	if other == nil {
		t.FailNow()
	}
	claimEachOnce(t, db, other, n, "deliveries", func(node *DB, w int) ([]int64, error) {
		got, err := node.ClaimDeliveries(ctx, at(1), time.Hour, 3)
		ids := make([]int64, len(got))
		for i, d := range got {
			ids[i] = d.ID
		}
		return ids, err
	})
}

// claimEachOnce runs six workers, half on db and half on a second
// connection (another node), each claiming until the queue is empty, and
// checks that together they took each of n rows exactly once. claim is one
// worker's claim of a few rows, returning their ids. The loops are bounded
// so that a queue handing out rows forever fails the test, not hangs it.
func claimEachOnce(t *testing.T, db, other *DB, n int, what string, claim func(node *DB, worker int) ([]int64, error)) {
	t.Helper()
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w := range 6 {
		node := db
		if w%2 == 1 {
			node = other
		}
		wg.Go(func() {
			for range n {
				ids, err := claim(node, w)
				if err != nil {
					t.Errorf("worker %d: %v", w, err)
					return
				}
				if len(ids) == 0 {
					return
				}
				mu.Lock()
				for _, id := range ids {
					seen[id]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d %s claimed, want %d", len(seen), what, n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("%s %d claimed %d times", what, id, k)
		}
	}
}
