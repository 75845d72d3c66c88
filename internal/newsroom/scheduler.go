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
		if err := s.checkAltText(ctx, st); err != nil { // images.go: an image added after scheduling
			s.log.ErrorContext(ctx, "newsroom: scheduled publish refused", "story_id", st.ID, "err", err)
			continue
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

// schedulerLease names the lease that keeps the scheduler's passes on one
// node at a time.
const schedulerLease = "scheduler"

// RunScheduler ticks at once, so that a story due while the server was down
// goes out on start, then every interval until ctx ends. With several nodes
// on one database only the node holding the scheduler lease ticks (node
// names this one); the lease lasts a few intervals and is renewed at each,
// so when its node dies another takes over within that time.
func (s *Service) RunScheduler(ctx context.Context, every time.Duration, node string) {
	if every <= 0 {
		every = time.Minute
	}
	hold := 3 * every
	t := time.NewTicker(every)
	defer t.Stop()
	defer func() {
		if err := s.st.ReleaseLease(context.WithoutCancel(ctx), schedulerLease, node); err != nil {
			s.log.WarnContext(ctx, "newsroom: scheduler: release lease", "err", err)
		}
	}()
	for {
		now := s.clock()
		held, err := s.st.TryLease(ctx, schedulerLease, node, now, now.Add(hold))
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.ErrorContext(ctx, "newsroom: scheduler: lease", "err", err)
		case held:
			s.tickAndLog(ctx)
		}
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
