package wire_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/wire"
)

// storyIn finds a published demo story in a language and section.
func storyIn(t *testing.T, db store.Store, lang, section string) int64 {
	t.Helper()
	list, err := db.PublishedStories(context.Background(), store.ListQuery{Lang: lang, Section: section, Limit: 1})
	if err != nil || len(list) == 0 {
		t.Fatalf("no %s story in %s: %v", lang, section, err)
	}
	return list[0].ID
}

func TestAPIKeysAndEntitlements(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.SQLite(t), envOptions{})
	sub, key := e.subscriber(t, wire.NewSubscriber{Name: "Urdu world desk", Languages: []string{"ur"}, Sections: []string{"world"}})
	revokedSub, revoked := e.subscriber(t, wire.NewSubscriber{Name: "Revoked"})
	if _, err := e.svc.RevokeKey(ctx, revoked[:12]); err != nil {
		t.Fatal(err)
	}
	suspendedSub, suspended := e.subscriber(t, wire.NewSubscriber{Name: "Suspended"})
	if err := e.svc.Suspend(ctx, suspendedSub.ID); err != nil {
		t.Fatal(err)
	}
	_ = revokedSub
	_ = sub
	urWorld := storyIn(t, e.db, "ur", "world")
	enWorld := storyIn(t, e.db, "en", "world")
	urSport := storyIn(t, e.db, "ur", "sport")
	draft := e.draft(t)

	notFound := e.get(t, key, "/wire/v1/items/999999")
	tests := []struct {
		name, key, path string
		status          int
	}{
		{"entitled item", key, fmt.Sprintf("/wire/v1/items/%d", urWorld), 200},
		{"no key", "", fmt.Sprintf("/wire/v1/items/%d", urWorld), 401},
		{"wrong key", "qsd_" + strings.Repeat("x", 43), fmt.Sprintf("/wire/v1/items/%d", urWorld), 401},
		{"malformed key", "letmein", "/wire/v1/items", 401},
		{"revoked key", revoked, "/wire/v1/items", 401},
		{"suspended subscriber", suspended, fmt.Sprintf("/wire/v1/items/%d", urWorld), 401},
		{"unentitled language", key, fmt.Sprintf("/wire/v1/items/%d", enWorld), 404},
		{"unentitled section", key, fmt.Sprintf("/wire/v1/items/%d", urSport), 404},
		{"unpublished draft", key, fmt.Sprintf("/wire/v1/items/%d", draft), 404},
		{"unknown item", key, "/wire/v1/items/999999", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, tt.key, tt.path)
			if tt.status == 200 {
				if a.status != 200 {
					t.Fatalf("status %d: %s", a.status, a.body)
				}
				return
			}
			checkProblem(t, a, tt.status)
			if tt.status == 401 && !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: %v", a.header)
			}
			// An item the key may not see answers exactly as one that
			// does not exist: no hint that it does.
			if tt.status == 404 && string(a.body) != string(notFound.body) {
				t.Errorf("404 body %s differs from an unknown item's %s", a.body, notFound.body)
			}
		})
	}

	// The list holds only what the key is entitled to.
	p := decodePage(t, e.get(t, key, "/wire/v1/items?limit=500"))
	if len(p.Items) != 2 { // the demo has two world stories, each published once in Urdu
		t.Errorf("%d items, want the 2 Urdu world stories", len(p.Items))
	}
	for _, it := range p.Items {
		if it.Language != "ur" {
			t.Errorf("item %s in %s", it.URI, it.Language)
		}
	}
	if p.More {
		t.Error("more is true at the end of the log")
	}
	// A language outside the entitlement is an empty list, not an error.
	if p := decodePage(t, e.get(t, key, "/wire/v1/items?lang=en")); len(p.Items) != 0 {
		t.Errorf("lang=en gave %d items to an Urdu-only key", len(p.Items))
	}
}

