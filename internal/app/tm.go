package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
)

// The CLI acts as the system, with an editor's rights: whoever can run the
// binary against the database already holds the agency's data.
var cliActor = newsroom.Actor{User: auth.User{ID: -1, Email: "cli", Roles: []auth.Role{auth.RoleEditor, auth.RoleAdmin}}, IP: "cli"}

// memoryFlags registers the flags of tm and glossary import/export.
func memoryFlags(kind, dir string) func(fs *flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		src := fs.String("src", "", "export only this source language (en, ur, zh, ar, ru, fr, es)")
		tgt := fs.String("tgt", "", "export only this target language")
		out := fs.String("out", "", "export to this file instead of standard output")
		return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
			for _, c := range []string{*src, *tgt} {
				if _, ok := lang.Get(c); c != "" && !ok {
					return fmt.Errorf("unknown language %q", c)
				}
			}
			log := logger(env.Stderr, cfg)
			db, err := openStore(ctx, cfg, log)
			if err != nil {
				return err
			}
			defer db.Close()
			_, tr, err := services(cfg, log, db)
			if err != nil {
				return err
			}
			if dir == "import" {
				if len(args) != 1 {
					fmt.Fprintf(env.Stderr, "want one file to import (or - for standard input)\n")
					return errUsage
				}
				var r io.Reader = env.Stdin
				if args[0] != "-" {
					f, err := os.Open(args[0])
					if err != nil {
						return err
					}
					defer f.Close()
					r = f
				}
				var n int
				if kind == "tm" {
					n, err = tr.ImportTMX(ctx, cliActor, r)
				} else {
					n, err = tr.ImportGlossary(ctx, cliActor, r)
				}
				if err != nil {
					return fmt.Errorf("%s: %w", args[0], err)
				}
				fmt.Fprintf(env.Stdout, "imported %d %s from %s\n", n, map[string]string{"tm": "segment pairs", "glossary": "terms"}[kind], args[0])
				return nil
			}
			if err := noArgs(env, args); err != nil {
				return err
			}
			w := env.Stdout
			if *out != "" {
				f, err := os.Create(*out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if kind == "tm" {
				return tr.ExportTMX(ctx, w, *src, *tgt)
			}
			return tr.ExportGlossary(ctx, w, *src, *tgt)
		}
	}
}
