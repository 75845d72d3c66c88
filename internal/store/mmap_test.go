package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLiteMap: the readers of a store opened with SQLiteMap map that
// much of the file (SQLite's ceiling at most); a store opened plainly maps
// nothing, and neither does the writer.
func TestSQLiteMap(t *testing.T) {
	dir := t.TempDir()
	mapped := func(r interface {
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}) int64 {
		t.Helper()
		var n int64
		if err := r.QueryRowContext(t.Context(), `PRAGMA mmap_size`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		name string
		o    OpenOptions
		want int64
	}{
		{"plain", OpenOptions{}, 0},
		{"64 MiB", OpenOptions{SQLiteMap: 64 << 20}, 64 << 20},
		{"past the ceiling", OpenOptions{SQLiteMap: 1 << 40}, sqliteMaxMap},
	} {
		db, err := OpenWith(t.Context(), "", filepath.Join(dir, tc.name), nil, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		if got := mapped(db.reader); got != tc.want {
			t.Errorf("%s: readers map %d bytes, want %d", tc.name, got, tc.want)
		}
		if got := mapped(db.writer); got != 0 {
			t.Errorf("%s: the writer maps %d bytes", tc.name, got)
		}
		db.Close()
	}
}
