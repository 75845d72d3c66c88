// Package voice owns the voice-over of published stories: every publish
// and correction is rendered to speech in the story's language in the
// background, stored with the story version, and offered to readers, the
// wire and the desk.
//
// # Durable, exactly once
//
// The work is a table of the store (store.AudioStore), as webhook
// deliveries are: a follower of the change log (Enqueue) queues one
// rendering per published version together with its position in the log,
// in one transaction, so a crash neither loses nor repeats a rendering;
// workers on any number of nodes lease a due rendering (RenderOnce), so
// exactly one renders it, and record the outcome with the lease's fencing
// token. A correction supersedes the waiting rendering of the version it
// replaces; a kill supersedes whatever waits.
//
// # When speech is unavailable
//
// Without a speech engine or encoder (espeak-ng or opusenc not
// installed), Run says so once at start, renderings go to the state
// unavailable at once instead of being retried, the desk shows why, and
// the rest of Qasid works as before. When the engine appears (checked
// every minute, and at each start), what was unavailable is queued again.
package voice

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"strconv"
	"sync"
	"time"

	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/speech"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// FollowerName is the voice-over's position in the change log.
const FollowerName = "audio"

// The rendering policy.
const (
	// lease is how long a worker holds a rendering; renderTimeout, well
	// under it, bounds one attempt, so a live worker never loses its lease.
	lease         = 15 * time.Minute
	renderTimeout = 10 * time.Minute
	// maxTries is how many attempts a rendering gets before it fails;
	// retryBase is the wait after the first failure, four times longer
	// after each next one (30 s, 2 min, 8 min).
	maxTries  = 4
	retryBase = 30 * time.Second
	// availableFor is how long an answer to "is speech available?" is
	// trusted: the desk asks on every page.
	availableFor = time.Minute
	// enqueueBatch is how many change-log entries one enqueue covers.
	enqueueBatch = 100
	// maxError bounds the error text kept with a rendering.
	maxError = 500
	// maxOpen bounds a file read into memory from a blob store that
	// cannot seek.
	maxOpen = 64 << 20
)

// Options configure a Service.
type Options struct {
	Store store.Store
	Blobs blob.Store
	// Provider speaks and Encoder compresses; nil for either makes speech
	// unavailable (the desk and the start-up log say so).
	Provider speech.Provider
	Encoder  speech.Encoder
	Log      *slog.Logger
	Now      func() time.Time // nil means time.Now
	// Owner names this node in leases; "" makes one from the host name,
	// the process id and a random part.
	Owner string
	// Every is how often Run polls the change log and the queue; 0 means
	// two seconds.
	Every time.Duration
	// Recent is which publishes are voiced without being asked: those of
	// stories first published at most Recent before the follower sees the
	// publish or correction (within seconds, on a running node). Older ones (an imported archive, a fix to a story of
	// years ago) are voiced when the desk asks (ReRun): an archive of
	// 100,000 stories would otherwise keep a core busy for days. 0 voices
	// every publish.
	Recent time.Duration
}

// Service queues, renders and serves voice-overs. It is safe for
// concurrent use; any number of services may share one database.
type Service struct {
	st       store.Store
	blobs    blob.Store
	provider speech.Provider
	encoder  speech.Encoder
	log      *slog.Logger
	now      func() time.Time
	owner    string
	every    time.Duration
	recent   time.Duration

	mu        sync.Mutex
	checkedAt time.Time
	availErr  error
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Store == nil || o.Blobs == nil {
		return nil, errors.New("voice: a store and a blob store are required")
	}
	s := &Service{st: o.Store, blobs: o.Blobs, provider: o.Provider, encoder: o.Encoder, log: o.Log,
		now: o.Now, owner: o.Owner, every: o.Every, recent: max(o.Recent, 0)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.owner == "" {
		s.owner = nodeName()
	}
	if s.every <= 0 {
		s.every = 2 * time.Second
	}
	return s, nil
}

func nodeName() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "node"
	}
	b := make([]byte, 4)
	rand.Read(b)
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b)
}

func (s *Service) clock() time.Time { return s.now().UTC() }

// ProviderName names the speech engine, "" when none is configured.
func (s *Service) ProviderName() string {
	if s.provider == nil {
		return ""
	}
	return s.provider.Name()
}

