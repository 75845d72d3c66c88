package wire

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Keys look like "qsd_" and 43 characters of base64url: 32 random bytes,
// beyond any guessing. The prefix people see is the first 12 characters:
// "qsd_" alone tells nothing, and 8 more characters (48 bits) keep the
// prefixes of an agency's keys apart, so that one can be revoked by its
// prefix.
const (
	keyMark    = "qsd_"
	keyBytes   = 32
	prefixLen  = 12
	keyLen     = len(keyMark) + 43
	touchEvery = time.Minute // a key's last use is written at most this often
)

// Limits on what an admin types.
const (
	maxText   = 200
	maxURL    = 2000
	minSecret = 16
	maxSecret = 200
)

// NewSubscriber is what an admin gives to add a subscriber.
type NewSubscriber struct {
	Name, Contact string
	Languages     []string // codes; empty means all
	Sections      []string // keys; empty means all
}

// AddSubscriber checks and adds a subscriber with its first key, which is
// returned once and never again: only its hash is kept.
func (s *Service) AddSubscriber(ctx context.Context, n NewSubscriber) (store.Subscriber, string, error) {
	sub := store.Subscriber{Name: strings.TrimSpace(n.Name), Contact: strings.TrimSpace(n.Contact), Status: store.SubscriberActive}
	var probs []string
	if sub.Name == "" {
		probs = append(probs, "a name is required")
	}
	for what, v := range map[string]string{"name": sub.Name, "contact": sub.Contact} {
		if !plainText(v, maxText) {
			probs = append(probs, fmt.Sprintf("the %s must be at most %d characters of plain text", what, maxText))
		}
	}
	langs, err := s.checkLanguages(n.Languages)
	if err != nil {
		probs = append(probs, err.Error())
	}
	secs, err := s.checkSections(ctx, n.Sections)
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			return store.Subscriber{}, "", err
		}
		probs = append(probs, strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	}
	if len(probs) > 0 {
		slices.Sort(probs)
		return store.Subscriber{}, "", fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	sub.Languages, sub.Sections = langs, secs
	if err := s.st.CreateSubscriber(ctx, &sub); err != nil {
		return store.Subscriber{}, "", fmt.Errorf("wire: add subscriber: %w", err)
	}
	key, _, err := s.NewKey(ctx, sub.ID)
	if err != nil {
		return store.Subscriber{}, "", err
	}
	s.log.InfoContext(ctx, "wire: subscriber added", "subscriber_id", sub.ID)
	return sub, key, nil
}

// checkLanguages keeps each code once, in the order given.
func (s *Service) checkLanguages(codes []string) ([]string, error) {
	var out, bad []string
	for _, c := range codes {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(out, c) {
			continue
		}
		if _, ok := lang.Get(c); !ok {
			bad = append(bad, fmt.Sprintf("%q", truncate(c, 20)))
			continue
		}
		out = append(out, c)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("unknown language %s (known: %s)", strings.Join(bad, ", "), strings.Join(lang.Codes(), ", "))
	}
	return out, nil
}

func (s *Service) checkSections(ctx context.Context, keys []string) ([]string, error) {
	secs, err := s.st.Sections(ctx)
	if err != nil {
		return nil, fmt.Errorf("wire: sections: %w", err)
	}
	known := make([]string, 0, len(secs))
	for _, sec := range secs {
		known = append(known, sec.Key)
	}
	var out, bad []string
	for _, k := range keys {
		k = strings.TrimSpace(k)
		if k == "" || slices.Contains(out, k) {
			continue
		}
		if !slices.Contains(known, k) {
			bad = append(bad, fmt.Sprintf("%q", truncate(k, 40)))
			continue
		}
		out = append(out, k)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%w: unknown section %s (known: %s)", ErrInvalid, strings.Join(bad, ", "), strings.Join(known, ", "))
	}
	return out, nil
}

// Subscribers lists every subscriber by name.
func (s *Service) Subscribers(ctx context.Context) ([]store.Subscriber, error) {
	return s.st.Subscribers(ctx)
}

