package app

import (
	"context"
	"fmt"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/newsroom"
)

// runDemo loads the demo agency (adding nothing that is already there) and
// then serves exactly as serve does.
func runDemo(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	log := logger(env.Stderr, cfg)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := demo.Load(ctx, db)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Demo agency loaded into %s: %d stories in 7 languages (%d created, %d published now).\n",
		where(cfg), res.Families, res.Created, res.Published)
	logins, err := demo.Users(ctx, newsroom.New(newsroom.Options{Store: db, Log: log}))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Desk logins (new passwords on every run of demo):\n")
	for _, l := range logins {
		fmt.Fprintf(env.Stdout, "  %-10s %-24s %s\n", rolesText(l.Roles), l.Email, l.Password)
	}
	// The demo's stories carry the dates they were written for, long past
	// any recent-only voice-over rule; the demo is there to show every
	// part, so it voices them all.
	cfg.VoiceRecent = 0
	return serve(ctx, env, cfg, log, db)
}

func where(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "PostgreSQL"
	}
	return cfg.DataDir
}
