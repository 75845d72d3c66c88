package search

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
)

// A related search is one "more like this" query: a dozen weighted terms,
// any of which may match, over stories of one language. Through Bleve's
// query machinery each of the thousands of stories sharing a common word
// costs a trip through a disjunction heap, a filter, a scorer and the
// collector, about a microsecond each, which made the search most of the
// cost of a story page. Here the postings of the few terms are read
// directly and summed per document, scored as Bleve's tf-idf scores a
// disjunction of term queries (see scoreClauses), and only the best few
// are looked at closer: whether they are public and in the language, and
// their time, the tie-break.

// relatedClause is one term a related search looks for, in one field.
type relatedClause struct {
	field, term string
	boost       float64
}

// candidate is a document that matched some clauses.
type candidate struct {
	id      uint64 // the index's internal id
	sum     float64
	matched int32
	score   float64 // sum × coord, rounded as tiesEqual rounds
}

// scoreClauses reads the postings of every clause and scores each
// document they hold as Bleve's TF-IDF scoring model would score the
// disjunction of the clauses' term queries: for each matching clause
// √freq · norm · idf · (boost · idf · queryNorm), summed, times the share
// of clauses that matched (Bleve's coord). Documents whose internal id is
// in skip are left out. The candidates come back in no order.
func scoreClauses(ctx context.Context, rd index.IndexReader, docs uint64, cs []relatedClause, skip map[uint64]bool) ([]candidate, error) {
	type opened struct {
		tfr index.TermFieldReader
		idf float64
		c   relatedClause
	}
	readers := make([]opened, 0, len(cs))
	defer func() {
		for _, o := range readers {
			o.tfr.Close()
		}
	}()
	var sumSquares float64
	var postings uint64
	for _, c := range cs {
		tfr, err := rd.TermFieldReader(ctx, []byte(c.term), c.field, true, true, false)
		if err != nil {
			return nil, fmt.Errorf("search: related: term %q: %w", c.term, err)
		}
		idf := 1 + math.Log(float64(docs)/float64(tfr.Count()+1))
		readers = append(readers, opened{tfr, idf, c})
		postings += tfr.Count()
		w := c.boost * idf
		sumSquares += w * w
	}
	queryNorm := 1.0
	if sumSquares > 0 {
		queryNorm = 1 / math.Sqrt(sumSquares)
	}

	// Sized for every posting a distinct document (a headline's postings
	// repeat its text's, so this is about twice too much), to spare the
	// map most of its growing, within reason.
	size := int(min(postings, 8192))
	at := make(map[uint64]int32, size)
	out := make([]candidate, 0, size)
	var pre index.TermFieldDoc
	for _, o := range readers {
		weight := o.c.boost * o.idf * queryNorm * o.idf
		for n := 0; ; n++ {
			if n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			d, err := o.tfr.Next(&pre)
			if err != nil {
				return nil, fmt.Errorf("search: related: term %q: %w", o.c.term, err)
			}
			if d == nil {
				break
			}
			id, err := internalNumber(d.ID)
			if err != nil {
				return nil, err
			}
			if skip[id] {
				continue
			}
			s := math.Sqrt(float64(d.Freq)) * d.Norm * weight
			if i, ok := at[id]; ok {
				out[i].sum += s
				out[i].matched++
				continue
			}
			at[id] = int32(len(out))
			out = append(out, candidate{id: id, sum: s, matched: 1})
		}
	}
	for i := range out {
		out[i].score = roundedScore(out[i].sum * float64(out[i].matched) / float64(len(cs)))
	}
	return out, nil
}

// bestCandidates returns the first limit of cands, best first, that are
// public documents of lang, ordered by score and, among equal scores,
// newest first. Documents are checked in score order until limit have
// passed and the next one scores lower than the limit-th kept, so that a
// cut never falls between equals chosen by chance. Only equals need their
// time, which is costly to read (see tiedNewestFirst).
func bestCandidates(ctx context.Context, rd index.IndexReader, cands []candidate, lang string, limit int) ([]candidate, error) {
	// Thousands of documents share a word with a story; the list needs a
	// few. Sort only those that can make it, unless too many of them fall
	// away.
	head, rest := splitTop(cands, 4*limit+8)
	kept, err := checkInOrder(ctx, rd, head, lang, limit, nil)
	if err != nil {
		return nil, err
	}
	// Every document tied with the limit-th is in head; rest is needed
	// only when too many of head fell away.
	if len(kept) < limit && len(rest) > 0 {
		if kept, err = checkInOrder(ctx, rd, rest, lang, limit, kept); err != nil {
			return nil, err
		}
	}
	if err := tiedNewestFirst(rd, kept); err != nil {
		return nil, err
	}
	return kept[:min(limit, len(kept))], nil
}

// checkInOrder sorts part best first and appends to kept those of its
// documents that are public and in lang, until kept holds limit and the
// next document scores lower than the limit-th.
func checkInOrder(ctx context.Context, rd index.IndexReader, part []candidate, lang string, limit int, kept []candidate) ([]candidate, error) {
	slices.SortFunc(part, byScore)
	for start := 0; start < len(part); {
		// Check a batch at a time, twice what is still wanted: most
		// candidates pass, and each batch reopens the filter's postings.
		end := min(len(part), start+2*max(limit-len(kept), 1))
		for end < len(part) && part[end].score == part[end-1].score {
			end++ // a batch ends between different scores
		}
		ok, err := publicIn(ctx, rd, part[start:end], lang)
		if err != nil {
			return nil, err
		}
		for i, c := range part[start:end] {
			if ok[i] {
				kept = append(kept, c)
			}
		}
		start = end
		if len(kept) >= limit && (start == len(part) || part[start].score < kept[limit-1].score) {
			break
		}
	}
	return kept, nil
}

