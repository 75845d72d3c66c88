package site

import (
	"context"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/store"
)

// memoMaxAge bounds how long what is remembered is used while the change
// log has not moved: an embargo that ends adds a story to the lists
// before the scheduler records its lift (within seconds), and the agency's
// settings and sections are saved without a change of their own.
const memoMaxAge = time.Minute

// memo is what the site remembers between pages while the change log
// stays where it was read at, the same on every node (the log's end is
// one index lookup): how many stories each public list holds, and the
// frame every page shares (frame.go). Every page of a section prints its
// page count, and counting a section of 15,000 stories cost 3 ms, more
// than the rest of its page; the frame was two queries and some sixty
// template actions on every page.
type memo struct {
	mu     sync.Mutex
	seq    int64     // the log's end when what follows was read
	at     time.Time // when the first of it was read
	counts map[countKey]int
	frame  *frameState
}

type countKey struct{ lang, section string }

// lock locks m for a page reading at the log's end seq at now, first
// forgetting what was read at another position or too long ago. The
// caller unlocks m.mu.
func (m *memo) lock(seq int64, now time.Time) {
	m.mu.Lock()
	if m.seq != seq || now.Before(m.at) || now.Sub(m.at) > memoMaxAge {
		m.seq, m.at, m.counts, m.frame = seq, now, nil, nil
	}
}

// countPublished is store.CountPublished for the lists q names (its Lang
// and Section; q.Now must be the site's now).
func (s *Site) countPublished(ctx context.Context, q store.ListQuery) (int, error) {
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return 0, err
	}
	k := countKey{q.Lang, q.Section}
	m := &s.memo
	m.lock(seq, q.Now)
	n, ok := m.counts[k]
	m.mu.Unlock()
	if ok {
		return n, nil
	}
	q.Limit, q.Offset = 0, 0
	n, err = s.store.CountPublished(ctx, q)
	if err != nil {
		return 0, err
	}
	m.mu.Lock()
	if m.seq == seq {
		if m.counts == nil {
			m.counts = map[countKey]int{}
		}
		m.counts[k] = n
	}
	m.mu.Unlock()
	return n, nil
}
