package site

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// memoMaxAge bounds how long what is remembered is used while the change
// log has not moved: an embargo that ends adds a story to the lists
// before the scheduler records its lift (within seconds), and the agency's
// settings and sections are saved without a change of their own.
const memoMaxAge = time.Minute

// memo is what the site remembers between pages while the change log
// stays where it was read at, the same on every node (the log's end is
// one index lookup): how many stories each public list holds, where each
// section page ends, the frame every page shares (frame.go), and the
// cards of related stories. Every page of a section prints its
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
	cards  map[int64]memoCard // related stories' cards: memoCards
}

type countKey struct{ lang, section string }

// lock locks m for a page reading at the log's end seq at now, first
// forgetting what was read at an earlier position or too long ago. It
// says whether m now holds what was read at seq: a page that read the
// log's end just before it moved neither reads nor fills the memo, so
// pages in flight do not drag it back to a position already passed. The
// caller unlocks m.mu.
func (m *memo) lock(seq int64, now time.Time) bool {
	m.mu.Lock()
	if m.seq < seq || now.Before(m.at) || now.Sub(m.at) > memoMaxAge {
		m.seq, m.at, m.counts, m.ends, m.frame, m.cards = seq, now, nil, nil, nil, nil
	}
	return m.seq == seq
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
	current := m.lock(seq, q.Now)
	v, ok := (*field(m))[k]
	m.mu.Unlock()
	if ok && current {
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

// maxMemoCards bounds the cards remembered: a card without its body is
// under a kilobyte, so about 20 MB at most, and two languages' worth of a
// 100,000-story archive (a bake renders a language's pages together, and
// a story's related stories are in its language).
const maxMemoCards = 30_000

// memoCard is a story's card as read at the memo's position; public false
// means it was not public then.
type memoCard struct {
	st     story.Story
	public bool
}

// memoCards is the store as a story page's related stories read it, with
// the cards it loads remembered with the memo: a story is among the
// related stories of a dozen others, and its card, read for each of them
// (five lookups by id and their versions a page), was a sixth of a story
// page's time in a bake. seq is the log's end the page's frame was read at.
type memoCards struct {
	store.Store
	s   *Site
	seq int64
}

func (c memoCards) PublicCardsByID(ctx context.Context, ids []int64, now time.Time) (map[int64]story.Story, error) {
	out := make(map[int64]story.Story, len(ids))
	var missing []int64
	m := &c.s.memo
	current := m.lock(c.seq, now)
	for _, id := range ids {
		if e, ok := m.cards[id]; !ok || !current {
			missing = append(missing, id)
		} else if e.public {
			out[id] = e.st
		}
	}
	m.mu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	got, err := c.Store.PublicCardsByID(ctx, missing, now)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	if m.seq == c.seq {
		if m.cards == nil || len(m.cards)+len(missing) > maxMemoCards {
			m.cards = make(map[int64]memoCard, 1024)
		}
		for _, id := range missing {
			st, ok := got[id]
			m.cards[id] = memoCard{st: st, public: ok}
		}
	}
	m.mu.Unlock()
	maps.Copy(out, got)
	return out, nil
}
