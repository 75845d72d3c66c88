package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

// DeliveryStore keeps webhook deliveries: queued in the same transaction
// as the follower position that covers the change they announce, leased
// by one worker at a time, retried.
//
// The queue is a table, not a job library: the same SQL runs on SQLite and
// PostgreSQL, a lease (status leased, lease_until) marks a row as taken,
// and on PostgreSQL SKIP LOCKED lets the workers of several nodes claim
// side by side without waiting on each other or taking the same row.
// Attempts only grows; it is the fencing token a worker hands back when it
// records an outcome, so a worker whose lease ran out cannot overwrite the
// outcome of the worker that took the row after it.
type DeliveryStore interface {
	// EnqueueDeliveries adds ds (those not yet queued: a delivery is one
	// per endpoint and change-log entry) and moves the named follower's
	// position to seq, in one transaction. It returns how many were new.
	// Each delivery needs EndpointID, ChangeSeq, StoryID, Version, Event,
	// DeliveryID, CreatedAt and GiveUpAt; NextAttemptAt defaults to
	// CreatedAt; the store sets Status pending and Attempts 0.
	EnqueueDeliveries(ctx context.Context, follower string, seq int64, ds []Delivery) (int, error)
	// ClaimDeliveries leases up to limit deliveries that are due at now
	// (pending and next_attempt_at <= now, or leased with a lease that ran
	// out) until now+lease, adding one to their attempts, and returns them
	// oldest due first. Rows another worker holds are skipped, not waited for.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// RecordDeliveryAttempt records the outcome of an attempt on a leased
	// delivery. It is ErrConflict when the lease is no longer the
	// caller's (the delivery was claimed again, or redelivered, meanwhile).
	RecordDeliveryAttempt(ctx context.Context, a DeliveryAttempt) error
	// Delivery is one delivery by its id.
	Delivery(ctx context.Context, id int64) (Delivery, error)
	// Deliveries is an endpoint's delivery log, newest first. A limit of
	// 0 or less means 50; at most 500.
	Deliveries(ctx context.Context, endpointID int64, limit int) ([]Delivery, error)
	// RedeliverDelivery makes a delivery pending again, due at now and
	// retried until giveUpAt, keeping its DeliveryID and its attempts. A
	// delivery under a live lease is ErrConflict: it is being tried now.
	RedeliverDelivery(ctx context.Context, id int64, now, giveUpAt time.Time) (Delivery, error)
	// DeliveryBacklog counts deliveries still to be made (pending or
	// leased): the queue depth an operator watches.
	DeliveryBacklog(ctx context.Context) (int, error)
}

// DeliveryStatus is where a delivery stands in the queue.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"   // waiting for NextAttemptAt
	DeliveryLeased    DeliveryStatus = "leased"    // a worker is trying it until LeaseUntil
	DeliveryDelivered DeliveryStatus = "delivered" // the endpoint answered 2xx
	DeliveryFailed    DeliveryStatus = "failed"    // given up
)

// Delivery is one change-log entry (a publish, correction or kill of one
// story version) to be posted to one webhook endpoint.
type Delivery struct {
	ID            int64
	EndpointID    int64
	ChangeSeq     int64
	StoryID       int64
	Version       int
	Event         story.ChangeKind // publish, correct or kill
	DeliveryID    string           // the same on every attempt, so receivers can drop repeats
	Status        DeliveryStatus
	Attempts      int
	NextAttemptAt time.Time
	LeaseUntil    time.Time // zero unless leased
	GiveUpAt      time.Time // a failed attempt after this fails the delivery for good
	LastStatus    int       // HTTP status of the last attempt; 0 for none or a network error
	LastError     string
	CreatedAt     time.Time
	DeliveredAt   time.Time // zero until delivered
}

// DeliveryAttempt is the outcome of one attempt.
type DeliveryAttempt struct {
	ID      int64
	Attempt int            // the Attempts of the claimed delivery: the lease's fencing token
	Status  DeliveryStatus // delivered, pending (try again at NextAttemptAt) or failed
	At      time.Time      // when the attempt ended: DeliveredAt for a delivery
	// NextAttemptAt is required for pending.
	NextAttemptAt time.Time
	HTTPStatus    int
	Error         string
}

// Limits on what a delivery row holds.
const (
	maxDeliveryID    = 100
	maxDeliveryError = 2000
	defaultDelivLog  = 50
	maxDelivLog      = 500
	maxClaim         = 100
)

// deliveryColumns are read by scanDeliveries, in this order.
const deliveryColumns = `id, endpoint_id, change_seq, story_id, version, event, delivery_id, status,
	attempts, next_attempt_at, lease_until, give_up_at, last_status, last_error, created_at, delivered_at`

