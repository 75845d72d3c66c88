// Package config holds the settings every qasid command shares: they come
// from flags and from QASID_* environment variables, flags winning.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is the running configuration. It is a value passed down from
// app.Run; nothing reads it from a global.
type Config struct {
	Addr        string // where the web server listens, host:port
	DataDir     string // the data folder: SQLite database and whatever else the binary keeps
	DatabaseURL string // postgres://... to use PostgreSQL instead of SQLite in DataDir
	BaseURL     string // the public origin used in canonical and hreflang links; derived from Addr when empty
	LogLevel    slog.Level
	MTURL       string // a LibreTranslate server for machine pre-translation; empty turns it off
	MTKey       string // its API key, if it needs one
	BlobURL     string // s3://bucket/prefix?endpoint=host:port for photos in an object store; empty keeps them in DataDir/files
	// The object store's keys come from QASID_S3_ACCESS_KEY and
	// QASID_S3_SECRET_KEY only: a flag would show them in the process list.
	S3AccessKey, S3SecretKey string
	// VoiceRecent is how recent a story's first publication must be for
	// its voice-over to be made without the desk asking; 0 voices every
	// publish. See voice.Options.Recent.
	VoiceRecent time.Duration
	// DebugAddr, when set, is a second listener with Go's profiler
	// (/debug/pprof/) for operators; it must not be reachable from outside.
	DebugAddr string
	// PageCacheBytes bounds the rendered pages kept in memory, every
	// encoding counted.
	PageCacheBytes int64
}

// Default is the configuration of a fresh machine.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./qasid-data", LogLevel: slog.LevelInfo, VoiceRecent: 7 * 24 * time.Hour,
		PageCacheBytes: 64 << 20}
}

// Var describes one setting: its flag, its environment variable and its help.
type Var struct {
	Flag, Env, Help string
}

// Vars lists the shared settings, for --help and README.
func Vars() []Var {
	return []Var{
		{"addr", "QASID_ADDR", "address to listen on (host:port)"},
		{"data", "QASID_DATA", "data folder: SQLite database and other files"},
		{"database-url", "QASID_DATABASE_URL", "PostgreSQL URL (postgres://...) to use instead of SQLite in the data folder"},
		{"base-url", "QASID_BASE_URL", "public URL of the site for canonical links (default http://ADDR)"},
		{"log-level", "QASID_LOG_LEVEL", "debug, info, warn or error"},
		{"mt-url", "QASID_MT_URL", "LibreTranslate URL for machine pre-translation in the translation desk (off when empty)"},
		{"mt-key", "QASID_MT_KEY", "LibreTranslate API key"},
		{"blob-url", "QASID_BLOB_URL", "S3-compatible bucket for photos, s3://bucket/prefix?endpoint=host:port&region=r (keys in QASID_S3_ACCESS_KEY, QASID_S3_SECRET_KEY); default: the data folder"},
		{"debug-addr", "QASID_DEBUG_ADDR", "address for Go's profiler at /debug/pprof/ (host:port, keep it private; off when empty)"},
		{"page-cache", "QASID_PAGE_CACHE", "memory for rendered pages, e.g. 64MiB or 1GiB (at least 1MiB)"},
		{"voice-recent", "QASID_VOICE_RECENT", "voice-overs are made unasked for stories first published within this time (e.g. 7d, 48h; 0: every story); older ones when the desk asks"},
	}
}

