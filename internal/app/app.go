// Package app wires Qasid together: it parses the command line, opens the
// store, builds the handlers and runs the subcommands.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/qasid/qasid/internal/config"
)

// Env is what a command may touch of the outside world, passed in so that
// tests can run commands in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is called with the server's URL once it listens.
	Ready func(url string)
}

type runFunc func(ctx context.Context, env Env, cfg config.Config, args []string) error

// command is a subcommand. flags, when set, registers the command's own
// flags beside the shared ones and returns the function that runs it.
type command struct {
	name, summary, usage string
	run                  runFunc
	flags                func(fs *flag.FlagSet) runFunc
}

func commands() []command {
	return []command{
		{name: "demo", summary: "load the demo agency into the data folder, then serve it", usage: "qasid demo [flags]", run: runDemo},
		{name: "serve", summary: "serve the site and the desk from an existing data folder", usage: "qasid serve [flags]", run: runServe},
		{name: "migrate", summary: "apply database migrations and exit; or move an agency from SQLite to PostgreSQL", usage: "qasid migrate [flags] | qasid migrate --from sqlite:PATH --to postgres://…", flags: migrateFlags},
		importCommand(), feedAddCommand(), feedListCommand(),
		{name: "bake", summary: "write the public site as static files into OUTDIR; --since writes only what changed", usage: "qasid bake [--since] [flags] OUTDIR", flags: bakeFlags},
		{name: "related", summary: "work out the stored related-story lists still owed, on every core (after a bulk import; stop serve first)", usage: "qasid related [flags]", run: runRelated},
		{name: "reindex", summary: "rebuild this node's search index from the store (stop serve first)", usage: "qasid reindex [flags]", run: runReindex},
		{name: "user add", summary: "add a desk user; the password is read from standard input", usage: "qasid user add --email EMAIL --role ROLE[,ROLE] [flags] < password", flags: userAddFlags},
		{name: "user list", summary: "list the desk's users", usage: "qasid user list [flags]", run: runUserList},
		{name: "tm import", summary: "import a TMX 1.4b file into the translation memory (all or nothing)", usage: "qasid tm import [flags] FILE.tmx|-", flags: memoryFlags("tm", "import")},
		{name: "tm export", summary: "export the translation memory as TMX 1.4b", usage: "qasid tm export [--src en] [--tgt ur] [--out FILE] [flags]", flags: memoryFlags("tm", "export")},
		{name: "glossary import", summary: "import glossary terms from CSV (src_lang,tgt_lang,source,target,note)", usage: "qasid glossary import [flags] FILE.csv|-", flags: memoryFlags("glossary", "import")},
		{name: "glossary export", summary: "export the glossary as CSV", usage: "qasid glossary export [--src en] [--tgt ur] [--out FILE] [flags]", flags: memoryFlags("glossary", "export")},
		{name: "subscriber add", summary: "add a wire subscriber and print its first API key once", usage: "qasid subscriber add --name NAME [--contact C] [--languages en,ur] [--sections world,business] [flags]", flags: subscriberAddFlags},
		{name: "subscriber list", summary: "list the wire's subscribers", usage: "qasid subscriber list [flags]", run: runSubscriberList},
		{name: "subscriber key", summary: "make a new API key for a subscriber, or revoke one", usage: "qasid subscriber key --id N | --revoke PREFIX [flags]", flags: subscriberKeyFlags},
		{name: "subscriber suspend", summary: "suspend a subscriber, or resume it", usage: "qasid subscriber suspend --id N [--resume] [flags]", flags: subscriberSuspendFlags},
	}
}

// errUsage marks a command line that could not be understood; its message
// has already been printed.
var errUsage = errors.New("usage")

// Run runs the qasid command line and returns the process exit code.
func Run(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			cmd = &c
			args = append([]string{c.name}, args[len(words):]...)
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "qasid: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return 2
	}
	fs := flag.NewFlagSet("qasid "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	load := config.Bind(fs, env.Getenv)
	run := cmd.run
	if cmd.flags != nil {
		run = cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: %s\n\n%s.\n\nFlags (each also read from the environment variable in brackets):\n", cmd.usage, capitalise(cmd.summary))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return 0
		}
		return 2
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(env.Stderr, "qasid %s: %v\n", cmd.name, err)
		return 2
	}
	if err := run(ctx, env, cfg, fs.Args()); err != nil {
		if errors.Is(err, errUsage) {
			return 2
		}
		fmt.Fprintf(env.Stderr, "qasid %s: %v\n", cmd.name, err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "Qasid publishes a news agency's stories in seven languages.\n\nUsage: qasid COMMAND [flags]\n\nCommands:\n")
	cmds := commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nFlags shared by every command (flags win over the environment):\n")
	for _, v := range config.Vars() {
		fmt.Fprintf(w, "  --%-13s %-19s %s\n", v.Flag, v.Env, v.Help)
	}
	fmt.Fprintf(w, "\nRun 'qasid COMMAND --help' for a command's flags.\n")
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func logger(w io.Writer, cfg config.Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: cfg.LogLevel}))
}

func noArgs(env Env, args []string) error {
	if len(args) > 0 {
		fmt.Fprintf(env.Stderr, "unexpected arguments: %s\n", strings.Join(args, " "))
		return errUsage
	}
	return nil
}
