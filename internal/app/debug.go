package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/debug"
	"time"

	"github.com/qasid/qasid/internal/config"
)

// serveDebug starts Go's profiler on its own listener, so that an operator
// can see where a node spends its time and memory under real traffic. It
// is never mounted on the public handler: profiles show internals and cost
// CPU. The handlers are registered on a mux of our own rather than through
// net/http/pprof's init on http.DefaultServeMux, which nothing here serves.
func serveDebug(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("debug listener: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// No write timeout: a CPU profile or trace streams for as long as asked.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("debug listener", "err", err)
		}
	}()
	log.Info("profiler listening", "url", "http://"+ln.Addr().String()+"/debug/pprof/")
	return func() { srv.Close() }, nil
}

// setMemoryLimit gives the Go runtime a soft memory limit when the
// operator set none (GOMEMLIMIT). A node's heap is mostly the page cache,
// which lives long; with the default GOGC of 100 the runtime lets the heap
// grow to twice what is live before collecting, so a node on a small
// machine would hold twice its cache. The limit, the cache's budget plus
// room for rendering, searching and the database driver, makes the
// collector work harder only when memory is actually near it.
func setMemoryLimit(env Env, cfg config.Config, log *slog.Logger) {
	if env.Getenv("GOMEMLIMIT") != "" {
		return
	}
	limit := cfg.PageCacheBytes + memoryHeadroom
	debug.SetMemoryLimit(limit)
	log.Debug("memory limit", "bytes", limit)
}

// memoryHeadroom is the heap a node needs besides its page cache: concurrent
// renders, search results, the SQLite driver's buffers, the followers'
// batches. At 100,000 stories, under cold page loads, the live heap was
// about 80 MiB with a part-filled cache (a heap profile, 27 November 2026).
const memoryHeadroom = 160 << 20
