package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// DB is the Store over database/sql. The SQL is written once, with ?
// placeholders; the dialect rebinds it and answers the few questions whose
// answer depends on the database (see dialect_sqlite.go and
// dialect_postgres.go).
type DB struct {
	// writer takes every write and every transaction. For SQLite it holds a
	// single connection, because SQLite allows one writer at a time and
	// queueing in Go is kinder than queueing on the file lock. For
	// PostgreSQL writer and reader are the same pool.
	writer *sql.DB
	reader *sql.DB
	// stmts, when set, runs plain reads as kept prepared statements
	// (stmtcache.go); SQLite sets it.
	stmts *stmtCache
	d     dialect
	log   *slog.Logger
	now   func() time.Time
	hub   *changeHub
	// The PostgreSQL change listener starts with the first call to
	// Changed (most uses of a store never follow the log, and each
	// listener holds a connection). stop ends it; done is closed when it
	// has ended.
	listenURL   string
	listenStart sync.Once
	mu          sync.Mutex
	closed      bool
	stop        func()
	done        chan struct{}
}

var _ Store = (*DB)(nil)

// dialect is what differs between SQLite and PostgreSQL. Everything else,
// including the SQL of every method, is shared.
type dialect interface {
	name() string
	// rebind turns the ? placeholders of shared SQL into the database's own.
	rebind(query string) string
	// forUpdate is appended to a SELECT that must lock the rows it reads
	// until the transaction ends.
	forUpdate() string
	// timeArg is how a UTC time is passed to the database.
	timeArg(t time.Time) any
	isUnique(err error) bool
	// retryable reports an error after which the same transaction may
	// succeed if simply run again (busy, locked, deadlock, serialization).
	retryable(err error) bool
	// lockMigrations and lockChanges serialize, inside tx, the migration
	// runner and appends to the change log with any other process.
	lockMigrations(ctx context.Context, tx *sql.Tx) error
	lockChanges(ctx context.Context, tx *sql.Tx) error
	// announce, inside tx, lets other processes know at commit that the
	// change log grew (see notify.go).
	announce(ctx context.Context, tx *sql.Tx) error
	// migrationsDir names the dialect's folder under migrations/, and
	// migrationsTable is the DDL of the table that records applied ones.
	migrationsDir() string
	migrationsTable() string
}

// Open opens the store a deployment asks for: SQLite in dataDir when
// databaseURL is empty, PostgreSQL for a postgres:// URL.
func Open(ctx context.Context, databaseURL, dataDir string, log *slog.Logger) (*DB, error) {
	return OpenWith(ctx, databaseURL, dataDir, log, OpenOptions{})
}

