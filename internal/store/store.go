// Package store is the only package that speaks SQL. One interface, Store,
// has two implementations that share their SQL: SQLite (the embedded
// default) and PostgreSQL. Where the databases differ, the difference lives
// in dialect_sqlite.go or dialect_postgres.go.
package store

import (
	"context"
	"errors"
	"time"

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

	// PublishStory freezes the working copy as a new version and appends a
	// publish (first time) or correct (later) entry to the change log, in
	// one transaction. KillStory appends a final killed version and a kill
	// entry. Both return the story as it now stands.
	PublishStory(ctx context.Context, id int64, p Publish) (story.Story, error)
	KillStory(ctx context.Context, id int64, notice string, at time.Time) (story.Story, error)
	StoryVersion(ctx context.Context, id int64, version int) (story.Version, error)
	StoryVersions(ctx context.Context, id int64) ([]story.Version, error) // oldest first

	// Published lists, newest first.
	PublishedStories(ctx context.Context, q ListQuery) ([]story.Story, error)
	CountPublished(ctx context.Context, q ListQuery) (int, error)
	// Untranslated lists the newest published stories that have no
	// published member in lang (one per family: the original if published,
	// else the earliest published member).
	Untranslated(ctx context.Context, lang string, section string, limit int) ([]story.Story, error)

	// The change log.
	Changes(ctx context.Context, afterSeq int64, limit int) ([]story.Change, error)
	LastSeq(ctx context.Context) (int64, error)

	Close() error
}

// Publish says how to publish.
type Publish struct {
	At             time.Time // the publication time; the store uses it for both version and change
	CorrectionNote string    // required for a correction, ignored for a first publish
}

// ListQuery selects published stories. Empty fields do not filter.
type ListQuery struct {
	Lang    string
	Section string
	Limit   int // at most 200; 0 means 20
	Offset  int
}
