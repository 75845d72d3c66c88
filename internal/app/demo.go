package app

import (
	"context"
	"fmt"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/demo"
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
	return serve(ctx, env, cfg, log, db)
}

func where(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "PostgreSQL"
	}
	return cfg.DataDir
}
