// Package store is the only package that speaks SQL. One interface, Store,
// has two implementations that share their SQL: SQLite (the embedded
// default) and PostgreSQL. Where the databases differ, the difference lives
// in dialect_sqlite.go or dialect_postgres.go.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/story"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	ErrNotFound = errors.New("store: not found")
	ErrConflict = errors.New("store: conflict") // a unique rule would break, e.g. a second story in one language of a family
	ErrBadMove  = errors.New("store: status change not allowed")
)

// Store is everything Qasid keeps. Every method takes a context first and
// returns domain values and the sentinel errors above.
type Store interface {
	// The wire: subscribers, keys, entitlements and webhook endpoints
	// (subscriber.go), and durable webhook deliveries (delivery.go).
	SubscriberStore
	DeliveryStore
	// Ingest: imported items and polled feeds (ingest.go); editors'
	// related-story pins and exclusions (related.go).
	IngestStore
	RelatedStore
	// Media: images (media.go) and voice-over audio (audio.go).
	MediaStore
	AudioStore

	// Agency settings and sections.
	Agency(ctx context.Context) (story.Agency, error)
	SaveAgency(ctx context.Context, a story.Agency) error
	Sections(ctx context.Context) ([]story.Section, error) // ordered by Position
	SaveSection(ctx context.Context, s story.Section) error

	// Families. A key is an optional unique name for a family (the demo
	// loader and importers use it to stay idempotent).
	CreateFamily(ctx context.Context, key string) (int64, error)
	FamilyByKey(ctx context.Context, key string) (int64, error)
	Family(ctx context.Context, familyID int64) ([]story.Story, error) // every member, any status, ordered by language code

	// Stories. CreateStory sets ID, CreatedAt and UpdatedAt; FamilyID must
	// name an existing family, which may hold one story per language.
	CreateStory(ctx context.Context, s *story.Story) error
	UpdateStory(ctx context.Context, s *story.Story) error // the working copy only
	Story(ctx context.Context, id int64) (story.Story, error)
	Stories(ctx context.Context, ids []int64) (map[int64]story.Story, error)

	// SaveStory is UpdateStory with an audit entry in the same transaction.
	SaveStory(ctx context.Context, s *story.Story, a audit.Entry) error

	// PublishStory freezes the working copy as a new version and appends a
	// publish (first time) or correct (later) entry to the change log, in
	// one transaction, with p.Audit if it has an Action. It clears
	// PublishAt and sets EmbargoUntil from p. KillStory appends a final
	// killed version and a kill entry. Both return the story as it now stands.
	PublishStory(ctx context.Context, id int64, p Publish) (story.Story, error)
	KillStory(ctx context.Context, id int64, k Kill) (story.Story, error)

	// SetStatus moves a story between draft and submitted (the only moves
	// that publish nothing), with its audit entry; other moves are ErrBadMove.
	SetStatus(ctx context.Context, id int64, to story.Status, a audit.Entry) (story.Story, error)
	// ScheduleStory sets (or, with a zero time, clears) when a draft or
	// submitted story is to be published.
	ScheduleStory(ctx context.Context, id int64, at time.Time, a audit.Entry) (story.Story, error)
	// DueStories lists draft or submitted stories whose PublishAt is at or
	// before now, oldest due first: the scheduler's work.
	DueStories(ctx context.Context, now time.Time, limit int) ([]story.Story, error)
	// LiftEmbargoes finds published stories whose embargo ended at or
	// before now and is not yet marked lifted, marks them and appends an
	// embargo_lift change (and audit entry) for each, in one transaction
	// per story. It returns the stories lifted.
	LiftEmbargoes(ctx context.Context, now time.Time) ([]story.Story, error)

	// DeskStories lists stories of any status for the desk, most recently
	// updated first.
	DeskStories(ctx context.Context, q DeskQuery) ([]story.Story, error)
	CountDeskStories(ctx context.Context, q DeskQuery) (int, error)
	// SearchHeadlines finds published stories whose headline contains q
	// (case-insensitive for ASCII), newest first: the Also Read picker.
	SearchHeadlines(ctx context.Context, q, lang string, limit int) ([]story.Story, error)

	// Users. Emails are unique (ErrConflict); CreateUser sets ID and times.
	CreateUser(ctx context.Context, u *auth.User, a audit.Entry) error
	// UpdateUser changes name, roles, pairs, UI language and disabled, not
	// the password; disabling a user also ends their sessions.
	UpdateUser(ctx context.Context, u *auth.User, a audit.Entry) error
	SetPassword(ctx context.Context, userID int64, hash string, a audit.Entry) error
	User(ctx context.Context, id int64) (auth.User, error)
	UserByEmail(ctx context.Context, email string) (auth.User, error)
	Users(ctx context.Context) ([]auth.User, error) // ordered by email

	// Sessions, by the hash of their token. Session returns ErrNotFound for
	// an unknown or expired session.
	CreateSession(ctx context.Context, s auth.Session) error
	Session(ctx context.Context, tokenHash string, now time.Time) (auth.Session, error)
	DeleteSession(ctx context.Context, tokenHash string) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	// Login throttling, shared by every node: failures are counted per key
	// (an account's email or a client address) since a time.
	RecordLoginFailure(ctx context.Context, key string, at time.Time) error
	LoginFailures(ctx context.Context, key string, since time.Time) (int, error)
	ClearLoginFailures(ctx context.Context, key string) error

	// The audit log.
	AppendAudit(ctx context.Context, e audit.Entry) error
	Audit(ctx context.Context, q audit.Query) ([]audit.Entry, error) // newest first
	StoryVersion(ctx context.Context, id int64, version int) (story.Version, error)
	StoryVersions(ctx context.Context, id int64) ([]story.Version, error) // oldest first

	// What readers see: a published story's latest published version, never
	// the working copy. PublicStory is ErrNotFound for a story that is not
	// public at now (a draft, killed, or under embargo).
	PublicStory(ctx context.Context, id int64, now time.Time) (story.Story, error)
	// PublicStoriesByID is PublicStory for many ids in one query, by id;
	// ids readers cannot see at now are absent (public_batch.go).
	// PublicCardsByID is the same without the bodies, for lists that
	// print headlines.
	PublicStoriesByID(ctx context.Context, ids []int64, now time.Time) (map[int64]story.Story, error)
	PublicCardsByID(ctx context.Context, ids []int64, now time.Time) (map[int64]story.Story, error)
	PublicFamily(ctx context.Context, familyID int64, now time.Time) ([]story.Story, error)
	// PublicFamilyOf is PublicFamily of story id's family, the story among
	// the members when it is public; PublicFamilies is PublicFamily for many
	// families, by family id, without bodies (public_family.go).
	PublicFamilyOf(ctx context.Context, id int64, now time.Time) ([]story.Story, error)
	PublicFamilies(ctx context.Context, familyIDs []int64, now time.Time) (map[int64][]story.Story, error)

	// Published lists, newest first, as published (see PublicStory).
	PublishedStories(ctx context.Context, q ListQuery) ([]story.Story, error)
	CountPublished(ctx context.Context, q ListQuery) (int, error)
	// PageEnds returns, for the list q names (its Now, Lang and Section),
	// the last story of each full page of per stories, in order: page n+1
	// is the list After the cursor at index n-1.
	PageEnds(ctx context.Context, q ListQuery, per int) ([]ListCursor, error)
	// Untranslated lists the newest published stories that have no
	// published member in lang (one per family: the original if published,
	// else the earliest published member).
	// Embargoed stories are left out, as everywhere readers look.
	Untranslated(ctx context.Context, lang string, section string, limit int, now time.Time) ([]story.Story, error)

	// The change log.
	Changes(ctx context.Context, afterSeq int64, limit int) ([]story.Change, error)
	LastSeq(ctx context.Context) (int64, error)
	// Followers of the change log keep their position here, so that a
	// restart resumes where they stopped. FollowerSeq is 0 for a follower
	// that never saved one; SetFollowerSeq never moves a position back.
	FollowerSeq(ctx context.Context, name string) (int64, error)
	SetFollowerSeq(ctx context.Context, name string, seq int64) error
	// Changed returns a channel closed when the change log next grows, on
	// this node or (PostgreSQL) any other: followers wait on it instead of
	// polling. See notify.go.
	Changed() <-chan struct{}

	// Leases name jobs that must run on one node at a time (lease.go).
	TryLease(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	ReleaseLease(ctx context.Context, name, owner string) error

	// The translation desk. SetTranslationSource records which published
	// version of which family member a translation is based on (moving it
	// to the source's latest version is how an update clears the
	// out-of-date mark) with its audit entry, and appends a
	// translation_link change when the source is set first or changes.
	SetTranslationSource(ctx context.Context, storyID, fromID int64, fromVersion int, a audit.Entry) (story.Story, error)
	// FamiliesPublishedSince returns every member of the families with a
	// version published at or after since, most recent family first,
	// members together by language: the desk dashboard.
	FamiliesPublishedSince(ctx context.Context, since time.Time, limit int) ([]story.Story, error)

	// Assignments: at most one per translation draft. Assign replaces any
	// assignment the story had (and opens it again), with its audit entry.
	// CompleteAssignment keeps the first completion time; a story without
	// an assignment is ErrNotFound. Assignments lists due first.
	Assign(ctx context.Context, as Assignment, a audit.Entry) error
	Assignment(ctx context.Context, storyID int64) (Assignment, error)
	Assignments(ctx context.Context, q AssignmentQuery) ([]Assignment, error)
	CompleteAssignment(ctx context.Context, storyID int64, at time.Time) error

	// A translator's work on a draft, segment by segment: the target of
	// each source segment by index, aligned with a version of the source.
	// SaveSegmentTargets replaces all of it in one transaction.
	SegmentTargets(ctx context.Context, storyID int64) (targets []string, sourceVersion int, err error)
	SaveSegmentTargets(ctx context.Context, storyID int64, sourceVersion int, targets []string) error

	// The translation memory. AddUnits adds units in one transaction, all
	// or nothing, skipping duplicates (same pair, normalised source and
	// target), and returns how many were new. ExactUnits finds units by the
	// hash of their normalised source (memory.Hash), CandidateUnits those
	// sharing the most of a segment's rarest grams (memory.Grams), for the
	// caller to score. Units (oldest first) takes a pair in which an empty
	// code does not filter; CountUnits counts every pair.
	AddUnits(ctx context.Context, units []memory.Unit) (int, error)
	ExactUnits(ctx context.Context, srcLang, tgtLang, hash string, limit int) ([]MemoryUnit, error)
	CandidateUnits(ctx context.Context, srcLang, tgtLang string, grams []string, limit int) ([]MemoryUnit, error)
	Units(ctx context.Context, srcLang, tgtLang string) ([]MemoryUnit, error)
	CountUnits(ctx context.Context) (int, error)

	// The glossary: approved terms per language pair, one per normalised
	// source. AddTerms writes terms in one transaction, changing those
	// already there; Terms takes a pair in which an empty code does not
	// filter; DeleteTerm of an unknown id is ErrNotFound.
	AddTerms(ctx context.Context, terms []memory.Term) (int, error)
	Terms(ctx context.Context, srcLang, tgtLang string) ([]memory.Term, error)
	DeleteTerm(ctx context.Context, id int64) error

	Close() error
}

// Publish says how to publish.
type Publish struct {
	At             time.Time   // the publication time; the store uses it for both version and change
	CorrectionNote string      // required for a correction, ignored for a first publish
	EmbargoUntil   time.Time   // keeps the story off public pages until then; zero for none
	Audit          audit.Entry // appended in the same transaction when Audit.Action is set
}

// Kill says how to kill.
type Kill struct {
	Notice string // the short notice that replaces the body
	At     time.Time
	Audit  audit.Entry
}

// DeskQuery selects stories for the desk. Empty fields do not filter.
type DeskQuery struct {
	Status   story.Status
	Lang     string
	Section  string
	AuthorID int64
	Langs    []string // when set, only stories in these languages (a translator's view)
	Limit    int      // default 50, at most 200
	Offset   int
}

// ListQuery selects published stories that readers may see at Now
// (embargoed ones are left out). Empty fields do not filter.
type ListQuery struct {
	Now     time.Time // zero means the store's clock
	Lang    string
	Section string
	Limit   int // at most 200; 0 means 20
	Offset  int
	// NoBody leaves each story's Body empty: lists that print no body
	// (sections, sitemaps) need not read thousands of them.
	NoBody bool
	// All lists every story the filters let through, in one query: Limit
	// and Offset are ignored. For enumerating (the bake's paths), where
	// paging by offset would read the skipped index entries again for
	// every page.
	All bool
	// After, when set, lists the stories that come after it in the
	// list's order (newest first), from the list index with nothing
	// skipped read: keyset paging, with the cursors PageEnds gives.
	// Offset is ignored.
	After *ListCursor
}

// ListCursor is a place in a list of published stories: a story's
// publication time and id, the list's order.
type ListCursor struct {
	PublishedAt time.Time
	ID          int64
}