// draft creates an unpublished story directly in the store.
func (e *env) draft(t *testing.T) int64 {
	t.Helper()
	fam, err := e.db.CreateFamily(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	st := newStory(fam, "ur", "world", "Draft")
	if err := e.db.CreateStory(context.Background(), &st); err != nil {
		t.Fatal(err)
	}
	return st.ID
}

func TestAPIItemFormats(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{})
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All"})
	id := storyIn(t, e.db, "ar", "world")
	path := fmt.Sprintf("/wire/v1/items/%d", id)
	tests := []struct {
		name, path, accept, want string
	}{
		{"default", path, "", "json"},
		{"json", path, "application/json", "json"},
		{"g2", path, "application/vnd.iptc.g2.newsitem+xml", "xml"},
		{"xml", path, "application/xml", "xml"},
		{"xml preferred", path, "application/json;q=0.5, application/xml", "xml"},
		{"json preferred", path, "application/xml;q=0.2, application/json", "json"},
		{"browser", path, "text/html,*/*;q=0.8", "json"},
		{".json wins over Accept", path + ".json", "application/xml", "json"},
		{".xml", path + ".xml", "", "xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, key, tt.path, "Accept", tt.accept)
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			ct := a.header.Get("Content-Type")
			switch tt.want {
			case "json":
				var it item
				if !strings.HasPrefix(ct, "application/json") || json.Unmarshal(a.body, &it) != nil || it.Language != "ar" ||
					it.URI != fmt.Sprintf("%s/wire/v1/items/%d", baseURL, id) {
					t.Errorf("want ninjs, got %s: %.200s", ct, a.body)
				}
			case "xml":
				var doc struct {
					XMLName xml.Name
					GUID    string `xml:"guid,attr"`
				}
				if !strings.HasPrefix(ct, "application/vnd.iptc.g2.newsitem+xml") || xml.Unmarshal(a.body, &doc) != nil || doc.XMLName.Local != "newsItem" {
					t.Errorf("want a newsItem, got %s: %.200s", ct, a.body)
				}
			}
		})
	}
}

func TestAPIKillAndCorrection(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.SQLite(t), envOptions{})
	e.editor(t)
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All", Languages: []string{"zh"}})
	start := decodePage(t, e.get(t, key, "/wire/v1/items?limit=500"))
	id := storyIn(t, e.db, "zh", "business")
	if _, err := e.news.Correct(ctx, e.ed, id, "更正数字"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.news.Kill(ctx, e.ed, id, "本稿撤销。"); err != nil {
		t.Fatal(err)
	}
	p := decodePage(t, e.get(t, key, "/wire/v1/items?since="+url.QueryEscape(start.Next)))
	if len(p.Items) != 2 {
		t.Fatalf("%d items after the cursor, want the correction and the kill", len(p.Items))
	}
	uri := fmt.Sprintf("%s/wire/v1/items/%d", baseURL, id)
	if p.Items[0].URI != uri || p.Items[0].Version != "2" || p.Items[0].PubStatus != "usable" {
		t.Errorf("correction %+v", p.Items[0])
	}
	if p.Items[1].URI != uri || p.Items[1].Version != "3" || p.Items[1].PubStatus != "canceled" {
		t.Errorf("kill %+v", p.Items[1])
	}
	// The first version is still usable in the stream, though the story is killed.
	for _, it := range start.Items {
		if it.URI == uri && (it.Version != "1" || it.PubStatus != "usable") {
			t.Errorf("version 1 read after the kill: %+v", it)
		}
	}
	if again := decodePage(t, e.get(t, key, "/wire/v1/items?since="+url.QueryEscape(start.Next)+"&limit=1")); len(again.Items) != 1 || !again.More {
		t.Errorf("limit=1: %d items, more %v", len(again.Items), again.More)
	}
	single := e.get(t, key, fmt.Sprintf("/wire/v1/items/%d", id))
	var it item
	json.Unmarshal(single.body, &it)
	if it.PubStatus != "canceled" || it.Version != "3" {
		t.Errorf("latest of a killed story: %s", single.body)
	}
}

