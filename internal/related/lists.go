package related

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// A story page's list is worked out when the story is published or
// corrected, not when the page renders: the similarity search was most of
// a page's cost (3 ms of 4 at 100,000 stories), paid again for every
// render and for every page of a bake. The list is stored as the index
// ranked it (store.RelatedList), before the editors' pins and exclusions
// and the page's own Also Read links are applied: those are read when the
// page renders, so an editor's choice shows at once, and the page is what
// For would have shown from the same index.
const (
	// Stored is how many ids a stored list keeps, best first: the page's
	// Limit and more, for the places that pins, exclusions, linked
	// families and stories killed since take. A page that runs short of a
	// full stored list searches live.
	Stored = 12

	// FollowerName is the lists' position in the change log.
	FollowerName = "related"

	// listsLease keeps the follower on one node at a time: every node
	// could work the lists out, and one doing it is enough.
	listsLease = "related"

	// refreshBatch is how many changes one pass reads: the lists of a
	// batch are written in one transaction, and the lease is renewed
	// between batches.
	refreshBatch = 200

	// neighbourWindow is how recent a first publication must be for the
	// lists of the stories most like it to be worked out again, so that
	// the new story appears in them. An archive import, whose stories
	// carry their original dates, leaves the lists of the stories it is
	// like alone: a fill of 100,000 stories would otherwise cost six
	// times as much, for lists of old stories few read.
	neighbourWindow = 7 * 24 * time.Hour
)

// ForPage is For for a story's public page: st must be the published
// version readers see. It reads the list stored for that version, and
// searches live, as For does, when there is none yet (the follower has
// not reached the story), when it is of an older version, or when pins,
// exclusions, links and kills leave a full stored list short of the page.
func (s *Service) ForPage(ctx context.Context, st story.Story, now time.Time) ([]story.Story, error) {
	l, ok, err := s.st.RelatedList(ctx, st.ID)
	if err != nil {
		return nil, fmt.Errorf("related: story %d: %w", st.ID, err)
	}
	if !ok || l.Version != st.Version {
		return s.For(ctx, st, now)
	}
	out, seen, err := s.pins(ctx, st, now)
	if err != nil {
		return nil, err
	}
	if len(out) == Limit {
		return out, nil
	}
	linked, err := s.linkedFamilies(ctx, st.Body, seen)
	if err != nil {
		return nil, fmt.Errorf("related: story %d: %w", st.ID, err)
	}
	var ids []int64
	for _, id := range l.IDs {
		if !seen[id] {
			ids = append(ids, id)
		}
	}
	// As similar does: as many at a time as are still wanted, usually one
	// query for the page.
	for len(ids) > 0 && len(out) < Limit {
		batch := ids[:min(len(ids), Limit-len(out))]
		ids = ids[len(batch):]
		byID, err := s.st.PublicCardsByID(ctx, batch, now)
		if err != nil {
			return nil, fmt.Errorf("related: story %d: %w", st.ID, err)
		}
		for _, id := range batch {
			if o, ok := byID[id]; ok && o.Lang == st.Lang && !linked[o.FamilyID] {
				out = append(out, o)
			}
		}
	}
	if len(out) < Limit && len(l.IDs) == Stored && s.ix != nil {
		// The index may hold more than the stored list: ask it.
		return s.For(ctx, st, now)
	}
	return out, nil
}

// Candidates is what a stored list holds for st: the ids of the public
// stories in its language the index finds most like it, best first, at
// most Stored, with no regard to the editors' choices.
func (s *Service) Candidates(ctx context.Context, st story.Story) ([]int64, error) {
	if s.ix == nil {
		return nil, fmt.Errorf("related: candidates of story %d: no search index", st.ID)
	}
	hits, err := s.ix.Related(ctx, search.RelatedRequest{
		StoryID: st.ID, Lang: st.Lang, Tags: st.Tags, Text: queryText(st), Limit: Stored,
	})
	if err != nil {
		return nil, fmt.Errorf("related: candidates of story %d: %w", st.ID, err)
	}
	ids := make([]int64, 0, len(hits))
	for _, h := range hits {
		if h.Lang == st.Lang && h.StoryID != st.ID {
			ids = append(ids, h.StoryID)
		}
	}
	return ids, nil
}