// Available reports whether voice-overs can be made on this node, and if
// not why, as an error wrapping speech.ErrUnavailable. The answer is kept
// for a minute.
func (s *Service) Available(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.checkedAt.IsZero() && s.clock().Sub(s.checkedAt) < availableFor {
		return s.availErr
	}
	s.availErr = s.check(ctx)
	s.checkedAt = s.clock()
	return s.availErr
}

func (s *Service) check(ctx context.Context) error {
	switch {
	case s.provider == nil:
		return fmt.Errorf("%w: no speech engine is configured", speech.ErrUnavailable)
	case s.encoder == nil:
		return fmt.Errorf("%w: no audio encoder is configured", speech.ErrUnavailable)
	}
	if err := s.provider.Available(ctx); err != nil {
		return err
	}
	return s.encoder.Available(ctx)
}

// Run follows the change log and renders until ctx ends. It logs once
// whether speech is available, and why not; renderings that waited for
// an engine are queued again whenever one becomes available.
func (s *Service) Run(ctx context.Context) {
	err := s.Available(ctx)
	wasAvailable := err == nil
	if err != nil {
		s.log.WarnContext(ctx, "voice: speech is unavailable; voice-overs are off", "reason", err.Error())
	} else {
		s.log.InfoContext(ctx, "voice: speech is available", "provider", s.provider.Name(), "encoder", s.encoder.Name())
	}
	if wasAvailable {
		s.requeueUnavailable(ctx)
	}
	t := time.NewTicker(s.every)
	defer t.Stop()
	for {
		if n, err := s.Enqueue(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "voice: enqueue", "err", err)
		} else if n > 0 {
			s.log.InfoContext(ctx, "voice: queued", "renderings", n)
		}
		now := s.Available(ctx) == nil
		if now && !wasAvailable {
			s.log.InfoContext(ctx, "voice: speech became available")
			s.requeueUnavailable(ctx)
		}
		wasAvailable = now
		// Keep rendering while there is work: a pass takes one, and what
		// was published meanwhile is queued between passes, to be taken
		// before an older backlog.
		for ctx.Err() == nil {
			if _, err := s.Enqueue(ctx); err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "voice: enqueue", "err", err)
			}
			n, err := s.RenderOnce(ctx)
			if err != nil && ctx.Err() == nil {
				s.log.ErrorContext(ctx, "voice: render", "err", err)
			}
			if err != nil || n == 0 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Service) requeueUnavailable(ctx context.Context) {
	if n, err := s.st.RequeueUnavailableAudio(ctx, s.clock()); err != nil {
		s.log.ErrorContext(ctx, "voice: requeue renderings that waited for speech", "err", err)
	} else if n > 0 {
		s.log.InfoContext(ctx, "voice: renderings that waited for speech queued again", "renderings", n)
	}
}

// Enqueue follows the change log from the voice-over's position to its
// end, queueing a rendering of every publish and correction and
// withdrawing what waits for a killed story, each batch together with the
// position after it. It returns how many renderings were new.
func (s *Service) Enqueue(ctx context.Context) (int, error) {
	seq, err := s.st.FollowerSeq(ctx, FollowerName)
	if err != nil {
		return 0, fmt.Errorf("voice: enqueue: %w", err)
	}
	added := 0
	for {
		chs, err := s.st.Changes(ctx, seq, enqueueBatch)
		if err != nil {
			return added, fmt.Errorf("voice: enqueue: %w", err)
		}
		if len(chs) == 0 {
			return added, nil
		}
		now := s.clock()
		var jobs []store.AudioJob
		for _, ch := range chs {
			switch ch.Kind {
			case story.ChangePublish, story.ChangeCorrect:
				j := store.AudioJob{StoryID: ch.StoryID, Version: ch.Version, At: now}
				if s.recent > 0 {
					// Measured from now, not from the change's time: an
					// import records each story's original publication.
					j.FirstPublishedSince = now.Add(-s.recent)
				}
				jobs = append(jobs, j)
			case story.ChangeKill:
				jobs = append(jobs, store.AudioJob{StoryID: ch.StoryID, Withdraw: true, At: now})
			}
		}
		last := chs[len(chs)-1].Seq
		n, err := s.st.EnqueueAudio(ctx, FollowerName, last, jobs)
		if err != nil {
			return added, fmt.Errorf("voice: enqueue: %w", err)
		}
		added += n
		seq = last
	}
}