// OpenOptions tune a store for the process that opens it.
type OpenOptions struct {
	// SQLiteMap, when above zero, is how many bytes of the SQLite file each
	// reader connection maps into memory, instead of reading each page it
	// misses with a system call. A command that reads the whole database
	// (the bake: a quarter faster at 100,000 stories) gains from it; a
	// server does not, since each connection maps the file on its own
	// and the kernel counts a page once per mapping that touched it, so
	// its resident memory would look several times the file. PostgreSQL
	// ignores it.
	SQLiteMap int64
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, databaseURL, dataDir string, log *slog.Logger, o OpenOptions) (*DB, error) {
	switch {
	case databaseURL == "":
		if dataDir == "" {
			return nil, errors.New("store: open: no database URL and no data directory")
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("store: open: create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "qasid.db"), log, o.SQLiteMap)
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		return OpenPostgres(ctx, databaseURL, log)
	default:
		// Never echo the URL: it may carry a password.
		return nil, errors.New(`store: open: database URL must start with "postgres://" or "postgresql://" (leave it empty for SQLite)`)
	}
}

// newDB wraps opened pools and brings the schema up to date.
func newDB(ctx context.Context, writer, reader *sql.DB, d dialect, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	db := &DB{writer: writer, reader: reader, d: d, log: log, now: time.Now, hub: newChangeHub(), stop: func() {}}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// Dialect names the database behind the store: "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.d.name() }

// Close closes the pools.
func (db *DB) Close() error {
	db.mu.Lock()
	db.closed = true
	stop, done := db.stop, db.done
	db.mu.Unlock()
	stop()
	if done != nil {
		<-done
	}
	if db.stmts != nil {
		db.stmts.close()
	}
	err := db.writer.Close()
	if db.reader != db.writer {
		err = errors.Join(err, db.reader.Close())
	}
	if err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// runner is what *sql.DB and *sql.Tx have in common.
type runner interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs shared SQL on a pool or in a transaction, rebinding it for the
// dialect on the way. Methods that read take a conn so that the same code
// serves a plain read and a read inside a write transaction.
type conn struct {
	r runner
	d dialect
	// appended, in a write transaction, is set when the transaction
	// appends to the change log, so that write wakes followers at commit.
	appended *bool
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.r.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.r.QueryContext(ctx, c.d.rebind(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.r.QueryRowContext(ctx, c.d.rebind(query), args...)
}

// read is the connection for plain reads: the reader pool.
func (db *DB) read() conn {
	if db.stmts != nil {
		return conn{r: db.stmts, d: db.d}
	}
	return conn{r: db.reader, d: db.d}
}

// maxAttempts bounds how often write runs a transaction that failed with a
// retryable error. busy_timeout already waits inside SQLite; the retries
// cover what it cannot, such as a lock held by another process across the
// whole timeout or a PostgreSQL deadlock victim.
const maxAttempts = 4

// write runs fn in a transaction on the writer and commits it, running it
// again on a retryable error. fn may run more than once, so it must not
// change anything outside the transaction; callers copy results out after
// write returns.
func (db *DB) write(ctx context.Context, fn func(c conn, tx *sql.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		var appended bool
		err = db.writeOnce(ctx, &appended, fn)
		if err == nil && appended {
			db.hub.signal()
		}
		if err == nil || attempt == maxAttempts || !db.d.retryable(err) {
			return err
		}
		db.log.WarnContext(ctx, "store: retrying write", "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 20 * time.Millisecond):
		}
	}
}

func (db *DB) writeOnce(ctx context.Context, appended *bool, fn func(c conn, tx *sql.Tx) error) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(conn{r: tx, d: db.d, appended: appended}, tx); err != nil {
		_ = tx.Rollback() // the error from fn is the one worth reporting
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Times are kept to the microsecond, the precision of PostgreSQL's
// timestamptz, so that a time reads back the same from either database.
func storeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// timeArg passes a time to the database; the zero time becomes NULL.
func (db *DB) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.d.timeArg(storeTime(t))
}

// sqliteTimeLayout is how SQLite stores times: fixed width, so text order
// is time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000000Z"

// scanTime reads a time column from either database: SQLite hands back the
// TEXT it stored, PostgreSQL a time.Time. NULL reads as the zero time.
type scanTime struct{ t *time.Time }

func (s scanTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("store: time column holds %T", src)
	}
	return nil
}

func (s scanTime) parse(v string) error {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return fmt.Errorf("store: time column: %w", err)
	}
	*s.t = t.UTC()
	return nil
}

// noNUL rejects text holding a NUL byte. PostgreSQL cannot store one and
// SQLite's string functions stop at one, so the store refuses it on both
// databases alike rather than keep it on one and fail on the other.
func noNUL(fields map[string]string) error {
	var bad []string
	for name, v := range fields {
		if strings.IndexByte(v, 0) >= 0 {
			bad = append(bad, name)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	// Map order is random; sort for a stable message.
	slices.Sort(bad)
	return fmt.Errorf("%s contains a NUL byte", strings.Join(bad, ", "))
}

// collect scans every row with scan and closes rows: the loop every list
// query would otherwise write out again.
func collect[T any](rows *sql.Rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
