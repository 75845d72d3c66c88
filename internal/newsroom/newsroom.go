// Package newsroom is the editorial workflow service. It owns the rules of
// the newsroom: who may do what (asking auth), which moves a story may make,
// what a valid story or user is, and which audit entries record it all. The
// store owns SQL and transactions; the desk is a thin layer over this
// package that maps its errors to HTTP statuses:
//
//	ErrForbidden                          403, nothing changed
//	ErrLogin                              the login form again, with one message for every failure
//	ErrThrottled (a *ThrottleError)       429 with Retry-After
//	story.ErrInvalid, auth.ErrInvalid     422, the message says what is wrong
//	store.ErrBadMove                      409, the status does not allow it
//	store.ErrNotFound                     404
package newsroom

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
)

// ErrForbidden is returned when the actor may not take an action. A call
// that returns it has changed nothing.
var ErrForbidden = errors.New("newsroom: forbidden")

// Options configure a Service.
type Options struct {
	Store store.Store
	Log   *slog.Logger     // nil discards
	Now   func() time.Time // nil means time.Now; tests set it to move the clock
}

// Service is the newsroom's workflow. It is safe for concurrent use.
type Service struct {
	st  store.Store
	log *slog.Logger
	now func() time.Time

	// dummyHash is a real argon2id hash of a password nobody knows. Login
	// checks unknown emails against it so that they cost as much time as
	// known ones. It is made on first use, not in New, because hashing
	// takes 64 MiB and tens of milliseconds that most callers never need.
	dummyOnce sync.Once
	dummyHash string
	dummyErr  error
}

// New returns a Service over o.Store.
func New(o Options) *Service {
	s := &Service{st: o.Store, log: o.Log, now: o.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Actor is who acts and from where, for the permission checks and the
// audit log. The desk builds it from the session (Authenticate) and the
// request's client address.
type Actor struct {
	User auth.User
	IP   string
}

// clock returns the current time in UTC, the only zone Qasid stores.
func (s *Service) clock() time.Time { return s.now().UTC() }

// entry starts an audit entry for an action taken by a.
func (s *Service) entry(a Actor, action audit.Action, at time.Time) audit.Entry {
	return audit.Entry{
		At:      at,
		ActorID: a.User.ID,
		Actor:   a.User.Email,
		Action:  action,
		IP:      a.IP,
	}
}

// systemEntry starts an audit entry for something the service does on its
// own (the scheduler) or on behalf of the command line.
func systemEntry(action audit.Action, at time.Time) audit.Entry {
	return audit.Entry{At: at, Actor: "system", Action: action}
}

// forbidden wraps ErrForbidden with what was refused, for logs; the desk
// shows only its own generic message for a 403.
func forbidden(op string) error {
	return fmt.Errorf("newsroom: %s: %w", op, ErrForbidden)
}
