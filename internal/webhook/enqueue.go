package webhook

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Enqueue follows the change log from the webhooks' position to its end,
// queueing a delivery of each publish, correction and kill for every
// active endpoint of every active subscriber entitled to the story's
// language and section. Each batch of entries is queued together with the
// position after it, in one transaction (see the package comment). It
// returns how many deliveries were new.
//
// An endpoint receives only what changed after it was added: a new
// endpoint, or a follower catching up on old history, must not flood a
// receiver with the archive.
func (s *Service) Enqueue(ctx context.Context) (int, error) {
	seq, err := s.st.FollowerSeq(ctx, FollowerName)
	if err != nil {
		return 0, fmt.Errorf("webhook: enqueue: %w", err)
	}
	added := 0
	for {
		chs, err := s.st.Changes(ctx, seq, enqueueBatch)
		if err != nil {
			return added, fmt.Errorf("webhook: enqueue: %w", err)
		}
		if len(chs) == 0 {
			return added, nil
		}
		now := s.clock()
		var ds []store.Delivery
		entitled := map[[2]string][]store.Endpoint{} // by language and section, for this batch
		for _, ch := range chs {
			if ch.Kind != story.ChangePublish && ch.Kind != story.ChangeCorrect && ch.Kind != story.ChangeKill {
				continue
			}
			v, err := s.st.StoryVersion(ctx, ch.StoryID, ch.Version)
			if errors.Is(err, store.ErrNotFound) {
				s.log.WarnContext(ctx, "webhook: enqueue: version gone; passed over", "seq", ch.Seq, "story_id", ch.StoryID, "version", ch.Version)
				continue
			}
			if err != nil {
				return added, fmt.Errorf("webhook: enqueue: change %d: %w", ch.Seq, err)
			}
			key := [2]string{ch.Lang, v.Section}
			eps, ok := entitled[key]
			if !ok {
				if eps, err = s.st.EntitledEndpoints(ctx, ch.Lang, v.Section); err != nil {
					return added, fmt.Errorf("webhook: enqueue: change %d: %w", ch.Seq, err)
				}
				entitled[key] = eps
			}
			for _, ep := range eps {
				if !ep.Active || ch.At.Before(ep.CreatedAt) {
					continue
				}
				ds = append(ds, store.Delivery{
					EndpointID: ep.ID, ChangeSeq: ch.Seq, StoryID: ch.StoryID, Version: ch.Version, Event: ch.Kind,
					DeliveryID: newDeliveryID(), CreatedAt: now, NextAttemptAt: now, GiveUpAt: now.Add(RetryFor),
				})
			}
		}
		last := chs[len(chs)-1].Seq
		n, err := s.st.EnqueueDeliveries(ctx, FollowerName, last, ds)
		if err != nil {
			return added, fmt.Errorf("webhook: enqueue: %w", err)
		}
		added += n
		seq = last
	}
}

// newDeliveryID makes a random (version 4) UUID: receivers know the shape,
// and 122 random bits never repeat.
func newDeliveryID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
