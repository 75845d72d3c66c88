package app

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/bake"
	"github.com/qasid/qasid/internal/config"
)

// bakeFlags: `qasid bake OUTDIR` writes the public site as static files.
func bakeFlags(fs *flag.FlagSet) runFunc {
	since := fs.Bool("since", false, "write only what changed since the last bake into OUTDIR (read from its manifest)")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		if len(args) != 1 {
			fmt.Fprintln(env.Stderr, "give one output folder: qasid bake [--since] OUTDIR")
			return errUsage
		}
		return runBake(ctx, env, cfg, args[0], *since)
	}
}

func runBake(ctx context.Context, env Env, cfg config.Config, out string, since bool) error {
	// Story pages list related stories from the search index, so the bake
	// needs this node's index, brought up to date first, to write what
	// serve would answer.
	n, err := openOffline(ctx, env, cfg, "nothing to bake")
	if err != nil {
		return err
	}
	defer n.close()
	db, ix, f, log := n.db, n.ix, n.follower, n.log
	if _, err := f.FollowOnce(ctx); err != nil {
		return err
	}
	// A story without a stored list would search for one on each render
	// and keep nothing; working the lists out first costs the same once,
	// and keeps them for the server and the next bake.
	if err := catchUpRelated(ctx, env, db, ix, log); err != nil {
		return err
	}
	// Rendering a hundred thousand pages allocates much that lives for one
	// page: collecting half as often costs some memory and saves CPU.
	defer bulkGC(env)()
	_, bgs, err := handler(cfg, log, db, ix)
	if err != nil {
		return err
	}
	var bar *progress
	shown := 0
	start := time.Now()
	res, err := bake.Bake(ctx, bake.Options{
		Handler: bgs.site.Handler(), Store: db, Paths: bgs.site.PublicPaths, Out: out, Since: since,
		Progress: func(done, total int) {
			if bar == nil {
				bar = newProgress(env.Stderr, "pages", total, isTerminal(env.Stderr))
			}
			bar.Add(done - shown)
			shown = done
		},
	})
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "baked %d files and %d photos or recordings (%d bytes) into %s, %d removed, %d skipped; change log at %d; %.1f s\n",
		res.Written, res.Media, res.Bytes, out, res.Removed, res.Skipped, res.Seq, time.Since(start).Seconds())
	return nil
}
