package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
)

// offline is what the commands that work on a node's data while no
// server runs (reindex, related, bake) hold: the store, the node's search
// index and its follower.
type offline struct {
	db       store.Store
	ix       *search.Index
	follower *search.Follower
	log      *slog.Logger
}

// openOffline opens the data folder's store and search index, saying
// nothing is the matter (nothing, e.g. "nothing to index") when the
// folder holds no agency.
func openOffline(ctx context.Context, env Env, cfg config.Config, nothing string) (*offline, error) {
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "qasid.db")); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no Qasid data in %s: %s", cfg.DataDir, nothing)
		}
	}
	log := logger(env.Stderr, cfg)
	// These commands read the whole database, each page of it once or
	// more, and exit: a memory map spares a system call per page (the
	// bake ran a quarter faster at 100,000 stories).
	db, err := openStoreWith(ctx, cfg, log, store.OpenOptions{SQLiteMap: 1 << 40})
	if err != nil {
		return nil, err
	}
	ix, err := openIndex(ctx, cfg, log)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("%w (a node's index has one user at a time: stop serve on this data folder first)", err)
	}
	f, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix, Log: log})
	if err != nil {
		ix.Close()
		db.Close()
		return nil, err
	}
	return &offline{db: db, ix: ix, follower: f, log: log}, nil
}

// close closes the index, then the store.
func (o *offline) close() {
	o.ix.Close()
	o.db.Close()
}
