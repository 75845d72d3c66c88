package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/term"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/search"
)

// indexOpenWait is how long opening the index may wait for another
// process that holds it: the index allows one writer, and the file lock
// underneath waits for ever.
const indexOpenWait = 5 * time.Second

// indexDir is where a node keeps its search index: in its own data
// folder, also when the database is a PostgreSQL shared by several nodes.
func indexDir(cfg config.Config) string { return filepath.Join(cfg.DataDir, "search") }

// openIndex opens (or creates) the node's search index and logs what it
// holds. A new or emptied index is at position 0: the follower then
// rebuilds it from the store on its first pass.
func openIndex(ctx context.Context, cfg config.Config, log *slog.Logger) (*search.Index, error) {
	dir := indexDir(cfg)
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	type opened struct {
		ix  *search.Index
		err error
	}
	done := make(chan opened, 1)
	go func() {
		ix, err := search.Open(dir)
		done <- opened{ix, err}
	}()
	var o opened
	select {
	case o = <-done:
	case <-time.After(indexOpenWait):
		// Should the other process let go later, close what was opened.
		go func() {
			if o := <-done; o.err == nil {
				o.ix.Close()
			}
		}()
		return nil, fmt.Errorf("search index %s is in use by another qasid process (stop it first)", dir)
	case <-ctx.Done():
		go func() {
			if o := <-done; o.err == nil {
				o.ix.Close()
			}
		}()
		return nil, ctx.Err()
	}
	if o.err != nil {
		return nil, fmt.Errorf("search index %s: %w", dir, o.err)
	}
	pos, err := o.ix.Position()
	if err != nil {
		o.ix.Close()
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	n, err := o.ix.Count()
	if err != nil {
		o.ix.Close()
		return nil, fmt.Errorf("search index %s: %w", dir, err)
	}
	msg := "search index opened"
	if pos == 0 {
		msg = "search index is empty: it will be built from the store"
	}
	log.Info(msg, "dir", dir, "documents", n, "position", pos)
	return o.ix, nil
}

// runReindex empties the node's search index and builds it again from
// every story in the store, showing progress on standard error. The
// server must not be running on the same data folder meanwhile: it holds
// the index.
func runReindex(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	n, err := openOffline(ctx, env, cfg, "nothing to index")
	if err != nil {
		return err
	}
	defer n.close()
	ix, f := n.ix, n.follower
	defer bulkGC(env)()
	var bar *progress
	shown := 0
	count, err := f.Reindex(ctx, func(done, total int) {
		if bar == nil {
			bar = newProgress(env.Stderr, "stories", total, isTerminal(env.Stderr))
		}
		bar.Add(done - shown)
		shown = done
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	docs, err := ix.Count()
	if err != nil {
		return err
	}
	rate := 0.0
	if bar != nil {
		rate = bar.Rate()
	}
	fmt.Fprintf(env.Stdout, "Reindexed %d stories (%d documents) into %s at %.0f stories/s.\n", count, docs, indexDir(cfg), rate)
	return nil
}

// isTerminal reports whether w is a terminal, where a progress bar may
// redraw its line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
