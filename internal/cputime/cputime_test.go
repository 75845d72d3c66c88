package cputime

import (
	"runtime"
	"testing"
	"time"
)

// spin burns CPU on this thread for at least d of wall time.
func spin(d time.Duration) (sink int) {
	for end := time.Now().Add(d); time.Now().Before(end); {
		for i := range 10000 {
			sink += i
		}
	}
	return sink
}

func TestCountsWork(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	p0, t0 := Process(), Thread()
	spin(50 * time.Millisecond)
	p, th := Process()-p0, Thread()-t0
	if runtime.GOOS == "linux" || runtime.GOOS == "darwin" || runtime.GOOS == "freebsd" {
		if p <= 0 {
			t.Errorf("process CPU time moved by %v over 50 ms of spinning", p)
		}
	}
	if runtime.GOOS == "linux" && th <= 0 {
		t.Errorf("thread CPU time moved by %v over 50 ms of spinning", th)
	}
	// A sleeping thread costs (almost) nothing.
	t1 := Thread()
	time.Sleep(50 * time.Millisecond)
	if d := Thread() - t1; runtime.GOOS == "linux" && d > 25*time.Millisecond {
		t.Errorf("thread CPU time moved by %v while sleeping 50 ms", d)
	}
}
