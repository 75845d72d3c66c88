package app

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/wire"
)

// The subscriber commands manage the wire's subscribers from a shell, as
// the desk's admin pages do. Keys are printed once, when made.

func subscriberAddFlags(fs *flag.FlagSet) runFunc {
	name := fs.String("name", "", "the subscriber's organisation name (required)")
	contact := fs.String("contact", "", "who to reach there, e.g. an email")
	langs := fs.String("languages", "", "languages it may receive, comma-separated, e.g. en,ur (default all)")
	secs := fs.String("sections", "", "sections it may receive, comma-separated, e.g. world,business (default all)")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		if err := noArgs(env, args); err != nil {
			return err
		}
		if strings.TrimSpace(*name) == "" {
			fmt.Fprintln(env.Stderr, "--name is required")
			return errUsage
		}
		svc, closeStore, err := wireService(ctx, env, cfg)
		if err != nil {
			return err
		}
		defer closeStore()
		sub, key, err := svc.AddSubscriber(ctx, wire.NewSubscriber{Name: *name, Contact: *contact,
			Languages: splitList(*langs), Sections: splitList(*secs)})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added subscriber %d: %s (languages: %s; sections: %s)\n", sub.ID, sub.Name,
			orAll(sub.Languages), orAll(sub.Sections))
		fmt.Fprintf(env.Stdout, "API key (shown once, store it now): %s\n", key)
		return nil
	}
}

func runSubscriberList(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	svc, closeStore, err := wireService(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	subs, err := svc.Subscribers(ctx)
	if err != nil {
		return err
	}
	for _, s := range subs {
		d, err := svc.Details(ctx, s.ID)
		if err != nil {
			return err
		}
		var keys []string
		for _, k := range d.Keys {
			if !k.Revoked() {
				keys = append(keys, k.Prefix)
			}
		}
		active := 0
		for _, e := range d.Endpoints {
			if e.Active {
				active++
			}
		}
		fmt.Fprintf(env.Stdout, "%d\t%s\t%s\t%s\t%s\tkeys:%s\tendpoints:%d\n", s.ID, s.Name, s.Status,
			orAll(s.Languages), orAll(s.Sections), strings.Join(keys, ","), active)
	}
	return nil
}

func subscriberKeyFlags(fs *flag.FlagSet) runFunc {
	id := fs.Int64("id", 0, "make a new key for this subscriber")
	revoke := fs.String("revoke", "", "revoke the key with this prefix (as list shows it)")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		if err := noArgs(env, args); err != nil {
			return err
		}
		if (*id > 0) == (*revoke != "") {
			fmt.Fprintln(env.Stderr, "give either --id N (a new key) or --revoke PREFIX")
			return errUsage
		}
		svc, closeStore, err := wireService(ctx, env, cfg)
		if err != nil {
			return err
		}
		defer closeStore()
		if *revoke != "" {
			k, err := svc.RevokeKey(ctx, *revoke)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "revoked key %s of subscriber %d\n", k.Prefix, k.SubscriberID)
			return nil
		}
		key, _, err := svc.NewKey(ctx, *id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "API key for subscriber %d (shown once, store it now): %s\n", *id, key)
		return nil
	}
}

func subscriberSuspendFlags(fs *flag.FlagSet) runFunc {
	id := fs.Int64("id", 0, "the subscriber (required)")
	resume := fs.Bool("resume", false, "serve a suspended subscriber again")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		if err := noArgs(env, args); err != nil {
			return err
		}
		if *id <= 0 {
			fmt.Fprintln(env.Stderr, "--id is required")
			return errUsage
		}
		svc, closeStore, err := wireService(ctx, env, cfg)
		if err != nil {
			return err
		}
		defer closeStore()
		set, done := svc.Suspend, "suspended"
		if *resume {
			set, done = svc.Resume, "resumed"
		}
		if err := set(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "subscriber %d %s\n", *id, done)
		return nil
	}
}

// wireService opens the store and the subscriber service over it.
func wireService(ctx context.Context, env Env, cfg config.Config) (*wire.Service, func(), error) {
	log := logger(env.Stderr, cfg)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	return wire.New(wire.Options{Store: db, Log: log, BaseURL: cfg.BaseURL}), func() { db.Close() }, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func orAll(list []string) string {
	if len(list) == 0 {
		return "all"
	}
	return strings.Join(list, ",")
}
