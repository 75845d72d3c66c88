// Package webhook pushes the wire to subscribers: every publish, correction
// and kill is POSTed, as a signed ninjs item, to each webhook endpoint of
// every subscriber entitled to it, at least once, surviving restarts, and
// exactly once among several nodes when nothing fails.
//
// # Why a queue in the store, not River
//
// The queue is a table of the store (store.DeliveryStore) with leases, not
// a job library. River is the well-kept choice on PostgreSQL, but Qasid runs
// on SQLite just as much, and River's SQLite driver is marked early testing
// and wants a single connection, while our SQLite store keeps one writer
// plus a pool of readers. A delivery queue needs very little: due rows, a
// lease, a backoff, a log per endpoint. That is a few statements of SQL that
// run the same on both databases (with SKIP LOCKED on PostgreSQL), tested by
// the store's contract suite on both, and the admin's delivery log reads the
// very rows the workers use.
//
// # Why nothing published is lost or sent twice
//
// The publish transaction writes the change log entry (store.PublishStory,
// KillStory). A follower of the change log (Enqueue) turns each publish,
// correct or kill entry into one delivery per entitled, active endpoint,
// and queues a batch of them together with its new position in the log in
// ONE transaction (store.EnqueueDeliveries). So:
//   - every publish is durably recorded before anyone could deliver it: the
//     entry commits with the publish itself;
//   - a crash before the enqueue commits queues nothing and moves nothing:
//     the next pass reads the same entries again;
//   - a crash after it has queued them and moved past them: nothing repeats;
//   - two nodes following at once queue each (endpoint, entry) once, because
//     the store keeps one delivery per pair and a position never moves back.
//
// The queue is "in the same transaction as the publish" in effect: the
// entry that commits with the publish is the queue's durable input, and the
// follower is a pure function of it.
//
// # Delivery
//
// A worker (DeliverOnce) leases due deliveries, POSTs each and records the
// outcome with the lease's fencing token. A 2xx answer delivers; anything
// else, a redirect or a network error retries with exponential backoff and
// full jitter (10 s doubling to at most an hour) until 24 hours after the
// delivery was queued, then it fails. A worker that dies mid-attempt loses
// its lease and another takes the delivery over, so a receiver may see an
// attempt twice: every attempt of a delivery carries the same
// X-Qasid-Delivery id for it to drop repeats.
package webhook

import (
	"context"
	"errors"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
)

// FollowerName is the webhooks' position in the change log.
const FollowerName = "webhooks"

// The delivery policy.
const (
	// RetryFor is how long a delivery is retried after it was queued
	// (or redelivered).
	RetryFor = 24 * time.Hour
	// backoffBase and backoffCap bound the wait before a retry: attempt n
	// waits a random time up to min(cap, base·2^(n-1)) ("full jitter"),
	// which spreads the retries of many deliveries to one recovering
	// receiver instead of hitting it in waves.
	backoffBase = 10 * time.Second
	backoffCap  = time.Hour
	// clientTimeout bounds one POST, connection to last byte.
	clientTimeout = 10 * time.Second
	// lease is how long a worker holds a claimed delivery. It is well over
	// the client timeout, so a live worker never loses a lease mid-POST.
	lease = 2 * time.Minute
	// claimBatch is how many deliveries one worker pass takes; they are
	// posted side by side, so one slow receiver does not hold up the rest.
	claimBatch = 10
	// enqueueBatch is how many change-log entries one enqueue transaction covers.
	enqueueBatch = 100
	// maxError bounds the error text kept in the delivery log.
	maxError = 500
	// logLimit is the delivery log's default length.
	logLimit = 50
)

// Options configure a Service.
type Options struct {
	Store   store.Store
	Log     *slog.Logger     // nil discards
	Now     func() time.Time // nil means time.Now; tests move the clock
	Client  *http.Client     // nil means a client with a 10 s timeout that follows no redirects
	BaseURL string           // the public origin items name, e.g. https://news.example.org
	// Every is how often Run polls the change log and the queue; 0 means
	// two seconds.
	Every time.Duration
	// Observe, when set, is told the outcome of every attempt: "delivered",
	// "retry" or "failed" (metrics).
	Observe func(outcome string)
}

