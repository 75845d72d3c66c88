package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/store"
)

// migrateFlags: plain `qasid migrate` brings the configured database's
// schema up to date; with --from and --to it moves an agency from SQLite
// to PostgreSQL.
func migrateFlags(fs *flag.FlagSet) runFunc {
	from := fs.String("from", "", "with --to: the SQLite database to move, as sqlite:PATH (e.g. sqlite:./qasid-data/qasid.db)")
	to := fs.String("to", "", "with --from: the PostgreSQL database to move it to, postgres://… (it must hold no stories)")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		if *from == "" && *to == "" {
			return runMigrate(ctx, env, cfg, args)
		}
		if err := noArgs(env, args); err != nil {
			return err
		}
		return runCopy(ctx, env, cfg, *from, *to)
	}
}

func runCopy(ctx context.Context, env Env, cfg config.Config, from, to string) error {
	path, ok := strings.CutPrefix(from, "sqlite:")
	if !ok || path == "" {
		return errors.New("--from must be sqlite:PATH, the SQLite database file to move")
	}
	if !strings.HasPrefix(to, "postgres://") && !strings.HasPrefix(to, "postgresql://") {
		return errors.New("--to must be a postgres:// URL")
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	log := logger(env.Stderr, cfg)
	src, err := store.OpenSQLite(ctx, path, log)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenPostgres(ctx, to, log)
	if err != nil {
		return err
	}
	defer dst.Close()
	last := ""
	res, err := store.CopySQLiteToPostgres(ctx, src, dst, func(table string, rows int64) {
		if table != last {
			fmt.Fprintf(env.Stderr, "copying %s\n", table)
			last = table
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%-24s %12s %12s\n", "table", "sqlite", "postgres")
	for _, tc := range res.Tables {
		fmt.Fprintf(env.Stdout, "%-24s %12d %12d\n", tc.Table, tc.Source, tc.Target)
	}
	fmt.Fprintln(env.Stdout, "every table's rows were copied and counted. Serve from PostgreSQL with --database-url; the search index of each node rebuilds itself on start.")
	return nil
}
