package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// waitClosed reports whether ch closes within d.
func waitClosed(ch <-chan struct{}, d time.Duration) bool {
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// TestChangedLocal: an append wakes this process's followers at commit; a
// write that appends nothing, and a refused one, wake nobody. (SQLite only:
// on PostgreSQL other tests' appends wake every listener on the server.)
func TestChangedLocal(t *testing.T) {
	db, err := OpenSQLite(t.Context(), filepath.Join(t.TempDir(), "q.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := t.Context()
	ch := db.Changed()
	fam := family(t, db)
	if waitClosed(ch, 50*time.Millisecond) {
		t.Fatal("creating a family (no change log entry) woke followers")
	}
	s := draft(t, db, fam, "en")
	if !waitClosed(ch, 5*time.Second) {
		t.Fatal("creating a story did not wake followers")
	}
	ch = db.Changed()
	bad := s
	bad.Lang = "fr"
	if err := db.UpdateStory(ctx, &bad); err == nil {
		t.Fatal("a refused update was accepted")
	}
	if waitClosed(ch, 50*time.Millisecond) {
		t.Error("a refused update woke followers")
	}
	publish(t, db, s.ID, at(1))
	if !waitClosed(ch, 5*time.Second) {
		t.Error("publishing did not wake followers")
	}
}

// TestChangedAcrossNodes: on PostgreSQL, an append made through one DB (a
// node) wakes the followers of another, by LISTEN/NOTIFY, and a closed DB
// stops its listener.
func TestChangedAcrossNodes(t *testing.T) {
	base := os.Getenv("QASID_TEST_POSTGRES")
	if base == "" {
		t.Skip("QASID_TEST_POSTGRES not set")
	}
	url := pgSchema(t, base)
	a, err := OpenPostgres(t.Context(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenPostgres(t.Context(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The listener signals once when it connects; wait for that first so
	// that the next wake-up can only come from an append.
	if !waitClosed(b.Changed(), 5*time.Second) {
		t.Fatal("node B's listener did not connect")
	}
	ch := b.Changed()
	draft(t, a, family(t, a), "zh")
	if !waitClosed(ch, 5*time.Second) {
		t.Fatal("an append on node A did not wake node B within 5 s")
	}
	done := make(chan error)
	go func() { done <- b.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Error("closing node B hung on its listener")
	}
}
