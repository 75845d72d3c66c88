package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// Failed logins are kept one row each, so that LoginFailures is an exact
// count for any since, on every node sharing the database. Each new
// failure prunes the key's rows older than loginFailureKeep, which bounds
// the table by the failures of the last day; throttling looks back minutes,
// not days.
const loginFailureKeep = 24 * time.Hour

// maxThrottleKey is the longest key stored as it is; see throttleKey.
const maxThrottleKey = 256

// RecordLoginFailure counts one failed login for key at at (zero for the
// store's clock).
func (db *DB) RecordLoginFailure(ctx context.Context, key string, at time.Time) error {
	at = db.nowOr(at)
	k := throttleKey(key)
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		if _, err := c.exec(ctx, `DELETE FROM login_failures WHERE key = ? AND at < ?`,
			k, db.timeArg(at.Add(-loginFailureKeep))); err != nil {
			return err
		}
		_, err := c.exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, k, db.timeArg(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// LoginFailures counts key's failed logins at or after since (within the
// last day: older ones are pruned). A zero since counts all that are kept.
func (db *DB) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	if since.IsZero() {
		since = time.Unix(0, 0) // NULL would compare as unknown and count nothing
	}
	var n int
	err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?`,
		throttleKey(key), db.timeArg(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: login failures: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets key's failures, after a successful login.
func (db *DB) ClearLoginFailures(ctx context.Context, key string) error {
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		_, err := c.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, throttleKey(key))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: clear login failures: %w", err)
	}
	return nil
}

// throttleKey is the stored form of a key. Keys come from whatever a
// client typed as an email, and throttling must work whatever that was: a
// key too long, or one that a database could not store, is kept as its
// SHA-256, which still counts every failure of that exact key.
func throttleKey(key string) string {
	if len(key) <= maxThrottleKey && storable(key) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}
