package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the driver name "pgx"
)

// Advisory lock keys, arbitrary but fixed, so that every Qasid node sharing
// a database takes the same locks.
const (
	pgLockMigrations int64 = 0x51617369_00000001 // "Qasi" + 1
	pgLockChanges    int64 = 0x51617369_00000002
)

// OpenPostgres connects to the PostgreSQL database at url and brings its
// schema up to date. One pool serves reads and writes: PostgreSQL has
// row locks and needs no single writer.
func OpenPostgres(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	pool, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	pool.SetMaxOpenConns(16)
	pool.SetMaxIdleConns(8)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	db, err := newDB(ctx, pool, pool, postgresDialect{}, log)
	if err != nil {
		return nil, err
	}
	db.listenURL = url
	return db, nil
}

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }

// rebind numbers the ? placeholders $1, $2, ... It leaves alone a ? inside
// a quoted string or identifier, though the store's SQL has none.
func (postgresDialect) rebind(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte // the quote we are inside, or 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (postgresDialect) forUpdate() string { return " FOR UPDATE" }

func (postgresDialect) timeArg(t time.Time) any { return t.UTC() }

func (postgresDialect) isUnique(err error) bool { return pgCode(err) == "23505" }

func (postgresDialect) retryable(err error) bool {
	switch pgCode(err) {
	case "40001", // serialization_failure
		"40P01": // deadlock_detected
		return true
	}
	return false
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// lockMigrations keeps two nodes that start together from both applying a
// migration. The lock is released when tx ends.
func (postgresDialect) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", pgLockMigrations); err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	return nil
}

// lockChanges makes appends to the change log take turns until commit.
// Without it two transactions could take seq 5 and 6 and commit 6 first; a
// follower reading then would move its cursor past 5 and never see it.
// Holding the lock from nextval to commit makes seq order commit order.
func (postgresDialect) lockChanges(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", pgLockChanges); err != nil {
		return fmt.Errorf("lock change log: %w", err)
	}
	return nil
}

func (postgresDialect) migrationsDir() string { return "migrations/postgres" }

func (postgresDialect) migrationsTable() string {
	return `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL
)`
}
