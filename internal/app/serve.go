package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/web"
)

func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir, log)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return db, nil
}

// schedulerEvery is how often scheduled stories and embargoes are checked:
// a story goes out at most this long after its time.
const schedulerEvery = 10 * time.Second

// handler builds the whole HTTP surface: the desk under /desk/, the public
// site everywhere else.
func handler(cfg config.Config, log *slog.Logger, db store.Store) (http.Handler, *newsroom.Service, error) {
	cat, err := lang.LoadCatalog()
	if err != nil {
		return nil, nil, err
	}
	assets, err := web.LoadAssets()
	if err != nil {
		return nil, nil, err
	}
	svc := newsroom.New(newsroom.Options{Store: db, Log: log})
	s, err := site.New(site.Options{Store: db, Catalog: cat, Log: log, BaseURL: cfg.BaseURL, Assets: assets})
	if err != nil {
		return nil, nil, err
	}
	dk, err := desk.New(desk.Options{Service: svc, Store: db, Catalog: cat, Assets: assets, Log: log,
		Preview: s.Preview, PublicPath: site.StoryPath})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	deskHandler := web.Log(log, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	}, dk.Handler())
	mux.Handle("/desk/", deskHandler)
	mux.Handle("/desk", deskHandler)
	mux.Handle("/", s.Handler())
	return mux, svc, nil
}

func runMigrate(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	log := logger(env.Stderr, cfg)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s schema at version %d\n", db.Dialect(), v)
	return nil
}

func runServe(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	// serve never creates an agency by accident: a mistyped --data would
	// otherwise come up as an empty site.
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, "qasid.db")); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no Qasid data in %s: run 'qasid demo' to create the demo agency there, or 'qasid migrate' to create an empty one", cfg.DataDir)
		}
	}
	log := logger(env.Stderr, cfg)
	db, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return serve(ctx, env, cfg, log, db)
}

// serve runs the web server (public site and desk) and the scheduler until
// ctx ends, then shuts down gracefully.
func serve(ctx context.Context, env Env, cfg config.Config, log *slog.Logger, db store.Store) error {
	h, svc, err := handler(cfg, log, db)
	if err != nil {
		return err
	}
	schedCtx, stopScheduler := context.WithCancel(ctx)
	defer stopScheduler()
	schedDone := make(chan struct{})
	go func() {
		defer close(schedDone)
		svc.RunScheduler(schedCtx, schedulerEvery)
	}()
	defer func() { stopScheduler(); <-schedDone }()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + ln.Addr().String() + "/"
	log.Info("serving", "url", url, "config", cfg.String())
	fmt.Fprintf(env.Stdout, "Qasid is serving on %s (newsroom desk: %sdesk/)\n", url, url)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if env.Ready != nil {
		env.Ready(url)
	}
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
