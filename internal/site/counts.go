package site

import (
	"context"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/store"
)

// countsMaxAge bounds how long a remembered count is used when the change
// log has not moved: an embargo that ends adds a story to the lists
// before the scheduler records its lift (within seconds).
const countsMaxAge = time.Minute

// counts remembers how many stories each public list holds (a language,
// or a language's section): every page of a section prints its page count,
// and counting a section of 15,000 stories cost 3 ms, more than the rest
// of its page. A count holds while the change log stays where it was read
// at, the same on every node; the log's end is one index lookup.
type counts struct {
	mu  sync.Mutex
	seq int64     // the log's end when the counts were read
	at  time.Time // when the first of them was read
	n   map[countKey]int
}

type countKey struct{ lang, section string }

// countPublished is store.CountPublished for the lists q names (its Lang
// and Section; q.Now must be the site's now).
func (s *Site) countPublished(ctx context.Context, q store.ListQuery) (int, error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	k := countKey{q.Lang, q.Section}
	c := &s.counts
	c.mu.Lock()
	if c.seq != seq || q.Now.Before(c.at) || q.Now.Sub(c.at) > countsMaxAge {
		c.seq, c.at, c.n = seq, q.Now, nil
	}
	n, ok := c.n[k]
	c.mu.Unlock()
	if ok {
		return n, nil
	}
	q.Limit, q.Offset = 0, 0
	n, err = s.store.CountPublished(ctx, q)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.seq == seq {
		if c.n == nil {
			c.n = map[countKey]int{}
		}
		c.n[k] = n
	}
	c.mu.Unlock()
	return n, nil
}
