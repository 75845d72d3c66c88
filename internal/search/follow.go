package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Batch sizes: how many change log entries one Apply covers while
// following, and how many stories one Apply covers while rebuilding. A
// batch is one write of the index, so bigger batches index faster, up to
// the point where one batch holds too much in memory.
const (
	followBatch  = 500
	rebuildBatch = 1000
	// deskPage is the store's largest page of DeskStories.
	deskPage = 200
)

// FollowerOptions are what a Follower needs.
type FollowerOptions struct {
	Store store.Store
	Index *Index
	Log   *slog.Logger
	Now   func() time.Time // time.Now when nil; decides what is under embargo
}

// Follower keeps one node's index up to date from the shared change log.
// Its position is the index's own (Index.Position), not a row of the
// followers table: every node has its own index, which may be younger or
// older than another node's, or rebuilt on its own.
type Follower struct {
	st  store.Store
	ix  *Index
	log *slog.Logger
	now func() time.Time

	// mu keeps a pass and a rebuild from interleaving their batches.
	mu sync.Mutex
}

// NewFollower returns a follower of st's change log into ix.
func NewFollower(o FollowerOptions) (*Follower, error) {
	if o.Store == nil || o.Index == nil {
		return nil, errors.New("search: a follower needs a store and an index")
	}
	f := &Follower{st: o.Store, ix: o.Index, log: o.Log, now: o.Now}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	if f.now == nil {
		f.now = time.Now
	}
	return f, nil
}

// Run brings the index up to date at once, then every interval until ctx
// ends. Errors are logged and the pass is tried again next time: the
// position only moves once a batch is in the index.
func (f *Follower) Run(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Taken before the pass: an append during it still wakes us, at
		// once, on whichever node it was made.
		changed := f.st.Changed()
		n, err := f.FollowOnce(ctx)
		if err != nil && ctx.Err() == nil {
			f.log.ErrorContext(ctx, "search: follow change log", "err", err)
		}
		if n > 0 {
			f.log.DebugContext(ctx, "search: index updated", "stories", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-t.C:
		}
	}
}

// FollowOnce reads the change log from the index's position to its end and
// rebuilds the documents of every story it names, as the story stands now.
// Each batch of up to followBatch changes is one Index.Apply that writes
// the documents, removes those of stories that no longer exist, and moves
// the position to the batch's last change, so that the index and its
// position never disagree: after a crash the batch is simply done again.
// A story changed several times in a batch is rebuilt once. It returns how
// many stories were rebuilt.
//
// An index at position 0 has never followed the log (it is new, was
// emptied by a mapping change, or reset): it is rebuilt from every story
// instead, which is quicker than replaying the whole log and also finds
// stories whose only changes predate the log's edit entries.
func (f *Follower) FollowOnce(ctx context.Context) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pos, err := f.ix.Position()
	if err != nil {
		return 0, fmt.Errorf("search: follow: %w", err)
	}
	if pos > 0 {
		return f.follow(ctx, pos)
	}
	last, err := f.st.LastSeq(ctx)
	if err != nil || last == 0 {
		// An empty log: nothing to catch up with yet (and no position to
		// record, so rebuilding now would only repeat on every pass).
		return 0, err
	}
	n, _, err := f.rebuild(ctx, last, nil)
	return n, err
}

// follow applies the changes after pos, batch by batch.
func (f *Follower) follow(ctx context.Context, pos int64) (int, error) {
	rebuilt := 0
	for {
		chs, err := f.st.Changes(ctx, pos, followBatch)
		if err != nil {
			return rebuilt, fmt.Errorf("search: follow: %w", err)
		}
		if len(chs) == 0 {
			return rebuilt, nil
		}
		ids := changedStories(chs)
		docs, gone, err := Docs(ctx, f.st, ids, f.now())
		if err != nil {
			return rebuilt, fmt.Errorf("search: follow after %d: %w", pos, err)
		}
		last := chs[len(chs)-1].Seq
		if err := f.ix.Apply(ctx, docs, gone, last); err != nil {
			return rebuilt, fmt.Errorf("search: follow after %d: %w", pos, err)
		}
		rebuilt += len(ids)
		pos = last
		if len(chs) < followBatch {
			return rebuilt, nil
		}
	}
}

