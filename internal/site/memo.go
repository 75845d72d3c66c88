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
// one index lookup): how many stories each public list holds, where each
// section page ends, and the frame every page shares (frame.go). Every page of a section prints its
// page count, and counting a section of 15,000 stories cost 3 ms, more
// than the rest of its page; the frame was two queries and some sixty
// template actions on every page.
type memo struct {
	mu     sync.Mutex
	seq    int64     // the log's end when what follows was read
	at     time.Time // when the first of it was read
	counts map[countKey]int
	ends   map[countKey][]store.ListCursor // section pages' ends: section.go
	frame  *frameState
}

type countKey struct{ lang, section string }

// lock locks m for a page reading at the log's end seq at now, first
// forgetting what was read at another position or too long ago. The
// caller unlocks m.mu.
func (m *memo) lock(seq int64, now time.Time) {
	m.mu.Lock()
	if m.seq != seq || now.Before(m.at) || now.Sub(m.at) > memoMaxAge {
		m.seq, m.at, m.counts, m.ends, m.frame = seq, now, nil, nil, nil
	}
}

// countPublished is store.CountPublished for the lists q names (its Lang
// and Section; q.Now must be the site's now).
func (s *Site) countPublished(ctx context.Context, q store.ListQuery) (int, error) {
	q.Limit, q.Offset = 0, 0
	return remembered(ctx, s, q, func(m *memo) *map[countKey]int { return &m.counts },
		func() (int, error) { return s.store.CountPublished(ctx, q) })
}

// pageEnds is store.PageEnds for a section's pages, as countPublished.
func (s *Site) pageEnds(ctx context.Context, q store.ListQuery) ([]store.ListCursor, error) {
	q.Limit, q.Offset = 0, 0
	return remembered(ctx, s, q, func(m *memo) *map[countKey][]store.ListCursor { return &m.ends },
		func() ([]store.ListCursor, error) { return s.store.PageEnds(ctx, q, sectionPerPage) })
}

// remembered returns what the memo map that field picks holds for the list
// q names, or reads it and remembers it while the log stays put.
func remembered[V any](ctx context.Context, s *Site, q store.ListQuery, field func(*memo) *map[countKey]V, read func() (V, error)) (V, error) {
	var zero V
	seq, err := s.store.LastSeq(ctx)
	if err != nil {
		return zero, err
	}
	k := countKey{q.Lang, q.Section}
	m := &s.memo
	m.lock(seq, q.Now)
	v, ok := (*field(m))[k]
	m.mu.Unlock()
	if ok {
		return v, nil
	}
	if v, err = read(); err != nil {
		return zero, err
	}
	m.mu.Lock()
	if m.seq == seq {
		f := field(m)
		if *f == nil {
			*f = map[countKey]V{}
		}
		(*f)[k] = v
	}
	m.mu.Unlock()
	return v, nil
}
