package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/qasid/qasid/internal/app"
	"github.com/qasid/qasid/internal/store"
)

func run(t *testing.T, ctx context.Context, env map[string]string, ready func(string), args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := app.Run(ctx, args, app.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }, Ready: ready})
	return code, out.String(), errOut.String()
}

func TestHelpNamesEveryFlag(t *testing.T) {
	code, out, _ := run(t, context.Background(), nil, nil, "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"demo", "serve", "migrate", "--addr", "QASID_ADDR", "--data", "QASID_DATA", "--database-url", "QASID_DATABASE_URL", "--base-url", "--log-level"} {
		if !strings.Contains(out, w) {
			t.Errorf("qasid --help lacks %q", w)
		}
	}
	for _, cmd := range []string{"demo", "serve", "migrate"} {
		code, out, _ := run(t, context.Background(), nil, nil, cmd, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", cmd, code)
		}
		for _, w := range []string{"-addr", "QASID_ADDR", "-data", "-database-url", "QASID_DATABASE_URL", "-base-url", "-log-level"} {
			if !strings.Contains(out, w) {
				t.Errorf("qasid %s --help lacks %q", cmd, w)
			}
		}
	}
}

func TestBadCommandLines(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no command", nil, nil, 2, "Usage"},
		{"unknown command", nil, []string{"publish"}, 2, `unknown command "publish"`},
		{"unknown flag", nil, []string{"serve", "--port", "80"}, 2, "port"},
		{"bad address", nil, []string{"serve", "--addr", "nonsense"}, 2, "addr"},
		{"bad address from env", map[string]string{"QASID_ADDR": "8080"}, []string{"serve"}, 2, "addr"},
		{"not postgres", nil, []string{"serve", "--database-url", "mysql://x"}, 2, "postgres://"},
		{"bad base url", nil, []string{"serve", "--base-url", "news.example.org"}, 2, "base URL"},
		{"bad log level", nil, []string{"serve", "--log-level", "loud"}, 2, "log level"},
		{"empty data folder", nil, []string{"migrate", "--data", ""}, 2, "data folder"},
		{"serve without data", nil, []string{"serve", "--data", "/nonexistent/qasid"}, 1, "qasid demo"},
		{"stray argument", nil, []string{"migrate", "--data", "x", "extra"}, 2, "unexpected arguments: extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, context.Background(), tt.env, nil, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(out+errOut, tt.want) {
				t.Errorf("output lacks %q:\n%s%s", tt.want, out, errOut)
			}
		})
	}
}

// runDemo runs `qasid demo` in-process until the server answers, fetches
// /en/, then stops it as a signal would.
func runDemo(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var got int
	ready := func(url string) {
		defer cancel()
		res, err := http.Get(url + "en/")
		if err != nil {
			t.Errorf("GET %sen/: %v", url, err)
			return
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		got = res.StatusCode
		// The same server carries the desk and the wire.
		for path, want := range map[string]int{"desk/login": 200, "wire/v1/openapi.json": 200, "wire/v1/items": 401, "sitemap.xml": 200, "feeds/ur.atom": 200} {
			res, err := http.Get(url + path)
			if err != nil {
				t.Errorf("GET %s: %v", path, err)
				continue
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("GET /%s: %d, want %d", path, res.StatusCode, want)
			}
		}
	}
	code, out, errOut := run(t, ctx, env, ready, append([]string{"demo", "--addr", "127.0.0.1:0"}, args...)...)
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	if got != http.StatusOK {
		t.Fatalf("GET /en/ answered %d", got)
	}
	if !strings.Contains(out, "Qasid is serving on http://127.0.0.1:") {
		t.Errorf("demo did not print its URL: %q", out)
	}
	return out
}

func countPublished(t *testing.T, db store.Store) int {
	t.Helper()
	n, err := db.CountPublished(context.Background(), store.ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDemoIsIdempotentOnSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first := runDemo(t, map[string]string{"QASID_DATA": dir}) // the folder comes from the environment
	if !strings.Contains(first, "(84 created, 84 published now)") {
		t.Errorf("first run: %q", first)
	}
	second := runDemo(t, nil, "--data", dir)
	if !strings.Contains(second, "(0 created, 0 published now)") {
		t.Errorf("second run created something: %q", second)
	}
	if _, err := os.Stat(filepath.Join(dir, "qasid.db")); err != nil {
		t.Fatalf("no database in the data folder: %v", err)
	}
	db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countPublished(t, db); n != 84 {
		t.Errorf("%d published stories after two runs, want 84", n)
	}
}

func TestDemoOnPostgres(t *testing.T) {
	base := os.Getenv("QASID_TEST_POSTGRES")
	if base == "" {
		t.Skip("QASID_TEST_POSTGRES not set")
	}
	// A schema of our own, so that runs never collide.
	schema := fmt.Sprintf("qasid_app_%d", rand.Uint64())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE") })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	url := base + sep + "search_path=" + schema

	runDemo(t, map[string]string{"QASID_DATABASE_URL": url}, "--data", t.TempDir())
	out := runDemo(t, nil, "--database-url", url, "--data", t.TempDir())
	if !strings.Contains(out, "(0 created, 0 published now)") {
		t.Errorf("second run on PostgreSQL created something: %q", out)
	}
	db, err := store.OpenPostgres(context.Background(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := countPublished(t, db); n != 84 {
		t.Errorf("%d published stories on PostgreSQL, want 84", n)
	}
}
