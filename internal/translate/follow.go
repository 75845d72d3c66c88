package translate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/segment"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// FollowerName is the memory's position in the change log.
const FollowerName = "translation-memory"

const (
	// followBatch is how many changes one read takes; the position is
	// saved after each.
	followBatch = 100
	// maxLearned bounds a segment the memory learns, in runes: a
	// "sentence" longer than this is a paragraph the segmenter could not
	// cut, which no later story will match.
	maxLearned = 2000
)

// Follow teaches the memory from the change log at once, then whenever the
// log grows (on any node) and at least every interval, until ctx ends. Errors are logged and retried on the next pass.
func (s *Service) Follow(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 5 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		// Taken before the pass, so an append during it still wakes us.
		changed := s.st.Changed()
		n, err := s.FollowOnce(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "translate: follow change log", "err", err)
		}
		if n > 0 {
			s.log.InfoContext(ctx, "translate: memory learned", "units", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-t.C:
		}
	}
}

// FollowOnce reads the change log from the memory's saved position to its
// end. For each publication or correction of a translation it adds the
// translation's segment pairs to the memory and completes its assignment.
// The position is saved after each batch, and adding is idempotent (the
// memory skips units it has), so after a crash or restart the next pass
// resumes where this one stopped, missing nothing and adding nothing
// twice. It returns how many units were new.
//
// A change that fails for good (its story is gone or unreadable) is
// logged and passed over; any other error stops the pass with the
// position saved just before that change, so it is tried again.
func (s *Service) FollowOnce(ctx context.Context) (int, error) {
	seq, err := s.st.FollowerSeq(ctx, FollowerName)
	if err != nil {
		return 0, fmt.Errorf("translate: follow: %w", err)
	}
	added := 0
	for {
		chs, err := s.st.Changes(ctx, seq, followBatch)
		if err != nil {
			return added, fmt.Errorf("translate: follow: %w", err)
		}
		if len(chs) == 0 {
			return added, nil
		}
		done := seq
		for _, ch := range chs {
			n, err := s.learn(ctx, ch)
			if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, story.ErrInvalid) {
				if done > seq {
					if err2 := s.st.SetFollowerSeq(ctx, FollowerName, done); err2 != nil {
						err = errors.Join(err, err2)
					}
				}
				return added, fmt.Errorf("translate: follow: change %d: %w", ch.Seq, err)
			}
			if err != nil {
				s.log.WarnContext(ctx, "translate: follow: change passed over", "seq", ch.Seq, "story_id", ch.StoryID, "err", err)
			}
			added += n
			done = ch.Seq
		}
		if err := s.st.SetFollowerSeq(ctx, FollowerName, done); err != nil {
			return added, fmt.Errorf("translate: follow: %w", err)
		}
		seq = done
	}
}

// learn adds the segment pairs of a published translation to the memory.
func (s *Service) learn(ctx context.Context, ch story.Change) (int, error) {
	if ch.Kind != story.ChangePublish && ch.Kind != story.ChangeCorrect {
		return 0, nil
	}
	st, err := s.st.Story(ctx, ch.StoryID)
	if err != nil {
		return 0, err
	}
	// Only the story's current version is learned: the link to the source
	// version describes it, not the versions before it, whose own changes
	// the log holds and which a later version replaced anyway.
	if st.TranslatedFromID == 0 || st.TranslatedFromVersion < 1 || ch.Version != st.Version {
		return 0, nil
	}
	src, err := s.st.Story(ctx, st.TranslatedFromID)
	if err != nil {
		return 0, err
	}
	sv, err := s.st.StoryVersion(ctx, src.ID, st.TranslatedFromVersion)
	if err != nil {
		return 0, err
	}
	tv, err := s.st.StoryVersion(ctx, st.ID, ch.Version)
	if err != nil {
		return 0, err
	}
	sdoc := split(src.Lang, sv)
	targets, err := s.publishedTargets(ctx, st, sdoc, tv)
	if err != nil {
		return 0, err
	}
	created := ch.At.UTC().Truncate(time.Second) // TMX keeps whole seconds
	var units []memory.Unit
	for i, seg := range sdoc.Segments {
		if i >= len(targets) || seg.Kind == segment.KindAlso {
			continue
		}
		source, target := strings.TrimSpace(seg.Text), strings.TrimSpace(targets[i])
		// A target equal to its source was left untranslated (the desk
		// keeps the source's headline until the translator writes one).
		if source == "" || target == "" || source == target ||
			utf8.RuneCountInString(source) > maxLearned || utf8.RuneCountInString(target) > maxLearned {
			continue
		}
		units = append(units, memory.Unit{SrcLang: src.Lang, TgtLang: st.Lang, Source: source, Target: target,
			StoryID: st.ID, Created: created})
	}
	n := 0
	if len(units) > 0 {
		if n, err = s.st.AddUnits(ctx, units); err != nil {
			return 0, err
		}
	}
	if err := s.st.CompleteAssignment(ctx, st.ID, ch.At); err != nil && !errors.Is(err, store.ErrNotFound) {
		return n, err
	}
	return n, nil
}

// publishedTargets returns the target text of each segment of sdoc as
// published in version tv of translation st. The translator's saved
// segments are used when they belong to that source version and rebuild
// exactly the body that was published; otherwise (an editor changed the
// text after the translator, or it was written outside the desk) the
// published text is cut into segments and used when they line up with the
// source's one for one. A translation that fits neither teaches nothing,
// which is better than pairs that do not belong together.
func (s *Service) publishedTargets(ctx context.Context, st story.Story, sdoc segment.Doc, tv story.Version) ([]string, error) {
	texts, alignedTo, err := s.st.SegmentTargets(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	if len(texts) > 0 && alignedTo == st.TranslatedFromVersion {
		headline, _, body := sdoc.Assemble(st.Lang, texts)
		// An empty headline target leaves the draft's headline as it was.
		sameHead := strings.TrimSpace(lang.NormalizeText(headline)) == tv.Headline
		for i, seg := range sdoc.Segments {
			if seg.Kind == segment.KindHeadline && (i >= len(texts) || texts[i] == "") {
				sameHead = true
			}
		}
		if sameHead && strings.TrimSpace(lang.NormalizeText(body)) == tv.Body {
			return texts, nil
		}
	}
	own := segment.Split(st.Lang, tv.Headline, tv.Dateline.Place, tv.Body)
	if out := lineUp(sdoc, own); out != nil {
		return out, nil
	}
	s.log.InfoContext(ctx, "translate: follow: segments do not line up; nothing learned", "story_id", st.ID, "version", tv.Version)
	return nil, nil
}
