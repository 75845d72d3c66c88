package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The whole contract runs once per database: SQLite always, PostgreSQL
// when QASID_TEST_POSTGRES names a server.

func TestSQLite(t *testing.T) {
	runContract(t, func(t *testing.T) (*DB, func(t *testing.T) *DB) {
		path := filepath.Join(t.TempDir(), "qasid.db")
		reopen := func(t *testing.T) *DB {
			t.Helper()
			db, err := OpenSQLite(t.Context(), path, nil)
			if err != nil {
				t.Errorf("open sqlite: %v", err)
				return nil
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		db := reopen(t)
		if db == nil {
			t.FailNow()
		}
		return db, reopen
	})
}

func TestPostgres(t *testing.T) {
	base := os.Getenv("QASID_TEST_POSTGRES")
	if base == "" {
		t.Skip("QASID_TEST_POSTGRES not set")
	}
	runContract(t, func(t *testing.T) (*DB, func(t *testing.T) *DB) {
		u := pgSchema(t, base)
		reopen := func(t *testing.T) *DB {
			t.Helper()
			db, err := OpenPostgres(t.Context(), u, nil)
			if err != nil {
				t.Errorf("open postgres: %v", err)
				return nil
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		db := reopen(t)
		if db == nil {
			t.FailNow()
		}
		return db, reopen
	})
}

// pgSchema creates a schema of its own for one test, drops it when the
// test ends, and returns base with search_path pointing at it, so that
// tests running at once never see each other's tables.
func pgSchema(t *testing.T, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	schema := "qasid_t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	// Cleanups run last-in first-out: this one runs after the test's DB
	// handles (registered later) are closed.
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown parameters as run-time settings
	u.RawQuery = q.Encode()
	return u.String()
}

func TestMigrationFoldersMatch(t *testing.T) {
	names := func(dir string) []string {
		entries, err := fs.ReadDir(migrationFiles, dir)
		if err != nil {
			t.Fatalf("read %s: %v", dir, err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	lite, pg := names(sqliteDialect{}.migrationsDir()), names(postgresDialect{}.migrationsDir())
	if len(lite) == 0 {
		t.Fatal("no migrations")
	}
	if !slices.Equal(lite, pg) {
		t.Errorf("migration folders differ:\nsqlite:   %v\npostgres: %v", lite, pg)
	}
	for _, d := range []dialect{sqliteDialect{}, postgresDialect{}} {
		ms, err := migrations(d.migrationsDir())
		if err != nil {
			t.Errorf("%s: %v", d.name(), err)
			continue
		}
		for i, m := range ms {
			if m.version != i+1 {
				t.Errorf("%s: migration %s is number %d, want %d (no gaps)", d.name(), m.name, m.version, i+1)
			}
		}
	}
}

func TestOpen(t *testing.T) {
	ctx := t.Context()
	t.Run("empty URL opens SQLite in a new data directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		db, err := Open(ctx, "", dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if db.Dialect() != "sqlite" {
			t.Errorf("dialect %q, want sqlite", db.Dialect())
		}
		fi, err := os.Stat(filepath.Join(dir, "qasid.db"))
		if err != nil {
			t.Fatalf("database file: %v", err)
		}
		if fi.Size() == 0 {
			t.Error("database file is empty")
		}
		di, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if perm := di.Mode().Perm(); perm&0o007 != 0 {
			t.Errorf("data directory mode %v is open to others", perm)
		}
	})
	for _, tc := range []struct {
		name, url, dir, want string
	}{
		{"other scheme", "mysql://u:secret@h/db", "x", "must start with"},
		{"bare path", "/var/lib/qasid.db", "x", "must start with"},
		{"nothing at all", "", "", "no data directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(ctx, tc.url, tc.dir, nil)
			if err == nil {
				db.Close()
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error %q leaks the URL's password", err)
			}
		})
	}
	t.Run("postgres URL that cannot connect", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		_, err := Open(cctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=1", "", nil)
		if err == nil || !strings.Contains(err.Error(), "store: open postgres") {
			t.Errorf("error %v, want a postgres open error", err)
		}
	})
}

// SQLite's pragmas must hold on every connection, the writer's and the
// readers'; the readers must not write.
func TestSQLitePragmas(t *testing.T) {
	ctx := t.Context()
	db, err := OpenSQLite(ctx, filepath.Join(t.TempDir(), "p.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, tc := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"synchronous", "1"}, // NORMAL
		{"temp_store", "2"},  // MEMORY
		{"busy_timeout", "5000"},
	} {
		for name, pool := range map[string]*sql.DB{"writer": db.writer, "reader": db.reader} {
			var got string
			if err := pool.QueryRowContext(ctx, "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatalf("%s %s: %v", name, tc.pragma, err)
			}
			if got != tc.want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", name, tc.pragma, got, tc.want)
			}
		}
	}
	if n := db.writer.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer allows %d connections, want 1", n)
	}
	_, err = db.reader.ExecContext(ctx, `INSERT INTO families (key, created_at) VALUES ('x', 'y')`)
	if err == nil || !strings.Contains(err.Error(), "readonly") {
		t.Errorf("a reader connection writing: %v, want a read-only error", err)
	}
	// Foreign keys are enforced, not just reported on.
	_, err = db.writer.ExecContext(ctx, `INSERT INTO stories (family_id, lang, headline, section, status, created_at, updated_at)
		VALUES (999, 'en', 'h', 's', 'draft', 'x', 'x')`)
	if err == nil {
		t.Error("a story of a missing family was accepted")
	}
}

func TestRebind(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"IN (?, ?, ?)", "IN ($1, $2, $3)"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1"},
		{`"we?rd" = ? AND z = 'it''s ?' AND w = ?`, `"we?rd" = $1 AND z = 'it''s ?' AND w = $2`},
	} {
		if got := (postgresDialect{}).rebind(tc.in); got != tc.want {
			t.Errorf("rebind(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := (sqliteDialect{}).rebind(tc.in); got != tc.in {
			t.Errorf("sqlite rebind(%q) = %q, want it unchanged", tc.in, got)
		}
	}
}

func TestPage(t *testing.T) {
	for _, tc := range []struct {
		q                     ListQuery
		wantLimit, wantOffset int
	}{
		{ListQuery{}, 20, 0},
		{ListQuery{Limit: 5, Offset: 10}, 5, 10},
		{ListQuery{Limit: 201}, 200, 0},
		{ListQuery{Limit: -1, Offset: -7}, 20, 0},
	} {
		l, o := page(tc.q)
		if l != tc.wantLimit || o != tc.wantOffset {
			t.Errorf("page(%+v) = %d, %d; want %d, %d", tc.q, l, o, tc.wantLimit, tc.wantOffset)
		}
	}
}

func TestNoNUL(t *testing.T) {
	if err := noNUL(map[string]string{"a": "fine", "b": "نص"}); err != nil {
		t.Errorf("clean text refused: %v", err)
	}
	err := noNUL(map[string]string{"z": "x\x00", "a": "\x00", "m": "ok"})
	if err == nil || err.Error() != "a, z contains a NUL byte" {
		t.Errorf("got %v, want both fields named in order", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("NUL error looks like not found")
	}
}

// Another process holding SQLite's write lock makes the store wait, not
// fail; an error it cannot wait out is one write retries.
func TestSQLiteBusy(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "busy.db")
	db, err := OpenSQLite(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	raw := func() *sql.DB {
		p, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	holder, err := raw().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	_, err = raw().ExecContext(ctx, "BEGIN IMMEDIATE")
	if err == nil {
		t.Fatal("a second writer got the lock")
	}
	d := sqliteDialect{}
	if !d.retryable(err) || d.isUnique(err) {
		t.Errorf("%v: retryable %v, unique %v; want retryable only", err, d.retryable(err), d.isUnique(err))
	}

	released := make(chan error, 1)
	go func() {
		time.Sleep(200 * time.Millisecond)
		_, err := holder.ExecContext(context.Background(), "ROLLBACK")
		released <- err
	}()
	start := time.Now()
	if _, err := db.CreateFamily(ctx, "waited"); err != nil {
		t.Errorf("write while another process held the lock: %v", err)
	}
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("write took %v; it cannot have waited for the lock", waited)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
}
