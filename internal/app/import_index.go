package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/qasid/qasid/internal/importer"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
)

// importIndexBatch is how many items one import batch holds when the
// import indexes as it goes: a batch is one transaction for the store and
// one segment for the index, and both write faster in bigger ones, up to
// where the index's batch holds too much in memory (2,000 long stories
// took over a gigabyte).
const importIndexBatch = 1000

// importIndexQueue is how many stored batches may wait for the indexer
// before the import waits for it.
const importIndexQueue = 1

// bulkGCPercent is the garbage collector's target while a command writes
// the index in bulk (import, reindex): indexing allocates a great deal
// that lives for one batch, and collecting half as often saved an eighth
// of the CPU for a third more peak memory. A GOGC in the environment
// wins.
const bulkGCPercent = 200

// bulkGC sets bulkGCPercent unless the environment sets GOGC, and returns
// what restores the previous setting.
func bulkGC(env Env) func() {
	if env.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(bulkGCPercent)
	return func() { debug.SetGCPercent(old) }
}

// importIndexer indexes what an import stores while the import goes on:
// the importer hands over each batch it committed (importer.Stored) and
// goes on reading and storing the next, on one core, while this indexes
// the last, on the other. The index's position moves with each batch, so
// a server started afterwards finds it caught up, and an import cut short
// leaves an index that its follower completes.
type importIndexer struct {
	f    *search.Follower
	log  *slog.Logger
	in   chan importer.Stored
	done chan struct{}
	once sync.Once // closes in

	// err is written by the goroutine and read once done is closed.
	err error
}

// startImportIndexer brings ix up to date with the change log (a new
// index is built from the store) and starts indexing the batches given to
// stored.
func startImportIndexer(ctx context.Context, db store.Store, ix *search.Index, log *slog.Logger) (*importIndexer, error) {
	f, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix, Log: log})
	if err != nil {
		return nil, err
	}
	if _, err := f.FollowOnce(ctx); err != nil {
		return nil, fmt.Errorf("bring the search index up to date: %w", err)
	}
	x := &importIndexer{f: f, log: log, in: make(chan importer.Stored, importIndexQueue), done: make(chan struct{})}
	go x.run(ctx)
	return x, nil
}

// stored is the importer's ImportOptions.Stored: it waits while the
// indexer is importIndexQueue batches behind.
func (x *importIndexer) stored(s importer.Stored) { x.in <- s }

func (x *importIndexer) run(ctx context.Context) {
	defer close(x.done)
	for s := range x.in {
		if x.err != nil {
			continue // keep taking batches, so that the import never waits on a stopped indexer
		}
		if err := ctx.Err(); err != nil {
			x.err = err
			continue
		}
		if _, err := x.f.FollowWritten(ctx, search.Written{Stories: s.Stories, Seq: s.Seq}); err != nil {
			x.err = err
		}
	}
}

// finish waits for the batches handed over, then follows whatever else
// the change log gained meanwhile.
func (x *importIndexer) finish(ctx context.Context) error {
	x.stop()
	if x.err != nil {
		return x.err
	}
	_, err := x.f.FollowOnce(ctx)
	return err
}

// stop takes no more batches and waits for the one being indexed: the
// import's way out when it ends early, so that the index is never closed
// under the indexer. Calling it again is harmless.
func (x *importIndexer) stop() {
	x.once.Do(func() { close(x.in) })
	<-x.done
}

// importIndexNote is what the import command says of the index when it
// could not update it.
func importIndexNote(err error) string {
	return fmt.Sprintf("search index not updated (%v): `qasid serve` brings it up to date when it starts", err)
}
