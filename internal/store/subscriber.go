package store

import (
	"context"
	"errors"
	"slices"
	"time"
)

// ErrInvalidSubscriber marks a subscriber, key or endpoint the store
// refuses to keep; the message says what is wrong.
var ErrInvalidSubscriber = errors.New("invalid subscriber")

// SubscriberStore keeps the wire's subscribers: organisations with API
// keys (stored as hashes), entitlements and webhook endpoints.
type SubscriberStore interface {
	// CreateSubscriber adds a subscriber and sets its ID and CreatedAt;
	// an empty Status means active.
	CreateSubscriber(ctx context.Context, s *Subscriber) error
	// SetSubscriberStatus suspends or reactivates a subscriber.
	SetSubscriberStatus(ctx context.Context, id int64, status SubscriberStatus) error
	Subscriber(ctx context.Context, id int64) (Subscriber, error)
	Subscribers(ctx context.Context) ([]Subscriber, error) // ordered by name, then id

	// API keys, found by the SHA-256 of the key (hex); the key itself is
	// never stored. A hash stored twice is ErrConflict.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	APIKeys(ctx context.Context, subscriberID int64) ([]APIKey, error) // oldest first
	// APIKeysByPrefix finds keys by their shown prefix, across subscribers.
	APIKeysByPrefix(ctx context.Context, prefix string) ([]APIKey, error)
	// APIKeyByHash returns the key and its subscriber, revoked or not.
	APIKeyByHash(ctx context.Context, hash string) (APIKey, Subscriber, error)
	// RevokeAPIKey marks a key revoked at at; revoking twice keeps the
	// first time.
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error
	// TouchAPIKey sets the key's last use to at, unless it was set less
	// than every before at: a busy consumer costs one write a minute, not
	// one a request. It reports whether it wrote.
	TouchAPIKey(ctx context.Context, id int64, at time.Time, every time.Duration) (bool, error)

	// Webhook endpoints. Removing one only marks it inactive, so that its
	// delivery log keeps what it refers to.
	CreateEndpoint(ctx context.Context, e *Endpoint) error
	Endpoint(ctx context.Context, id int64) (Endpoint, error)
	Endpoints(ctx context.Context, subscriberID int64) ([]Endpoint, error) // active and removed, oldest first
	RemoveEndpoint(ctx context.Context, subscriberID, id int64) error
	// EntitledEndpoints lists the active endpoints of active subscribers
	// entitled to stories in lang and section: the webhooks to call.
	EntitledEndpoints(ctx context.Context, lang, section string) ([]Endpoint, error)

	// VersionEmbargo is the embargo a version was published under (zero
	// for none), which story.Version does not carry: the wire tells
	// subscribers about it.
	VersionEmbargo(ctx context.Context, storyID int64, version int) (time.Time, error)
}

// SubscriberStatus is whether a subscriber is served.
type SubscriberStatus string

const (
	SubscriberActive    SubscriberStatus = "active"
	SubscriberSuspended SubscriberStatus = "suspended"
)

// Valid reports whether s is a known status.
func (s SubscriberStatus) Valid() bool { return s == SubscriberActive || s == SubscriberSuspended }

// Subscriber is an organisation that takes the wire.
type Subscriber struct {
	ID        int64
	Name      string
	Contact   string
	Status    SubscriberStatus
	Languages []string // language codes it may receive; empty means all
	Sections  []string // section keys it may receive; empty means all
	CreatedAt time.Time
}

// Entitled reports whether the subscriber is active and may receive a
// story in lang and section.
func (s Subscriber) Entitled(lang, section string) bool {
	if s.Status != SubscriberActive {
		return false
	}
	return (len(s.Languages) == 0 || slices.Contains(s.Languages, lang)) &&
		(len(s.Sections) == 0 || slices.Contains(s.Sections, section))
}

// APIKey is a subscriber's key as stored: its shown prefix and the hash of
// the whole key.
type APIKey struct {
	ID           int64
	SubscriberID int64
	Prefix       string
	Hash         string // hex SHA-256 of the key
	CreatedAt    time.Time
	RevokedAt    time.Time // zero while the key works
	LastUsedAt   time.Time // zero until first used
}

// Revoked reports whether the key has been revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// Endpoint is a URL the wire POSTs items to, signed with Secret.
type Endpoint struct {
	ID           int64
	SubscriberID int64
	URL          string
	Secret       string
	Active       bool
	CreatedAt    time.Time
}
