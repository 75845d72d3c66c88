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
	"sync"
	"time"

	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/render"

	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/metrics"
	"github.com/qasid/qasid/internal/mt"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/pagecache"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/translate"
	"github.com/qasid/qasid/internal/voice"
	"github.com/qasid/qasid/internal/web"
	"github.com/qasid/qasid/internal/webhook"
	"github.com/qasid/qasid/internal/wire"
)

func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	return openStoreWith(ctx, cfg, log, store.OpenOptions{})
}

// openStoreWith is openStore with options.
func openStoreWith(ctx context.Context, cfg config.Config, log *slog.Logger, o store.OpenOptions) (*store.DB, error) {
	db, err := store.OpenWith(ctx, cfg.DatabaseURL, cfg.DataDir, log, o)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return db, nil
}

// schedulerEvery is how often scheduled stories and embargoes are checked:
// a story goes out at most this long after its time.
const schedulerEvery = 10 * time.Second

// followEvery is how often the translation memory looks for newly
// published translations.
const followEvery = 5 * time.Second

// services builds the newsroom and translation services over a store.
func services(cfg config.Config, log *slog.Logger, db store.Store) (*newsroom.Service, *translate.Service, error) {
	svc := newsroom.New(newsroom.Options{Store: db, Log: log})
	var provider translate.Provider
	if cfg.MTURL != "" {
		lt, err := mt.NewLibreTranslate(cfg.MTURL, cfg.MTKey, nil)
		if err != nil {
			return nil, nil, err
		}
		provider = lt
	}
	return svc, translate.New(translate.Options{Store: db, Newsroom: svc, Log: log, MT: provider}), nil
}

// searchEvery is how often the search index follows the change log: a
// story is findable at most this long after it is published.
const searchEvery = time.Second

// handler builds the whole HTTP surface: the desk under /desk/, the public
// site everywhere else.
// background is the services whose loops serve runs.
type background struct {
	newsroom  *newsroom.Service
	translate *translate.Service
	webhooks  *webhook.Service
	voice     *voice.Service // voice-overs: voice.go
	cache     *pagecache.Cache
	site      *site.Site // for the static bake
}

