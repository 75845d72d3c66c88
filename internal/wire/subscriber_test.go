package wire_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire"
)

func TestAddSubscriberChecksInput(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), envOptions{})
	tests := []struct {
		name string
		in   wire.NewSubscriber
		want string // part of the error; "" for success
	}{
		{"all languages and sections", wire.NewSubscriber{Name: "Dawn"}, ""},
		{"entitled", wire.NewSubscriber{Name: "Jang", Contact: "wire@jang.example", Languages: []string{"ur", " en ", "ur"}, Sections: []string{"world"}}, ""},
		{"no name", wire.NewSubscriber{Name: "  "}, "name is required"},
		{"unknown language", wire.NewSubscriber{Name: "X", Languages: []string{"xx"}}, `unknown language "xx"`},
		{"unknown section", wire.NewSubscriber{Name: "X", Sections: []string{"gossip"}}, `unknown section "gossip"`},
		{"control character", wire.NewSubscriber{Name: "X\x07"}, "plain text"},
		{"long contact", wire.NewSubscriber{Name: "X", Contact: strings.Repeat("c", 201)}, "contact"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub, key, err := e.svc.AddSubscriber(context.Background(), tt.in)
			if tt.want != "" {
				if !errors.Is(err, wire.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want ErrInvalid mentioning %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(key, "qsd_") || len(key) != 47 {
				t.Errorf("key %q: want qsd_ and 43 characters", key)
			}
			d, err := e.svc.Details(context.Background(), sub.ID)
			if err != nil || len(d.Keys) != 1 || d.Keys[0].Prefix != key[:12] || strings.Contains(d.Keys[0].Hash, key) {
				t.Errorf("details %+v, %v: want one key, stored by prefix and hash", d, err)
			}
		})
	}
	subs, _ := e.svc.Subscribers(context.Background())
	if len(subs) != 2 || subs[1].Name != "Jang" || strings.Join(subs[1].Languages, ",") != "ur,en" {
		t.Errorf("subscribers %+v", subs)
	}
}

func TestAuthenticate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := newEnv(t, db, envOptions{})
		sub, key := e.subscriber(t, wire.NewSubscriber{Name: "Dawn"})
		second, _, err := e.svc.NewKey(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, k, err := e.svc.Authenticate(ctx, key)
		if err != nil || got.ID != sub.ID || k.Prefix != key[:12] {
			t.Fatalf("authenticate: %+v %+v %v", got, k, err)
		}
		// The last use is written on the first use, then at most once a minute.
		lastUsed := func() time.Time {
			d, _ := e.svc.Details(ctx, sub.ID)
			return d.Keys[0].LastUsedAt
		}
		first := lastUsed()
		if first.IsZero() {
			t.Fatal("last use not recorded")
		}
		e.clock.add(30 * time.Second)
		e.svc.Authenticate(ctx, key)
		if !lastUsed().Equal(first) {
			t.Error("last use written again within a minute")
		}
		e.clock.add(31 * time.Second)
		e.svc.Authenticate(ctx, key)
		if !lastUsed().After(first) {
			t.Error("last use not written after a minute")
		}

		refused := []struct{ name, key string }{
			{"empty", ""},
			{"wrong shape", "hello"},
			{"unknown", "qsd_" + strings.Repeat("A", 43)},
			{"other prefix", "xyz_" + key[4:]},
			{"NUL", key[:46] + "\x00"},
		}
		for _, tc := range refused {
			if _, _, err := e.svc.Authenticate(ctx, tc.key); !errors.Is(err, wire.ErrUnauthorized) {
				t.Errorf("%s key: %v, want ErrUnauthorized", tc.name, err)
			}
		}

		if _, err := e.svc.RevokeKey(ctx, key[:12]); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Authenticate(ctx, key); !errors.Is(err, wire.ErrUnauthorized) {
			t.Errorf("revoked key: %v", err)
		}
		if _, _, err := e.svc.Authenticate(ctx, second); err != nil {
			t.Errorf("the other key stops working with the revoked one: %v", err)
		}
		if _, err := e.svc.RevokeKey(ctx, "qsd_nothere1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoke unknown prefix: %v", err)
		}

		if err := e.svc.Suspend(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Authenticate(ctx, second); !errors.Is(err, wire.ErrUnauthorized) {
			t.Errorf("suspended subscriber: %v", err)
		}
		if err := e.svc.Resume(ctx, sub.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Authenticate(ctx, second); err != nil {
			t.Errorf("resumed subscriber: %v", err)
		}
		if err := e.svc.Suspend(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("suspend unknown: %v", err)
		}
	})
}

func TestEndpoints(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, storetest.SQLite(t), envOptions{})
	sub, _ := e.subscriber(t, wire.NewSubscriber{Name: "Dawn", Languages: []string{"ur"}})
	tests := []struct {
		url, secret, want string
	}{
		{"https://hooks.dawn.example/qasid", "", ""},
		{"http://127.0.0.1:8080/hook", "a secret of sixteen+", ""},
		{"ftp://dawn.example/", "", "http or https"},
		{"/relative", "", "http or https"},
		{"https://user:pw@dawn.example/", "", "user name"},
		{"https://dawn.example/#x", "", "fragment"},
		{"https://dawn.example/", "short", "secret"},
		{"", "", "at most"},
	}
	for _, tt := range tests {
		ep, err := e.svc.AddEndpoint(ctx, sub.ID, tt.url, tt.secret)
		if tt.want != "" {
			if !errors.Is(err, wire.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%q: %v, want ErrInvalid mentioning %q", tt.url, err, tt.want)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.url, err)
		}
		if tt.secret == "" && (!strings.HasPrefix(ep.Secret, "whsec_") || len(ep.Secret) < 40) {
			t.Errorf("generated secret %q", ep.Secret)
		}
	}
	eps, err := e.db.EntitledEndpoints(ctx, "ur", "world")
	if err != nil || len(eps) != 2 {
		t.Fatalf("entitled endpoints %+v, %v", eps, err)
	}
	if none, _ := e.db.EntitledEndpoints(ctx, "en", "world"); len(none) != 0 {
		t.Errorf("endpoints for English: %+v", none)
	}
	if err := e.svc.RemoveEndpoint(ctx, sub.ID, eps[0].ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := e.db.EntitledEndpoints(ctx, "ur", "world"); len(left) != 1 {
		t.Errorf("after removing one: %+v", left)
	}
}

func TestEntitled(t *testing.T) {
	active := store.Subscriber{Status: store.SubscriberActive, Languages: []string{"ur", "ar"}, Sections: []string{"world"}}
	all := store.Subscriber{Status: store.SubscriberActive}
	suspended := store.Subscriber{Status: store.SubscriberSuspended}
	tests := []struct {
		sub           store.Subscriber
		lang, section string
		want          bool
	}{
		{active, "ur", "world", true},
		{active, "ar", "world", true},
		{active, "en", "world", false},
		{active, "ur", "sport", false},
		{all, "zh", "culture", true},
		{suspended, "en", "world", false},
	}
	for _, tt := range tests {
		if got := wire.Entitled(tt.sub, story.Story{Lang: tt.lang, Section: tt.section}); got != tt.want {
			t.Errorf("%+v on %s/%s: %v, want %v", tt.sub, tt.lang, tt.section, got, tt.want)
		}
	}
}
