package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
)

var onceCode = regexp.MustCompile(`<code dir="ltr">((?:qsd|whsec)_[A-Za-z0-9_-]+)</code>`)

func TestSubscriberPages(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, storetest.SQLite(t))

	// Only admins see or change subscribers.
	for _, role := range []auth.Role{auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator} {
		c := f.login(t, role)
		if r := c.get("/desk/subscribers"); r.status != http.StatusForbidden {
			t.Errorf("%s sees subscribers: %d", role, r.status)
		}
		if r := c.post("/desk/subscribers", url.Values{"name": {"Sneaky"}}); r.status != http.StatusForbidden {
			t.Errorf("%s adds a subscriber: %d", role, r.status)
		}
	}
	if r := f.client(t).get("/desk/subscribers"); r.status != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.status)
	}

	admin := f.login(t, auth.RoleAdmin)
	r := admin.get("/desk/subscribers")
	if r.status != 200 || !strings.Contains(r.body, "No subscribers yet.") {
		t.Fatalf("empty list: %d %s", r.status, r.body)
	}
	// Adding shows the key once.
	r = admin.post("/desk/subscribers", url.Values{"name": {"Daily Jang"}, "contact": {"wire@jang.example"},
		"lang": {"ur", "en"}, "section": {"world"}})
	m := onceCode.FindStringSubmatch(r.body)
	if r.status != 200 || m == nil || !strings.HasPrefix(m[1], "qsd_") {
		t.Fatalf("add: %d, no key shown: %s", r.status, r.body)
	}
	key := m[1]
	subs, _ := f.db.Subscribers(ctx)
	if len(subs) != 1 || subs[0].Name != "Daily Jang" || strings.Join(subs[0].Languages, ",") != "ur,en" || strings.Join(subs[0].Sections, ",") != "world" {
		t.Fatalf("stored %+v", subs)
	}
	sub := subs[0]
	r = admin.get("/desk/subscribers")
	if strings.Contains(r.body, key) || !strings.Contains(r.body, key[:12]) {
		t.Error("the list shows the whole key again, or not its prefix")
	}

	// Bad input comes back with the reason and the form filled in.
	r = admin.post("/desk/subscribers", url.Values{"name": {"Bad"}, "lang": {"xx"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "unknown language") || !strings.Contains(r.body, `value="Bad"`) {
		t.Errorf("bad language: %d %s", r.status, r.body)
	}

	// A second key, then revoking the first.
	base := fmt.Sprintf("/desk/subscribers/%d", sub.ID)
	r = admin.post(base+"/keys", nil)
	if m := onceCode.FindStringSubmatch(r.body); r.status != 200 || m == nil || m[1] == key {
		t.Fatalf("new key: %d", r.status)
	}
	if r = admin.post(base+"/keys/revoke", url.Values{"prefix": {key[:12]}}); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	keys, _ := f.db.APIKeys(ctx, sub.ID)
	if len(keys) != 2 || !keys[0].Revoked() || keys[1].Revoked() {
		t.Errorf("keys after revoking the first: %+v", keys)
	}
	// Another subscriber's key cannot be revoked through this page.
	other := store.Subscriber{Name: "Other"}
	f.db.CreateSubscriber(ctx, &other)
	if r = admin.post(fmt.Sprintf("/desk/subscribers/%d/keys/revoke", other.ID), url.Values{"prefix": {keys[1].Prefix}}); r.status != http.StatusNotFound {
		t.Errorf("revoke across subscribers: %d", r.status)
	}

	// Suspend and resume.
	if r = admin.post(base+"/suspend", nil); r.status != http.StatusSeeOther {
		t.Fatalf("suspend: %d", r.status)
	}
	if s, _ := f.db.Subscriber(ctx, sub.ID); s.Status != store.SubscriberSuspended {
		t.Errorf("status %q", s.Status)
	}
	if r = admin.get("/desk/subscribers?done=suspended"); !strings.Contains(r.body, "Subscriber suspended.") || !strings.Contains(r.body, "Resume") {
		t.Error("suspended page shows no flash or no resume button")
	}
	admin.post(base+"/resume", nil)
	if s, _ := f.db.Subscriber(ctx, sub.ID); s.Status != store.SubscriberActive {
		t.Errorf("status after resume %q", s.Status)
	}
	if r = admin.post("/desk/subscribers/9999/suspend", nil); r.status != http.StatusNotFound {
		t.Errorf("suspend unknown: %d", r.status)
	}

	// Endpoints: a generated secret is shown once; a given one is not echoed.
	r = admin.post(base+"/endpoints", url.Values{"url": {"https://hooks.jang.example/qasid"}})
	if m := onceCode.FindStringSubmatch(r.body); r.status != 200 || m == nil || !strings.HasPrefix(m[1], "whsec_") {
		t.Fatalf("add endpoint: %d", r.status)
	}
	r = admin.post(base+"/endpoints", url.Values{"url": {"https://second.jang.example/"}, "secret": {"my own secret value"}})
	if r.status != 200 || strings.Contains(r.body, "my own secret value") {
		t.Errorf("given secret: %d, echoed: %v", r.status, strings.Contains(r.body, "my own secret value"))
	}
	r = admin.post(base+"/endpoints", url.Values{"url": {"javascript:alert(1)"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "http or https") {
		t.Errorf("bad endpoint URL: %d", r.status)
	}
	eps, _ := f.db.Endpoints(ctx, sub.ID)
	if len(eps) != 2 {
		t.Fatalf("endpoints %+v", eps)
	}
	if r = admin.post(fmt.Sprintf("%s/endpoints/%d/remove", base, eps[0].ID), nil); r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d", r.status)
	}
	if r = admin.post(fmt.Sprintf("/desk/subscribers/%d/endpoints/%d/remove", other.ID, eps[1].ID), nil); r.status != http.StatusNotFound {
		t.Errorf("remove across subscribers: %d", r.status)
	}
	if left, _ := f.db.EntitledEndpoints(ctx, "ur", "world"); len(left) != 1 || left[0].ID != eps[1].ID {
		t.Errorf("entitled endpoints after removing one: %+v", left)
	}

	// The page renders in a right-to-left language too.
	if r := admin.post("/desk/account/lang", url.Values{"lang": {"ur"}}); r.status != http.StatusSeeOther {
		t.Fatalf("switch language: %d", r.status)
	}
	if r = admin.get("/desk/subscribers"); r.status != 200 || !strings.Contains(r.body, `dir="rtl"`) || !strings.Contains(r.body, "سبسکرائبرز") {
		t.Errorf("Urdu page: %d", r.status)
	}
}
