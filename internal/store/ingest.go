package store

import (
	"context"
	"time"

	"github.com/qasid/qasid/internal/story"
)

// IngestStore keeps what other agencies sent: imported items (for
// duplicate checks and the desk's incoming list) and the feeds polled.
//
// An item is identified twice: by (source, guid), its id at the source,
// and by its URL when it has one. Either seen again means the same item,
// which AddItems reports and does not store. A near-duplicate (the same
// text lightly edited, under another id) is the caller's judgement, made
// with SimHash: the caller finds candidates with NearItems and stores the
// item with DuplicateOf set and state duplicate.
type IngestStore interface {
	// AddItems stores the items that are new, in one transaction, and
	// reports for each, in order, whether it was new or a duplicate (and
	// of which stored item). Each item needs Source, GUID and Lang; the
	// store sets ID and, when zero, ReceivedAt (to its clock) and State
	// (incoming, or duplicate for an item with DuplicateOf).
	AddItems(ctx context.Context, items []IngestItem) ([]AddResult, error)
	// Item is one item by id; ItemByStory the item a story was made from.
	Item(ctx context.Context, id int64) (IngestItem, error)
	ItemByStory(ctx context.Context, storyID int64) (IngestItem, error)
	// Items lists items newest first; CountItems counts the same query.
	Items(ctx context.Context, q ItemQuery) ([]IngestItem, error)
	CountItems(ctx context.Context, q ItemQuery) (int, error)
	// ItemSources lists the sources items came from, in byte order: the
	// incoming list's filter.
	ItemSources(ctx context.Context) ([]string, error)
	// NearItems lists items in lang that share at least one of bands:
	// the near-duplicate candidates, for the caller to compare by
	// SimHash distance. Oldest first, at most limit (0 means 100, at most
	// 100000); up to 5000 bands, so that an importer asks once per batch.
	NearItems(ctx context.Context, lang string, bands []uint64, limit int) ([]NearItem, error)
	// SetItemState moves an item from state from to state to, and
	// links it to storyID when that is not zero. It is ErrConflict when
	// the item is no longer in state from (another editor acted first) or
	// already has a story, and ErrNotFound for an unknown item. An item
	// linked to a story stays used.
	SetItemState(ctx context.Context, id int64, from, to ItemState, storyID int64) error

	// ImportStories turns items into stories, in one transaction for the
	// whole batch: each finds or creates its family by key (a family of
	// its own when the key is empty), creates the story (a draft, or
	// published as version 1 with its publish change, as PublishStory
	// would), and marks its item used with the story's id. A story whose
	// family already has one in its language is left out, reported as a
	// conflict, and the rest go on. Everything is checked before anything
	// is written.
	ImportStories(ctx context.Context, stories []ImportedStory) ([]ImportResult, error)

	// Feeds. CreateFeed sets ID and CreatedAt, and NextPollAt to now when
	// it is zero; a URL already there is ErrConflict. DeleteFeed keeps the
	// items the feed brought.
	CreateFeed(ctx context.Context, f *Feed) error
	Feed(ctx context.Context, id int64) (Feed, error)
	Feeds(ctx context.Context) ([]Feed, error) // by name, then id
	DeleteFeed(ctx context.Context, id int64) error
	// LeaseDueFeeds leases to owner, until now+leaseFor, up to limit feeds
	// due at now (next_poll_at <= now) that no live lease holds, and
	// returns them, most overdue first. Feeds another node is claiming
	// at the same moment are skipped, not waited for, so that each due
	// poll is taken by one poller.
	LeaseDueFeeds(ctx context.Context, now time.Time, owner string, leaseFor time.Duration, limit int) ([]Feed, error)
	// FinishFeedPoll records a poll's outcome and ends the lease. It is
	// ErrConflict when the lease is no longer the caller's (it ran out and
	// another poller took the feed).
	FinishFeedPoll(ctx context.Context, p FeedPoll) error
}

// ItemState is where an imported item stands on the desk.
type ItemState string

