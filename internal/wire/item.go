package wire

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/voice"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// Input gathers what the encoders need for one version of one story: the
// story as it stood at that version, its family's public members, the
// agency, the rendered body and the embargo the version was published
// under. The pull API and the webhooks both render items through it, so
// that a subscriber gets the same item either way.
func (s *Service) Input(ctx context.Context, storyID int64, version int) (ninjs.Input, error) {
	in, err := s.input(ctx, storyID, version, nil)
	if err != nil {
		return ninjs.Input{}, fmt.Errorf("wire: item %d v%d: %w", storyID, version, err)
	}
	return in, nil
}

// input is Input with the agency, when the caller already has it.
func (s *Service) input(ctx context.Context, storyID int64, version int, agency *story.Agency) (ninjs.Input, error) {
	if s.cat == nil {
		return ninjs.Input{}, errors.New("no catalog to render bodies with")
	}
	st, err := s.st.Story(ctx, storyID)
	if err != nil {
		return ninjs.Input{}, err
	}
	v, err := s.st.StoryVersion(ctx, storyID, version)
	if err != nil {
		return ninjs.Input{}, err
	}
	embargo, err := s.st.VersionEmbargo(ctx, storyID, version)
	if err != nil {
		return ninjs.Input{}, err
	}
	if agency == nil {
		a, err := s.st.Agency(ctx)
		if err != nil {
			return ninjs.Input{}, err
		}
		agency = &a
	}
	now := s.clock()
	fam, err := s.st.PublicFamily(ctx, st.FamilyID, now)
	if err != nil {
		return ninjs.Input{}, err
	}
	asOf := atVersion(st, v)
	in := ninjs.Input{Story: asOf, Version: v, Family: fam, Agency: *agency, BaseURL: s.baseURL, Embargo: embargo}
	// The version's voice-over, once rendered (internal/voice).
	if a, err := s.st.Audio(ctx, storyID, version); err == nil && a.HasFile() {
		in.Audio = &ninjs.Audio{Href: strings.TrimRight(s.baseURL, "/") + voice.Path(a), MIME: a.MIME, Bytes: a.Bytes, Duration: a.Duration}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return ninjs.Input{}, err
	}
	if in.Images, err = s.pictures(ctx, st); err != nil { // the family's photos (picture.go)
		return ninjs.Input{}, err
	}
	if !v.Killed {
		// The kill's notice is plain text, which the encoder wraps itself.
		if in.Body, err = s.renderBody(ctx, asOf, now); err != nil {
			return ninjs.Input{}, err
		}
	}
	return in, nil
}

// atVersion is the story as it stood when v was published: an older
// version of a story killed since is still a usable item, with the
// headline and section it had then.
func atVersion(st story.Story, v story.Version) story.Story {
	st.Version = v.Version
	st.Headline, st.Summary, st.Byline = v.Headline, v.Summary, v.Byline
	st.Dateline, st.Section, st.Tags, st.Body = v.Dateline, v.Section, v.Tags, v.Body
	st.Status = story.StatusPublished
	if v.Killed {
		st.Status = story.StatusKilled
	}
	return st
}

// renderBody renders a story's body in its own language, as the site does.
func (s *Service) renderBody(ctx context.Context, st story.Story, now time.Time) (template.HTML, error) {
	return s.render.Body(ctx, st.Lang, st.Body, now)
}

// Latest returns the input for a story's latest version, if sub may
// receive it. A story never published, unknown, or outside sub's
// entitlements is store.ErrNotFound alike, so that nobody learns from the
// answer that a story exists.
func (s *Service) Latest(ctx context.Context, sub store.Subscriber, storyID int64) (ninjs.Input, error) {
	st, err := s.st.Story(ctx, storyID)
	if err != nil {
		return ninjs.Input{}, err
	}
	if st.Version < 1 {
		return ninjs.Input{}, fmt.Errorf("wire: story %d: never published: %w", storyID, store.ErrNotFound)
	}
	v, err := s.st.StoryVersion(ctx, storyID, st.Version)
	if err != nil {
		return ninjs.Input{}, err
	}
	if !sub.Entitled(st.Lang, v.Section) {
		return ninjs.Input{}, fmt.Errorf("wire: story %d: not entitled: %w", storyID, store.ErrNotFound)
	}
	return s.Input(ctx, storyID, st.Version)
}

// delivered reports whether a change announces a version: publish,
// correct and kill do; embargo lifts and translation links change no
// version a subscriber has not already received.
func delivered(k story.ChangeKind) bool {
	return k == story.ChangePublish || k == story.ChangeCorrect || k == story.ChangeKill
}
