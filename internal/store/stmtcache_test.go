package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func openStmtTest(t *testing.T) *DB {
	t.Helper()
	db, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if db.stmts == nil {
		t.Fatal("SQLite reads do not go through the statement cache")
	}
	return db
}

// TestStmtCacheReads: reads through the cache answer as plain ones, each
// text is prepared once, and the bound holds with the least recently used
// statement going first.
func TestStmtCacheReads(t *testing.T) {
	db := openStmtTest(t)
	ctx := t.Context()
	db.stmts.close()
	db.stmts = newStmtCache(db.reader, 3) // a small bound to reach
	c := db.read()
	for i := range 5 {
		var n int
		if err := c.queryRow(ctx, `SELECT ? + 1`, i).Scan(&n); err != nil || n != i+1 {
			t.Fatalf("SELECT %d + 1 = %d, %v", i, n, err)
		}
	}
	if got := db.stmts.len(); got != 1 {
		t.Errorf("one text kept %d statements", got)
	}
	for i := range 4 {
		q := fmt.Sprintf(`SELECT %d`, i)
		var n int
		if err := c.queryRow(ctx, q).Scan(&n); err != nil || n != i {
			t.Fatalf("%s = %d, %v", q, n, err)
		}
	}
	if got := db.stmts.len(); got != 3 {
		t.Errorf("%d statements kept, want the bound 3", got)
	}
	for _, q := range []string{`SELECT ? + 1`, `SELECT 0`} {
		if _, ok := db.stmts.byKey[q]; ok {
			t.Errorf("%q is still kept after three newer ones", q)
		}
	}
	for _, q := range []string{`SELECT 1`, `SELECT 2`, `SELECT 3`} {
		if _, ok := db.stmts.byKey[q]; !ok {
			t.Errorf("%q is not kept", q)
		}
	}
	// Rows still open on an evicted statement read to the end.
	rows, err := c.query(ctx, `SELECT 1 UNION ALL SELECT 2`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 10; i < 14; i++ { // push it out
		var n int
		if err := c.queryRow(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&n); err != nil {
			t.Fatal(err)
		}
	}
	var got []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if err := rows.Err(); err != nil || len(got) != 2 {
		t.Errorf("rows of an evicted statement: %v, %v", got, err)
	}
	rows.Close()
}

// TestStmtCacheErrors: a query that cannot be prepared fails as it would
// without the cache, and is not kept; a cancelled context is reported.
func TestStmtCacheErrors(t *testing.T) {
	db := openStmtTest(t)
	ctx := t.Context()
	c := db.read()
	if _, err := c.query(ctx, `SELECT FROM nowhere`); err == nil || !strings.Contains(err.Error(), "syntax") {
		t.Errorf("bad SQL: %v, want a syntax error", err)
	}
	var n int
	if err := c.queryRow(ctx, `SELECT * FROM no_such_table`).Scan(&n); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Errorf("missing table: %v", err)
	}
	if got := db.stmts.len(); got != 0 {
		t.Errorf("failed queries kept %d statements", got)
	}
	if _, err := c.exec(ctx, `DELETE FROM stories`); err == nil {
		t.Error("a write through the read-only reader pool succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.queryRow(cancelled, `SELECT 1`).Scan(&n); err == nil {
		t.Error("a cancelled read succeeded")
	}
	// Closing the store closes what the cache holds; the store still
	// closes cleanly.
	if err := c.queryRow(ctx, `SELECT 1`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if got := db.stmts.len(); got != 0 {
		t.Errorf("%d statements kept after close", got)
	}
}

// TestStmtCacheConcurrent: many readers sharing and evicting statements at
// once all get their answers (run with -race).
func TestStmtCacheConcurrent(t *testing.T) {
	db := openStmtTest(t)
	ctx := t.Context()
	db.stmts.close()
	db.stmts = newStmtCache(db.reader, 4)
	c := db.read()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := (g + i) % 7 // more texts than the bound: constant eviction
				var n int
				if err := c.queryRow(ctx, fmt.Sprintf(`SELECT %d + ?`, k), i).Scan(&n); err != nil {
					errs <- err
					return
				}
				if n != k+i {
					errs <- fmt.Errorf("SELECT %d + %d = %d", k, i, n)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := db.stmts.len(); got > 4 {
		t.Errorf("%d statements kept, bound 4", got)
	}
}