// RenderOnce is one worker pass: it leases one due rendering, renders it
// and records the outcome. It returns how many it took (0 or 1). A failed
// rendering is not an error of the pass; errors are the store's.
func (s *Service) RenderOnce(ctx context.Context) (int, error) {
	as, err := s.st.ClaimAudio(ctx, s.owner, s.clock(), lease, 1)
	if err != nil {
		return 0, fmt.Errorf("voice: render: %w", err)
	}
	if len(as) == 0 {
		return 0, nil
	}
	return 1, s.render(ctx, as[0])
}

// render makes one attempt at a and records it.
func (s *Service) render(ctx context.Context, a store.Audio) error {
	log := s.log.With("story_id", a.StoryID, "version", a.Version, "attempt", a.Attempts)
	started := s.clock()
	res := s.attempt(ctx, a)
	res.ID, res.Attempt, res.At = a.ID, a.Attempts, s.clock()
	switch res.State {
	case store.AudioDone:
		log.InfoContext(ctx, "voice: rendered", "duration_ms", res.Duration.Milliseconds(), "bytes", res.Bytes,
			"took_ms", res.At.Sub(started).Milliseconds())
	case store.AudioQueued:
		log.WarnContext(ctx, "voice: rendering will be retried", "err", res.Error, "next_attempt_at", res.NextAttemptAt)
	case store.AudioSuperseded:
		log.InfoContext(ctx, "voice: rendering superseded")
	default:
		log.WarnContext(ctx, "voice: rendering "+string(res.State), "err", res.Error)
	}
	// The record must land even if ctx ended while rendering: a lease
	// left to run out would only render the same version again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.st.RecordAudio(rctx, res); err != nil {
		if errors.Is(err, store.ErrConflict) {
			log.WarnContext(ctx, "voice: lease lost; outcome dropped", "err", err)
			return nil
		}
		return fmt.Errorf("voice: record rendering of story %d version %d: %w", a.StoryID, a.Version, err)
	}
	return nil
}

// attempt renders a and says how it went, without recording it.
func (s *Service) attempt(ctx context.Context, a store.Audio) store.AudioResult {
	st, err := s.st.Story(ctx, a.StoryID)
	if err != nil {
		return s.failure(a, err, errors.Is(err, store.ErrNotFound))
	}
	// Readers only ever hear the latest version, and nothing of a killed
	// story: an older version's rendering is wasted work.
	if st.Status == story.StatusKilled || st.Version > a.Version {
		return store.AudioResult{State: store.AudioSuperseded}
	}
	if err := s.Available(ctx); err != nil {
		return store.AudioResult{State: store.AudioUnavailable, Error: errorText(err)}
	}
	v, err := s.st.StoryVersion(ctx, a.StoryID, a.Version)
	if err != nil {
		return s.failure(a, err, errors.Is(err, store.ErrNotFound))
	}
	agency, err := s.st.Agency(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return s.failure(a, err, false)
	}
	script, err := speech.Build(st.Lang, v, agencyZone(agency))
	if err != nil {
		return s.failure(a, err, true)
	}
	rctx, cancel := context.WithTimeout(ctx, renderTimeout)
	defer cancel()
	enc, err := s.speak(rctx, st.Lang, script)
	if errors.Is(err, speech.ErrUnavailable) {
		return store.AudioResult{State: store.AudioUnavailable, Error: errorText(err)}
	}
	if err != nil {
		return s.failure(a, err, false)
	}
	key := Key(a.StoryID, a.Version, enc.Ext)
	if err := s.blobs.Put(rctx, key, bytes.NewReader(enc.Data), int64(len(enc.Data)), enc.MIME); err != nil {
		return s.failure(a, err, false)
	}
	return store.AudioResult{State: store.AudioDone, BlobKey: key, MIME: enc.MIME, Bytes: int64(len(enc.Data)),
		Duration: enc.Duration, Provider: s.provider.Name()}
}

// speak synthesizes and encodes a script.
func (s *Service) speak(ctx context.Context, code string, script speech.Script) (speech.Encoded, error) {
	wav, err := s.provider.Synthesize(ctx, code, script)
	if err != nil {
		return speech.Encoded{}, err
	}
	enc, err := s.encoder.Encode(ctx, wav)
	if cerr := wav.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return enc, err
}

// failure turns an error into a retry with backoff, or into failed when
// retrying cannot help or the tries are used up.
func (s *Service) failure(a store.Audio, err error, permanent bool) store.AudioResult {
	if permanent || a.Tries >= maxTries {
		return store.AudioResult{State: store.AudioFailed, Error: errorText(err)}
	}
	wait := retryBase << (2 * (max(a.Tries, 1) - 1))
	return store.AudioResult{State: store.AudioQueued, Error: errorText(err), NextAttemptAt: s.clock().Add(wait)}
}