func TestAPIHostileInput(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{rate: 1000, burst: 1000})
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "All"})
	bad := []string{
		"/wire/v1/items?since=garbage",
		"/wire/v1/items?since=" + wire.FormatCursor(5) + "x",
		"/wire/v1/items?since=" + base64url("v2:5"),
		"/wire/v1/items?since=" + base64url("v1:-5"),
		"/wire/v1/items?since=" + base64url("v1:99999999999999999999"),
		"/wire/v1/items?since=" + base64url("v1:05"),
		"/wire/v1/items?since=" + strings.Repeat("A", 5000),
		"/wire/v1/items?limit=0",
		"/wire/v1/items?limit=501",
		"/wire/v1/items?limit=99999999999999999999999",
		"/wire/v1/items?limit=-1",
		"/wire/v1/items?limit=ten",
		"/wire/v1/items?limit=1e3",
		"/wire/v1/items?lang=xx",
		"/wire/v1/items?lang=en&lang=ur",
		"/wire/v1/items?lang=%00",
		"/wire/v1/items?lang=" + url.QueryEscape("'; DROP TABLE subscribers; --"),
		"/wire/v1/items?section=gossip",
		"/wire/v1/items?section=%ff%fe",
		"/wire/v1/items?%zz",
		"/wire/v1/items/abc",
		"/wire/v1/items/0",
		"/wire/v1/items/-1",
		"/wire/v1/items/01",
		"/wire/v1/items/99999999999999999999999",
		"/wire/v1/items/1.html",
	}
	for _, path := range bad {
		t.Run(path[:min(len(path), 60)], func(t *testing.T) {
			checkProblem(t, e.get(t, key, path), http.StatusBadRequest)
		})
	}
	ok := []string{
		"/wire/v1/items?lang=ur&section=world&limit=500&since=" + wire.FormatCursor(3),
		"/wire/v1/items?since=" + wire.FormatCursor(1<<62),
		"/wire/v1/items?unknown=ignored",
	}
	for _, path := range ok {
		if a := e.get(t, key, path); a.status != 200 {
			t.Errorf("%s: %d %s", path, a.status, a.body)
		}
	}
	checkProblem(t, e.get(t, key, "/wire/v1/nothing"), http.StatusNotFound)
	req, _ := http.NewRequest("POST", e.srv.URL+"/wire/v1/items", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 405 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(res.Header.Get("Allow"), "GET") {
		t.Errorf("POST: %d %v", res.StatusCode, res.Header)
	}
}

func base64url(s string) string {
	return strings.TrimRight(url.QueryEscape(b64(s)), "=")
}

func TestAPIRateLimit(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{rate: 2, burst: 3})
	_, key := e.subscriber(t, wire.NewSubscriber{Name: "Busy"})
	_, other := e.subscriber(t, wire.NewSubscriber{Name: "Calm"})
	for i := range 3 {
		if a := e.get(t, key, "/wire/v1/items?limit=1"); a.status != 200 {
			t.Fatalf("request %d: %d", i, a.status)
		}
	}
	a := e.get(t, key, "/wire/v1/items?limit=1")
	checkProblem(t, a, http.StatusTooManyRequests)
	if s, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
	}
	if a := e.get(t, other, "/wire/v1/items?limit=1"); a.status != 200 {
		t.Errorf("another key is limited too: %d", a.status)
	}
	e.clock.add(time.Second) // two tokens back
	for i := range 2 {
		if a := e.get(t, key, "/wire/v1/items?limit=1"); a.status != 200 {
			t.Errorf("after a second, request %d: %d", i, a.status)
		}
	}
	checkProblem(t, e.get(t, key, "/wire/v1/items?limit=1"), http.StatusTooManyRequests)
}
