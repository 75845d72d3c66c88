package store

import (
	"context"
	"time"

	"github.com/qasid/qasid/internal/audit"
)

// RelatedStore keeps the editors' choices about related stories: stories
// pinned to, or excluded from, a story's related list. The store keeps the
// choices as given; which stories may be chosen (same language, not
// killed, how many) is the related service's rule.
type RelatedStore interface {
	// RelatedChoices lists a story's choices: its pins in position order,
	// then its exclusions, oldest first. A story without choices, or an
	// unknown story, has none.
	RelatedChoices(ctx context.Context, storyID int64) ([]RelatedChoice, error)
	// SetRelatedChoice pins or excludes c.OtherID for c.StoryID, replacing
	// the choice the story had about it, with a in the same transaction. A
	// pin with Position 0 keeps its place when it was already pinned and
	// goes last otherwise; a pin with a Position moves to that place (the
	// last place when it is larger). Pins stay numbered 1, 2, ... Both
	// stories must exist (ErrNotFound), and a story cannot choose itself
	// (story.ErrInvalid).
	SetRelatedChoice(ctx context.Context, c RelatedChoice, a audit.Entry) error
	// DeleteRelatedChoice removes the story's choice about otherID (an
	// unpin or an un-exclude), with a in the same transaction; ErrNotFound
	// when there was none.
	DeleteRelatedChoice(ctx context.Context, storyID, otherID int64, a audit.Entry) error
	// RelatedList returns the list worked out for storyID's public page;
	// ok is false when there is none.
	RelatedList(ctx context.Context, storyID int64) (l RelatedList, ok bool, err error)
	// SaveRelatedLists stores lists, each replacing its story's, and
	// moves the named follower to seq (never back), in one transaction. A
	// list whose ids differ from the one it replaces appends a related
	// change for its story, so that caches drop the page that showed the
	// old one; a story's first list appends none, since until then its
	// page searched live for the same thing. A list of a story that no
	// longer exists is left out. It returns how many lists changed.
	SaveRelatedLists(ctx context.Context, follower string, seq int64, lists []RelatedList) (changed int, err error)
}

// RelatedList is the search index's choice for a story's page, kept
// before the editors' choices and the page's links are applied.
type RelatedList struct {
	StoryID int64
	Version int     // the published version whose text chose them
	IDs     []int64 // best first
}

// RelatedKind is what an editor chose about another story.
type RelatedKind string

const (
	RelatedPin     RelatedKind = "pin"     // shown first, in position order
	RelatedExclude RelatedKind = "exclude" // never suggested
)

// Valid reports whether k is a known kind.
func (k RelatedKind) Valid() bool { return k == RelatedPin || k == RelatedExclude }

// RelatedChoice is one editor's choice about another story in a story's
// related list.
type RelatedChoice struct {
	StoryID  int64
	OtherID  int64
	Kind     RelatedKind
	Position int       // 1, 2, ... for pins; 0 for exclusions
	SetBy    int64     // the desk user who chose; 0 for the system
	SetAt    time.Time // set by the store
}
