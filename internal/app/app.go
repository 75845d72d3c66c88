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
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is called with the server's URL once it listens.
	Ready func(url string)
}

type command struct {
	name, summary, usage string
	run                  func(ctx context.Context, env Env, cfg config.Config, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "load the demo agency into the data folder, then serve it", "qasid demo [flags]", runDemo},
		{"serve", "serve the site from an existing data folder", "qasid serve [flags]", runServe},
		{"migrate", "apply database migrations and exit", "qasid migrate [flags]", runMigrate},
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
		if c.name == args[0] {
			cmd = &c
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
	if err := cmd.run(ctx, env, cfg, fs.Args()); err != nil {
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
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
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