const (
	ItemIncoming  ItemState = "incoming"  // waiting for an editor
	ItemUsed      ItemState = "used"      // a story was made from it
	ItemDismissed ItemState = "dismissed" // an editor set it aside
	ItemDuplicate ItemState = "duplicate" // a near-duplicate of DuplicateOf
)

// Valid reports whether s is one of the known states.
func (s ItemState) Valid() bool {
	switch s {
	case ItemIncoming, ItemUsed, ItemDismissed, ItemDuplicate:
		return true
	}
	return false
}

// IngestItem is one story as another agency sent it.
type IngestItem struct {
	ID        int64
	Source    string // who sent it: the feed's or file's name, or the item's own source
	GUID      string // its id at the source
	URL       string // "" for none
	Lang      string
	Headline  string
	Summary   string
	Body      string // plain text, paragraphs separated by "\n"
	Byline    string
	Section   string // the source's section, lower case; "" for none
	Tags      []string
	FamilyKey string    // links translations of one story at the source; "" for none
	Published time.Time // as the source gives it; zero for none

	ReceivedAt time.Time
	SimHash    uint64
	// Bands are the SimHash bands NearItems looks items up by. They are
	// written, never read back: recompute them from SimHash.
	Bands       []uint64
	FeedID      int64 // 0 for a file import
	DuplicateOf int64 // the earlier item this one nearly repeats; 0 for none
	StoryID     int64 // the story made from it; 0 for none
	State       ItemState
}

// AddStatus says what AddItems did with an item.
type AddStatus string

const (
	AddNew       AddStatus = "new"       // stored
	AddDuplicate AddStatus = "duplicate" // not stored: the same source and guid, or the same URL, is already there
)

// AddResult is what AddItems did with one item. For a new item ID is its
// id; for a duplicate, the id of the item already stored.
type AddResult struct {
	Status AddStatus
	ID     int64
}

// ItemQuery selects items for the desk. Empty fields do not filter.
type ItemQuery struct {
	State  ItemState
	Lang   string
	Source string
	Limit  int // default 50, at most 200
	Offset int
}

// NearItem is a near-duplicate candidate.
type NearItem struct {
	ID      int64
	SimHash uint64
}

// ImportedStory is a story to make from an item.
type ImportedStory struct {
	ItemID    int64  // the item it is made from, marked used; 0 for none
	FamilyKey string // the family to join or create; "" for a family of its own
	// Story holds the text (Lang, Headline, Slug, Summary, Byline,
	// Dateline, Section, Tags, Body) and Status: draft, or published.
	// Other fields are set by the store.
	Story story.Story
	// PublishedAt is when a published story was published; zero means
	// the store's clock.
	PublishedAt time.Time
}

// ImportResult is what ImportStories did with one story.
type ImportResult struct {
	StoryID  int64 // 0 when left out
	FamilyID int64
	// Conflict reports a story left out because its family already has
	// one in its language.
	Conflict bool
}

// Feed is a feed the poller reads.
type Feed struct {
	ID           int64
	URL          string
	Name         string        // the items' source
	Lang         string        // for items that do not say; "" for none
	Section      string        // for items that do not say; "" for none
	Every        time.Duration // how often it is polled; whole seconds
	ETag         string        // validators of the last answer, sent back on the next poll
	LastModified string
	LastPolledAt time.Time // zero until the first poll
	NextPollAt   time.Time
	LastError    string // "" after a poll that worked
	Failures     int    // polls that failed in a row
	LastNew      int    // items the last poll added
	LeaseUntil   time.Time
	LeaseOwner   string
	CreatedAt    time.Time
}

// FeedPoll is the outcome of one poll of a leased feed.
type FeedPoll struct {
	ID    int64
	Owner string    // who holds the lease
	At    time.Time // when the poll ended
	// NextPollAt is when the feed is due again: the caller's schedule
	// and backoff.
	NextPollAt time.Time
	// ETag and LastModified replace the feed's validators after a poll
	// that worked; after a failure they are left as they were.
	ETag, LastModified string
	Err                string // "" for a poll that worked
	New                int    // items added
}
