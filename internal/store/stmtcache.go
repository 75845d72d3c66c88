package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCache runs the reads of the SQLite reader pool through prepared
// statements kept by query text. database/sql prepares a plain query anew
// on every call, and for SQLite (C translated to Go) preparing costs more
// than running: at 100,000 stories, three quarters of a cold story page's
// store time went to parsing SQL, the public_stories view re-expanded each
// time. A kept *sql.Stmt is prepared once per pool connection and reset,
// not re-parsed, on later calls. PostgreSQL's driver keeps its own
// per-connection statement cache, so only SQLite uses this.
//
// The cache is bounded: list queries build IN (?, ?, …) lists of varying
// length, each a text of its own. The least recently used statement is
// closed when the bound is reached, but only once no call is between
// taking it and starting its query (database/sql itself keeps a closed
// statement alive for rows still open).
type stmtCache struct {
	db  *sql.DB
	max int

	mu    sync.Mutex
	byKey map[string]*list.Element // query text → element of lru
	lru   *list.List               // of *cachedStmt, most recently used first
}

type cachedStmt struct {
	query   string
	stmt    *sql.Stmt
	users   int  // calls between get and release
	evicted bool // out of the cache; close when users drops to 0
}

// stmtCacheSize bounds the statements kept. The store has some 300 query
// texts in all and a page uses a dozen; each kept statement costs a few
// kilobytes per reader connection.
const stmtCacheSize = 256

func newStmtCache(db *sql.DB, max int) *stmtCache {
	return &stmtCache{db: db, max: max, byKey: map[string]*list.Element{}, lru: list.New()}
}

// get returns the statement for query, preparing it on a miss, or nil when
// it cannot be prepared: the caller then runs the query plainly, which
// reports the error as it always did.
func (c *stmtCache) get(ctx context.Context, query string) *cachedStmt {
	c.mu.Lock()
	if el, ok := c.byKey[query]; ok {
		cs := el.Value.(*cachedStmt)
		cs.users++
		c.lru.MoveToFront(el)
		c.mu.Unlock()
		return cs
	}
	c.mu.Unlock()
	// Prepared outside the lock: a slow prepare must not hold up hits.
	// Two callers missing at once both prepare; the second keeps the
	// first's and closes its own.
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[query]; ok {
		st.Close()
		cs := el.Value.(*cachedStmt)
		cs.users++
		c.lru.MoveToFront(el)
		return cs
	}
	cs := &cachedStmt{query: query, stmt: st, users: 1}
	c.byKey[query] = c.lru.PushFront(cs)
	for c.lru.Len() > c.max {
		old := c.lru.Remove(c.lru.Back()).(*cachedStmt)
		delete(c.byKey, old.query)
		old.evicted = true
		if old.users == 0 {
			old.stmt.Close()
		}
	}
	return cs
}

// release ends a call that get began.
func (c *stmtCache) release(cs *cachedStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs.users--
	if cs.evicted && cs.users == 0 {
		cs.stmt.Close()
	}
}

// close closes every statement kept, before the pool itself closes.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.lru.Front(); el != nil; el = el.Next() {
		cs := el.Value.(*cachedStmt)
		cs.evicted = true
		if cs.users == 0 {
			cs.stmt.Close()
		}
	}
	c.lru.Init()
	c.byKey = map[string]*list.Element{}
}

// len is how many statements are kept (tests).
func (c *stmtCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// The runner methods, so that a conn reads through the cache.

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	cs := c.get(ctx, query)
	if cs == nil {
		return c.db.ExecContext(ctx, query, args...)
	}
	defer c.release(cs)
	return cs.stmt.ExecContext(ctx, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	cs := c.get(ctx, query)
	if cs == nil {
		return c.db.QueryContext(ctx, query, args...)
	}
	defer c.release(cs)
	return cs.stmt.QueryContext(ctx, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	cs := c.get(ctx, query)
	if cs == nil {
		return c.db.QueryRowContext(ctx, query, args...)
	}
	defer c.release(cs)
	return cs.stmt.QueryRowContext(ctx, args...)
}
