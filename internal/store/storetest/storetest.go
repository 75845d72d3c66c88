// Package storetest opens real stores for tests in other packages: SQLite
// in a temporary folder always, and PostgreSQL, in a schema of the test's
// own, when QASID_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, to create and drop test schemas

	"github.com/qasid/qasid/internal/store"
)

// SQLite opens a fresh SQLite store that is closed when the test ends.
func SQLite(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "qasid.db"), nil)
	if err != nil {
		t.Fatalf("storetest: open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresURL creates a schema of the test's own on the QASID_TEST_POSTGRES
// server and returns a URL that uses it; the schema is dropped when the test
// ends. It skips the test when the variable is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("QASID_TEST_POSTGRES")
	if base == "" {
		t.Skip("QASID_TEST_POSTGRES not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "qasid_t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// Postgres opens a fresh PostgreSQL store in a schema of the test's own, or
// skips the test when QASID_TEST_POSTGRES is unset.
func Postgres(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.OpenPostgres(context.Background(), PostgresURL(t), nil)
	if err != nil {
		t.Fatalf("storetest: open postgres: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Each runs f as a subtest on SQLite and, when configured, on PostgreSQL.
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, Postgres(t)) })
}