// changedStories lists, without repeats, the stories whose documents a
// batch of changes may have changed, in the order they first appear.
func changedStories(chs []story.Change) []int64 {
	var ids []int64
	seen := make(map[int64]bool, len(chs))
	for _, ch := range chs {
		// A translation link changes which version a story was translated
		// from, which the index does not keep.
		if ch.StoryID <= 0 || ch.Kind == story.ChangeTranslation || seen[ch.StoryID] {
			continue
		}
		seen[ch.StoryID] = true
		ids = append(ids, ch.StoryID)
	}
	return ids
}

// Reindex empties the index and rebuilds it from every story in the
// store, then sets its position to the end of the change log as it was
// before the rebuild began, so that whatever changed during the rebuild
// is applied again by the next pass. progress, when not nil, is called
// after each batch with the stories done and the total. It returns how
// many stories were indexed.
func (f *Follower) Reindex(ctx context.Context, progress func(done, total int)) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	last, err := f.st.LastSeq(ctx)
	if err != nil {
		return 0, fmt.Errorf("search: reindex: %w", err)
	}
	if err := f.ix.Reset(); err != nil {
		return 0, fmt.Errorf("search: reindex: %w", err)
	}
	n, _, err := f.rebuild(ctx, last, progress)
	return n, err
}

// rebuild indexes every story and then records last, the change log
// position read before it started. Stories are read a page at a time, most
// recently updated first. Paging by offset is safe here although stories
// change meanwhile: a story that moves up the list (updated) or pushes the
// others down (created) has a change after that position, and the next
// pass of the follower rebuilds it; at worst a story is indexed twice.
//
// Reading and indexing overlap: one goroutine reads the next batch of
// stories from the store while the last is written to the index, so that
// a rebuild keeps two cores busy.
func (f *Follower) rebuild(ctx context.Context, last int64, progress func(done, total int)) (stories int, docs int, err error) {
	total, err := f.st.CountDeskStories(ctx, store.DeskQuery{})
	if err != nil {
		return 0, 0, fmt.Errorf("search: rebuild: %w", err)
	}
	if progress != nil {
		progress(0, total)
	}
	type batch struct {
		docs    []Doc
		skipped []int64
		stories int
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	var readErr error
	go func() {
		defer close(batches)
		now := f.now()
		var b batch
		for offset := 0; ; offset += deskPage {
			list, err := f.st.DeskStories(rctx, store.DeskQuery{Limit: deskPage, Offset: offset})
			if err != nil {
				readErr = err
				return
			}
			built, skip, err := docsFor(rctx, f.st, list, now)
			if err != nil {
				readErr = err
				return
			}
			b.docs = append(b.docs, built...)
			b.skipped = append(b.skipped, skip...)
			b.stories += len(list)
			end := len(list) < deskPage
			if b.stories >= rebuildBatch || end {
				select {
				case batches <- b:
				case <-rctx.Done():
					readErr = rctx.Err()
					return
				}
				b = batch{}
			}
			if end {
				return
			}
		}
	}()
	for b := range batches {
		if err == nil && (len(b.docs) > 0 || len(b.skipped) > 0) {
			if err = f.ix.Apply(ctx, b.docs, b.skipped, 0); err != nil {
				cancel() // the reader stops, and the loop drains what it sent
				continue
			}
		}
		docs += len(b.docs)
		stories += b.stories
		if progress != nil && err == nil {
			progress(stories, max(total, stories))
		}
	}
	// The channel is closed: readErr is settled.
	if err == nil {
		err = readErr
	}
	if err != nil {
		return stories, docs, fmt.Errorf("search: rebuild: %w", err)
	}
	// Only now does the index claim the position: a rebuild cut short
	// leaves it at 0, and the next pass starts over.
	if last > 0 {
		if err := f.ix.Apply(ctx, nil, nil, last); err != nil {
			return stories, docs, fmt.Errorf("search: rebuild: %w", err)
		}
	}
	f.log.InfoContext(ctx, "search: index rebuilt", "stories", stories, "documents", docs, "position", last)
	return stories, docs, nil
}
