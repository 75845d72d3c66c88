package search

import (
	"context"
	"errors"
)

// errTodo marks methods whose bodies are being written.
var errTodo = errors.New("search: not implemented yet")

// Index is one node's search index. Each node keeps its own, in its data
// folder, and brings it up to date from the shared change log; the change
// log position it has reached is kept inside the index, so that index and
// position can never disagree (the followers table in the database is
// shared by every node and would not do).
type Index struct{}

// Open opens or creates the index in dir. An index written with another
// mapping version is emptied, with its position back at 0, so that the
// caller's follower rebuilds it.
func Open(dir string) (*Index, error) { return nil, errTodo }

// OpenMemory returns an index kept only in memory, for tests and tools.
func OpenMemory() (*Index, error) { return nil, errTodo }

// Close flushes and closes the index.
func (ix *Index) Close() error { return errTodo }

// Apply writes docs, removes every document of the stories in deletes, and
// records seq as the change log position reached, in one batch. A story's
// documents are replaced as a whole: its "p" and "w" documents are removed
// first unless docs holds them again. A seq of 0 leaves the position alone.
func (ix *Index) Apply(ctx context.Context, docs []Doc, deletes []int64, seq int64) error {
	return errTodo
}

// Position is the change log sequence number the index has reached.
func (ix *Index) Position() (int64, error) { return 0, errTodo }

// Reset empties the index and sets its position to 0 (qasid reindex).
func (ix *Index) Reset() error { return errTodo }

// Count is how many documents the index holds.
func (ix *Index) Count() (uint64, error) { return 0, errTodo }

// Search runs a request. A query the user must change is a *QueryError
// (errors.Is(err, ErrQuery)).
func (ix *Index) Search(ctx context.Context, r Request) (Result, error) {
	return Result{}, errTodo
}

// Related finds public stories like one story, in its language, best
// first and newest first among equals; never the story itself or one in
// r.Exclude.
func (ix *Index) Related(ctx context.Context, r RelatedRequest) ([]Hit, error) {
	return nil, errTodo
}
