package translate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Start sends the published story sourceID to other languages: for each
// code in langs it creates a draft in the source's family through the
// newsroom (so the creation is permitted and audited as any story's), with
// the source's headline (so that it validates until the translator
// replaces it), section and dateline, and records that it is made from the
// source's current version. With an assignee, each draft is assigned to
// them with the due time (zero for none). Everything is checked before the
// first draft is made: the languages (ours, not the source's, not already
// in the family) and the assignee (an editor, or a translator whose pairs
// cover the source's language into each target). It returns the drafts.
func (s *Service) Start(ctx context.Context, a newsroom.Actor, sourceID int64, langs []string, assignee int64, due time.Time) ([]story.Story, error) {
	if !auth.Can(a.User, auth.ActionTranslateStart) {
		return nil, forbidden("start translations")
	}
	src, err := s.st.Story(ctx, sourceID)
	if err != nil {
		return nil, fmt.Errorf("translate: start translations of story %d: %w", sourceID, err)
	}
	if src.Status != story.StatusPublished {
		return nil, fmt.Errorf("translate: start translations of story %d: %w: only a published story can be translated, this one is %s",
			sourceID, story.ErrInvalid, src.Status)
	}
	v, err := s.publishedVersion(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("translate: start translations of story %d: %w", sourceID, err)
	}
	members, err := s.st.Family(ctx, src.FamilyID)
	if err != nil {
		return nil, fmt.Errorf("translate: start translations of story %d: %w", sourceID, err)
	}
	codes, err := targetLangs(src.Lang, langs, members)
	if err != nil {
		return nil, fmt.Errorf("translate: start translations of story %d: %w", sourceID, err)
	}
	var user auth.User
	if assignee != 0 {
		if user, err = s.assignee(ctx, assignee, src.Lang, codes); err != nil {
			return nil, fmt.Errorf("translate: start translations of story %d: %w", sourceID, err)
		}
	}

	var out []story.Story
	for _, code := range codes {
		d := story.Story{
			FamilyID: src.FamilyID,
			Lang:     code,
			Headline: v.Headline,
			Section:  v.Section,
			Dateline: v.Dateline,
		}
		if err := s.nr.Create(ctx, a, &d); err != nil {
			return out, fmt.Errorf("translate: start %s translation of story %d: %w", code, sourceID, err)
		}
		e := entry(a, AuditStart, s.clock())
		e.Detail = fmt.Sprintf("from story %d version %d", src.ID, v.Version)
		linked, err := s.st.SetTranslationSource(ctx, d.ID, src.ID, v.Version, e)
		if err != nil {
			return out, fmt.Errorf("translate: start %s translation of story %d: %w", code, sourceID, err)
		}
		if assignee != 0 {
			if err := s.assign(ctx, a, linked, user, due); err != nil {
				return out, fmt.Errorf("translate: start %s translation of story %d: %w", code, sourceID, err)
			}
		}
		out = append(out, linked)
	}
	return out, nil
}

// targetLangs checks the languages asked for and returns them in the
// order given, without repeats.
func targetLangs(source string, langs []string, members []story.Story) ([]string, error) {
	var out, probs []string
	for _, code := range langs {
		code = strings.TrimSpace(code)
		switch _, ok := lang.Get(code); {
		case !ok:
			probs = append(probs, fmt.Sprintf("%q is not one of %s", code, strings.Join(lang.Codes(), ", ")))
		case code == source:
			probs = append(probs, fmt.Sprintf("%s is the source's own language", code))
		case slices.ContainsFunc(members, func(m story.Story) bool { return m.Lang == code }):
			probs = append(probs, fmt.Sprintf("the family already has a %s story", code))
		case !slices.Contains(out, code):
			out = append(out, code)
		}
	}
	if len(probs) > 0 {
		return nil, fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no language to translate into", story.ErrInvalid)
	}
	return out, nil
}

// assignee loads a user and checks that they may be given translations
// from source into every one of targets: an enabled editor or admin, or a
// translator with each pair.
func (s *Service) assignee(ctx context.Context, id int64, source string, targets []string) (auth.User, error) {
	u, err := s.st.User(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return auth.User{}, fmt.Errorf("%w: assignee %d does not exist", auth.ErrInvalid, id)
	}
	if err != nil {
		return auth.User{}, err
	}
	if u.Disabled {
		return auth.User{}, fmt.Errorf("%w: assignee %s is disabled", auth.ErrInvalid, u.Email)
	}
	if u.Has(auth.RoleEditor) || u.Has(auth.RoleAdmin) {
		return u, nil
	}
	var missing []string
	for _, to := range targets {
		if !u.CoversPair(source, to) {
			missing = append(missing, source+">"+to)
		}
	}
	if len(missing) > 0 {
		return auth.User{}, fmt.Errorf("%w: %s does not translate %s", auth.ErrInvalid, u.Email, strings.Join(missing, ", "))
	}
	return u, nil
}

// Assign gives the translation storyID to a translator (or an editor),
// with a due time (zero for none), replacing any assignment it had. The
// assignee must cover the pair from the translation's source and be able
// to edit the story as it stands.
func (s *Service) Assign(ctx context.Context, a newsroom.Actor, storyID, assignee int64, due time.Time) error {
	if !auth.Can(a.User, auth.ActionTranslateStart) {
		return forbidden("assign translation")
	}
	st, err := s.st.Story(ctx, storyID)
	if err != nil {
		return fmt.Errorf("translate: assign story %d: %w", storyID, err)
	}
	if st.TranslatedFromID == 0 {
		return fmt.Errorf("translate: assign story %d: %w: it is not a translation", storyID, story.ErrInvalid)
	}
	src, err := s.st.Story(ctx, st.TranslatedFromID)
	if err != nil {
		return fmt.Errorf("translate: assign story %d: source: %w", storyID, err)
	}
	u, err := s.assignee(ctx, assignee, src.Lang, []string{st.Lang})
	if err != nil {
		return fmt.Errorf("translate: assign story %d: %w", storyID, err)
	}
	if err := s.assign(ctx, a, st, u, due); err != nil {
		return fmt.Errorf("translate: assign story %d: %w", storyID, err)
	}
	return nil
}

func (s *Service) assign(ctx context.Context, a newsroom.Actor, st story.Story, u auth.User, due time.Time) error {
	// A translator cannot edit a published translation, so giving them one
	// would put work in their queue that they cannot do.
	if !auth.CanOnStory(u, auth.ActionStoryEdit, facts(st)) {
		return fmt.Errorf("%w: %s cannot edit a %s %s story", auth.ErrInvalid, u.Email, st.Status, st.Lang)
	}
	now := s.clock()
	e := entry(a, AuditAssign, now)
	e.StoryID, e.UserID = st.ID, u.ID
	if !due.IsZero() {
		due = due.UTC()
		e.Detail = "due " + due.Format(time.RFC3339)
	}
	return s.st.Assign(ctx, store.Assignment{StoryID: st.ID, AssigneeID: u.ID, DueAt: due, AssignedBy: a.User.ID, AssignedAt: now}, e)
}
