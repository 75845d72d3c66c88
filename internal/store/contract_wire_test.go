package store

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"
)

// subscriberContract and deliveryContract are the wire's parts of the
// contract suite, run on both databases by runContract.
func subscriberContract() []contractTest {
	return []contractTest{
		{"subscribers", testSubscribers},
		{"api keys", testAPIKeys},
		{"endpoints and entitlements", testEndpoints},
		{"version embargo", testVersionEmbargo},
	}
}

func keyHash(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func subscriber(t *testing.T, db *DB, name string, edit ...func(*Subscriber)) Subscriber {
	t.Helper()
	s := Subscriber{Name: name, Contact: "desk@" + strings.ToLower(name) + ".example"}
	for _, e := range edit {
		e(&s)
	}
	if err := db.CreateSubscriber(t.Context(), &s); err != nil {
		t.Fatalf("create subscriber %s: %v", name, err)
	}
	return s
}

func testSubscribers(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	b := subscriber(t, db, "Zeta Daily", func(s *Subscriber) {
		s.Languages = []string{"ur", "ar"}
		s.Sections = []string{"world"}
	})
	a := subscriber(t, db, "Alpha Times")
	if a.ID == 0 || a.Status != SubscriberActive || a.CreatedAt.IsZero() {
		t.Fatalf("created %+v: want an id, active, a creation time", a)
	}
	got, err := db.Subscriber(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Zeta Daily" || !slices.Equal(got.Languages, []string{"ur", "ar"}) ||
		!slices.Equal(got.Sections, []string{"world"}) || !got.CreatedAt.Equal(b.CreatedAt) {
		t.Errorf("read back %+v, want %+v", got, b)
	}
	if got, _ := db.Subscriber(ctx, a.ID); got.Languages != nil || got.Sections != nil {
		t.Errorf("no entitlements read back as %v %v, want nil (all)", got.Languages, got.Sections)
	}
	list, err := db.Subscribers(ctx)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
		t.Errorf("subscribers %+v, %v: want Alpha then Zeta", list, err)
	}
	if err := db.SetSubscriberStatus(ctx, a.ID, SubscriberSuspended); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Subscriber(ctx, a.ID); got.Status != SubscriberSuspended {
		t.Errorf("status %q after suspending", got.Status)
	}
	wantErr(t, "unknown subscriber", db.SetSubscriberStatus(ctx, 9999, SubscriberActive), ErrNotFound)
	wantErr(t, "bad status", db.SetSubscriberStatus(ctx, a.ID, "paused"), ErrInvalidSubscriber)
	_, err = db.Subscriber(ctx, 9999)
	wantErr(t, "unknown subscriber", err, ErrNotFound)

	bad := []Subscriber{
		{Name: "  "},
		{Name: "Nul\x00Corp"},
		{Name: strings.Repeat("n", 201)},
		{Name: "Bad UTF-8 \xff"},
		{Name: "Bad status", Status: "gone"},
		{Name: "Bad code", Languages: []string{""}},
	}
	for _, s := range bad {
		wantErr(t, "create "+s.Name, db.CreateSubscriber(ctx, &s), ErrInvalidSubscriber)
	}
}

func testAPIKeys(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	s := subscriber(t, db, "Keyed")
	other := subscriber(t, db, "Other")
	k1 := APIKey{SubscriberID: s.ID, Prefix: "qsd_aaaaaaa", Hash: keyHash("one")}
	if err := db.CreateAPIKey(ctx, &k1); err != nil {
		t.Fatal(err)
	}
	k2 := APIKey{SubscriberID: s.ID, Prefix: "qsd_bbbbbbb", Hash: keyHash("two")}
	if err := db.CreateAPIKey(ctx, &k2); err != nil {
		t.Fatal(err)
	}
	k3 := APIKey{SubscriberID: other.ID, Prefix: "qsd_aaaaaaa", Hash: keyHash("three")}
	if err := db.CreateAPIKey(ctx, &k3); err != nil {
		t.Fatal(err)
	}
	dup := APIKey{SubscriberID: other.ID, Prefix: "qsd_ccccccc", Hash: keyHash("one")}
	wantErr(t, "the same hash twice", db.CreateAPIKey(ctx, &dup), ErrConflict)
	orphan := APIKey{SubscriberID: 9999, Prefix: "qsd_ddddddd", Hash: keyHash("four")}
	wantErr(t, "key of an unknown subscriber", db.CreateAPIKey(ctx, &orphan), ErrNotFound)
	short := APIKey{SubscriberID: s.ID, Prefix: "qsd_eeeeeee", Hash: "abc"}
	wantErr(t, "a hash that is no SHA-256", db.CreateAPIKey(ctx, &short), ErrInvalidSubscriber)

	keys, err := db.APIKeys(ctx, s.ID)
	if err != nil || len(keys) != 2 || keys[0].ID != k1.ID || keys[1].ID != k2.ID {
		t.Fatalf("keys %+v, %v", keys, err)
	}
	if keys[0].Revoked() || !keys[0].LastUsedAt.IsZero() || !keys[0].CreatedAt.Equal(k1.CreatedAt) {
		t.Errorf("new key %+v: want unrevoked, unused", keys[0])
	}
	byPrefix, err := db.APIKeysByPrefix(ctx, "qsd_aaaaaaa")
	if err != nil || len(byPrefix) != 2 {
		t.Errorf("by prefix: %+v, %v: want the keys of both subscribers", byPrefix, err)
	}
	if got, err := db.APIKeysByPrefix(ctx, "qsd_\x00"); err != nil || len(got) != 0 {
		t.Errorf("by a NUL prefix: %+v, %v", got, err)
	}

	k, sub, err := db.APIKeyByHash(ctx, keyHash("two"))
	if err != nil || k.ID != k2.ID || sub.ID != s.ID || sub.Name != "Keyed" {
		t.Errorf("by hash: %+v %+v %v", k, sub, err)
	}
	_, _, err = db.APIKeyByHash(ctx, keyHash("nobody"))
	wantErr(t, "unknown hash", err, ErrNotFound)
	_, _, err = db.APIKeyByHash(ctx, "\xff\x00")
	wantErr(t, "hostile hash", err, ErrNotFound)

	// Last use is written at most once per minute.
	touches := []struct {
		at    time.Time
		wrote bool
	}{{at(0), true}, {at(0).Add(30 * time.Second), false}, {at(1), true}, {at(1).Add(59 * time.Second), false}, {at(3), true}}
	for _, tc := range touches {
		wrote, err := db.TouchAPIKey(ctx, k1.ID, tc.at, time.Minute)
		if err != nil || wrote != tc.wrote {
			t.Errorf("touch at %v: wrote %v, %v; want %v", tc.at, wrote, err, tc.wrote)
		}
	}
	k, _, _ = db.APIKeyByHash(ctx, keyHash("one"))
	if !k.LastUsedAt.Equal(storeTime(at(3))) {
		t.Errorf("last used %v, want %v", k.LastUsedAt, at(3))
	}

	if err := db.RevokeAPIKey(ctx, k2.ID, at(5)); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeAPIKey(ctx, k2.ID, at(9)); err != nil {
		t.Fatal(err)
	}
	k, _, _ = db.APIKeyByHash(ctx, keyHash("two"))
	if !k.Revoked() || !k.RevokedAt.Equal(storeTime(at(5))) {
		t.Errorf("revoked at %v, want the first revocation %v", k.RevokedAt, at(5))
	}
	wantErr(t, "revoke unknown key", db.RevokeAPIKey(ctx, 9999, at(5)), ErrNotFound)

	// Keys survive a restart, as hashes.
	if db2 := reopen(t); db2 != nil {
		if k, _, err := db2.APIKeyByHash(ctx, keyHash("one")); err != nil || k.Prefix != "qsd_aaaaaaa" {
			t.Errorf("after reopening: %+v %v", k, err)
		}
	}
}

func testEndpoints(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	all := subscriber(t, db, "All")
	urdu := subscriber(t, db, "Urdu World", func(s *Subscriber) {
		s.Languages = []string{"ur"}
		s.Sections = []string{"world", "business"}
	})
	gone := subscriber(t, db, "Suspended")
	mk := func(sub Subscriber, url string) Endpoint {
		t.Helper()
		e := Endpoint{SubscriberID: sub.ID, URL: url, Secret: "s3cret-" + url}
		if err := db.CreateEndpoint(ctx, &e); err != nil {
			t.Fatalf("create endpoint %s: %v", url, err)
		}
		return e
	}
	eAll := mk(all, "https://all.example/hook")
	eUr := mk(urdu, "https://ur.example/hook")
	eUr2 := mk(urdu, "https://ur.example/second")
	mk(gone, "https://gone.example/hook")
	if err := db.SetSubscriberStatus(ctx, gone.ID, SubscriberSuspended); err != nil {
		t.Fatal(err)
	}
	if !eAll.Active || eAll.ID == 0 || eAll.CreatedAt.IsZero() {
		t.Errorf("created %+v", eAll)
	}
	got, err := db.Endpoint(ctx, eUr.ID)
	if err != nil || got.URL != eUr.URL || got.Secret != eUr.Secret || !got.Active || got.SubscriberID != urdu.ID {
		t.Errorf("endpoint %+v, %v", got, err)
	}
	wantErr(t, "another subscriber's endpoint", db.RemoveEndpoint(ctx, all.ID, eUr2.ID), ErrNotFound)
	if err := db.RemoveEndpoint(ctx, urdu.ID, eUr2.ID); err != nil {
		t.Fatal(err)
	}
	list, err := db.Endpoints(ctx, urdu.ID)
	if err != nil || len(list) != 2 || !list[0].Active || list[1].Active {
		t.Errorf("endpoints %+v, %v: want the first active, the removed one kept inactive", list, err)
	}

	tests := []struct {
		lang, section string
		want          []int64
	}{
		{"ur", "world", []int64{eAll.ID, eUr.ID}},
		{"ur", "business", []int64{eAll.ID, eUr.ID}},
		{"ur", "sport", []int64{eAll.ID}},
		{"en", "world", []int64{eAll.ID}},
	}
	for _, tc := range tests {
		eps, err := db.EntitledEndpoints(ctx, tc.lang, tc.section)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, e := range eps {
			got = append(got, e.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("entitled to %s/%s: %v, want %v", tc.lang, tc.section, got, tc.want)
		}
	}

	bad := []Endpoint{
		{SubscriberID: all.ID, URL: "", Secret: "x"},
		{SubscriberID: all.ID, URL: "https://x.example", Secret: ""},
		{SubscriberID: all.ID, URL: "https://x.example/\x00", Secret: "x"},
	}
	for _, e := range bad {
		wantErr(t, "bad endpoint", db.CreateEndpoint(ctx, &e), ErrInvalidSubscriber)
	}
	orphan := Endpoint{SubscriberID: 9999, URL: "https://x.example", Secret: "x"}
	wantErr(t, "endpoint of an unknown subscriber", db.CreateEndpoint(ctx, &orphan), ErrNotFound)
	_, err = db.Endpoint(ctx, 9999)
	wantErr(t, "unknown endpoint", err, ErrNotFound)
}

func testVersionEmbargo(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	s := draft(t, db, family(t, db), "en")
	if _, err := db.PublishStory(ctx, s.ID, Publish{At: at(0), EmbargoUntil: at(60)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(ctx, s.ID, Publish{At: at(1), CorrectionNote: "fixed"}); err != nil {
		t.Fatal(err)
	}
	if e, err := db.VersionEmbargo(ctx, s.ID, 1); err != nil || !e.Equal(storeTime(at(60))) {
		t.Errorf("version 1 embargo %v, %v; want %v", e, err, at(60))
	}
	if e, err := db.VersionEmbargo(ctx, s.ID, 2); err != nil || !e.IsZero() {
		t.Errorf("version 2 embargo %v, %v; want none", e, err)
	}
	_, err := db.VersionEmbargo(ctx, s.ID, 3)
	wantErr(t, "unknown version", err, ErrNotFound)
}