// Service queues and delivers webhooks. It is safe for concurrent use; any
// number of services, on any number of nodes, may share one database.
type Service struct {
	st      store.Store
	log     *slog.Logger
	now     func() time.Time
	client  *http.Client
	baseURL string
	every   time.Duration
	observe func(outcome string)
	bodies  *render.Renderer
	// queued wakes this node's delivery loop when its enqueue pass has
	// added deliveries, so a publish goes out at once rather than at the
	// next tick (other nodes' loops find the work at theirs).
	queued chan struct{}
}

// New returns a Service over o.Store.
func New(o Options) (*Service, error) {
	cat, err := lang.LoadCatalog()
	if err != nil {
		return nil, fmt.Errorf("webhook: %w", err)
	}
	s := &Service{st: o.Store, log: o.Log, now: o.Now, client: o.Client, baseURL: o.BaseURL, every: o.Every,
		bodies: render.New(o.Store, cat), queued: make(chan struct{}, 1), observe: o.Observe}
	if s.st == nil {
		return nil, errors.New("webhook: no store")
	}
	if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: base URL %q is not an absolute http(s) URL", o.BaseURL)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = &http.Client{
			Timeout: clientTimeout,
			// A redirected POST turns into a GET on most codes; a receiver
			// that moved must have its endpoint changed, so a redirect is
			// an answer that is not 2xx, and is retried.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if s.every <= 0 {
		s.every = 2 * time.Second
	}
	return s, nil
}

func (s *Service) clock() time.Time { return s.now().UTC() }

// Run enqueues and delivers until ctx ends: one loop follows the change
// log, the other works the queue. Errors are logged and retried on the
// next tick.
func (s *Service) Run(ctx context.Context) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.loop(ctx, s.st.Changed, func(ctx context.Context) {
			if n, err := s.Enqueue(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "webhook: enqueue", "err", err)
			} else if n > 0 {
				s.log.InfoContext(ctx, "webhook: queued", "deliveries", n)
				select {
				case s.queued <- struct{}{}:
				default: // a wake-up is already pending
				}
			}
		})
	}()
	s.loop(ctx, func() <-chan struct{} { return s.queued }, func(ctx context.Context) {
		// Keep working while there is work: a pass takes a batch.
		for ctx.Err() == nil {
			n, err := s.DeliverOnce(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "webhook: deliver", "err", err)
			}
			if err != nil || n == 0 {
				return
			}
		}
	})
	<-done
}

// loop runs pass now, then whenever wake's channel fires or s.every has
// passed. wake is asked for its channel before each pass, so that a signal
// sent during the pass is not lost.
func (s *Service) loop(ctx context.Context, wake func() <-chan struct{}, pass func(context.Context)) {
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		w := wake()
		pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-w:
		case <-t.C:
		}
	}
}

// Log is an endpoint's delivery log, newest first: for the admin pages. A
// limit of 0 or less means 50.
func (s *Service) Log(ctx context.Context, endpointID int64, limit int) ([]store.Delivery, error) {
	if limit <= 0 {
		limit = logLimit
	}
	ds, err := s.st.Deliveries(ctx, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("webhook: log: %w", err)
	}
	return ds, nil
}

// Redeliver queues a delivery (by its store id) again at once, retried for
// another 24 hours, with the same X-Qasid-Delivery id so that a receiver
// that did get it can tell. A delivery being attempted right now is
// store.ErrConflict.
func (s *Service) Redeliver(ctx context.Context, id int64) (store.Delivery, error) {
	now := s.clock()
	d, err := s.st.RedeliverDelivery(ctx, id, now, now.Add(RetryFor))
	if err != nil {
		return store.Delivery{}, fmt.Errorf("webhook: redeliver: %w", err)
	}
	s.log.InfoContext(ctx, "webhook: redeliver", "delivery_id", d.DeliveryID, "endpoint_id", d.EndpointID)
	return d, nil
}
