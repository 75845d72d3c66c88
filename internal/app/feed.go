package app

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/importer"
	"github.com/qasid/qasid/internal/store"
)

// The feed commands manage the feeds `qasid serve` polls, as the desk's
// feeds page does.

func feedAddFlags(fs *flag.FlagSet) runFunc {
	code := fs.String("lang", "", "the language of items the feed does not label (en, ur, zh, ar, ru, fr, es)")
	section := fs.String("section", "", "the section of items the feed does not label")
	every := fs.Duration("every", importer.DefaultEvery, "how often to poll, e.g. 15m or 1h")
	name := fs.String("name", "", "the feed's name, the source of its items (default: the URL's host)")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		cfg, args, err := interleaved(fs, cfg, args)
		if err != nil {
			return err
		}
		if len(args) != 1 {
			fmt.Fprintln(env.Stderr, "want the feed's URL")
			return errUsage
		}
		svc, closeStore, err := importService(ctx, env, cfg)
		if err != nil {
			return err
		}
		defer closeStore()
		f, err := svc.AddFeed(ctx, importer.NewFeed{URL: args[0], Name: *name, Lang: *code, Section: *section, Every: *every})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added feed %d: %s, polled every %v\n", f.ID, f.Name, f.Every)
		return nil
	}
}

func runFeedList(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	svc, closeStore, err := importService(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	feeds, err := svc.Feeds(ctx)
	if err != nil {
		return err
	}
	when := func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, f := range feeds {
		state := "ok"
		if f.LastError != "" {
			state = "error: " + f.LastError
		}
		fmt.Fprintf(env.Stdout, "%d\t%s\t%s\tlang:%s\tsection:%s\tevery:%v\tlast:%s\tnext:%s\tnew:%d\t%s\n",
			f.ID, f.Name, f.URL, orNone(f.Lang), orNone(f.Section), f.Every, when(f.LastPolledAt), when(f.NextPollAt), f.LastNew, state)
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// importService opens the store and the importer over it.
func importService(ctx context.Context, env Env, cfg config.Config) (*importer.Service, func(), error) {
	log := logger(env.Stderr, cfg)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	svc, err := importer.New(importer.Options{Store: db, Log: log})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, func() { db.Close() }, nil
}

// pollEvery is how often serve looks for feeds that are due; each feed has
// its own interval, so this only bounds how late a poll can start.
const pollEvery = 30 * time.Second

// pollFeeds runs the feed poller until ctx ends, leasing each due feed as
// node so that nodes sharing a database poll each feed once.
func pollFeeds(ctx context.Context, log *slog.Logger, db store.Store, node string) {
	svc, err := importer.New(importer.Options{Store: db, Log: log, Poll: importer.PollOptions{Owner: node}})
	if err != nil {
		log.Error("feed poller not started", "err", err)
		return
	}
	svc.Run(ctx, pollEvery)
}
