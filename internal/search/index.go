package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// ErrClosed is returned by every method of a closed index.
var ErrClosed = errors.New("search: index closed")

// Keys of the values kept inside the index with SetInternal.
var (
	keyMappingVersion = []byte("qasid_mapping_version")
	keyPosition       = []byte("qasid_position")
)

// Index is one node's search index. Each node keeps its own, in its data
// folder, and brings it up to date from the shared change log; the change
// log position it has reached is kept inside the index, so that index and
// position can never disagree (the followers table in the database is
// shared by every node and would not do).
//
// An Index is safe for concurrent use: searches run while Apply writes.
type Index struct {
	dir string // "" for an index kept in memory
	as  analyzers
	// noBodyStore leaves bodies out of the index (no snippets from the
	// body): set only by the benchmark, to measure what storing them costs.
	noBodyStore bool

	// mu guards idx: searches and Apply hold it for reading, Reset and
	// Close for writing, as they replace or close the Bleve index.
	mu  sync.RWMutex
	idx bleve.Index

	// applyMu makes Apply calls take turns, so that the position written by
	// one never overtakes the documents of another.
	applyMu sync.Mutex

	// df keeps terms' document frequencies between related searches (df.go).
	df dfCache
}

// Open opens or creates the index in dir. An index written with another
// mapping version is emptied, with its position back at 0, so that the
// caller's follower rebuilds it.
func Open(dir string) (*Index, error) {
	if dir == "" {
		return nil, errors.New("search: open: no folder given")
	}
	ix, err := newIndex(dir)
	if err != nil {
		return nil, err
	}
	idx, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	ix.idx = idx
	return ix, nil
}

// OpenMemory returns an index kept only in memory, for tests and tools.
func OpenMemory() (*Index, error) {
	ix, err := newIndex("")
	if err != nil {
		return nil, err
	}
	if ix.idx, err = create(""); err != nil {
		return nil, err
	}
	return ix, nil
}

func newIndex(dir string) (*Index, error) {
	as, err := newAnalyzers()
	if err != nil {
		return nil, err
	}
	return &Index{dir: dir, as: as}, nil
}

// scorchConfig: "unsafe_batch" lets a batch return once it is searchable,
// before it is on disk (Bleve writes it a moment later). That is safe here
// because the position travels in the same batch as the documents: after
// a crash the index is back at some earlier batch together with that
// batch's position, and the follower replays the change log from there.
// Close waits for the writing (see flush).
func scorchConfig() map[string]interface{} {
	return map[string]interface{}{"unsafe_batch": true}
}

// metaFile is the file Bleve writes at the top of an index folder.
const metaFile = "index_meta.json"

// openDir opens the index in dir, or creates it there, and empties it when
// its mapping version is not ours.
func openDir(dir string) (bleve.Index, error) {
	if _, err := os.Stat(filepath.Join(dir, metaFile)); errors.Is(err, os.ErrNotExist) {
		return create(dir)
	}
	idx, err := bleve.OpenUsing(dir, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("search: open index %s: %w", dir, err)
	}
	v, err := idx.GetInternal(keyMappingVersion)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("search: open index %s: read mapping version: %w", dir, err)
	}
	if string(v) == mappingVersion {
		return idx, nil
	}
	if err := idx.Close(); err != nil {
		return nil, fmt.Errorf("search: close outdated index %s: %w", dir, err)
	}
	if err := removeIndexFiles(dir); err != nil {
		return nil, err
	}
	return create(dir)
}

