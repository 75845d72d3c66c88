package app

import (
	"log/slog"
	"math"
	"runtime/debug"
	"testing"

	"github.com/qasid/qasid/internal/config"
)

func TestSetMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	debug.SetMemoryLimit(math.MaxInt64)
	log := slog.New(slog.DiscardHandler)
	cfg := config.Config{PageCacheBytes: 64 << 20}

	// The operator's GOMEMLIMIT wins: nothing is changed.
	setMemoryLimit(Env{Getenv: func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}}, cfg, log)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set, the limit became %d", got)
	}
	// Without it, the cache's budget plus the headroom.
	setMemoryLimit(Env{Getenv: func(string) string { return "" }}, cfg, log)
	if got, want := debug.SetMemoryLimit(-1), int64(64<<20+memoryHeadroom); got != want {
		t.Errorf("limit %d, want %d", got, want)
	}
}