// errorText is the error as kept with a rendering: bounded, valid UTF-8,
// no NUL.
func errorText(err error) string {
	msg := []rune(err.Error())
	if len(msg) > maxError {
		msg = append(msg[:maxError-1], '…')
	}
	out := make([]rune, 0, len(msg))
	for _, r := range msg {
		if r != 0 {
			out = append(out, r)
		}
	}
	return string(out)
}

// Key is where the file of a story version's voice-over is kept.
func Key(storyID int64, version int, ext string) string {
	return "audio/" + strconv.FormatInt(storyID, 10) + "/" + strconv.Itoa(version) + "." + ext
}

// Path is the public address of a rendering's file, as the site serves
// it: /audio/<story>/<version>.<ext>. An href built from it is stable for
// a version; the file behind it changes only when a re-run replaces it.
func Path(a store.Audio) string {
	return "/audio/" + strconv.FormatInt(a.StoryID, 10) + "/" + strconv.Itoa(a.Version) + path.Ext(a.BlobKey)
}

// agencyZone is the agency's home time zone, or UTC when it names none we
// know.
func agencyZone(a story.Agency) *time.Location {
	if loc, err := time.LoadLocation(a.TimeZone); err == nil && a.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// ErrNotPublished is ReRun's answer for a story with nothing to read: a
// draft, or a killed story.
var ErrNotPublished = fmt.Errorf("voice: the story is not published: %w", store.ErrConflict)

// ReRun queues the voice-over of a story's latest version again (or for
// the first time, for a story published before voice-overs existed). The
// file readers hear stays until the new one replaces it. A rendering that
// is being made now is store.ErrConflict.
func (s *Service) ReRun(ctx context.Context, storyID int64) (store.Audio, error) {
	st, err := s.st.Story(ctx, storyID)
	if err != nil {
		return store.Audio{}, fmt.Errorf("voice: re-run: %w", err)
	}
	if st.Status != story.StatusPublished || st.Version < 1 {
		return store.Audio{}, fmt.Errorf("voice: re-run story %d: %w", storyID, ErrNotPublished)
	}
	a, err := s.st.RequeueAudio(ctx, storyID, st.Version, s.clock())
	if err != nil {
		return store.Audio{}, fmt.Errorf("voice: re-run: %w", err)
	}
	s.log.InfoContext(ctx, "voice: re-run", "story_id", storyID, "version", st.Version)
	return a, nil
}

// Renderings lists a story's renderings, newest version first: the desk.
func (s *Service) Renderings(ctx context.Context, storyID int64) ([]store.Audio, error) {
	as, err := s.st.StoryAudio(ctx, storyID)
	if err != nil {
		return nil, fmt.Errorf("voice: renderings: %w", err)
	}
	return as, nil
}

// Playable is the voice-over of a story version when it has a file to
// play, else store.ErrNotFound. Whether the version is public is the
// caller's question.
func (s *Service) Playable(ctx context.Context, storyID int64, version int) (store.Audio, error) {
	a, err := s.st.Audio(ctx, storyID, version)
	if err != nil {
		return store.Audio{}, fmt.Errorf("voice: audio: %w", err)
	}
	if !a.HasFile() {
		return store.Audio{}, fmt.Errorf("voice: audio of story %d version %d: no file yet: %w", storyID, version, store.ErrNotFound)
	}
	return a, nil
}

// Open opens the file of a playable rendering for http.ServeContent,
// which needs to seek for Range requests. A blob store whose files cannot
// seek (S3) is read into memory; voice-overs are small.
func (s *Service) Open(ctx context.Context, a store.Audio) (io.ReadSeekCloser, error) {
	rc, size, err := s.blobs.Open(ctx, a.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, fmt.Errorf("voice: open %s: %w", a.BlobKey, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("voice: open %s: %w", a.BlobKey, err)
	}
	if rs, ok := rc.(io.ReadSeekCloser); ok {
		return rs, nil
	}
	defer rc.Close()
	if size > maxOpen {
		return nil, fmt.Errorf("voice: open %s: %d bytes is too large", a.BlobKey, size)
	}
	b, err := io.ReadAll(io.LimitReader(rc, maxOpen))
	if err != nil {
		return nil, fmt.Errorf("voice: read %s: %w", a.BlobKey, err)
	}
	return nopCloser{bytes.NewReader(b)}, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }
