package site_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/speech"
	"github.com/qasid/qasid/internal/speech/speechtest"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/voice"
)

// fakeEngine answers every script with a short tone.
type fakeEngine struct{}

func (fakeEngine) Name() string                    { return "fake" }
func (fakeEngine) Available(context.Context) error { return nil }
func (fakeEngine) Synthesize(context.Context, string, speech.Script) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(speechtest.WAV(100 * time.Millisecond))), nil
}

// fakeEncoder keeps the WAV as the file and claims a fixed duration, so
// that the page's wording can be checked for any length.
type fakeEncoder struct{ d time.Duration }

func (fakeEncoder) Name() string                    { return "copy" }
func (fakeEncoder) Available(context.Context) error { return nil }
func (e fakeEncoder) Encode(_ context.Context, r io.Reader) (speech.Encoded, error) {
	b, err := io.ReadAll(r)
	return speech.Encoded{Data: b, MIME: "audio/wav", Ext: "wav", Duration: e.d}, err
}

// audioFixture is the site over the demo agency with voice-overs made by
// provider and encoder.
type audioFixture struct {
	*fixture
	voice   *voice.Service
	blobs   *blob.Dir
	handler http.Handler
}

func newAudioFixture(t testing.TB, p speech.Provider, e speech.Encoder) *audioFixture {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(t.TempDir(), "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v, err := voice.New(voice.Options{Store: db, Blobs: blobs, Provider: p, Encoder: e})
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org", Voice: v})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &audioFixture{fixture: &fixture{srv: srv, db: db, cat: cat, client: client}, voice: v, blobs: blobs, handler: h}
}

// render queues (again) and renders the latest version of each story.
func (f *audioFixture) render(t testing.TB, stories ...story.Story) {
	t.Helper()
	ctx := context.Background()
	for _, st := range stories {
		if _, err := f.voice.ReRun(ctx, st.ID); err != nil {
			t.Fatal(err)
		}
	}
	for range len(stories) {
		if n, err := f.voice.RenderOnce(ctx); err != nil || n != 1 {
			t.Fatalf("render: %d, %v", n, err)
		}
	}
}

func storyURL(st story.Story) string { return (&url.URL{Path: render.StoryPath(st)}).EscapedPath() }

func TestStoryAudio(t *testing.T) {
	f := newAudioFixture(t, fakeEngine{}, fakeEncoder{d: 158 * time.Second})
	en := f.member(t, "01-xi-astana-state-visit", "en")
	ur := f.member(t, "01-xi-astana-state-visit", "ur")

	// Nothing rendered yet: no player.
	if r := f.get(t, storyURL(en)); r.status != http.StatusOK || strings.Contains(r.body, "<audio") {
		t.Fatalf("page before rendering: %d, player shown: %v", r.status, strings.Contains(r.body, "<audio"))
	}
	f.render(t, en, ur)
	page := f.get(t, storyURL(en))
	src := "/audio/" + strconv.FormatInt(en.ID, 10) + "/" + strconv.Itoa(en.Version) + ".wav?r=1"
	for _, want := range []string{
		`<audio controls preload="metadata" aria-labelledby="q_voice_over_label"><source src="` + strings.ReplaceAll(src, "&", "&amp;") + `" type="audio/wav"></audio>`,
		`<time datetime="PT2M38S">Listen · 2 minutes 38 seconds</time>`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("English page lacks %s", want)
		}
	}
	if r := f.get(t, storyURL(ur)); !strings.Contains(r.body, "سنیے · 2 منٹ 38 سیکنڈ") {
		t.Errorf("Urdu page lacks its player's label")
	}

	// The file, whole and in ranges, cached for good under its ?r=.
	a, err := f.voice.Playable(context.Background(), en.ID, en.Version)
	if err != nil {
		t.Fatal(err)
	}
	whole := f.get(t, src)
	if whole.status != http.StatusOK || whole.header.Get("Content-Type") != "audio/wav" || int64(len(whole.body)) != a.Bytes ||
		!strings.HasPrefix(whole.body, "RIFF") || !strings.Contains(whole.header.Get("Cache-Control"), "immutable") ||
		whole.header.Get("Accept-Ranges") != "bytes" {
		t.Fatalf("file: %d %v, %d bytes", whole.status, whole.header, len(whole.body))
	}
	part := f.do(t, "GET", src, map[string]string{"Range": "bytes=0-3"})
	if part.status != http.StatusPartialContent || part.body != "RIFF" || part.header.Get("Content-Range") != "bytes 0-3/"+strconv.FormatInt(a.Bytes, 10) {
		t.Errorf("range: %d %q %v", part.status, part.body, part.header)
	}
	if r := f.do(t, "GET", src, map[string]string{"If-None-Match": whole.header.Get("ETag")}); r.status != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", r.status)
	}
	stale := strings.TrimSuffix(src, "?r=1")
	if r := f.get(t, stale); r.status != http.StatusOK || strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("without ?r=: %d %q, want a short cache", r.status, r.header.Get("Cache-Control"))
	}
	if r := f.do(t, "HEAD", src, nil); r.status != http.StatusOK || r.body != "" {
		t.Errorf("HEAD: %d, %d bytes", r.status, len(r.body))
	}

	id := strconv.FormatInt(en.ID, 10)
	for _, bad := range []string{
		"/audio/" + id + "/" + strconv.Itoa(en.Version+1) + ".wav", // no such version
		"/audio/" + id + "/1.opus", "/audio/" + id + "/1", "/audio/" + id + "/0.wav", "/audio/" + id + "/01.wav",
		"/audio/" + id + "/-1.wav", "/audio/" + id + "/1.wav.wav", "/audio/" + id + "/99999999999999999999.wav",
		"/audio/x/1.wav", "/audio/" + id + "-slug/1.wav", "/audio/0" + id + "/" + strconv.Itoa(en.Version) + ".wav", "/audio/0/1.wav", "/audio/999999/1.wav",
		"/audio/" + id + "/%00.wav", "/audio/" + id + "/" + strings.Repeat("1", 5000) + ".wav",
		"/audio/" + id + "/..%2F..%2Fqasid.db",
	} {
		if r := f.get(t, bad); r.status != http.StatusNotFound {
			t.Errorf("GET %.80s: %d, want 404", bad, r.status)
		}
	}

	// A correction: until its audio is rendered the page offers none (the
	// old audio reads what was corrected); then the new one.
	ctx := context.Background()
	fixed := en
	fixed.Body += "\n\nA paragraph added."
	if err := f.db.UpdateStory(ctx, &fixed); err != nil {
		t.Fatal(err)
	}
	fixed, err = f.db.PublishStory(ctx, en.ID, store.Publish{At: time.Now(), CorrectionNote: "A paragraph added."})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, storyURL(fixed)); strings.Contains(r.body, "<audio") {
		t.Error("the corrected page plays the old version's audio")
	}
	f.render(t, fixed)
	if r := f.get(t, storyURL(fixed)); !strings.Contains(r.body, "/audio/"+id+"/"+strconv.Itoa(fixed.Version)+".wav") {
		t.Error("the corrected page lacks the new version's audio")
	}
	// The old version's file stays for the wire items that name it.
	if r := f.get(t, src); r.status != http.StatusOK {
		t.Errorf("old version's file: %d", r.status)
	}

	// A kill takes the audio down with the page.
	if _, err := f.db.KillStory(ctx, en.ID, store.Kill{Notice: "Withdrawn.", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if r := f.get(t, src); r.status != http.StatusNotFound {
		t.Errorf("audio of a killed story: %d, want 404", r.status)
	}
}

// TestAudioDurationWords: the player's label in the languages whose
// plurals differ most.
func TestAudioDurationWords(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		code string
		want string
	}{
		{158 * time.Second, "ar", "استمع · دقيقتان و38 ثانية"},
		{61 * time.Second, "ar", "استمع · دقيقة واحدة وثانية واحدة"},
		{158 * time.Second, "ru", "Слушать · 2 минуты 38 секунд"},
		{21*time.Minute + time.Second, "ru", "Слушать · 21 минута 1 секунда"},
		{158 * time.Second, "zh", "收听 · 2分钟38秒"},
		{45 * time.Second, "fr", "Écouter · 45 secondes"},
		{120 * time.Second, "es", "Escuchar · 2 minutos"},
		{1500 * time.Millisecond, "en", "Listen · 2 seconds"},
	} {
		f := newAudioFixture(t, fakeEngine{}, fakeEncoder{d: c.d})
		st := f.member(t, "01-xi-astana-state-visit", c.code)
		f.render(t, st)
		if r := f.get(t, storyURL(st)); !strings.Contains(r.body, c.want) {
			t.Errorf("%s %v: page lacks %q", c.code, c.d, c.want)
		}
	}
}

