package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
)

// relatedEvery is how often the server's related-lists follower looks at
// the log when nothing wakes it; a change wakes it at once, and it works
// only as far as this node's index has read.
const relatedEvery = time.Second

// runRelated brings the search index and then the stored related lists up
// to date and exits: after a bulk import, so that story pages and the bake
// read their lists instead of searching for them (serve does the same in
// the background, on one core; this uses every core).
func runRelated(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	n, err := openOffline(ctx, env, cfg, "no stories to relate")
	if err != nil {
		return err
	}
	defer n.close()
	if _, err := n.follower.FollowOnce(ctx); err != nil {
		return err
	}
	return catchUpRelated(ctx, env, n.db, n.ix, n.log)
}

// catchUpRelated works out the related lists the change log still owes,
// on every core, with a progress bar of the changes read, and says what it
// did on standard output.
func catchUpRelated(ctx context.Context, env Env, db store.Store, ix *search.Index, log *slog.Logger) error {
	from, err := db.FollowerSeq(ctx, related.FollowerName)
	if err != nil {
		return err
	}
	to, err := ix.Position()
	if err != nil {
		return err
	}
	if to <= from {
		return nil
	}
	svc := related.New(related.Options{Store: db, Index: ix, Log: log, Workers: runtime.GOMAXPROCS(0)})
	bar := newProgress(env.Stderr, "changes", int(to-from), isTerminal(env.Stderr))
	shown := 0
	start := time.Now()
	n, err := svc.CatchUp(ctx, func(read int) {
		bar.Add(read - shown)
		shown = read
	})
	bar.Finish()
	if err != nil {
		return fmt.Errorf("related lists: %w", err)
	}
	fmt.Fprintf(env.Stdout, "related lists up to date: %d changes read in %.1f s\n", n, time.Since(start).Seconds())
	return nil
}