// Bind registers the shared flags on fs, with defaults taken from the
// environment (getenv) over Default. After fs.Parse, call the returned
// function to validate and obtain the Config.
func Bind(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	c := Default()
	vars := Vars()
	def := func(env, fallback string) string {
		if v := getenv(env); v != "" {
			return v
		}
		return fallback
	}
	addr := fs.String("addr", def("QASID_ADDR", c.Addr), vars[0].Help+" [QASID_ADDR]")
	data := fs.String("data", def("QASID_DATA", c.DataDir), vars[1].Help+" [QASID_DATA]")
	dbURL := fs.String("database-url", def("QASID_DATABASE_URL", ""), vars[2].Help+" [QASID_DATABASE_URL]")
	base := fs.String("base-url", def("QASID_BASE_URL", ""), vars[3].Help+" [QASID_BASE_URL]")
	level := fs.String("log-level", def("QASID_LOG_LEVEL", "info"), vars[4].Help+" [QASID_LOG_LEVEL]")
	mtURL := fs.String("mt-url", def("QASID_MT_URL", ""), vars[5].Help+" [QASID_MT_URL]")
	mtKey := fs.String("mt-key", def("QASID_MT_KEY", ""), vars[6].Help+" [QASID_MT_KEY]")
	blobURL := fs.String("blob-url", def("QASID_BLOB_URL", ""), vars[7].Help+" [QASID_BLOB_URL]")
	debugAddr := fs.String("debug-addr", def("QASID_DEBUG_ADDR", ""), vars[8].Help+" [QASID_DEBUG_ADDR]")
	pageCache := fs.String("page-cache", def("QASID_PAGE_CACHE", "64MiB"), vars[9].Help+" [QASID_PAGE_CACHE]")
	voiceRecent := fs.String("voice-recent", def("QASID_VOICE_RECENT", "7d"), vars[10].Help+" [QASID_VOICE_RECENT]")
	return func() (Config, error) {
		c.Addr, c.DataDir, c.DatabaseURL, c.BaseURL = *addr, *data, *dbURL, *base
		c.MTURL, c.MTKey = strings.TrimSpace(*mtURL), *mtKey
		c.BlobURL = strings.TrimSpace(*blobURL)
		c.DebugAddr = strings.TrimSpace(*debugAddr)
		c.S3AccessKey, c.S3SecretKey = getenv("QASID_S3_ACCESS_KEY"), getenv("QASID_S3_SECRET_KEY")
		if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
			return c, fmt.Errorf("config: log level %q: want debug, info, warn or error", *level)
		}
		d, err := parseDays(*voiceRecent)
		if err != nil {
			return c, fmt.Errorf("config: voice-recent %q: want a duration such as 7d or 48h, or 0", *voiceRecent)
		}
		c.VoiceRecent = d
		if c.PageCacheBytes, err = parseBytes(*pageCache); err != nil || c.PageCacheBytes < 1<<20 {
			return c, fmt.Errorf("config: page-cache %q: want a size such as 64MiB or 1GiB, at least 1MiB", *pageCache)
		}
		return c, c.validate()
	}
}

// parseDays reads a Go duration, or a whole number of days as "7d", since
// days are what an editor thinks in. Negative durations are refused.
func parseDays(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 100*365 {
			return 0, errors.New("bad number of days")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, errors.New("negative")
	}
	return d, nil
}

// parseBytes reads a size: a number of bytes, or one with a suffix KiB,
// MiB, GiB (powers of 1024) or KB, MB, GB (powers of 1000).
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(n), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<40)/mult {
		return 0, errors.New("bad size")
	}
	return n * mult, nil
}

func (c *Config) validate() error {
	var errs []error
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		errs = append(errs, fmt.Errorf("config: addr %q: want host:port, e.g. 127.0.0.1:8080", c.Addr))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("config: data folder must not be empty"))
	}
	if c.DebugAddr != "" {
		if _, p, err := net.SplitHostPort(c.DebugAddr); err != nil || p == "" {
			errs = append(errs, fmt.Errorf("config: debug addr %q: want host:port, e.g. 127.0.0.1:6060", c.DebugAddr))
		}
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("config: database URL must start with postgres:// or postgresql://"))
	}
	if c.BaseURL == "" && err == nil {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	if c.MTURL != "" {
		if u, err := url.Parse(c.MTURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("config: mt URL %q: want http(s)://host[:port]", c.MTURL))
		}
	}
	u, perr := url.Parse(c.BaseURL)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		errs = append(errs, fmt.Errorf("config: base URL %q: want an origin such as https://news.example.org", c.BaseURL))
	} else {
		c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	}
	return errors.Join(errs...)
}

// String describes c for logs, with the database password hidden.
func (c Config) String() string {
	db := "sqlite (" + c.DataDir + ")"
	if c.DatabaseURL != "" {
		db = "postgres"
		if u, err := url.Parse(c.DatabaseURL); err == nil {
			db = "postgres " + u.Redacted()
		}
	}
	mt := "off"
	if c.MTURL != "" {
		mt = c.MTURL // the key is never printed
	}
	return fmt.Sprintf("addr=%s data=%s db=%s base_url=%s mt=%s", c.Addr, c.DataDir, db, c.BaseURL, mt)
}