// Subscriber is one subscriber with its keys and endpoints, for the admin.
type Subscriber struct {
	store.Subscriber
	Keys      []store.APIKey
	Endpoints []store.Endpoint
}

// Details returns a subscriber with its keys and endpoints.
func (s *Service) Details(ctx context.Context, id int64) (Subscriber, error) {
	sub, err := s.st.Subscriber(ctx, id)
	if err != nil {
		return Subscriber{}, err
	}
	out := Subscriber{Subscriber: sub}
	if out.Keys, err = s.st.APIKeys(ctx, id); err != nil {
		return Subscriber{}, err
	}
	if out.Endpoints, err = s.st.Endpoints(ctx, id); err != nil {
		return Subscriber{}, err
	}
	return out, nil
}

// NewKey makes a key for a subscriber and returns it, once, with what is
// stored of it.
func (s *Service) NewKey(ctx context.Context, subscriberID int64) (string, store.APIKey, error) {
	b := make([]byte, keyBytes)
	rand.Read(b) // never fails (crypto/rand panics rather than return weak bytes)
	key := keyMark + base64.RawURLEncoding.EncodeToString(b)
	k := store.APIKey{SubscriberID: subscriberID, Prefix: key[:prefixLen], Hash: hashKey(key)}
	if err := s.st.CreateAPIKey(ctx, &k); err != nil {
		return "", store.APIKey{}, fmt.Errorf("wire: new key: %w", err)
	}
	s.log.InfoContext(ctx, "wire: key created", "subscriber_id", subscriberID, "key_prefix", k.Prefix)
	return key, k, nil
}

// RevokeKey revokes the key with the given prefix. A prefix that names no
// key is store.ErrNotFound; one that names several (which 48 random bits
// make unlikely) is store.ErrConflict, and nothing is revoked.
func (s *Service) RevokeKey(ctx context.Context, prefix string) (store.APIKey, error) {
	keys, err := s.st.APIKeysByPrefix(ctx, strings.TrimSpace(prefix))
	if err != nil {
		return store.APIKey{}, err
	}
	switch len(keys) {
	case 0:
		return store.APIKey{}, fmt.Errorf("wire: revoke key %q: %w", truncate(prefix, 20), store.ErrNotFound)
	case 1:
	default:
		return store.APIKey{}, fmt.Errorf("wire: revoke key %q: %d keys share the prefix: %w", prefix, len(keys), store.ErrConflict)
	}
	k := keys[0]
	if err := s.st.RevokeAPIKey(ctx, k.ID, s.clock()); err != nil {
		return store.APIKey{}, err
	}
	s.log.InfoContext(ctx, "wire: key revoked", "subscriber_id", k.SubscriberID, "key_prefix", k.Prefix)
	return k, nil
}

// Suspend stops serving a subscriber: its keys answer 401 and its
// endpoints are no longer called. Resume serves it again.
func (s *Service) Suspend(ctx context.Context, id int64) error {
	return s.setStatus(ctx, id, store.SubscriberSuspended)
}

// Resume serves a suspended subscriber again.
func (s *Service) Resume(ctx context.Context, id int64) error {
	return s.setStatus(ctx, id, store.SubscriberActive)
}

func (s *Service) setStatus(ctx context.Context, id int64, st store.SubscriberStatus) error {
	if err := s.st.SetSubscriberStatus(ctx, id, st); err != nil {
		return fmt.Errorf("wire: subscriber %d: %w", id, err)
	}
	s.log.InfoContext(ctx, "wire: subscriber status", "subscriber_id", id, "status", string(st))
	return nil
}

