package search

import (
	"context"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// Written is a batch of stories a writer has just created (an import), as
// it stored them, and the change log's last sequence number read after the
// batch was committed: every change the batch appended is at or before Seq.
type Written struct {
	Stories []story.Story
	Seq     int64
}

// maxWrittenRange bounds the change log entries FollowWritten reads in
// one go; an index further behind catches up batch by batch instead.
const maxWrittenRange = 50_000

// FollowWritten brings the index up to w.Seq as FollowOnce would, but
// takes the documents of the stories in w from w rather than reading them
// back from the store: an import that indexes as it goes then costs the
// database nothing more. It returns how many stories were indexed.
//
// A story of w is taken as written only where that is sure to be what the
// store holds: it is published and public, and its only changes up to Seq
// are the two its creation appended (an edit, then the publish of version
// 1). Anything else (a draft, whose document carries the store's clock; a
// story someone changed meanwhile; a story of another writer) is read
// back, so the index ends as FollowOnce would have left it. An index that
// has never followed the log is rebuilt from the store first.
func (f *Follower) FollowWritten(ctx context.Context, w Written) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pos, err := f.ix.Position()
	if err != nil {
		return 0, fmt.Errorf("search: follow written: %w", err)
	}
	if pos == 0 {
		last, err := f.st.LastSeq(ctx)
		if err != nil || last == 0 {
			return 0, err
		}
		n, _, err := f.rebuild(ctx, last, nil)
		return n, err
	}
	if w.Seq <= pos {
		return 0, nil // indexed already, by another pass
	}
	var chs []story.Change
	for after := pos; after < w.Seq; {
		page, err := f.st.Changes(ctx, after, followBatch*2)
		if err != nil {
			return 0, fmt.Errorf("search: follow written: %w", err)
		}
		for _, ch := range page {
			if ch.Seq <= w.Seq {
				chs = append(chs, ch)
			}
		}
		if len(page) == 0 || page[len(page)-1].Seq >= w.Seq {
			break
		}
		after = page[len(page)-1].Seq
		if len(chs) > maxWrittenRange {
			// Far behind: the changes are not this batch's alone.
			return f.follow(ctx, pos)
		}
	}
	if len(chs) == 0 {
		return 0, nil
	}

	byID := make(map[int64]*story.Story, len(w.Stories))
	for i := range w.Stories {
		byID[w.Stories[i].ID] = &w.Stories[i]
	}
	now := f.now()
	own := make(map[int64][]story.Change, len(w.Stories))
	for _, ch := range chs {
		if _, ok := byID[ch.StoryID]; ok {
			own[ch.StoryID] = append(own[ch.StoryID], ch)
		}
	}
	ids := changedStories(chs)
	docs := make([]Doc, 0, len(ids))
	var reread []int64
	for _, id := range ids {
		s, ok := byID[id]
		if ok && takenAsWritten(s, own[id], now) {
			docs = append(docs, StoryDocs(*s, s)...)
			continue
		}
		reread = append(reread, id)
	}
	more, gone, err := Docs(ctx, f.st, reread, now)
	if err != nil {
		return 0, fmt.Errorf("search: follow written: %w", err)
	}
	docs = append(docs, more...)
	if err := f.ix.Apply(ctx, docs, gone, chs[len(chs)-1].Seq); err != nil {
		return 0, fmt.Errorf("search: follow written: %w", err)
	}
	return len(ids), nil
}

// takenAsWritten reports whether a written story's documents can be built
// from the story as its writer described it: a public story whose changes
// are exactly those its creation appended.
func takenAsWritten(s *story.Story, chs []story.Change, now time.Time) bool {
	if _, ok := lang.Get(s.Lang); !ok || s.ID <= 0 || !s.Public(now) || s.PublishedAt.IsZero() {
		return false
	}
	return len(chs) == 2 &&
		chs[0].Kind == story.ChangeEdit &&
		chs[1].Kind == story.ChangePublish && chs[1].Version == 1
}