// removeIndexFiles deletes what Bleve wrote in dir (its meta file and its
// store folder), and nothing else the folder may hold.
func removeIndexFiles(dir string) error {
	if err := os.RemoveAll(filepath.Join(dir, "store")); err != nil {
		return fmt.Errorf("search: remove index %s: %w", dir, err)
	}
	if err := os.Remove(filepath.Join(dir, metaFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("search: remove index %s: %w", dir, err)
	}
	return nil
}

// create makes a new, empty index in dir ("" for memory) and records the
// mapping version in it.
func create(dir string) (bleve.Index, error) {
	idx, err := bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, scorchConfig())
	if err != nil {
		return nil, fmt.Errorf("search: create index %q: %w", dir, err)
	}
	if err := idx.SetInternal(keyMappingVersion, []byte(mappingVersion)); err != nil {
		idx.Close()
		return nil, fmt.Errorf("search: create index %q: %w", dir, err)
	}
	return idx, nil
}

// Close flushes and closes the index.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return ErrClosed
	}
	var err error
	if ix.dir != "" {
		err = flush(ix.idx)
	}
	if cerr := ix.idx.Close(); err == nil {
		err = cerr
	}
	ix.idx = nil
	if err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return nil
}

// flush waits until every batch applied so far is on disk. With
// unsafe_batch Bleve's own Close does not: it stops the persister and
// drops what it had not written yet. Persisting is in order, so waiting
// for one last batch (which changes nothing: it deletes a key that is
// never set) waits for all before it.
func flush(idx bleve.Index) error {
	done := make(chan error, 1)
	b := idx.NewBatch()
	b.DeleteInternal([]byte("qasid_flush"))
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	if err := <-done; err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	return nil
}

// Apply writes docs, removes every document of the stories in deletes, and
// records seq as the change log position reached, in one batch. A story's
// documents are replaced as a whole: its "p" and "w" documents are removed
// first unless docs holds them again. A seq of 0 leaves the position alone.
func (ix *Index) Apply(ctx context.Context, docs []Doc, deletes []int64, seq int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if seq < 0 {
		return fmt.Errorf("search: apply: negative position %d", seq)
	}
	// Build (and so check) every document before touching the index, so
	// that a bad one leaves the index as it was.
	built := make([]*document.Document, 0, len(docs))
	for _, d := range docs {
		doc, err := ix.as.buildDocument(d, !ix.noBodyStore)
		if err != nil {
			return fmt.Errorf("search: apply: %w", err)
		}
		built = append(built, doc)
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return ErrClosed
	}
	b := ix.idx.NewBatch()
	for _, id := range deletes {
		b.Delete(docID(id, false))
		b.Delete(docID(id, true))
	}
	for _, d := range docs {
		b.Delete(docID(d.StoryID, false))
		b.Delete(docID(d.StoryID, true))
	}
	// Deletes first: a batch keeps the last operation per document id, so
	// a document given again in docs replaces its delete.
	for _, doc := range built {
		if err := b.IndexAdvanced(doc); err != nil {
			return fmt.Errorf("search: apply: %s: %w", doc.ID(), err)
		}
	}
	if seq > 0 {
		b.SetInternal(keyPosition, []byte(strconv.FormatInt(seq, 10)))
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("search: apply: %w", err)
	}
	return nil
}

// Position is the change log sequence number the index has reached.
func (ix *Index) Position() (int64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return 0, ErrClosed
	}
	v, err := ix.idx.GetInternal(keyPosition)
	if err != nil {
		return 0, fmt.Errorf("search: position: %w", err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("search: position %q: %w", v, err)
	}
	return n, nil
}

// Reset empties the index and sets its position to 0 (qasid reindex).
func (ix *Index) Reset() error {
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return ErrClosed
	}
	if err := ix.idx.Close(); err != nil {
		return fmt.Errorf("search: reset: %w", err)
	}
	ix.idx = nil
	if ix.dir != "" {
		if err := removeIndexFiles(ix.dir); err != nil {
			return err
		}
	}
	idx, err := create(ix.dir)
	if err != nil {
		return err
	}
	ix.idx = idx
	return nil
}

// Count is how many documents the index holds.
func (ix *Index) Count() (uint64, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.idx == nil {
		return 0, ErrClosed
	}
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}
