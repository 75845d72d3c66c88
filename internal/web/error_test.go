package web

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
)

// TestClientGone: an ended request, a closed or reset connection are the
// client's leaving; any other failure is the server's.
func TestClientGone(t *testing.T) {
	live := httptest.NewRequest("GET", "/en/", nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ended := live.WithContext(ctx)
	pipe := fmt.Errorf("render: %w", &os.SyscallError{Syscall: "write", Err: syscall.EPIPE})
	reset := fmt.Errorf("render: %w", syscall.ECONNRESET)
	for _, c := range []struct {
		name string
		gone bool
		r    bool // the ended request
		err  error
	}{
		{"ended request", true, true, errors.New("store: agency: interrupted")},
		{"canceled store call", true, false, fmt.Errorf("store: stories: %w", context.Canceled)},
		{"broken pipe", true, false, pipe},
		{"connection reset", true, false, reset},
		{"store failure", false, false, errors.New("store: database is locked")},
		{"timeout", false, false, context.DeadlineExceeded},
		{"not found", false, false, NotFound(nil)},
	} {
		r := live
		if c.r {
			r = ended
		}
		if got := ClientGone(r, c.err); got != c.gone {
			t.Errorf("%s: ClientGone %v, want %v", c.name, got, c.gone)
		}
	}
}
