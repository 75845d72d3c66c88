// Package translate is the translation desk's service: sending a story to
// other languages as drafts in its family, assigning them to translators,
// the translator's queue, the family overview and the desk dashboard, the
// side-by-side workspace (segments, memory matches, glossary checks and
// what changed in the source since the translation was made), the
// translation memory and glossary with their import and export, and the
// follower that teaches the memory from every published translation.
//
// Every write to a story goes through the newsroom service, so that its
// permission rules and audit entries apply to translations as to any
// story. The desk maps this package's errors as it maps the newsroom's,
// plus:
//
//	ErrGlossary     the segments were saved, the submit was held back: show the warnings and ask to confirm
//	ErrNoProvider   no machine translation is configured: 404
package translate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrGlossary holds back a submit because approved glossary terms are
	// missing from the translation; Save returns the warnings with it.
	ErrGlossary = errors.New("translate: approved glossary terms are missing")
	// ErrNoProvider is MachineTranslate without a configured provider.
	ErrNoProvider = errors.New("translate: no machine translation provider")
)

// Audit actions of the translation desk. The newsroom records the story
// writes (create, save, submit); these record what only the desk does.
const (
	AuditStart          audit.Action = "translation.start"  // a draft was created from a source version
	AuditAssign         audit.Action = "translation.assign" // a draft was given to a translator
	AuditUpdate         audit.Action = "translation.update" // a translation was brought up to a newer source version
	AuditMemoryImport   audit.Action = "translation.memory_import"
	AuditGlossaryChange audit.Action = "translation.glossary"
)

// Provider pre-translates one segment by machine. It is optional: without
// one the desk offers no machine button, and the memory and glossary are
// all a translator gets.
type Provider interface {
	Name() string
	Translate(ctx context.Context, text, from, to string) (string, error)
}

// Options configure a Service.
type Options struct {
	Store    store.Store
	Newsroom *newsroom.Service // every story write goes through it
	Log      *slog.Logger      // nil discards
	Now      func() time.Time  // nil means time.Now
	MT       Provider          // nil: no machine translation
}

// Service is the translation desk. It is safe for concurrent use.
type Service struct {
	st  store.Store
	nr  *newsroom.Service
	log *slog.Logger
	now func() time.Time
	mt  Provider
}

// New returns a Service over o.Store and o.Newsroom.
func New(o Options) *Service {
	s := &Service{st: o.Store, nr: o.Newsroom, log: o.Log, now: o.Now, mt: o.MT}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

func (s *Service) clock() time.Time { return s.now().UTC() }

// entry starts an audit entry for an action taken by a.
func entry(a newsroom.Actor, action audit.Action, at time.Time) audit.Entry {
	return audit.Entry{At: at, ActorID: a.User.ID, Actor: a.User.Email, Action: action, IP: a.IP}
}

// forbidden wraps the newsroom's ErrForbidden, which the desk answers with
// 403, with what was refused.
func forbidden(op string) error { return fmt.Errorf("translate: %s: %w", op, newsroom.ErrForbidden) }

func facts(st story.Story) auth.StoryFacts {
	return auth.StoryFacts{AuthorID: st.AuthorID, Lang: st.Lang, Status: string(st.Status)}
}

// editable checks that u may edit st now, as the newsroom will when the
// edit is saved, so that a refused edit stops before anything is written.
// Like the newsroom, it answers ErrBadMove when only the story's status
// stands in the way, and ErrForbidden when the user may never edit it.
func editable(u auth.User, st story.Story) error {
	f := facts(st)
	if auth.CanOnStory(u, auth.ActionStoryEdit, f) {
		return nil
	}
	f.Status = string(story.StatusDraft)
	if auth.CanOnStory(u, auth.ActionStoryEdit, f) {
		return fmt.Errorf("%w: a %s translation cannot be edited", store.ErrBadMove, st.Status)
	}
	return newsroom.ErrForbidden
}

// outOfDate reports whether a translation based on version basedOn of src
// lags behind what readers of the source now see. A killed source has
// nothing newer to translate.
func outOfDate(src story.Story, basedOn int) bool {
	return src.Status == story.StatusPublished && src.Version > basedOn
}

// publishedVersion returns the newest version of src that readers had as
// text: its current version, or for a killed story the one before the kill
// notice.
func (s *Service) publishedVersion(ctx context.Context, src story.Story) (story.Version, error) {
	n := src.Version
	if src.Status == story.StatusKilled {
		n--
	}
	if n < 1 {
		return story.Version{}, fmt.Errorf("%w: source story %d has no published version", story.ErrInvalid, src.ID)
	}
	v, err := s.st.StoryVersion(ctx, src.ID, n)
	if err != nil {
		return story.Version{}, err
	}
	return v, nil
}
