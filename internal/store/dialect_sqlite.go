package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"time"

	// modernc.org/sqlite is SQLite's C source translated to Go: Qasid stays
	// one static binary built without cgo, and FTS5 (for search) comes
	// compiled in. It registers the driver name "sqlite".
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqliteReaders is the size of the reader pool. WAL lets readers run while
// the writer writes; a handful covers a busy site on a small machine.
const sqliteReaders = 4

// OpenSQLite opens (creating if need be) the SQLite database at path and
// brings its schema up to date.
func OpenSQLite(ctx context.Context, path string, log *slog.Logger) (*DB, error) {
	return openSQLite(ctx, path, log, 0)
}

// sqliteMaxMap is SQLite's own ceiling on a memory map
// (SQLITE_MAX_MMAP_SIZE): a larger size is cut to it.
const sqliteMaxMap = 0x7fff0000

func openSQLite(ctx context.Context, path string, log *slog.Logger, mapBytes int64) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: open sqlite: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}

	writer, err := sql.Open("sqlite", sqliteDSN(abs, false, 0))
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0) // keep the one connection (and its page cache)
	if err := sqliteCheck(ctx, writer); err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}

	// The readers open after the writer has created the file and put it in
	// WAL mode, which a read-only connection cannot do.
	reader, err := sql.Open("sqlite", sqliteDSN(abs, true, mapBytes))
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	reader.SetMaxOpenConns(sqliteReaders)
	reader.SetMaxIdleConns(sqliteReaders)
	if err := reader.PingContext(ctx); err != nil {
		writer.Close()
		reader.Close()
		return nil, fmt.Errorf("store: open sqlite readers: %w", err)
	}
	db, err := newDB(ctx, writer, reader, sqliteDialect{}, log)
	if err != nil {
		return nil, err
	}
	db.stmts = newStmtCache(reader, stmtCacheSize)
	return db, nil
}

// sqliteDSN builds the connection string. The pragmas live in the DSN, not
// in a one-off Exec, so that every connection the pool opens, now or after
// a reconnect, gets them. busy_timeout comes first so that the pragmas after
// it wait for a lock instead of failing; the driver also runs it first
// whatever the order.
func sqliteDSN(path string, readOnly bool, mapBytes int64) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)") // safe with WAL: a crash may lose the last commits, never corrupt
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if mapBytes > 0 {
		q.Add("_pragma", fmt.Sprintf("mmap_size(%d)", min(mapBytes, sqliteMaxMap)))
	}
	if readOnly {
		// A reader that tries to write fails loudly instead of competing
		// with the writer for the lock.
		q.Set("mode", "ro")
	} else {
		// Take the write lock at BEGIN: a deferred transaction that reads
		// then writes can fail with SQLITE_BUSY when another process wrote
		// in between, which no busy_timeout can cure.
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Path: path, RawQuery: q.Encode()}
	return u.String()
}

// sqliteCheck opens the first connection, which creates the file, and
// confirms the pragmas took: a file system without shared memory, for one,
// silently keeps the old journal mode.
func sqliteCheck(ctx context.Context, db *sql.DB) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	return nil
}

type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }

// SQLite speaks ? natively.
func (sqliteDialect) rebind(query string) string { return query }

// SQLite has no row locks: the single writer connection and BEGIN
// IMMEDIATE already make every write transaction exclusive.
func (sqliteDialect) forUpdate() string { return "" }

func (sqliteDialect) timeArg(t time.Time) any { return t.UTC().Format(sqliteTimeLayout) }

func (sqliteDialect) isUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func (sqliteDialect) retryable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	// Extended result codes are on; the primary code is the low byte.
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}

// The writer's BEGIN IMMEDIATE holds the database's write lock for the
// whole transaction, which is lock enough for both.
func (sqliteDialect) lockMigrations(context.Context, *sql.Tx) error { return nil }
func (sqliteDialect) lockChanges(context.Context, *sql.Tx) error    { return nil }

func (sqliteDialect) migrationsDir() string { return "migrations/sqlite" }

func (sqliteDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
)`
}
