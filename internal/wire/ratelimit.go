package wire

import (
	"sync"
	"time"
)

// limiter is a token bucket per API key, in this process's memory: a
// restart refills every bucket, and each node of a cluster keeps its own.
// That is enough to keep one runaway consumer from starving the others,
// which is its purpose; it is not a quota.
type limiter struct {
	rate  float64 // tokens added a second
	burst float64 // the bucket's size

	mu      sync.Mutex
	buckets map[int64]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// pruneAt is the number of buckets above which full ones are forgotten: a
// full bucket is the same as no bucket.
const pruneAt = 1024

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), buckets: map[int64]*bucket{}}
}

// allow takes a token from key's bucket at now. When the bucket is empty
// it reports false and how long until a token is there.
func (l *limiter) allow(key int64, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= pruneAt {
			l.prune(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

func (l *limiter) prune(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, k)
		}
	}
}