// splitTop reorders cands into those scoring at least the n-th best score
// (ties included, so possibly more than n), returned as head, and the
// others, returned as rest, which all score lower. Neither is sorted.
func splitTop(cands []candidate, n int) (head, rest []candidate) {
	if len(cands) <= n {
		return cands, nil
	}
	// The n-th best score, from a min-heap of the n best seen so far.
	h := make([]float64, 0, n)
	for _, c := range cands {
		switch {
		case len(h) < n:
			h = append(h, c.score)
			for i := len(h) - 1; i > 0 && h[(i-1)/2] > h[i]; i = (i - 1) / 2 {
				h[i], h[(i-1)/2] = h[(i-1)/2], h[i]
			}
		case c.score > h[0]:
			h[0] = c.score
			for i := 0; ; {
				l, r, m := 2*i+1, 2*i+2, i
				if l < n && h[l] < h[m] {
					m = l
				}
				if r < n && h[r] < h[m] {
					m = r
				}
				if m == i {
					break
				}
				h[i], h[m] = h[m], h[i]
				i = m
			}
		}
	}
	cut := h[0]
	k := 0
	for i := range cands {
		if cands[i].score >= cut {
			cands[i], cands[k] = cands[k], cands[i]
			k++
		}
	}
	return cands[:k], cands[k:]
}

// byScore orders candidates best first, then by internal id (the index's
// own order, as Bleve breaks ties).
func byScore(a, b candidate) int {
	if a.score != b.score {
		if a.score > b.score {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.id, b.id)
}

// tiedNewestFirst orders each run of equal scores in cands newest first
// (then by internal id, as before). Times come from the time field's doc
// values, which are stored compressed by blocks of documents: reading one
// document's costs a block's decompression, a third of a millisecond, so
// only documents that tie are read, which for real stories is rare.
func tiedNewestFirst(rd index.IndexReader, cands []candidate) error {
	var dv index.DocValueReader
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && cands[j].score == cands[i].score {
			j++
		}
		if j-i > 1 {
			if dv == nil {
				var err error
				if dv, err = rd.DocValueReader([]string{fieldTime}); err != nil {
					return fmt.Errorf("search: related: time: %w", err)
				}
			}
			run := cands[i:j]
			times := make(map[uint64]int64, len(run))
			for _, c := range run {
				t, err := docTime(dv, c.id)
				if err != nil {
					return err
				}
				times[c.id] = t
			}
			slices.SortStableFunc(run, func(a, b candidate) int {
				return cmp.Compare(times[b.id], times[a.id])
			})
		}
		i = j
	}
	return nil
}

// docTime reads a document's time, in Unix nanoseconds (0 for none).
func docTime(dv index.DocValueReader, id uint64) (int64, error) {
	var t int64
	err := dv.VisitDocValues(internalKey(id), func(field string, term []byte) {
		if valid, shift := numeric.ValidPrefixCodedTermBytes(term); !valid || shift != 0 {
			return // the lower-precision terms of a numeric range index
		}
		if n, err := numeric.PrefixCoded(term).Int64(); err == nil {
			t = n
		}
	})
	if err != nil {
		return 0, fmt.Errorf("search: related: time: %w", err)
	}
	return t, nil
}

// publicIn reports, for each candidate, whether it is a public document
// of lang, walking the postings of the two terms that say so.
func publicIn(ctx context.Context, rd index.IndexReader, cands []candidate, lang string) ([]bool, error) {
	ids := make([]uint64, len(cands))
	for i, c := range cands {
		ids[i] = c.id
	}
	slices.Sort(ids)
	inVis, err := postingsHold(ctx, rd, fieldVis, visPublic, ids)
	if err != nil {
		return nil, err
	}
	inLang, err := postingsHold(ctx, rd, fieldLang, lang, ids)
	if err != nil {
		return nil, err
	}
	ok := make([]bool, len(cands))
	for i, c := range cands {
		ok[i] = inVis[c.id] && inLang[c.id]
	}
	return ok, nil
}

// postingsHold returns which of ids (ascending) hold term in field.
func postingsHold(ctx context.Context, rd index.IndexReader, field, term string, ids []uint64) (map[uint64]bool, error) {
	tfr, err := rd.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("search: related: %s:%s: %w", field, term, err)
	}
	defer tfr.Close()
	out := make(map[uint64]bool, len(ids))
	var pre index.TermFieldDoc
	key := make(index.IndexInternalID, 8)
	for _, id := range ids {
		binary.BigEndian.PutUint64(key, id)
		d, err := tfr.Advance(key, &pre)
		if err != nil {
			return nil, fmt.Errorf("search: related: %s:%s: %w", field, term, err)
		}
		if d == nil {
			break // no later document holds it
		}
		out[id] = bytes.Equal(d.ID, key)
	}
	return out, nil
}

// internalNumber reads the index's internal document id, which the scorch
// index keeps as a big-endian 64-bit number.
func internalNumber(id index.IndexInternalID) (uint64, error) {
	if len(id) != 8 {
		return 0, fmt.Errorf("search: related: internal id of %d bytes, not 8", len(id))
	}
	return binary.BigEndian.Uint64(id), nil
}

// internalKey is internalNumber's inverse.
func internalKey(n uint64) index.IndexInternalID {
	return binary.BigEndian.AppendUint64(make(index.IndexInternalID, 0, 8), n)
}
