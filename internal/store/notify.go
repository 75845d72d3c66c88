package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// changeHub wakes the followers of the change log when it grows. Each
// waiter takes the current channel; a signal closes it and puts a fresh one
// in its place, so every waiter wakes exactly once per signal and nobody
// has to drain anything.
type changeHub struct {
	mu sync.Mutex
	ch chan struct{}
}

func newChangeHub() *changeHub { return &changeHub{ch: make(chan struct{})} }

func (h *changeHub) wait() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ch
}

func (h *changeHub) signal() {
	h.mu.Lock()
	defer h.mu.Unlock()
	close(h.ch)
	h.ch = make(chan struct{})
}

// Changed returns a channel that is closed when the change log next grows:
// at the commit of an append made through this DB and, on PostgreSQL, of
// one made by any other node (heard with LISTEN). A follower takes the
// channel before it reads the log and waits on it after, so that nothing
// appended in between is missed; it still reads from its own position, so
// a lost notification only delays it until its next timed look.
func (db *DB) Changed() <-chan struct{} {
	if db.listenURL != "" {
		db.listenStart.Do(db.startListener)
	}
	return db.hub.wait()
}

func (db *DB) startListener() {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	db.stop, db.done = cancel, make(chan struct{})
	go func() {
		defer close(db.done)
		db.listen(ctx, db.listenURL)
	}()
}

// notifyChannel is the PostgreSQL channel appends are announced on.
const notifyChannel = "qasid_changes"

// listenBackoff bounds the wait before the listener connects again.
const listenBackoff = 5 * time.Second

// listen holds one connection of its own (LISTEN needs a session, which a
// pool cannot promise) and signals the hub for every notification. After a
// lost connection it connects again and signals once, because appends may
// have happened while it was away: followers then catch up from their own
// sequence numbers. It returns when ctx ends.
func (db *DB) listen(ctx context.Context, url string) {
	for ctx.Err() == nil {
		err := db.listenOnce(ctx, url)
		if ctx.Err() != nil {
			return
		}
		db.log.WarnContext(ctx, "store: change listener lost its connection; reconnecting", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(listenBackoff):
		}
	}
}

func (db *DB) listenOnce(ctx context.Context, url string) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close(context.WithoutCancel(ctx))
	if _, err := c.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	db.hub.signal() // whatever happened while not listening
	for {
		if _, err := c.WaitForNotification(ctx); err != nil {
			return err
		}
		db.hub.signal()
	}
}

// announce tells other nodes, at commit, that the log grew. Inside the
// transaction, so a rolled-back append announces nothing.
func (postgresDialect) announce(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_notify($1, '')", notifyChannel); err != nil {
		return fmt.Errorf("announce change: %w", err)
	}
	return nil
}

// announce has nobody to tell: SQLite serves one process, whose own
// followers the hub wakes after commit.
func (sqliteDialect) announce(context.Context, *sql.Tx) error { return nil }
