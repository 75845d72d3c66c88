package newsroom

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/store"
)

// tickBatch bounds how many due stories one pass publishes. Stories beyond
// it wait for the next pass, which keeps a pass short and means a story
// that keeps failing is tried once per pass, never in a tight loop.
const tickBatch = 100

// Tick is one scheduler pass: it publishes every story whose scheduled time
// has come, then lifts the embargoes that have ended. The schedule and the
// embargoes live in the database, so a pass after a restart catches up on
// everything that fell due while the server was down. A story that fails
// to publish is logged and left for the next pass.
func (s *Service) Tick(ctx context.Context) (published, lifted int, err error) {
	now := s.clock()
	due, dueErr := s.st.DueStories(ctx, now, tickBatch)
	if dueErr != nil {
		dueErr = fmt.Errorf("newsroom: tick: due stories: %w", dueErr)
	}
	for _, st := range due {
		if ctx.Err() != nil {
			return published, lifted, fmt.Errorf("newsroom: tick: %w", ctx.Err())
		}
		e := systemEntry(audit.StoryPublish, now)
		e.StoryID, e.Detail = st.ID, "scheduled"
		if _, err := s.st.PublishStory(ctx, st.ID, store.Publish{At: now, Audit: e}); err != nil {
			s.log.ErrorContext(ctx, "newsroom: scheduled publish failed", "story_id", st.ID, "err", err)
			continue
		}
		published++
	}
	// Embargoes are lifted even when listing due stories failed: the two
	// jobs do not depend on each other.
	l, liftErr := s.st.LiftEmbargoes(ctx, now)
	if liftErr != nil {
		liftErr = fmt.Errorf("newsroom: tick: lift embargoes: %w", liftErr)
	}
	return published, len(l), errors.Join(dueErr, liftErr)
}

// RunScheduler ticks at once, so that a story due while the server was down
// goes out on start, then every interval until ctx ends.
func (s *Service) RunScheduler(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		s.tickAndLog(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) tickAndLog(ctx context.Context) {
	published, lifted, err := s.Tick(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.ErrorContext(ctx, "newsroom: scheduler", "err", err)
	}
	if published > 0 || lifted > 0 {
		s.log.InfoContext(ctx, "newsroom: scheduler", "published", published, "lifted", lifted)
	}
}