// Refresh is one pass of the lists' follower: it reads the next changes
// the local search index already holds (a list worked out from an index
// that lags the log would miss the stories it has yet to take in), works
// out the list of every story published, corrected or out of embargo in
// them, and of the stories most like a newly published one, and stores
// the lists with the follower's new position. It returns how many
// changes it read; 0 means it is caught up with the index.
func (s *Service) Refresh(ctx context.Context) (int, error) {
	if s.ix == nil {
		return 0, nil
	}
	seq, err := s.st.FollowerSeq(ctx, FollowerName)
	if err != nil {
		return 0, fmt.Errorf("related: refresh: %w", err)
	}
	pos, err := s.ix.Position()
	if err != nil {
		return 0, fmt.Errorf("related: refresh: %w", err)
	}
	if pos <= seq {
		return 0, nil
	}
	chs, err := s.st.Changes(ctx, seq, refreshBatch)
	if err != nil {
		return 0, fmt.Errorf("related: refresh: %w", err)
	}
	if i := slices.IndexFunc(chs, func(ch story.Change) bool { return ch.Seq > pos }); i >= 0 {
		chs = chs[:i]
	}
	if len(chs) == 0 {
		return 0, nil
	}
	now := s.now()
	var targets, fresh []int64
	for _, ch := range chs {
		switch ch.Kind {
		case story.ChangePublish, story.ChangeCorrect, story.ChangeEmbargoLift:
			targets = append(targets, ch.StoryID)
			if ch.Kind == story.ChangePublish && ch.Version == 1 && ch.At.After(now.Add(-neighbourWindow)) {
				fresh = append(fresh, ch.StoryID)
			}
		}
	}
	lists, err := s.work(ctx, uniq(targets), now)
	if err != nil {
		return 0, err
	}
	// The stories most like a new one are the ones whose lists it may
	// now belong in.
	done := make(map[int64]bool, len(lists))
	for _, l := range lists {
		done[l.StoryID] = true
	}
	var again []int64
	for _, l := range lists {
		if !slices.Contains(fresh, l.StoryID) {
			continue
		}
		for _, id := range l.IDs[:min(len(l.IDs), Limit)] {
			if !done[id] {
				done[id] = true
				again = append(again, id)
			}
		}
	}
	more, err := s.work(ctx, again, now)
	if err != nil {
		return 0, err
	}
	changed, err := s.st.SaveRelatedLists(ctx, FollowerName, chs[len(chs)-1].Seq, append(lists, more...))
	if err != nil {
		return 0, fmt.Errorf("related: refresh: %w", err)
	}
	s.log.DebugContext(ctx, "related: lists worked out", "changes", len(chs), "lists", len(lists)+len(more), "changed", changed)
	return len(chs), nil
}

// work works out the lists of the stories ids names that readers may see
// at now, on s.workers goroutines.
func (s *Service) work(ctx context.Context, ids []int64, now time.Time) ([]store.RelatedList, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byID, err := s.st.PublicStoriesByID(ctx, ids, now)
	if err != nil {
		return nil, fmt.Errorf("related: refresh: %w", err)
	}
	sts := make([]story.Story, 0, len(byID))
	for _, id := range ids {
		if st, ok := byID[id]; ok {
			sts = append(sts, st)
		}
	}
	lists := make([]store.RelatedList, len(sts))
	errs := make([]error, len(sts))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(s.workers, len(sts))) {
		wg.Go(func() {
			for i := range next {
				ids, err := s.Candidates(ctx, sts[i])
				lists[i], errs[i] = store.RelatedList{StoryID: sts[i].ID, Version: sts[i].Version, IDs: ids}, err
			}
		})
	}
	for i := range sts {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return lists, nil
}

// CatchUp refreshes until the lists are caught up with the search index,
// calling progress, if not nil, after each pass with the changes read so
// far. It returns how many changes it read.
func (s *Service) CatchUp(ctx context.Context, progress func(read int)) (int, error) {
	total := 0
	for {
		n, err := s.Refresh(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
		if progress != nil {
			progress(total)
		}
	}
}

// Run keeps the lists up to date until ctx ends: it looks when the change
// log grows (on any node) and at least every interval, and only while
// this node holds the lists' lease (node names it).
func (s *Service) Run(ctx context.Context, every time.Duration, node string) {
	if s.ix == nil {
		return
	}
	if every <= 0 {
		every = time.Second
	}
	// A pass over a batch takes well under a second; the lease outlasts
	// several, and is renewed before each.
	hold := max(30*time.Second, 3*every)
	t := time.NewTicker(every)
	defer t.Stop()
	defer func() {
		if err := s.st.ReleaseLease(context.WithoutCancel(ctx), listsLease, node); err != nil {
			s.log.WarnContext(ctx, "related: release lease", "err", err)
		}
	}()
	for {
		changed := s.st.Changed()
		for ctx.Err() == nil && s.behind(ctx) {
			now := s.now()
			held, err := s.st.TryLease(ctx, listsLease, node, now, now.Add(hold))
			if err != nil || !held {
				if err != nil && ctx.Err() == nil {
					s.log.ErrorContext(ctx, "related: lease", "err", err)
				}
				break
			}
			n, err := s.Refresh(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "related: refresh", "err", err)
			}
			if err != nil || n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-t.C:
		}
	}
}

// behind reports whether the index holds changes the lists have yet to
// follow: asked before taking the lease, so that an idle node writes
// nothing.
func (s *Service) behind(ctx context.Context) bool {
	seq, err := s.st.FollowerSeq(ctx, FollowerName)
	if err != nil {
		return true // let Refresh say what is wrong
	}
	pos, err := s.ix.Position()
	return err != nil || pos > seq
}

// uniq keeps the first of each id, in order.
func uniq(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
