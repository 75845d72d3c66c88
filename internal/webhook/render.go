package webhook

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"time"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// render makes the ninjs item a delivery carries: the version it announces
// (not the story's latest: a retry of version 1 after a correction still
// says what version 1 said, and version 2 has its own delivery), with the
// family's public members as they stand now for the translation links.
// A kill is the killed version, which the encoder marks canceled.
func (s *Service) render(ctx context.Context, d store.Delivery) ([]byte, error) {
	st, err := s.st.Story(ctx, d.StoryID)
	if err != nil {
		return nil, err
	}
	v, err := s.st.StoryVersion(ctx, d.StoryID, d.Version)
	if err != nil {
		return nil, err
	}
	// The item is the version, as it was: a retry of version 1 that
	// lands after a kill still says version 1 was usable, and the receiver
	// orders what it gets by version (the kill is the highest).
	if !v.Killed {
		st.Status = story.StatusPublished
	}
	now := s.clock()
	fam, err := s.st.PublicFamily(ctx, st.FamilyID, now)
	if err != nil {
		return nil, err
	}
	agency, err := s.st.Agency(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	in := ninjs.Input{Story: st, Version: v, Family: fam, Agency: agency, BaseURL: s.baseURL}
	if !v.Killed {
		if in.Embargo, err = s.st.VersionEmbargo(ctx, d.StoryID, d.Version); err != nil {
			return nil, err
		}
		// The kill notice needs no rendering: the encoder writes it.
		if in.Body, err = s.renderBody(ctx, st.Lang, v.Body, now); err != nil {
			return nil, err
		}
	}
	b, err := ninjs.Encode(in)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return b, nil
}

// renderBody renders a body in its story's language, as the site does.
func (s *Service) renderBody(ctx context.Context, code, src string, now time.Time) (template.HTML, error) {
	return s.bodies.Body(ctx, code, src, now)
}