// deliveryDialect is the one thing the queue needs that the two databases
// spell differently: how a worker's SELECT skips rows another holds. It
// lives beside the dialects, in delivery_sqlite.go and delivery_postgres.go.
type deliveryDialect interface {
	skipLocked() string
}

func validEvent(k story.ChangeKind) bool {
	return k == story.ChangePublish || k == story.ChangeCorrect || k == story.ChangeKill
}

func checkNewDelivery(d Delivery) error {
	var probs []string
	if d.EndpointID <= 0 || d.ChangeSeq <= 0 || d.StoryID <= 0 || d.Version < 1 {
		probs = append(probs, "endpoint, change, story and version are required")
	}
	if !validEvent(d.Event) {
		probs = append(probs, fmt.Sprintf("event %q is not publish, correct or kill", d.Event))
	}
	if d.DeliveryID == "" || len(d.DeliveryID) > maxDeliveryID || !utf8.ValidString(d.DeliveryID) || strings.IndexByte(d.DeliveryID, 0) >= 0 {
		probs = append(probs, fmt.Sprintf("a delivery id of 1 to %d bytes is required", maxDeliveryID))
	}
	if d.CreatedAt.IsZero() || d.GiveUpAt.IsZero() {
		probs = append(probs, "created and give-up times are required")
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// EnqueueDeliveries queues ds and moves the follower, all or nothing. A
// follower that crashes after this commits resumes after seq and queues
// nothing twice; one that crashes before queued nothing and moved nothing.
// Two followers racing over the same changes both succeed: the unique
// (endpoint, change) rule keeps the first row and the position keeps the
// furthest seq.
func (db *DB) EnqueueDeliveries(ctx context.Context, follower string, seq int64, ds []Delivery) (int, error) {
	if err := checkFollower(follower, seq); err != nil {
		return 0, fmt.Errorf("store: enqueue deliveries: %w", err)
	}
	for _, d := range ds {
		if err := checkNewDelivery(d); err != nil {
			return 0, fmt.Errorf("store: enqueue deliveries: %w", err)
		}
	}
	var added int
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		added = 0
		for _, d := range ds {
			next := d.NextAttemptAt
			if next.IsZero() {
				next = d.CreatedAt
			}
			res, err := c.exec(ctx, `
				INSERT INTO deliveries (endpoint_id, change_seq, story_id, version, event, delivery_id, status,
					attempts, next_attempt_at, give_up_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
				ON CONFLICT (endpoint_id, change_seq) DO NOTHING`,
				d.EndpointID, d.ChangeSeq, d.StoryID, d.Version, string(d.Event), d.DeliveryID, string(DeliveryPending),
				db.timeArg(next), db.timeArg(d.GiveUpAt), db.timeArg(d.CreatedAt))
			if err != nil {
				return fmt.Errorf("insert delivery for endpoint %d, change %d: %w", d.EndpointID, d.ChangeSeq, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		return setFollower(ctx, c, follower, seq)
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue deliveries: %w", err)
	}
	return added, nil
}

// ClaimDeliveries leases due deliveries. On SQLite the single writer makes
// the claim exclusive; on PostgreSQL the inner SELECT locks the rows it
// picks and skips those another transaction has locked, and re-checks the
// condition on a row that changed under it, so two workers never lease the
// same row at once.
func (db *DB) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error) {
	if lease <= 0 {
		return nil, fmt.Errorf("store: claim deliveries: %w: the lease must be positive", story.ErrInvalid)
	}
	if limit <= 0 {
		limit = 1
	}
	limit = min(limit, maxClaim)
	now = storeTime(now)
	skip := db.d.(deliveryDialect).skipLocked()
	var out []Delivery
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var err error
		out, err = queryDeliveries(ctx, c, `
			UPDATE deliveries
			SET status = ?, lease_until = ?, attempts = attempts + 1
			WHERE id IN (
				SELECT id FROM deliveries
				WHERE (status = ? AND next_attempt_at <= ?) OR (status = ? AND lease_until < ?)
				ORDER BY next_attempt_at, id
				LIMIT ?`+skip+`
			)
			RETURNING `+deliveryColumns,
			string(DeliveryLeased), db.timeArg(now.Add(lease)),
			string(DeliveryPending), db.timeArg(now), string(DeliveryLeased), db.timeArg(now),
			limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	// RETURNING promises no order.
	slices.SortFunc(out, func(a, b Delivery) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// RecordDeliveryAttempt ends a lease with the attempt's outcome.
func (db *DB) RecordDeliveryAttempt(ctx context.Context, a DeliveryAttempt) error {
	var next, delivered any
	switch a.Status {
	case DeliveryPending:
		if a.NextAttemptAt.IsZero() {
			return fmt.Errorf("store: record delivery %d: %w: a retry needs its time", a.ID, story.ErrInvalid)
		}
		next = db.timeArg(a.NextAttemptAt)
	case DeliveryDelivered:
		delivered = db.timeArg(a.At)
	case DeliveryFailed:
	default:
		return fmt.Errorf("store: record delivery %d: %w: status %q is not an outcome", a.ID, story.ErrInvalid, a.Status)
	}
	if a.At.IsZero() {
		return fmt.Errorf("store: record delivery %d: %w: the attempt's time is required", a.ID, story.ErrInvalid)
	}
	if err := checkText("error", a.Error, maxDeliveryError); err != nil {
		return fmt.Errorf("store: record delivery %d: %w", a.ID, err)
	}
	var affected int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `
			UPDATE deliveries
			SET status = ?, next_attempt_at = COALESCE(?, next_attempt_at), lease_until = NULL,
				last_status = ?, last_error = ?, delivered_at = COALESCE(?, delivered_at)
			WHERE id = ? AND status = ? AND attempts = ?`,
			string(a.Status), next, a.HTTPStatus, a.Error, delivered,
			a.ID, string(DeliveryLeased), a.Attempt)
		if err != nil {
			return err
		}
		affected, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record delivery %d: %w", a.ID, err)
	}
	if affected == 0 {
		return fmt.Errorf("store: record delivery %d: %w: the lease of attempt %d is no longer held", a.ID, ErrConflict, a.Attempt)
	}
	return nil
}

// Delivery reads one delivery.
func (db *DB) Delivery(ctx context.Context, id int64) (Delivery, error) {
	out, err := queryDeliveries(ctx, db.read(), `SELECT `+deliveryColumns+` FROM deliveries WHERE id = ?`, id)
	if err != nil {
		return Delivery{}, fmt.Errorf("store: delivery %d: %w", id, err)
	}
	if len(out) == 0 {
		return Delivery{}, fmt.Errorf("store: delivery %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// Deliveries lists an endpoint's deliveries, newest first.
func (db *DB) Deliveries(ctx context.Context, endpointID int64, limit int) ([]Delivery, error) {
	if limit <= 0 {
		limit = defaultDelivLog
	}
	limit = min(limit, maxDelivLog)
	out, err := queryDeliveries(ctx, db.read(), `
		SELECT `+deliveryColumns+` FROM deliveries
		WHERE endpoint_id = ?
		ORDER BY id DESC
		LIMIT ?`, endpointID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: deliveries of endpoint %d: %w", endpointID, err)
	}
	return out, nil
}

// RedeliverDelivery queues a delivery again.
func (db *DB) RedeliverDelivery(ctx context.Context, id int64, now, giveUpAt time.Time) (Delivery, error) {
	if now.IsZero() || giveUpAt.Before(now) {
		return Delivery{}, fmt.Errorf("store: redeliver %d: %w: a time and a later give-up time are required", id, story.ErrInvalid)
	}
	var out []Delivery
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var err error
		out, err = queryDeliveries(ctx, c, `
			UPDATE deliveries
			SET status = ?, next_attempt_at = ?, give_up_at = ?, lease_until = NULL, delivered_at = NULL
			WHERE id = ? AND NOT (status = ? AND lease_until >= ?)
			RETURNING `+deliveryColumns,
			string(DeliveryPending), db.timeArg(now), db.timeArg(giveUpAt),
			id, string(DeliveryLeased), db.timeArg(now))
		if err != nil || len(out) > 0 {
			return err
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return fmt.Errorf("%w: the delivery is being attempted now", ErrConflict)
	})
	if err != nil {
		return Delivery{}, fmt.Errorf("store: redeliver %d: %w", id, err)
	}
	return out[0], nil
}

func queryDeliveries(ctx context.Context, c conn, query string, args ...any) ([]Delivery, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var event, status string
		err := rows.Scan(&d.ID, &d.EndpointID, &d.ChangeSeq, &d.StoryID, &d.Version, &event, &d.DeliveryID, &status,
			&d.Attempts, scanTime{&d.NextAttemptAt}, scanTime{&d.LeaseUntil}, scanTime{&d.GiveUpAt},
			&d.LastStatus, &d.LastError, scanTime{&d.CreatedAt}, scanTime{&d.DeliveredAt})
		if err != nil {
			return nil, err
		}
		d.Event, d.Status = story.ChangeKind(event), DeliveryStatus(status)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// DeliveryBacklog counts pending and leased deliveries.
func (db *DB) DeliveryBacklog(ctx context.Context) (int, error) {
	var n int
	err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM deliveries WHERE status IN (?, ?)`,
		string(DeliveryPending), string(DeliveryLeased)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: delivery backlog: %w", err)
	}
	return n, nil
}
