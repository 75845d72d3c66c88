package site

import (
	"testing"
	"time"
)

// TestMemoLock: the memo follows the log forward only; a page that read
// an earlier end neither uses nor clears it, and a minute ends it.
func TestMemoLock(t *testing.T) {
	var m memo
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	lock := func(seq int64, at time.Time) bool {
		t.Helper()
		ok := m.lock(seq, at)
		m.mu.Unlock()
		return ok
	}
	if !lock(5, now) {
		t.Fatal("a first page at 5 does not hold the memo")
	}
	m.counts = map[countKey]int{{"en", "world"}: 3}
	if lock(4, now) {
		t.Error("a page that read 4 holds the memo read at 5")
	}
	if m.seq != 5 || m.counts == nil {
		t.Errorf("a page at 4 moved the memo back: at %d, counts %v", m.seq, m.counts)
	}
	if !lock(5, now.Add(time.Second)) || m.counts == nil {
		t.Error("a later page at 5 lost what was read at 5")
	}
	if !lock(6, now.Add(time.Second)) || m.counts != nil {
		t.Error("the log moved to 6 and the memo kept what was read at 5")
	}
	m.counts = map[countKey]int{{"en", "world"}: 4}
	if !lock(6, now.Add(2*time.Minute)) || m.counts != nil {
		t.Error("what was read two minutes ago is still used")
	}
}
