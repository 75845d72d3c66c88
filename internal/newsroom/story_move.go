package newsroom

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// MaxNote bounds a correction note and a kill notice: readers see them
// under the story, like a summary.
const MaxNote = 1000

// Story returns a story for the desk.
func (s *Service) Story(ctx context.Context, a Actor, id int64) (story.Story, error) {
	st, err := s.load(ctx, a, auth.ActionStoryView, id)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: story %d: %w", id, err)
	}
	return st, nil
}

// Submit hands a draft to the editors.
func (s *Service) Submit(ctx context.Context, a Actor, id int64) (story.Story, error) {
	st, err := s.setStatus(ctx, a, id, auth.ActionStorySubmit, story.StatusSubmitted, audit.StorySubmit)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: submit story %d: %w", id, err)
	}
	return st, nil
}

// Return sends a submitted story back to its writer as a draft.
func (s *Service) Return(ctx context.Context, a Actor, id int64) (story.Story, error) {
	st, err := s.setStatus(ctx, a, id, auth.ActionStoryReturn, story.StatusDraft, audit.StoryReturn)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: return story %d: %w", id, err)
	}
	return st, nil
}

func (s *Service) setStatus(ctx context.Context, a Actor, id int64, action auth.Action, to story.Status, what audit.Action) (story.Story, error) {
	if _, err := s.load(ctx, a, action, id); err != nil {
		return story.Story{}, err
	}
	e := s.entry(a, what, s.clock())
	e.StoryID = id
	return s.st.SetStatus(ctx, id, to, e)
}

// Publish publishes a draft or submitted story now, as version 1. A
// non-zero embargoUntil, which must be in the future, keeps it off the
// public site, feeds and search until then; the scheduler lifts it.
func (s *Service) Publish(ctx context.Context, a Actor, id int64, embargoUntil time.Time) (story.Story, error) {
	cur, err := s.load(ctx, a, auth.ActionStoryPublish, id)
	if err == nil {
		err = s.checkAltText(ctx, cur) // images.go
	}
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: publish story %d: %w", id, err)
	}
	now := s.clock()
	e := s.entry(a, audit.StoryPublish, now)
	e.StoryID = id
	if !embargoUntil.IsZero() {
		embargoUntil = embargoUntil.UTC()
		if !embargoUntil.After(now) {
			return story.Story{}, fmt.Errorf("newsroom: publish story %d: %w: the embargo must end in the future", id, story.ErrInvalid)
		}
		e.Detail = "embargo until " + embargoUntil.Format(time.RFC3339)
	}
	st, err := s.st.PublishStory(ctx, id, store.Publish{At: now, EmbargoUntil: embargoUntil, Audit: e})
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: publish story %d: %w", id, err)
	}
	return st, nil
}

// Schedule sets when the scheduler publishes a draft or submitted story;
// a zero at clears the schedule.
func (s *Service) Schedule(ctx context.Context, a Actor, id int64, at time.Time) (story.Story, error) {
	cur, err := s.load(ctx, a, auth.ActionStorySchedule, id)
	if err == nil && !at.IsZero() {
		err = s.checkAltText(ctx, cur) // images.go
	}
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: schedule story %d: %w", id, err)
	}
	now := s.clock()
	e := s.entry(a, audit.StorySchedule, now)
	e.StoryID, e.Detail = id, "cleared"
	if !at.IsZero() {
		at = at.UTC()
		if !at.After(now) {
			return story.Story{}, fmt.Errorf("newsroom: schedule story %d: %w: the publication time must be in the future", id, story.ErrInvalid)
		}
		e.Detail = at.Format(time.RFC3339)
	}
	st, err := s.st.ScheduleStory(ctx, id, at, e)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: schedule story %d: %w", id, err)
	}
	return st, nil
}

// Correct publishes the working copy of a published story as its next
// version, with a note that tells readers what changed.
func (s *Service) Correct(ctx context.Context, a Actor, id int64, note string) (story.Story, error) {
	cur, err := s.load(ctx, a, auth.ActionStoryCorrect, id)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: correct story %d: %w", id, err)
	}
	if err := s.checkAltText(ctx, cur); err != nil { // images.go
		return story.Story{}, fmt.Errorf("newsroom: correct story %d: %w", id, err)
	}
	note, err = checkNote("correction note", note)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: correct story %d: %w", id, err)
	}
	now := s.clock()
	e := s.entry(a, audit.StoryCorrect, now)
	e.StoryID, e.Detail = id, note
	// The store sets the embargo from what it is given, so a correction
	// made while the story is still under embargo passes it on rather than
	// lifting it early.
	var embargo time.Time
	if cur.EmbargoUntil.After(now) {
		embargo = cur.EmbargoUntil
	}
	st, err := s.st.PublishStory(ctx, id, store.Publish{At: now, CorrectionNote: note, EmbargoUntil: embargo, Audit: e})
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: correct story %d: %w", id, err)
	}
	return st, nil
}

// Kill withdraws a published story for good; notice tells readers why.
func (s *Service) Kill(ctx context.Context, a Actor, id int64, notice string) (story.Story, error) {
	if _, err := s.load(ctx, a, auth.ActionStoryKill, id); err != nil {
		return story.Story{}, fmt.Errorf("newsroom: kill story %d: %w", id, err)
	}
	notice, err := checkNote("kill notice", notice)
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: kill story %d: %w", id, err)
	}
	now := s.clock()
	e := s.entry(a, audit.StoryKill, now)
	e.StoryID, e.Detail = id, notice
	st, err := s.st.KillStory(ctx, id, store.Kill{Notice: notice, At: now, Audit: e})
	if err != nil {
		return story.Story{}, fmt.Errorf("newsroom: kill story %d: %w", id, err)
	}
	return st, nil
}

// load reads a story and checks that a may take action on it. The store
// checks the move again inside its transaction, so a story that changes
// status between the two still cannot make a move the workflow forbids.
func (s *Service) load(ctx context.Context, a Actor, action auth.Action, id int64) (story.Story, error) {
	st, err := s.st.Story(ctx, id)
	if err != nil {
		return story.Story{}, err
	}
	if err := allow(a.User, action, st); err != nil {
		return story.Story{}, err
	}
	return st, nil
}

// checkNote normalises a correction note or kill notice and checks that it
// is there, is plain text and is not too long.
func checkNote(name, v string) (string, error) {
	v = clean(v)
	switch {
	case !utf8.ValidString(v):
		return "", fmt.Errorf("%w: %s is not valid UTF-8", story.ErrInvalid, name)
	case v == "":
		return "", fmt.Errorf("%w: %s is required", story.ErrInvalid, name)
	case utf8.RuneCountInString(v) > MaxNote:
		return "", fmt.Errorf("%w: %s is longer than %d characters", story.ErrInvalid, name, MaxNote)
	case hasControl(v, true):
		return "", fmt.Errorf("%w: %s contains a control character", story.ErrInvalid, name)
	}
	return v, nil
}
