package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/importer"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/search"
)

// importShownErrors is how many refused items the import command prints;
// the rest are counted.
const importShownErrors = 10

// importFlags registers `qasid import`: files of any format the ingest
// package reads, made into stories in batches, with a progress bar on
// standard error and a summary on standard output.
func importFlags(fs *flag.FlagSet) runFunc {
	publish := fs.Bool("publish", false, "publish the stories made (default: drafts)")
	source := fs.String("source", "", "the source of items that do not name one (default: the file's name)")
	code := fs.String("lang", "", "the language of items that do not say (en, ur, zh, ar, ru, fr, es)")
	section := fs.String("section", "", "the section for items whose own section is not one of ours (default: imported, or world)")
	noIndex := fs.Bool("no-index", false, "leave the search index alone (serve brings it up to date when it starts)")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		cfg, args, err := interleaved(fs, cfg, args)
		if err != nil {
			return err
		}
		if len(args) == 0 {
			fmt.Fprintln(env.Stderr, "want one or more files to import")
			return errUsage
		}
		if _, ok := lang.Get(*code); *code != "" && !ok {
			return fmt.Errorf("unknown language %q (want one of en, ur, zh, ar, ru, fr, es)", *code)
		}
		// The indexer logs from its own goroutine while this one draws
		// the progress bar and reports refused items: one lock keeps
		// their lines whole.
		env.Stderr = &lockedWriter{w: env.Stderr}
		log := logger(env.Stderr, cfg)
		db, err := openStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close()
		cat, err := lang.LoadCatalog()
		if err != nil {
			return err
		}
		svc, err := importer.New(importer.Options{Store: db, Catalog: cat, Log: log, DefaultSection: *section})
		if err != nil {
			return err
		}
		o := importer.ImportOptions{Publish: *publish, Source: *source, Lang: *code}
		start := time.Now()
		// The search index is written as the stories are stored, unless
		// asked not to, or another process (a running server) holds it:
		// that one's follower indexes them instead.
		var indexer *importIndexer
		var ix *search.Index
		if !*noIndex {
			ix, err = openIndex(ctx, cfg, log)
			if err != nil {
				fmt.Fprintln(env.Stderr, importIndexNote(err))
			} else {
				defer ix.Close() // on the way out early; closing twice is harmless
				if indexer, err = startImportIndexer(ctx, db, ix, log); err != nil {
					fmt.Fprintln(env.Stderr, importIndexNote(err))
				} else {
					o.Stored, o.BatchSize = indexer.stored, importIndexBatch
					defer indexer.stop() // on the way out early, before the index closes
					defer bulkGC(env)()
				}
			}
		}
		var total importer.Summary
		readAny := false
		var failed []string
		for _, path := range args {
			sum, err := importFile(ctx, env, svc, path, o)
			addSummary(&total, sum)
			if sum.Read > 0 || sum.ErrorCount > 0 {
				readAny = true
			}
			if err != nil {
				failed = append(failed, path)
				fmt.Fprintf(env.Stderr, "%s: %v\n", path, err)
				if errors.Is(err, importer.ErrInvalid) {
					return err // a configuration error: every file would fail alike
				}
			}
		}
		if indexer != nil {
			// Closing writes the last batches to disk: only then is the
			// import searchable by a server started after it.
			err := indexer.finish(ctx)
			var docs uint64
			if err == nil {
				docs, err = ix.Count()
			}
			if cerr := ix.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				fmt.Fprintln(env.Stderr, importIndexNote(err))
			} else {
				fmt.Fprintf(env.Stdout, "search index up to date: %d documents\n", docs)
			}
		}
		elapsed := time.Since(start)
		printSummary(env.Stdout, total, elapsed, len(args))
		if !readAny {
			return fmt.Errorf("nothing could be read from %d file(s)", len(failed))
		}
		return nil
	}
}