// TestAudioUnavailable: without espeak-ng the rendering is marked
// unavailable and publishing and pages work as before.
func TestAudioUnavailable(t *testing.T) {
	f := newAudioFixture(t, speech.NewESpeak("/nonexistent/espeak-ng"), speech.NewOpus("", 0))
	ctx := context.Background()
	en := f.member(t, "01-xi-astana-state-visit", "en")
	fixed := en
	fixed.Body += "\n\nMore."
	if err := f.db.UpdateStory(ctx, &fixed); err != nil {
		t.Fatal(err)
	}
	fixed, err := f.db.PublishStory(ctx, en.ID, store.Publish{At: time.Now(), CorrectionNote: "More."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.voice.Enqueue(ctx); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := f.voice.RenderOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if a, err := f.db.Audio(ctx, fixed.ID, fixed.Version); err != nil || a.State != store.AudioUnavailable {
		t.Fatalf("rendering without espeak-ng: %+v, %v", a, err)
	}
	if r := f.get(t, storyURL(fixed)); r.status != http.StatusOK || strings.Contains(r.body, "<audio") || !strings.Contains(r.body, "More.") {
		t.Errorf("page without speech: %d, player %v", r.status, strings.Contains(r.body, "<audio"))
	}
	if r := f.get(t, "/audio/"+strconv.FormatInt(fixed.ID, 10)+"/"+strconv.Itoa(fixed.Version)+".opus"); r.status != http.StatusNotFound {
		t.Errorf("audio without speech: %d", r.status)
	}
}

// FuzzAudioPath sends hostile story and file segments to /audio/: the
// answer is the file of the one real rendering, or not found, never an
// error or a file from elsewhere.
func FuzzAudioPath(f *testing.F) {
	fx := newAudioFixture(f, fakeEngine{}, fakeEncoder{d: time.Second})
	en := fx.member(f, "01-xi-astana-state-visit", "en")
	fx.render(f, en)
	id, v := strconv.FormatInt(en.ID, 10), strconv.Itoa(en.Version)
	for _, seed := range [][2]string{{id, v + ".wav"}, {id, v + ".opus"}, {id, "0.wav"}, {"0", "1.wav"}, {id + "-x", v + ".wav"},
		{id, v + ".wav?r=1"}, {"0" + id, v + ".wav"}, {id, "..%2f" + v + ".wav"}, {id, "%00"}, {"-1", "-1.wav"}, {id, v + ".wav.wav"}, {id, " " + v + ".wav"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, story, file string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.Path = "/audio/" + story + "/" + file
		rec := httptest.NewRecorder()
		fx.handler.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			if story != id || (file != v+".wav") || !strings.HasPrefix(rec.Body.String(), "RIFF") {
				t.Fatalf("GET /audio/%q/%q served %d bytes", story, file, rec.Body.Len())
			}
		case http.StatusNotFound, http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		default:
			t.Fatalf("GET /audio/%q/%q: %d", story, file, rec.Code)
		}
	})
}
