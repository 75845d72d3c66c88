package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// DeliverOnce is one worker pass: it leases the deliveries due now (a
// small batch), posts them side by side and records each outcome. It
// returns how many it attempted. A failed attempt is not an error of the
// pass; errors are the store's.
func (s *Service) DeliverOnce(ctx context.Context) (int, error) {
	ds, err := s.st.ClaimDeliveries(ctx, s.clock(), lease, claimBatch)
	if err != nil {
		return 0, fmt.Errorf("webhook: deliver: %w", err)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(ds))
	for i, d := range ds {
		wg.Go(func() { errs[i] = s.deliver(ctx, d) })
	}
	wg.Wait()
	return len(ds), errors.Join(errs...)
}

// outcome is what an attempt came to.
type outcome struct {
	status    int   // HTTP status; 0 when there was no answer
	err       error // nil when delivered
	permanent bool  // retrying cannot help: fail at once
}

// deliver makes one attempt at d and records it.
func (s *Service) deliver(ctx context.Context, d store.Delivery) error {
	o := s.attempt(ctx, d)
	now := s.clock()
	a := store.DeliveryAttempt{ID: d.ID, Attempt: d.Attempts, At: now, HTTPStatus: o.status}
	switch {
	case o.err == nil:
		a.Status = store.DeliveryDelivered
	case o.permanent || !now.Before(d.GiveUpAt):
		a.Status = store.DeliveryFailed
	default:
		a.Status = store.DeliveryPending
		a.NextAttemptAt = now.Add(backoff(d.Attempts))
		if a.NextAttemptAt.After(d.GiveUpAt) {
			// One last try when the time runs out, rather than none.
			a.NextAttemptAt = d.GiveUpAt
		}
	}
	if o.err != nil {
		a.Error = errorText(o.err)
	}
	log := s.log.With("delivery_id", d.DeliveryID, "endpoint_id", d.EndpointID, "story_id", d.StoryID,
		"version", d.Version, "event", string(d.Event), "attempt", d.Attempts, "http_status", o.status)
	outcome := "retry"
	switch a.Status {
	case store.DeliveryDelivered:
		outcome = "delivered"
		log.InfoContext(ctx, "webhook: delivered")
	case store.DeliveryFailed:
		outcome = "failed"
		log.WarnContext(ctx, "webhook: delivery failed for good", "err", o.err)
	default:
		log.InfoContext(ctx, "webhook: delivery will be retried", "err", o.err, "next_attempt_at", a.NextAttemptAt)
	}
	if s.observe != nil {
		s.observe(outcome)
	}
	// The record must land even if ctx ended while posting: a lease left
	// to run out would only send the same delivery again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.st.RecordDeliveryAttempt(rctx, a); err != nil {
		if errors.Is(err, store.ErrConflict) {
			// Another worker took the delivery over (this one was too
			// slow) or an admin redelivered it: its record stands.
			log.WarnContext(ctx, "webhook: lease lost; outcome dropped", "err", err)
			return nil
		}
		return fmt.Errorf("webhook: record delivery %s: %w", d.DeliveryID, err)
	}
	return nil
}

// attempt renders and posts d once.
func (s *Service) attempt(ctx context.Context, d store.Delivery) outcome {
	ep, err := s.st.Endpoint(ctx, d.EndpointID)
	if err != nil {
		return outcome{err: fmt.Errorf("endpoint: %w", err), permanent: errors.Is(err, store.ErrNotFound)}
	}
	if !ep.Active {
		return outcome{err: errors.New("endpoint removed"), permanent: true}
	}
	sub, err := s.st.Subscriber(ctx, ep.SubscriberID)
	if err != nil {
		return outcome{err: fmt.Errorf("subscriber: %w", err), permanent: errors.Is(err, store.ErrNotFound)}
	}
	if sub.Status != store.SubscriberActive {
		return outcome{err: errors.New("subscriber suspended"), permanent: true}
	}
	body, err := s.render(ctx, d)
	if err != nil {
		return outcome{err: fmt.Errorf("render: %w", err),
			permanent: errors.Is(err, store.ErrNotFound) || errors.Is(err, ninjs.ErrInput)}
	}
	return s.post(ctx, ep, d, body)
}

func (s *Service) post(ctx context.Context, ep store.Endpoint, d store.Delivery, body []byte) outcome {
	ts := s.clock().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(body))
	if err != nil {
		// The URL cannot make a request: it will not get better.
		return outcome{err: fmt.Errorf("request: %w", err), permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Qasid-Webhook/1")
	req.Header.Set(HeaderDelivery, d.DeliveryID)
	req.Header.Set(HeaderEvent, string(d.Event))
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(ep.Secret, ts, body))
	resp, err := s.client.Do(req)
	if err != nil {
		return outcome{err: err}
	}
	defer resp.Body.Close()
	// A little of the answer says why it failed; the rest is drained so
	// the connection can be reused.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return outcome{status: resp.StatusCode}
	}
	msg := resp.Status
	if t := strings.TrimSpace(string(snippet)); t != "" {
		msg += ": " + t
	}
	return outcome{status: resp.StatusCode, err: errors.New(msg)}
}

// backoff is the wait after the given attempt (1 for the first) failed:
// a random time up to min(cap, base·2^(attempt-1)).
func backoff(attempt int) time.Duration {
	ceil := backoffCap
	if attempt >= 1 && attempt <= 20 {
		ceil = min(backoffCap, backoffBase<<(attempt-1))
	}
	// At least a second, so that a retry is never immediate.
	return time.Second + rand.N(ceil-time.Second)
}

// errorText makes an error storable and short: valid UTF-8, no NUL, at
// most maxError bytes.
func errorText(err error) string {
	t := strings.ToValidUTF8(err.Error(), "\uFFFD")
	t = strings.ReplaceAll(t, "\x00", "")
	if len(t) > maxError {
		t = t[:maxError]
		t = strings.ToValidUTF8(t, "") // do not cut a character in half
	}
	return t
}