// AddEndpoint adds a webhook endpoint. An empty secret is made here; the
// returned endpoint carries it, to be shown once.
func (s *Service) AddEndpoint(ctx context.Context, subscriberID int64, rawURL, secret string) (store.Endpoint, error) {
	u, err := checkEndpointURL(strings.TrimSpace(rawURL))
	if err != nil {
		return store.Endpoint{}, err
	}
	secret = strings.TrimSpace(secret)
	if secret == "" {
		b := make([]byte, keyBytes)
		rand.Read(b)
		secret = "whsec_" + base64.RawURLEncoding.EncodeToString(b)
	}
	if len(secret) < minSecret || len(secret) > maxSecret || !plainText(secret, maxSecret) {
		return store.Endpoint{}, fmt.Errorf("%w: a secret must be %d to %d characters of plain text", ErrInvalid, minSecret, maxSecret)
	}
	e := store.Endpoint{SubscriberID: subscriberID, URL: u, Secret: secret}
	if err := s.st.CreateEndpoint(ctx, &e); err != nil {
		return store.Endpoint{}, fmt.Errorf("wire: add endpoint: %w", err)
	}
	s.log.InfoContext(ctx, "wire: endpoint added", "subscriber_id", subscriberID, "endpoint_id", e.ID)
	return e, nil
}

// checkEndpointURL accepts an absolute http or https URL with a host and
// no credentials (they would sit in the database and in logs in clear).
func checkEndpointURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	switch {
	case raw == "" || len(raw) > maxURL || !utf8.ValidString(raw):
		return "", fmt.Errorf("%w: the endpoint URL must be at most %d characters", ErrInvalid, maxURL)
	case err != nil:
		return "", fmt.Errorf("%w: the endpoint URL cannot be read", ErrInvalid)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Hostname() == "":
		return "", fmt.Errorf("%w: the endpoint URL must be an absolute http or https URL", ErrInvalid)
	case u.User != nil:
		return "", fmt.Errorf("%w: the endpoint URL must not carry a user name or password", ErrInvalid)
	case u.Fragment != "":
		return "", fmt.Errorf("%w: the endpoint URL must not have a #fragment", ErrInvalid)
	}
	return u.String(), nil
}

// RemoveEndpoint stops calling an endpoint; its delivery log stays.
func (s *Service) RemoveEndpoint(ctx context.Context, subscriberID, endpointID int64) error {
	if err := s.st.RemoveEndpoint(ctx, subscriberID, endpointID); err != nil {
		return fmt.Errorf("wire: remove endpoint: %w", err)
	}
	s.log.InfoContext(ctx, "wire: endpoint removed", "subscriber_id", subscriberID, "endpoint_id", endpointID)
	return nil
}

// Authenticate finds the subscriber a key belongs to. A key that is
// malformed, unknown or revoked, or whose subscriber is suspended, is
// ErrUnauthorized. The key's last use is recorded at most once a minute.
func (s *Service) Authenticate(ctx context.Context, key string) (store.Subscriber, store.APIKey, error) {
	// A key of the wrong shape never reaches the database.
	if len(key) != keyLen || !strings.HasPrefix(key, keyMark) {
		return store.Subscriber{}, store.APIKey{}, ErrUnauthorized
	}
	k, sub, err := s.st.APIKeyByHash(ctx, hashKey(key))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.Subscriber{}, store.APIKey{}, ErrUnauthorized
	case err != nil:
		return store.Subscriber{}, store.APIKey{}, fmt.Errorf("wire: authenticate: %w", err)
	case k.Revoked(), sub.Status != store.SubscriberActive:
		return store.Subscriber{}, store.APIKey{}, ErrUnauthorized
	}
	now := s.clock()
	if k.LastUsedAt.IsZero() || now.Sub(k.LastUsedAt) >= touchEvery {
		// A failed touch costs a statistic, not the request.
		if _, err := s.st.TouchAPIKey(ctx, k.ID, now, touchEvery); err != nil {
			s.log.WarnContext(ctx, "wire: record key use", "subscriber_id", sub.ID, "err", err)
		}
	}
	return sub, k, nil
}

// Entitled reports whether sub may receive st, as it stands (its language
// and section) and while sub is active.
func Entitled(sub store.Subscriber, st story.Story) bool {
	return sub.Entitled(st.Lang, st.Section)
}

// hashKey is how a key is stored and found: SHA-256 is enough for 256
// random bits, and unlike a password hash it can be looked up.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// plainText is valid UTF-8 of at most max characters without control
// characters.
func plainText(v string, max int) bool {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
		return false
	}
	return !strings.ContainsFunc(v, unicode.IsControl)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
