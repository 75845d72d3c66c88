// Package wire serves the agency's subscribers: it keeps who they are,
// what they may receive and the keys they use (the subscriber service),
// renders each published version as a ninjs or NewsML-G2 item, and answers
// the pull API at /wire/v1/ (see api.go). The encoders live in the ninjs
// and newsml subpackages; webhook delivery lives in package webhook.
package wire

import (
	"errors"
	"github.com/qasid/qasid/internal/render"
	"log/slog"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
)

// Errors of the service. Callers test them with errors.Is; the messages of
// ErrInvalid are written for the person who typed the input.
var (
	// ErrUnauthorized is a key that is wrong, revoked, or belongs to a
	// suspended subscriber: the API answers each the same way.
	ErrUnauthorized = errors.New("wire: unauthorized")
	// ErrInvalid is input the service refuses, with a message saying why.
	ErrInvalid = errors.New("wire: invalid")
)

// Options configure a Service.
type Options struct {
	Store store.Store
	// Catalog gives the "Also Read" label of a body in each language; it
	// is needed only to render items.
	Catalog *lang.Catalog
	BaseURL string // public origin for item uris and links, e.g. https://news.example.org
	Log     *slog.Logger
	Now     func() time.Time // nil means time.Now
}

// Service manages subscribers and renders items for them. It is safe for
// concurrent use.
type Service struct {
	st      store.Store
	cat     *lang.Catalog
	baseURL string
	log     *slog.Logger
	now     func() time.Time
	render  *render.Renderer
}

// New returns a Service over o.Store.
func New(o Options) *Service {
	s := &Service{st: o.Store, cat: o.Catalog, baseURL: o.BaseURL, log: o.Log, now: o.Now, render: render.New(o.Store, o.Catalog)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func (s *Service) clock() time.Time { return s.now().UTC() }
