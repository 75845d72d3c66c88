package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// TryLease takes or renews the lease called name for owner until the given
// time, and reports whether owner holds it. It succeeds when nobody holds
// the lease, when its holder's time ran out before now, or when owner
// already holds it; one statement decides, so two nodes asking at once
// cannot both win.
func (db *DB) TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error) {
	if name == "" || owner == "" || !until.After(now) {
		return false, fmt.Errorf("store: lease %q: want a name, an owner and an end after now", name)
	}
	var got string
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		return c.queryRow(ctx, `
			INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
			WHERE leases.owner = excluded.owner OR leases.until < ?
			RETURNING owner`,
			name, owner, db.timeArg(until), db.timeArg(now)).Scan(&got)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // held by another node
	}
	if err != nil {
		return false, fmt.Errorf("store: lease %q: %w", name, err)
	}
	return got == owner, nil
}

// ReleaseLease gives up owner's lease, if owner holds it, so that another
// node may take it at once (a clean shutdown).
func (db *DB) ReleaseLease(ctx context.Context, name, owner string) error {
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		_, err := c.exec(ctx, `DELETE FROM leases WHERE name = ? AND owner = ?`, name, owner)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: release lease %q: %w", name, err)
	}
	return nil
}
