package newsroom

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// Create starts a draft from st's editable fields in st.Lang, in family
// st.FamilyID or, when that is zero, in a new family. On success st holds
// the story as stored.
func (s *Service) Create(ctx context.Context, a Actor, st *story.Story) error {
	if st == nil {
		return errors.New("newsroom: create story: nil story")
	}
	if !auth.CanCreateIn(a.User, st.Lang) {
		return forbidden("create story")
	}
	now := s.clock()
	draft := story.Story{
		FamilyID:              st.FamilyID,
		Lang:                  st.Lang,
		TranslatedFromID:      st.TranslatedFromID,
		TranslatedFromVersion: st.TranslatedFromVersion,
		Status:                story.StatusDraft,
		AuthorID:              a.User.ID,
	}
	copyEditable(&draft, st)
	draft.Slug = lang.Slug(draft.Lang, draft.Headline)
	// Everything is checked before the family is made, so that a refused
	// story leaves nothing behind.
	if err := s.validate(ctx, &draft, true); err != nil {
		return fmt.Errorf("newsroom: create story: %w", err)
	}
	if draft.FamilyID == 0 {
		id, err := s.st.CreateFamily(ctx, "")
		if err != nil {
			return fmt.Errorf("newsroom: create story: %w", err)
		}
		draft.FamilyID = id
	}
	if err := s.st.CreateStory(ctx, &draft); err != nil {
		return fmt.Errorf("newsroom: create story: %w", err)
	}
	*st = draft
	e := s.entry(a, audit.StoryCreate, now)
	e.StoryID, e.Detail = draft.ID, draft.Lang
	// The store has no CreateStory that takes an audit entry, so this one
	// is written after the story. Failing the call now would only invite
	// the desk to create the story twice; the lost entry is logged.
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "newsroom: audit story create", "story_id", draft.ID, "err", err)
	}
	return nil
}

// Save changes the editable fields of the stored story st.ID to st's. The
// slug follows the headline only until the first publication, so that a
// published address never changes. Saving a published story changes its
// working copy only; readers see the change once it is published as a
// correction. On success st holds the story as stored.
func (s *Service) Save(ctx context.Context, a Actor, st *story.Story) error {
	if st == nil {
		return errors.New("newsroom: save story: nil story")
	}
	cur, err := s.st.Story(ctx, st.ID)
	if err != nil {
		return fmt.Errorf("newsroom: save story %d: %w", st.ID, err)
	}
	if err := allow(a.User, auth.ActionStoryEdit, cur); err != nil {
		return fmt.Errorf("newsroom: save story %d: %w", st.ID, err)
	}
	next := cur
	copyEditable(&next, st)
	if cur.Version == 0 && cur.PublishedAt.IsZero() {
		next.Slug = lang.Slug(next.Lang, next.Headline)
	}
	// A section that was valid when the story was filed stays acceptable,
	// so that renaming the desks never traps old stories.
	if err := s.validate(ctx, &next, next.Section != cur.Section); err != nil {
		return fmt.Errorf("newsroom: save story %d: %w", st.ID, err)
	}
	e := s.entry(a, audit.StorySave, s.clock())
	e.StoryID = cur.ID
	if err := s.st.SaveStory(ctx, &next, e); err != nil {
		return fmt.Errorf("newsroom: save story %d: %w", st.ID, err)
	}
	*st = next
	return nil
}

// copyEditable copies the fields a writer may change from src to dst,
// normalised: NFC (so the same word typed on two keyboards is the same
// bytes), trimmed, and tags without empties or repeats.
func copyEditable(dst, src *story.Story) {
	dst.Headline = clean(src.Headline)
	dst.Summary = clean(src.Summary)
	dst.Byline = clean(src.Byline)
	dst.Dateline = story.Dateline{Place: clean(src.Dateline.Place), Date: src.Dateline.Date}
	dst.Section = strings.TrimSpace(src.Section)
	dst.Tags = cleanTags(src.Tags)
	dst.Body = clean(src.Body)
}

func clean(v string) string { return strings.TrimSpace(lang.NormalizeText(v)) }

// cleanTags trims tags, drops empty ones and keeps the first spelling of
// tags that differ only in case, since readers take "Gwadar" and "gwadar"
// for one tag.
func cleanTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = clean(t)
		k := strings.ToLower(t)
		if t == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out
}

// validate checks a story about to be stored and names every problem
// found. checkSection asks the store whether the section exists.
func (s *Service) validate(ctx context.Context, st *story.Story, checkSection bool) error {
	var probs []string
	if _, ok := lang.Get(st.Lang); !ok {
		probs = append(probs, fmt.Sprintf("language %q is not one of %s", st.Lang, strings.Join(lang.Codes(), ", ")))
	}
	type field struct {
		name, v   string
		multiline bool
	}
	fields := []field{
		{"headline", st.Headline, false}, {"summary", st.Summary, true}, {"byline", st.Byline, false},
		{"dateline place", st.Dateline.Place, false}, {"section", st.Section, false}, {"body", st.Body, true},
	}
	for i, t := range st.Tags {
		fields = append(fields, field{fmt.Sprintf("tag %d", i+1), t, false})
	}
	for _, f := range fields {
		if hasControl(f.v, f.multiline) {
			probs = append(probs, f.name+" contains a control character")
		}
	}
	if checkSection && st.Section != "" {
		secs, err := s.st.Sections(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(secs, func(sec story.Section) bool { return sec.Key == st.Section }) {
			probs = append(probs, fmt.Sprintf("section %q does not exist", st.Section))
		}
	}
	err := st.Validate()
	switch {
	case len(probs) == 0:
		return err
	case err == nil:
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	default:
		return fmt.Errorf("%w; %s", err, strings.Join(probs, "; "))
	}
}

// hasControl reports C0 and C1 control characters, which have no place in
// news copy and can hide text from an editor's eye. Tabs are allowed
// everywhere, line breaks only in the summary and the body.
func hasControl(v string, multiline bool) bool {
	for _, r := range v {
		switch {
		case r == '\t':
		case r == '\n' || r == '\r':
			if !multiline {
				return true
			}
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return true
		}
	}
	return false
}
