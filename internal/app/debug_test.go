package app

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestServeDebug(t *testing.T) {
	// Take a free port, then give it to the profiler.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	stop, err := serveDebug(addr, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	res, err := http.Get("http://" + addr + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "heap profile") {
		t.Errorf("heap profile: %d %.100q", res.StatusCode, b)
	}
	// A second listener on the same address is a clear error.
	if _, err := serveDebug(addr, slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "debug listener") {
		t.Errorf("second listener on %s: %v", addr, err)
	}
}
