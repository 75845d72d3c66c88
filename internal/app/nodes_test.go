package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/app"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
)

// node is one `qasid serve` process's worth of Qasid, run in this test
// process on its own address and data folder against a shared PostgreSQL.
type node struct {
	url  string
	stop func()
}

func startNode(t *testing.T, dbURL, data string) *node {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- app.Run(ctx, []string{"serve", "--database-url", dbURL, "--data", data, "--addr", "127.0.0.1:0", "--log-level", "warn"},
			app.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" },
				Ready: func(u string) { ready <- strings.TrimSuffix(u, "/") }})
	}()
	var u string
	select {
	case u = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("serve exited with %d before listening", code)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start within 60 s")
	}
	n := &node{url: u}
	stopped := false
	n.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s")
		}
	}
	t.Cleanup(n.stop)
	return n
}

// within polls check until it holds or d passes, and returns how long it
// took; it fails the test with what the last look saw.
func within(t *testing.T, d time.Duration, what string, check func() (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	var last string
	for {
		ok, seen := check()
		if ok {
			return time.Since(start)
		}
		last = seen
		if time.Since(start) > d {
			t.Fatalf("%s: not within %s; last saw: %.300s", what, d, last)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func get(t *testing.T, c *http.Client, u string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// propagation is how soon a change on one node must show on another.
var propagation = func() time.Duration {
	if raceEnabled {
		return 15 * time.Second
	}
	return 2 * time.Second
}()

var createdStory = regexp.MustCompile(`^/desk/stories/([0-9]+)\?`)

// TestTwoNodes runs two nodes on one PostgreSQL database. A story
// published and then corrected through node A's desk shows on node B's
// story page, search and wire API within two seconds each; node B, stopped
// while node A publishes more, catches up when it starts again.
func TestTwoNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two servers")
	}
	dbURL := storetest.PostgresURL(t)
	// The demo agency: its sections, and 84 stories for each node's index
	// to take in at start.
	db, err := store.OpenPostgres(context.Background(), dbURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	db.Close()
	const password = "two nodes, one database"
	if code, _, errOut := runIn(t, password+"\n", "user", "add", "--database-url", dbURL, "--email", "editor@example.org", "--role", "editor"); code != 0 {
		t.Fatalf("user add: %s", errOut)
	}
	code, out, errOut := runIn(t, "", "subscriber", "add", "--database-url", dbURL, "--name", "Daily Example")
	if code != 0 {
		t.Fatalf("subscriber add: %s", errOut)
	}
	key := regexp.MustCompile(`API key[^:]*: (\S+)`).FindStringSubmatch(out)
	if key == nil {
		t.Fatalf("no key in %q", out)
	}
	bearer := "Bearer " + key[1]

	dataB := filepath.Join(t.TempDir(), "b")
	a := startNode(t, dbURL, filepath.Join(t.TempDir(), "a"))
	b := startNode(t, dbURL, dataB)

	// The editor works on node A.
	jar, _ := cookiejar.New(nil)
	desk := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) *http.Response {
		t.Helper()
		res, err := desk.PostForm(a.url+path, form)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			msg := string(b)[max(0, strings.Index(string(b), "<main")):]
			t.Fatalf("POST %s: %d %q", path, res.StatusCode, msg)
		}
		return res
	}
	post("/desk/login", url.Values{"email": {"editor@example.org"}, "password": {password}})
	publish := func(headline, body string) string {
		t.Helper()
		res := post("/desk/stories", url.Values{"lang": {"en"}, "section": {"world"}, "headline": {headline},
			"place": {"Karachi"}, "date": {"2026-11-27"}, "body": {body}})
		m := createdStory.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("create: redirected to %q", res.Header.Get("Location"))
		}
		post("/desk/stories/"+m[1]+"/publish", nil)
		return m[1]
	}

	reader := &http.Client{}
	pageOn := func(n *node, id string) (int, string) { // follows the canonical redirect to /en/world/{id}-{slug}
		return get(t, reader, n.url+"/en/world/"+id)
	}
	searchOn := func(n *node, word string) string {
		_, body := get(t, reader, n.url+"/en/search?q="+word)
		return body
	}
	wireOn := func(n *node, id string) string {
		_, body := get(t, reader, n.url+"/wire/v1/items/"+id, "Authorization", bearer)
		return body
	}

	// Publish on A: B's page, search and wire have it within 2 s each
	// (without the race detector; under it Bleve runs many times slower,
	// so the bound is wider there: see race_test.go).
	id := publish("Harbour pilots in Karachi adopt zephyrquill tide tables", "The port's pilots began using new tide tables on Friday.")
	took := within(t, propagation, "story page on node B", func() (bool, string) {
		code, body := pageOn(b, id)
		return code == 200 && strings.Contains(body, "zephyrquill tide tables"), body
	})
	t.Logf("published on A, page on B after %s", took)
	within(t, propagation, "search on node B", func() (bool, string) {
		body := searchOn(b, "zephyrquill")
		return strings.Contains(body, "/en/world/"+id+"-"), body
	})
	within(t, propagation, "wire API on node B", func() (bool, string) {
		body := wireOn(b, id)
		return strings.Contains(body, "zephyrquill tide tables"), body
	})

	// Correct on A. B has the page cached; it must drop it.
	if code, _ := pageOn(b, id); code != 200 {
		t.Fatal("page on B vanished")
	}
	post("/desk/stories/"+id+"/correct", url.Values{"lang": {"en"}, "section": {"world"},
		"headline": {"Harbour pilots in Karachi adopt marigoldfinch tide tables"}, "place": {"Karachi"}, "date": {"2026-11-27"},
		"body": {"The port's pilots began using new tide tables on Thursday."}, "note": {"The day and the tables' name were wrong."}})
	took = within(t, propagation, "corrected page on node B", func() (bool, string) {
		_, body := pageOn(b, id)
		return strings.Contains(body, "marigoldfinch tide tables") && !strings.Contains(body, "zephyrquill tide tables"), body // the slug keeps its first words: URLs do not move
	})
	t.Logf("corrected on A, page on B after %s", took)
	within(t, propagation, "search on node B after the correction", func() (bool, string) {
		return strings.Contains(searchOn(b, "marigoldfinch"), "/en/world/"+id+"-") &&
			!strings.Contains(searchOn(b, "zephyrquill"), "/en/world/"+id+"-"), ""
	})
	within(t, propagation, "corrected item on node B's wire", func() (bool, string) {
		body := wireOn(b, id)
		return strings.Contains(body, "marigoldfinch tide tables") && strings.Contains(body, `"version":"2"`), body
	})

	// Node B stops; A publishes; B starts again on its data folder and
	// catches up from its own index position.
	b.stop()
	later := publish("Lahore orchestra tours with quillowisp strings", "The orchestra set out on a tour of six cities.")
	b = startNode(t, dbURL, dataB)
	within(t, 10*time.Second, "node B catching up: page", func() (bool, string) {
		code, body := pageOn(b, later)
		return code == 200 && strings.Contains(body, "quillowisp"), body
	})
	within(t, 10*time.Second, "node B catching up: search", func() (bool, string) {
		body := searchOn(b, "quillowisp")
		return strings.Contains(body, "/en/world/"+later+"-"), body
	})
	// And the earlier story is still found by its corrected word.
	if !strings.Contains(searchOn(b, "marigoldfinch"), "/en/world/"+id+"-") {
		t.Error("after the restart node B lost the corrected story from its index")
	}
}
