package search

import (
	"context"
	"fmt"
	"sync"
	"time"

	index "github.com/blevesearch/bleve_index_api"
)

// A related search weighs each word of a story by how rare it is among the
// stories of its language, which takes the word's document frequency
// (df). Reading it from the index costs a dictionary lookup and a postings
// list in every segment, some 10 µs a word; a story has a hundred or more
// distinct words, and the words of news repeat from story to story. So the
// frequencies are kept in memory between searches. They need only be
// roughly right (they rank a story's words; they do not score hits), so
// they are forgotten as a whole when the index has grown or shrunk by more
// than dfDrift, or after dfMaxAge, and never updated one by one.
const (
	dfDrift  = 0.01 // share of the documents
	dfMaxAge = 10 * time.Minute
	// dfMaxTerms bounds the cache at some 5 MB. When it is full a random
	// half is forgotten (Go's map order is random), which keeps the
	// frequent words, asked for again and again, mostly in.
	dfMaxTerms = 1 << 16
)

// dfCache holds document frequencies by field and term. The zero value is
// empty and ready; it is safe for concurrent use.
type dfCache struct {
	mu    sync.Mutex
	terms map[string]uint64 // field + "\x00" + term
	docs  uint64            // the index's document count when filled
	since time.Time         // when filled
	gen   uint64            // counts resets, so that a slow reader's results do not land in a newer cache
}

// frequencies returns the document frequency of each term in field, as rd
// has it, from the cache where it can. docs is rd's document count; now
// is the time, for the cache's age.
func (c *dfCache) frequencies(ctx context.Context, rd index.IndexReader, field string, terms []string, docs uint64, now time.Time) ([]uint64, error) {
	out := make([]uint64, len(terms))
	var miss []int
	key := make([]byte, 0, 64)
	c.mu.Lock()
	if c.stale(docs, now) {
		c.terms, c.docs, c.since = make(map[string]uint64), docs, now
		c.gen++
	}
	gen := c.gen
	for i, t := range terms {
		key = append(append(append(key[:0], field...), 0), t...)
		if df, ok := c.terms[string(key)]; ok {
			out[i] = df
		} else {
			miss = append(miss, i)
		}
	}
	c.mu.Unlock()
	if len(miss) == 0 {
		return out, nil
	}
	for _, i := range miss {
		df, err := docFreq(ctx, rd, terms[i], field)
		if err != nil {
			return nil, err
		}
		out[i] = df
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return out, nil // reset meanwhile: these counts may be of the old index
	}
	for _, i := range miss {
		if len(c.terms) >= dfMaxTerms {
			c.forgetHalf()
		}
		c.terms[field+"\x00"+terms[i]] = out[i]
	}
	return out, nil
}

// stale reports whether the cache is empty, too old, or was filled when
// the index held a count of documents too far from docs. The caller holds
// c.mu.
func (c *dfCache) stale(docs uint64, now time.Time) bool {
	if c.terms == nil || now.Sub(c.since) > dfMaxAge || now.Before(c.since) {
		return true
	}
	diff := max(docs, c.docs) - min(docs, c.docs)
	return float64(diff) > dfDrift*float64(c.docs)
}

// forgetHalf drops about half the terms, chosen at random by the map's
// iteration order. The caller holds c.mu.
func (c *dfCache) forgetHalf() {
	n := len(c.terms) / 2
	for k := range c.terms {
		if n == 0 {
			return
		}
		delete(c.terms, k)
		n--
	}
}

// docFreq is how many documents hold term in field.
func docFreq(ctx context.Context, rd index.IndexReader, term, field string) (uint64, error) {
	tfr, err := rd.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("search: related: term %q: %w", term, err)
	}
	n := tfr.Count()
	if err := tfr.Close(); err != nil {
		return 0, fmt.Errorf("search: related: term %q: %w", term, err)
	}
	return n, nil
}