// lockedWriter serialises writes from several goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// importFile imports one file, or standard input for "-".
func importFile(ctx context.Context, env Env, svc *importer.Service, path string, o importer.ImportOptions) (importer.Summary, error) {
	var r io.Reader = env.Stdin
	name := "stdin"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return importer.Summary{}, err
		}
		defer f.Close()
		r, name = f, filepath.Base(path)
	}
	bar := newProgress(env.Stderr, "items", 0, importTTY(env.Stderr))
	done := 0
	o.Progress = func(s importer.Summary) {
		n := s.Read + s.ErrorCount
		bar.Add(n - done)
		done = n
	}
	sum, err := svc.Import(ctx, r, name, o)
	bar.Finish()
	for i, e := range sum.Errors {
		if i == importShownErrors {
			fmt.Fprintf(env.Stderr, "%s: … and %d more refused items\n", name, sum.ErrorCount-importShownErrors)
			break
		}
		fmt.Fprintf(env.Stderr, "%s: %s\n", name, e.Error())
	}
	for i, e := range sum.Skips {
		if i == importShownErrors {
			fmt.Fprintf(env.Stderr, "%s: … and %d more skipped items\n", name, sum.Skipped-importShownErrors)
			break
		}
		fmt.Fprintf(env.Stderr, "%s: skipped %s\n", name, e.Error())
	}
	return sum, err
}

func addSummary(total *importer.Summary, s importer.Summary) {
	total.Read += s.Read
	total.Imported += s.Imported
	total.Duplicates += s.Duplicates
	total.NearDuplicates += s.NearDuplicates
	total.Skipped += s.Skipped
	total.ErrorCount += s.ErrorCount
}

func printSummary(w io.Writer, s importer.Summary, elapsed time.Duration, files int) {
	rate := 0.0
	if secs := elapsed.Seconds(); secs > 0 {
		rate = float64(s.Imported) / secs
	}
	fmt.Fprintf(w, "imported %d, duplicates %d, near-duplicates %d, skipped %d, refused %d (from %d items read in %d file(s))\n",
		s.Imported, s.Duplicates, s.NearDuplicates, s.Skipped, s.ErrorCount, s.Read+s.ErrorCount, files)
	fmt.Fprintf(w, "%.0f stories/s in %.1fs\n", rate, elapsed.Seconds())
}

// importTTY reports whether w is a terminal, where the progress bar may
// redraw its line.
func importTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// interleaved reads flags that follow positional arguments too
// ("qasid feed add URL --lang ur"): the standard flag package stops at the
// first one. The shared flags that say where the data is are read again,
// since they may have come late.
func interleaved(fs *flag.FlagSet, cfg config.Config, args []string) (config.Config, []string, error) {
	var pos []string
	for len(args) > 0 {
		pos = append(pos, args[0])
		if err := fs.Parse(args[1:]); err != nil {
			return cfg, nil, errUsage // the flag package has said why
		}
		args = fs.Args()
	}
	if f := fs.Lookup("data"); f != nil {
		cfg.DataDir = f.Value.String()
	}
	if f := fs.Lookup("database-url"); f != nil {
		cfg.DatabaseURL = f.Value.String()
	}
	return cfg, pos, nil
}

// The ingest commands, for commands() in app.go.
func importCommand() command {
	return command{name: "import", summary: "import stories from files: JSON Lines, RSS, Atom, ninjs, NewsML-G2 (drafts unless --publish)",
		usage: "qasid import [--publish] [--source NAME] [--lang CODE] [--section KEY] [flags] FILE...|-", flags: importFlags}
}

func feedAddCommand() command {
	return command{name: "feed add", summary: "add a feed for serve to poll; its items wait on the desk's incoming list",
		usage: "qasid feed add URL [--lang CODE] [--section KEY] [--every 15m] [--name NAME] [flags]", flags: feedAddFlags}
}

func feedListCommand() command {
	return command{name: "feed list", summary: "list the polled feeds with their last poll and error", usage: "qasid feed list [flags]", run: runFeedList}
}
