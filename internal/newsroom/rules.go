package newsroom

import (
	"fmt"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// statuses lists every status, for asking the permission table "what if".
func statuses() []story.Status {
	return []story.Status{story.StatusDraft, story.StatusSubmitted, story.StatusPublished, story.StatusKilled}
}

// past names what an action does to a story, for error messages.
func past(a auth.Action) string {
	switch a {
	case auth.ActionStoryView:
		return "viewed"
	case auth.ActionStoryEdit:
		return "edited"
	case auth.ActionStorySubmit:
		return "submitted"
	case auth.ActionStoryReturn:
		return "returned to draft"
	case auth.ActionStoryPublish:
		return "published"
	case auth.ActionStorySchedule:
		return "scheduled"
	case auth.ActionStoryCorrect:
		return "corrected"
	case auth.ActionStoryKill:
		return "killed"
	}
	return string(a)
}

// movable reports whether the workflow lets anyone take action a on a
// story that stands at status from.
func movable(a auth.Action, from story.Status) bool {
	switch a {
	case auth.ActionStoryEdit:
		return from != story.StatusKilled
	case auth.ActionStorySubmit:
		return story.CanMove(from, story.StatusSubmitted)
	case auth.ActionStoryReturn:
		return from == story.StatusSubmitted
	case auth.ActionStoryPublish, auth.ActionStorySchedule:
		return from == story.StatusDraft || from == story.StatusSubmitted
	case auth.ActionStoryCorrect, auth.ActionStoryKill:
		return from == story.StatusPublished
	}
	return true
}

func facts(st story.Story) auth.StoryFacts {
	return auth.StoryFacts{AuthorID: st.AuthorID, Lang: st.Lang, Status: string(st.Status)}
}

// allow checks that u may take action a on st now. The permission table
// narrows by status as well as by role (an editor may not publish a killed
// story), which would make every bad move a 403. The desk needs to tell
// the two apart: a move the status does not allow is a 409 that says why,
// a move this user may never make is a 403. So when the status is what
// stands in the way, allow asks the table again as if the story stood
// where the action starts, and answers ErrBadMove only if the user would
// then be allowed; everyone else still gets ErrForbidden, so a reporter
// learns nothing about a story that is not theirs.
func allow(u auth.User, a auth.Action, st story.Story) error {
	f := facts(st)
	if movable(a, st.Status) {
		if auth.CanOnStory(u, a, f) {
			return nil
		}
		return ErrForbidden
	}
	for _, from := range statuses() {
		if !movable(a, from) {
			continue
		}
		f.Status = string(from)
		if auth.CanOnStory(u, a, f) {
			return fmt.Errorf("%w: a %s story cannot be %s", store.ErrBadMove, st.Status, past(a))
		}
	}
	return ErrForbidden
}
