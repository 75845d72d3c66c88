package app_test

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
)

// TestDemoIsSearchable runs qasid demo and waits for its index to catch
// up: the reader's search page, the desk's and the wire's are all served.
// Stopping it closes the index, so that reindex can then rebuild it.
func TestDemoIsSearchable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var found bool
	ready := func(url string) {
		defer cancel()
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) && !found {
			res, err := http.Get(url + "en/search?q=Karachi")
			if err != nil {
				t.Errorf("search: %v", err)
				return
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			found = res.StatusCode == 200 && strings.Contains(string(b), "<mark>Karachi</mark>")
			time.Sleep(100 * time.Millisecond)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for path, want := range map[string]int{"ur/search?q=%22": 400, "desk/search?q=Karachi": 303, "wire/v1/search?q=Karachi": 401} {
			res, err := client.Get(url + path)
			if err != nil {
				t.Errorf("GET %s: %v", path, err)
				continue
			}
			res.Body.Close()
			if res.StatusCode != want {
				t.Errorf("GET /%s: %d, want %d", path, res.StatusCode, want)
			}
		}
	}
	code, _, errOut := run(t, ctx, nil, ready, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	if code != 0 {
		t.Fatalf("demo exit %d: %s", code, errOut)
	}
	if !found {
		t.Fatal("the demo's search page never found Karachi")
	}
	if !strings.Contains(errOut, "search index is empty") || !strings.Contains(errOut, "search: index rebuilt") {
		t.Errorf("the log does not say the index was built:\n%s", errOut)
	}

	// The index was closed on shutdown: reindex can take it.
	code, out, errOut := run(t, context.Background(), nil, nil, "reindex", "--data", dir)
	if code != 0 {
		t.Fatalf("reindex exit %d: %s", code, errOut)
	}
	m := regexp.MustCompile(`Reindexed (\d+) stories \((\d+) documents\) into .* at \d+ stories/s\.`).FindStringSubmatch(out)
	if m == nil || m[1] != "84" || m[2] != "84" {
		t.Errorf("reindex said %q", out)
	}
	// Not a terminal: plain progress lines, no carriage returns.
	if !strings.Contains(errOut, "84/84 stories (100%)") || strings.Contains(errOut, "\r") {
		t.Errorf("progress output %q", errOut)
	}

	db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	last, err := db.LastSeq(context.Background())
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := search.Open(filepath.Join(dir, "search"))
	if err != nil {
		t.Fatal(err)
	}
	pos, err := ix.Position()
	if err != nil || pos != last {
		t.Errorf("position %d (%v), want the log's end %d", pos, err, last)
	}
	res, err := ix.Search(context.Background(), search.Request{Query: "کراچی", Langs: []string{"ur"}})
	if err != nil || res.Total == 0 {
		t.Errorf("the rebuilt index finds no Urdu story: %v %v", res.Total, err)
	}

	// While another process holds the index, reindex says so.
	start := time.Now()
	code, _, errOut = run(t, context.Background(), nil, nil, "reindex", "--data", dir)
	if code != 1 || !strings.Contains(errOut, "in use") || !strings.Contains(errOut, "stop serve on this data folder first") {
		t.Errorf("reindex of a held index: exit %d, %q", code, errOut)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("reindex waited %v for a held index", d)
	}
	ix.Close()
}

func TestReindexNeedsData(t *testing.T) {
	code, _, errOut := run(t, context.Background(), nil, nil, "reindex", "--data", filepath.Join(t.TempDir(), "none"))
	if code != 1 || !strings.Contains(errOut, "no Qasid data") {
		t.Errorf("exit %d: %q", code, errOut)
	}
	code, _, _ = run(t, context.Background(), nil, nil, "reindex", "--data", t.TempDir(), "extra")
	if code != 2 {
		t.Errorf("stray argument: exit %d", code)
	}
	code, out, _ := run(t, context.Background(), nil, nil, "--help")
	if code != 0 || !strings.Contains(out, "reindex") {
		t.Errorf("help does not list reindex")
	}
}