func handler(cfg config.Config, log *slog.Logger, db store.Store, ix *search.Index) (http.Handler, background, error) {
	var none background
	cat, err := lang.LoadCatalog()
	if err != nil {
		return nil, none, err
	}
	assets, err := web.LoadAssets()
	if err != nil {
		return nil, none, err
	}
	svc, tr, err := services(cfg, log, db)
	if err != nil {
		return nil, none, err
	}
	audio, err := voiceService(context.Background(), cfg, log, db)
	if err != nil {
		return nil, none, err
	}
	photos, err := mediaService(context.Background(), cfg, log, db) // the photo desk: media.go
	if err != nil {
		return nil, none, err
	}
	s, err := site.New(site.Options{Store: db, Catalog: cat, Log: log, BaseURL: cfg.BaseURL, Assets: assets, Search: ix, Voice: audio,
		Media: photos})
	if err != nil {
		return nil, none, err
	}
	mtName := ""
	if cfg.MTURL != "" {
		mtName = "LibreTranslate"
	}
	m := metrics.New()
	hooks, err := webhook.New(webhook.Options{Store: db, Log: log, BaseURL: cfg.BaseURL, Observe: m.WebhookAttempt})
	if err != nil {
		return nil, none, err
	}
	dk, err := desk.New(desk.Options{Service: svc, Store: db, Catalog: cat, Assets: assets, Log: log,
		Preview: s.Preview, PublicPath: render.StoryPath, Translate: tr, MTName: mtName, Webhooks: hooks, Search: ix, Voice: audio,
		Media: photos})
	if err != nil {
		return nil, none, err
	}
	api, err := wire.NewAPI(wire.APIOptions{Service: wire.New(wire.Options{Store: db, Catalog: cat, BaseURL: cfg.BaseURL, Log: log}), Log: log, Search: ix})
	if err != nil {
		return nil, none, err
	}
	mux := http.NewServeMux()
	mux.Handle("/wire/v1/", api.Handler())
	deskHandler := web.Log(log, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	}, dk.Handler())
	mux.Handle("/desk/", deskHandler)
	mux.Handle("/desk", deskHandler)
	cache := pagecache.New(pagecache.Options{Next: s.Handler(), Counter: m, MaxBytes: cfg.PageCacheBytes})
	mux.Handle("/", cache)
	mux.Handle("GET /metrics", m.Handler())
	startSeq, err := db.LastSeq(context.Background())
	if err != nil {
		return nil, none, err
	}
	health := metrics.Health(map[string]metrics.Check{
		"database": func(ctx context.Context) error { _, err := db.LastSeq(ctx); return err },
		// Ready once the search index holds what the log held at start:
		// before that, search answers would be missing stories.
		"search": func(ctx context.Context) error {
			if ix == nil {
				return nil
			}
			pos, err := ix.Position()
			if err != nil {
				return err
			}
			if pos < startSeq {
				return fmt.Errorf("index at change %d of %d", pos, startSeq)
			}
			return nil
		},
	})
	mux.Handle("GET /healthz", health)
	mux.Handle("GET /readyz", health)
	gauge := func(f func(ctx context.Context) (float64, error)) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			v, err := f(ctx)
			if err != nil {
				return -1
			}
			return v
		}
	}
	m.Gauge("qasid_webhook_backlog", "Webhook deliveries still to be made (pending or leased).", gauge(func(ctx context.Context) (float64, error) {
		n, err := db.DeliveryBacklog(ctx)
		return float64(n), err
	}))
	m.Gauge("qasid_search_lag", "Change log entries this node's search index has yet to apply.", gauge(func(ctx context.Context) (float64, error) {
		if ix == nil {
			return 0, nil
		}
		last, err := db.LastSeq(ctx)
		if err != nil {
			return 0, err
		}
		pos, err := ix.Position()
		return float64(last - pos), err
	}))
	m.Gauge("qasid_page_cache_bytes", "Bytes the page cache holds, every encoding counted.", func() float64 {
		_, n := cache.Stats()
		return float64(n)
	})
	m.Gauge("qasid_page_cache_entries", "Pages the page cache holds.", func() float64 {
		n, _ := cache.Stats()
		return float64(n)
	})
	return m.Middleware(mux), background{newsroom: svc, translate: tr, webhooks: hooks, voice: audio, cache: cache, site: s}, nil
}

// cacheEvery is the page cache's longest wait between looks at the change
// log; a change wakes it at once.
const cacheEvery = 30 * time.Second

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
	// Each node keeps its own search index in its data folder, also when
	// the database is shared; it is closed after the background work that
	// writes it has stopped (defers run last first).
	ix, err := openIndex(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer ix.Close()
	setMemoryLimit(env, cfg, log)
	h, bgs, err := handler(cfg, log, db, ix)
	if err != nil {
		return err
	}
	follower, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix, Log: log})
	if err != nil {
		return err
	}
	svc, tr, hooks := bgs.newsroom, bgs.translate, bgs.webhooks
	// Background work: the scheduler, the translation memory's change-log
	// follower and webhook delivery. All keep their state in the database
	// and resume on restart.
	bgCtx, stopBackground := context.WithCancel(ctx)
	var bg sync.WaitGroup
	node := nodeName()
	bg.Go(func() { svc.RunScheduler(bgCtx, schedulerEvery, node) })
	bg.Go(func() { tr.Follow(bgCtx, followEvery) })
	bg.Go(func() { hooks.Run(bgCtx) })
	bg.Go(func() { bgs.voice.Run(bgCtx) }) // logs once whether speech is available
	bg.Go(func() { pollFeeds(bgCtx, log, db, node) })
	bg.Go(func() { follower.Run(bgCtx, searchEvery) })
	lists := related.New(related.Options{Store: db, Index: ix, Log: log})
	bg.Go(func() { lists.Run(bgCtx, relatedEvery, node) })
	bg.Go(func() { bgs.cache.Follow(bgCtx, db, cacheEvery, log) })
	defer func() { stopBackground(); bg.Wait() }()
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
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopDebug()
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
