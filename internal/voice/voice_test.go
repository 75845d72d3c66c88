package voice_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/clock"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/speech"
	"github.com/qasid/qasid/internal/speech/speechtest"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/voice"
)

var t0 = time.Date(2024, time.July, 2, 9, 30, 0, 0, time.UTC)

// publishStory creates and publishes the test story in language code.
func publishStory(t *testing.T, db store.Store, code string, at time.Time) story.Story {
	t.Helper()
	ctx := t.Context()
	fam, err := db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s := speechtest.Stories[code]
	st := story.Story{FamilyID: fam, Lang: code, Headline: s.Headline, Body: s.Body, Section: "business",
		Dateline: story.Dateline{Place: s.Place, Date: speechtest.Day}, Status: story.StatusDraft}
	if err := db.CreateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	st, err = db.PublishStory(ctx, st.ID, store.Publish{At: at})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// correct publishes a new version of st with a body of one more paragraph.
func correct(t *testing.T, db store.Store, st story.Story, at time.Time) story.Story {
	t.Helper()
	st.Body += "\n\nThe ministry corrected its figures on Wednesday."
	if err := db.UpdateStory(t.Context(), &st); err != nil {
		t.Fatal(err)
	}
	st, err := db.PublishStory(t.Context(), st.ID, store.Publish{At: at, CorrectionNote: "Figures corrected."})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func newService(t *testing.T, db store.Store, blobs blob.Store, p speech.Provider, e speech.Encoder, now func() time.Time) *voice.Service {
	t.Helper()
	s, err := voice.New(voice.Options{Store: db, Blobs: blobs, Provider: p, Encoder: e, Now: now, Owner: "test-" + t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newBlobs(t *testing.T) *blob.Dir {
	t.Helper()
	d, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// drain enqueues and renders until nothing is due.
func drain(t *testing.T, s *voice.Service) {
	t.Helper()
	ctx := t.Context()
	if _, err := s.Enqueue(ctx); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		n, err := s.RenderOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the queue never emptied")
}

func readBlob(t *testing.T, blobs blob.Store, key string) []byte {
	t.Helper()
	r, _, err := blobs.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("open %s: %v", key, err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkOggOpus(t *testing.T, what string, b []byte) {
	t.Helper()
	if len(b) < 64 || !bytes.HasPrefix(b, []byte("OggS")) || !bytes.Contains(b[:64], []byte("OpusHead")) {
		t.Fatalf("%s is not Ogg Opus: % x", what, b[:min(len(b), 64)])
	}
}

// TestEveryLanguage publishes the test story in each language, renders it
// with espeak-ng and opusenc, and checks the file and its duration; then
// a correction of each renders a new file for version 2.
func TestEveryLanguage(t *testing.T) {
	speechtest.Installed(t)
	db := storetest.SQLite(t)
	blobs := newBlobs(t)
	s := newService(t, db, blobs, speech.NewESpeak(""), speech.NewOpus("", 0), nil)
	if err := s.Available(t.Context()); err != nil {
		t.Fatal(err)
	}
	stories := map[string]story.Story{}
	for _, code := range lang.Codes() {
		stories[code] = publishStory(t, db, code, t0)
	}
	drain(t, s)
	for _, code := range lang.Codes() {
		st := stories[code]
		a, err := s.Playable(t.Context(), st.ID, 1)
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if a.State != store.AudioDone || a.BlobKey != voice.Key(st.ID, 1, "opus") || a.Provider != "espeak-ng" ||
			a.MIME != "audio/ogg; codecs=opus" || a.Attempts != 1 {
			t.Errorf("%s: rendering %+v", code, a)
		}
		b := readBlob(t, blobs, a.BlobKey)
		checkOggOpus(t, code, b)
		if int64(len(b)) != a.Bytes {
			t.Errorf("%s: %d bytes recorded, %d stored", code, a.Bytes, len(b))
		}
		v, _ := db.StoryVersion(t.Context(), st.ID, 1)
		sc, _ := speech.Build(code, v, time.UTC)
		if ok, expect := speechtest.Plausible(code, sc.Runes(), a.Duration); !ok {
			t.Errorf("%s: %d characters last %v, want about %v", code, sc.Runes(), a.Duration, expect)
		}
	}

	// A correction renders a new file for version 2; version 1's stays.
	for _, code := range lang.Codes() {
		stories[code] = correct(t, db, stories[code], t0.Add(time.Hour))
	}
	drain(t, s)
	for _, code := range lang.Codes() {
		st := stories[code]
		a1, err1 := s.Playable(t.Context(), st.ID, 1)
		a2, err2 := s.Playable(t.Context(), st.ID, 2)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v, %v", code, err1, err2)
		}
		if a2.BlobKey == a1.BlobKey || a2.BlobKey != voice.Key(st.ID, 2, "opus") {
			t.Errorf("%s: version 2 in %q, version 1 in %q", code, a2.BlobKey, a1.BlobKey)
		}
		b1, b2 := readBlob(t, blobs, a1.BlobKey), readBlob(t, blobs, a2.BlobKey)
		checkOggOpus(t, code+" v2", b2)
		if bytes.Equal(b1, b2) || a2.Duration <= a1.Duration {
			t.Errorf("%s: version 2 (%v) is not the longer, corrected text (version 1: %v)", code, a2.Duration, a1.Duration)
		}
	}
}

// fake is a speech engine for tests: it answers with a second of tone,
// counts what it spoke by headline, and fails on demand.
type fake struct {
	mu     sync.Mutex
	spoken map[string]int
	fail   error
	slow   time.Duration
}

func newFake() *fake { return &fake{spoken: map[string]int{}} }

func (f *fake) Name() string                    { return "fake" }
func (f *fake) Available(context.Context) error { return nil }
func (f *fake) Synthesize(_ context.Context, _ string, sc speech.Script) (io.ReadCloser, error) {
	f.mu.Lock()
	f.spoken[sc.Blocks[0].Text]++
	err := f.fail
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	time.Sleep(f.slow)
	return io.NopCloser(bytes.NewReader(speechtest.WAV(time.Second))), nil
}

func (f *fake) count(headline string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.spoken[headline]
}

// fakeEncoder passes the WAV through as the "encoded" file.
type fakeEncoder struct{}

func (fakeEncoder) Name() string                    { return "copy" }
func (fakeEncoder) Available(context.Context) error { return nil }
func (fakeEncoder) Encode(_ context.Context, r io.Reader) (speech.Encoded, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return speech.Encoded{}, err
	}
	return speech.Encoded{Data: b, MIME: "audio/wav", Ext: "wav", Duration: time.Duration(len(b)-44) * time.Second / 32000}, nil
}

// headline names story i in letters, which the script keeps as they are.
func headline(i int) string {
	return "story " + string(rune('a'+i/26%26)) + string(rune('a'+i%26))
}

// plainStory publishes an English story with the given headline.
func plainStory(t *testing.T, db store.Store, h string, at time.Time) story.Story {
	t.Helper()
	ctx := t.Context()
	fam, err := db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	st := story.Story{FamilyID: fam, Lang: "en", Headline: h, Body: "Text.", Section: "world", Status: story.StatusDraft}
	if err := db.CreateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	st, err = db.PublishStory(ctx, st.ID, store.Publish{At: at})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// twoNodes opens one database twice, as two nodes would: SQLite in a
// folder of the test's own, or PostgreSQL in a schema of its own (skipped
// without QASID_TEST_POSTGRES).
func twoNodes(t *testing.T, dialect string) (*store.DB, *store.DB) {
	t.Helper()
	var pgURL, sqlitePath string
	if dialect == "postgres" {
		pgURL = storetest.PostgresURL(t)
	} else {
		sqlitePath = t.TempDir() + "/qasid.db"
	}
	open := func() *store.DB {
		var db *store.DB
		var err error
		if dialect == "postgres" {
			db, err = store.OpenPostgres(context.Background(), pgURL, nil)
		} else {
			db, err = store.OpenSQLite(context.Background(), sqlitePath, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	return open(), open()
}

// TestWorkersRenderEachOnce runs two nodes, each with two workers, over
// one database: every published version is spoken exactly once and ends
// done. On PostgreSQL this is SKIP LOCKED and the fencing token at work;
// SQLite runs it too, with its single writer.
func TestWorkersRenderEachOnce(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			a, b := twoNodes(t, dialect)
			const n = 24
			var ids []int64
			for i := range n {
				ids = append(ids, plainStory(t, a, headline(i), t0).ID)
			}
			f := newFake()
			f.slow = 5 * time.Millisecond
			blobs := newBlobs(t)
			var wg sync.WaitGroup
			for w := range 4 {
				node := a
				if w%2 == 1 {
					node = b
				}
				s := newService(t, node, blobs, f, fakeEncoder{}, nil)
				wg.Go(func() {
					// Both nodes follow the change log too: the queue must
					// still hold each version once.
					if _, err := s.Enqueue(t.Context()); err != nil {
						t.Error(err)
						return
					}
					for range 2 * n {
						k, err := s.RenderOnce(t.Context())
						if err != nil {
							t.Errorf("worker %d: %v", w, err)
							return
						}
						if k == 0 {
							return
						}
					}
				})
			}
			wg.Wait()
			for i, id := range ids {
				if c := f.count(headline(i)); c != 1 {
					t.Errorf("story %d spoken %d times, want once", id, c)
				}
				au, err := a.Audio(t.Context(), id, 1)
				if err != nil || au.State != store.AudioDone || au.Attempts != 1 {
					t.Errorf("story %d: %+v, %v; want done on the first attempt", id, au, err)
				}
			}
		})
	}
}

// TestUnavailable: without espeak-ng, a rendering becomes unavailable at
// once with the reason, is not retried, and is queued again when speech
// becomes available.
func TestUnavailable(t *testing.T) {
	db := storetest.SQLite(t)
	clk := clock.NewFake(t0)
	missing := speech.NewESpeak("/nonexistent/espeak-ng")
	s := newService(t, db, newBlobs(t), missing, speech.NewOpus("", 0), clk.Now)
	if err := s.Available(t.Context()); !errors.Is(err, speech.ErrUnavailable) {
		t.Fatalf("available without espeak-ng: %v", err)
	}
	st := plainStory(t, db, "no engine", t0)
	drain(t, s)
	a, err := db.Audio(t.Context(), st.ID, 1)
	if err != nil || a.State != store.AudioUnavailable || !strings.Contains(a.Error, "espeak-ng is not installed") || a.Attempts != 1 {
		t.Fatalf("rendering without espeak-ng: %+v, %v", a, err)
	}
	clk.Add(24 * time.Hour)
	if n, err := s.RenderOnce(t.Context()); err != nil || n != 0 {
		t.Errorf("an unavailable rendering was tried again: %d, %v", n, err)
	}
	if _, err := s.Playable(t.Context(), st.ID, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("playable without a file: %v", err)
	}
	// No engine configured at all says so too.
	none := newService(t, db, newBlobs(t), nil, nil, clk.Now)
	if err := none.Available(t.Context()); !errors.Is(err, speech.ErrUnavailable) || none.ProviderName() != "" {
		t.Errorf("no engine: %v %q", err, none.ProviderName())
	}

	// Speech arrives (a restart after installing it): Run queues the
	// rendering again and makes it.
	f := newFake()
	ok := newService(t, db, newBlobs(t), f, fakeEncoder{}, clk.Now)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); ok.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if a, _ := db.Audio(t.Context(), st.ID, 1); a.State == store.AudioDone {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	<-done
	if a, _ := db.Audio(t.Context(), st.ID, 1); a.State != store.AudioDone || f.count("no engine") != 1 {
		t.Errorf("after speech became available: %+v, spoken %d times", a, f.count("no engine"))
	}
}

// TestRetries: a failing engine is retried with growing waits, then the
// rendering fails for good with the error.
func TestRetries(t *testing.T) {
	db := storetest.SQLite(t)
	clk := clock.NewFake(t0)
	f := newFake()
	f.fail = errors.New("engine crashed")
	s := newService(t, db, newBlobs(t), f, fakeEncoder{}, clk.Now)
	st := plainStory(t, db, "flaky", t0)
	if _, err := s.Enqueue(t.Context()); err != nil {
		t.Fatal(err)
	}
	for i, wait := range []time.Duration{30 * time.Second, 2 * time.Minute, 8 * time.Minute} {
		if n, err := s.RenderOnce(t.Context()); err != nil || n != 1 {
			t.Fatalf("attempt %d: %d, %v", i+1, n, err)
		}
		a, _ := db.Audio(t.Context(), st.ID, 1)
		if a.State != store.AudioQueued || a.Error != "engine crashed" || !a.NextAttemptAt.Equal(clk.Now().Add(wait)) {
			t.Fatalf("after attempt %d: %+v, want a retry in %v", i+1, a, wait)
		}
		if n, _ := s.RenderOnce(t.Context()); n != 0 {
			t.Fatalf("retried before its time after attempt %d", i+1)
		}
		clk.Add(wait)
	}
	if n, err := s.RenderOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("last attempt: %d, %v", n, err)
	}
	a, _ := db.Audio(t.Context(), st.ID, 1)
	if a.State != store.AudioFailed || a.Tries != 4 || f.count("flaky") != 4 {
		t.Errorf("after four failures: %+v, spoken %d times", a, f.count("flaky"))
	}

	// The desk's re-run gives it four more tries, and it succeeds.
	f.mu.Lock()
	f.fail = nil
	f.mu.Unlock()
	if _, err := s.ReRun(t.Context(), st.ID); err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	if a, _ := db.Audio(t.Context(), st.ID, 1); a.State != store.AudioDone || a.Error != "" || !a.HasFile() {
		t.Errorf("after the re-run: %+v", a)
	}
}

// TestSupersedeAndKill: a correction before the rendering leaves only the
// new version to render; a kill leaves nothing.
func TestSupersedeAndKill(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFake()
	s := newService(t, db, newBlobs(t), f, fakeEncoder{}, nil)
	st := plainStory(t, db, "twice", t0)
	st.Headline = "twice corrected"
	if err := db.UpdateStory(t.Context(), &st); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(t.Context(), st.ID, store.Publish{At: t0.Add(time.Minute), CorrectionNote: "Headline."}); err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	if a, _ := db.Audio(t.Context(), st.ID, 1); a.State != store.AudioSuperseded {
		t.Errorf("version 1: %s, want superseded", a.State)
	}
	if a, _ := db.Audio(t.Context(), st.ID, 2); a.State != store.AudioDone {
		t.Errorf("version 2: %s, want done", a.State)
	}
	if f.count("twice") != 0 || f.count("twice corrected") != 1 {
		t.Errorf("spoken %v, want only the correction", f.spoken)
	}

	// Queued, then killed before a worker came: nothing is spoken.
	k := plainStory(t, db, "killed", t0)
	if _, err := s.Enqueue(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KillStory(t.Context(), k.ID, store.Kill{Notice: "Withdrawn.", At: t0.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	if a, _ := db.Audio(t.Context(), k.ID, 1); a.State != store.AudioSuperseded || f.count("killed") != 0 {
		t.Errorf("killed story: %s, spoken %d times", a.State, f.count("killed"))
	}
	if _, err := s.ReRun(t.Context(), k.ID); !errors.Is(err, voice.ErrNotPublished) {
		t.Errorf("re-run of a killed story: %v", err)
	}
	if _, err := s.ReRun(t.Context(), 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("re-run of no story: %v", err)
	}
}

// TestRecent: with a rule of seven days, a new story and its correction
// are voiced; a story first published a month ago (an imported archive,
// or a fix to an old story) waits for the desk to ask.
func TestRecent(t *testing.T) {
	db := storetest.SQLite(t)
	clk := clock.NewFake(t0)
	f := newFake()
	s, err := voice.New(voice.Options{Store: db, Blobs: newBlobs(t), Provider: f, Encoder: fakeEncoder{}, Now: clk.Now,
		Owner: "test-recent", Recent: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	fresh := plainStory(t, db, "fresh", t0.Add(-time.Hour))
	archive := plainStory(t, db, "archive", t0.Add(-30*24*time.Hour))
	drain(t, s)
	if a, err := db.Audio(t.Context(), fresh.ID, 1); err != nil || a.State != store.AudioDone {
		t.Errorf("fresh story: %+v, %v; want done", a, err)
	}
	if _, err := db.Audio(t.Context(), archive.ID, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("archive story was queued (%v)", err)
	}
	// A correction today of the month-old story is not voiced either;
	// one of the fresh story is.
	archive.Headline = "archive fixed"
	if err := db.UpdateStory(t.Context(), &archive); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(t.Context(), archive.ID, store.Publish{At: t0, CorrectionNote: "Name."}); err != nil {
		t.Fatal(err)
	}
	fresh.Headline = "fresh fixed"
	if err := db.UpdateStory(t.Context(), &fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(t.Context(), fresh.ID, store.Publish{At: t0, CorrectionNote: "Name."}); err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	if f.count("archive fixed") != 0 || f.count("archive") != 0 || f.count("fresh fixed") != 1 {
		t.Errorf("spoken %v, want only fresh and fresh fixed", f.spoken)
	}
	// The desk asks for the archive story: it is voiced.
	if _, err := s.ReRun(t.Context(), archive.ID); err != nil {
		t.Fatal(err)
	}
	drain(t, s)
	if a, err := db.Audio(t.Context(), archive.ID, 2); err != nil || a.State != store.AudioDone || f.count("archive fixed") != 1 {
		t.Errorf("after the desk asked: %+v, %v, spoken %v", a, err, f.spoken)
	}
}

// TestOpen serves a file from a store that cannot seek as well as from a
// folder.
func TestOpen(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFake()
	dir := newBlobs(t)
	for name, blobs := range map[string]blob.Store{"folder": dir, "stream": streamBlobs{dir}} {
		s := newService(t, db, blobs, f, fakeEncoder{}, nil)
		st := plainStory(t, db, "open "+name, t0)
		drain(t, s)
		a, err := s.Playable(t.Context(), st.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Open(t.Context(), a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Seek(40, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		r.Close()
		if int64(len(b)) != a.Bytes-40 {
			t.Errorf("%s: read %d bytes after seeking to 40 of %d", name, len(b), a.Bytes)
		}
		if err := blobs.Delete(t.Context(), a.BlobKey); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Open(t.Context(), a); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: open a deleted file: %v", name, err)
		}
	}
}

// streamBlobs hides the folder's files behind plain readers, as S3 gives.
type streamBlobs struct{ *blob.Dir }

func (s streamBlobs) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	r, n, err := s.Dir.Open(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	return struct {
		io.Reader
		io.Closer
	}{r, r}, n, nil
}
