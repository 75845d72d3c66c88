package store

import (
	"context"
	"time"
)

// AudioStore keeps the voice-over of each story version and the durable
// queue of renderings still to be made.
//
// One row per (story, version) is both the queue entry and the record of
// the result, as with webhook deliveries (delivery.go): a follower of the
// change log queues a rendering for every publish and correction together
// with its own position, a worker leases a due row (state running,
// lease_until in the future) so that exactly one node renders it, and
// Attempts, which only grows, fences a worker whose lease ran out from
// recording over the one that took the row after it.
type AudioStore interface {
	// EnqueueAudio queues a rendering for each job not yet queued (one
	// per story version), supersedes the waiting renderings of the
	// story's older versions, and moves the named follower's position to
	// seq, all in one transaction. A job with Withdraw (a kill) queues
	// nothing and supersedes every waiting rendering of its story. It
	// returns how many renderings were new.
	EnqueueAudio(ctx context.Context, follower string, seq int64, jobs []AudioJob) (int, error)
	// ClaimAudio leases up to limit renderings due at now (queued and
	// NextAttemptAt <= now, or running with a lease that ran out) to
	// owner until now+lease, adding one to Attempts and Tries, the most
	// recently due first. Rows another worker holds are skipped, not
	// waited for.
	ClaimAudio(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Audio, error)
	// RecordAudio records the outcome of a leased rendering. It is
	// ErrConflict when the lease is no longer the caller's.
	RecordAudio(ctx context.Context, r AudioResult) error
	// Audio is the rendering of one story version.
	Audio(ctx context.Context, storyID int64, version int) (Audio, error)
	// StoryAudio lists a story's renderings, newest version first.
	StoryAudio(ctx context.Context, storyID int64) ([]Audio, error)
	// RequeueAudio queues a story version's rendering again at now (or
	// for the first time), keeping the file of an earlier success until a
	// new one replaces it and resetting Tries. A rendering under a live
	// lease is ErrConflict: it is being made now.
	RequeueAudio(ctx context.Context, storyID int64, version int, now time.Time) (Audio, error)
	// RequeueUnavailableAudio queues again, at now, every rendering that
	// found no speech engine; it returns how many.
	RequeueUnavailableAudio(ctx context.Context, now time.Time) (int, error)
}

// AudioState is where a rendering stands.
type AudioState string

const (
	AudioQueued      AudioState = "queued"      // waiting for NextAttemptAt
	AudioRunning     AudioState = "running"     // a worker holds it until LeaseUntil
	AudioDone        AudioState = "done"        // the file is in the blob store
	AudioFailed      AudioState = "failed"      // given up after retries
	AudioUnavailable AudioState = "unavailable" // no speech engine here; queued again when one is
	AudioSuperseded  AudioState = "superseded"  // a later version or a kill made it pointless
)

// Valid reports whether s is a known state.
func (s AudioState) Valid() bool {
	switch s {
	case AudioQueued, AudioRunning, AudioDone, AudioFailed, AudioUnavailable, AudioSuperseded:
		return true
	}
	return false
}

// Audio is the voice-over rendering of one story version.
type Audio struct {
	ID            int64
	StoryID       int64
	Version       int
	State         AudioState
	Attempts      int // claims ever; the lease's fencing token
	Tries         int // claims since it was last queued, for the retry policy
	NextAttemptAt time.Time
	LeaseOwner    string
	LeaseUntil    time.Time // zero unless running
	Error         string    // why the last attempt failed
	// The file of the latest successful rendering. A re-run keeps it, so
	// listeners keep their audio until the new file replaces it.
	BlobKey    string
	MIME       string
	Bytes      int64
	Duration   time.Duration // kept to the millisecond
	Provider   string        // the engine that spoke it
	CreatedAt  time.Time
	StartedAt  time.Time // the latest claim
	FinishedAt time.Time // the latest outcome
}

// HasFile reports whether a rendering has a file to play.
func (a Audio) HasFile() bool { return a.BlobKey != "" && a.Bytes > 0 }

// AudioJob is one change-log entry for the voice-over follower.
type AudioJob struct {
	StoryID  int64
	Version  int
	Withdraw bool // a kill: queue nothing, supersede what waits
	At       time.Time
	// FirstPublishedSince, when set, queues the rendering only if the story
	// was first published at or after it. This is the agency's rule for
	// what is voiced without being asked: new stories and their
	// corrections, not an imported archive or a fix to a story of years
	// ago, which the desk voices on request (RequeueAudio). Leaving a job
	// out still moves the follower past it.
	FirstPublishedSince time.Time
}

// AudioResult is the outcome of one rendering attempt.
type AudioResult struct {
	ID      int64
	Attempt int        // the Attempts of the claimed rendering: the fencing token
	State   AudioState // done, queued (a retry), failed, unavailable or superseded
	At      time.Time
	// NextAttemptAt is required for queued.
	NextAttemptAt time.Time
	Error         string
	// The file, required for done.
	BlobKey  string
	MIME     string
	Bytes    int64
	Duration time.Duration
	Provider string
}
