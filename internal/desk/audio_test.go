package desk_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/desk"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/site"
	"github.com/qasid/qasid/internal/speech"
	"github.com/qasid/qasid/internal/speech/speechtest"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/voice"
)

type fakeEngine struct{}

func (fakeEngine) Name() string                    { return "fake engine" }
func (fakeEngine) Available(context.Context) error { return nil }
func (fakeEngine) Synthesize(context.Context, string, speech.Script) (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(speechtest.WAV(100 * time.Millisecond))), nil
}

// copyEncoder keeps the WAV and claims 95 seconds.
type copyEncoder struct{}

func (copyEncoder) Name() string                    { return "copy" }
func (copyEncoder) Available(context.Context) error { return nil }
func (copyEncoder) Encode(_ context.Context, r io.Reader) (speech.Encoded, error) {
	b, err := io.ReadAll(r)
	return speech.Encoded{Data: b, MIME: "audio/wav", Ext: "wav", Duration: 95 * time.Second}, err
}

// withVoice is the fixture's desk again, with voice-overs made by p and e.
func withVoice(t *testing.T, db store.Store, p speech.Provider, e speech.Encoder) (*fixture, *voice.Service) {
	t.Helper()
	f := newFixture(t, db)
	blobs, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	v, err := voice.New(voice.Options{Store: db, Blobs: blobs, Provider: p, Encoder: e})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.New(site.Options{Store: db, Catalog: cat, BaseURL: "https://news.example.org"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := desk.New(desk.Options{Service: f.svc, Store: db, Catalog: cat, Preview: s.Preview,
		PublicPath: render.StoryPath, Translate: f.tr, Webhooks: f.hooks, Voice: v})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	g := *f
	g.srv = srv
	return &g, v
}

func renderAll(t *testing.T, v *voice.Service) {
	t.Helper()
	if _, err := v.Enqueue(t.Context()); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := v.RenderOnce(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

func TestAudioOnDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, v := withVoice(t, db, fakeEngine{}, copyEncoder{})
		st := f.story(t, "ur", story.StatusPublished)
		draft := f.story(t, "en", story.StatusDraft)
		renderAll(t, v)
		id := strconv.FormatInt(st.ID, 10)
		versions := "/desk/stories/" + id + "/versions"

		ed := f.login(t, auth.RoleEditor)
		page := ed.get(versions)
		for _, want := range []string{
			`<th>Voice-over</th>`,
			`<span class="status status-published">Ready · 1 minute 35 seconds</span>`,
			`<a href="/desk/stories/` + id + `/audio/1.wav">Listen</a>`,
			`Speech engine: fake engine`,
			`<form method="post" action="/desk/stories/` + id + `/audio"`,
		} {
			if !strings.Contains(page.body, want) {
				t.Errorf("versions page lacks %s", want)
			}
		}
		if r := ed.get("/desk/stories/" + id + "/audio/1.wav"); r.status != http.StatusOK || !strings.HasPrefix(r.body, "RIFF") {
			t.Errorf("listen on the desk: %d", r.status)
		}
		for _, bad := range []string{"2.wav", "1.opus", "01.wav", "x.wav", "1", "0.wav"} {
			if r := ed.get("/desk/stories/" + id + "/audio/" + bad); r.status != http.StatusNotFound {
				t.Errorf("GET audio/%s: %d, want 404", bad, r.status)
			}
		}

		// Those who may not correct the story may not re-run its audio,
		// and see no button.
		for _, role := range []auth.Role{auth.RoleReporter, auth.RoleTranslator} {
			c := f.login(t, role)
			if r := c.get(versions); strings.Contains(r.body, `/audio"`) {
				t.Errorf("%s sees the re-run button", role)
			}
			if r := c.post("/desk/stories/"+id+"/audio", nil); r.status != http.StatusForbidden {
				t.Errorf("%s re-run: %d, want 403", role, r.status)
			}
		}
		// From another site: refused before anything happens.
		req, _ := http.NewRequest("POST", f.srv.URL+"/desk/stories/"+id+"/audio", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := ed.do(req); r.status != http.StatusForbidden {
			t.Errorf("cross-site re-run: %d, want 403", r.status)
		}
		if a, _ := db.Audio(t.Context(), st.ID, 1); a.State != store.AudioDone || a.Attempts != 1 {
			t.Errorf("refused re-runs changed the rendering: %+v", a)
		}

		r := ed.post("/desk/stories/"+id+"/audio", url.Values{})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != versions+"?done=audio_queued" {
			t.Fatalf("re-run: %d %s", r.status, r.header.Get("Location"))
		}
		page = ed.get(versions + "?done=audio_queued")
		if !strings.Contains(page.body, "queued and will be ready shortly") || !strings.Contains(page.body, `status-submitted">Queued`) ||
			!strings.Contains(page.body, `/audio/1.wav">Listen`) {
			t.Errorf("after the re-run the page lacks the notice, the state or the old file:\n%s", page.body)
		}
		renderAll(t, v)
		if a, _ := db.Audio(t.Context(), st.ID, 1); a.State != store.AudioDone || a.Attempts != 2 {
			t.Errorf("after the re-run: %+v", a)
		}
		if r := ed.post("/desk/stories/"+strconv.FormatInt(draft.ID, 10)+"/audio", nil); r.status != http.StatusConflict {
			t.Errorf("re-run of a draft: %d, want 409", r.status)
		}
		if r := ed.post("/desk/stories/999999/audio", nil); r.status != http.StatusNotFound {
			t.Errorf("re-run of no story: %d, want 404", r.status)
		}
		if r := ed.get("/desk/stories/" + strconv.FormatInt(draft.ID, 10) + "/versions"); r.status != http.StatusOK || strings.Contains(r.body, `/audio"`) {
			t.Errorf("a draft's versions page: %d, offers a re-run: %v", r.status, strings.Contains(r.body, `/audio"`))
		}
	})
}

// TestAudioUnavailableOnDesk: without espeak-ng the desk says why, the
// rendering shows as unavailable, and the rest of the page works.
func TestAudioUnavailableOnDesk(t *testing.T) {
	db := storetest.SQLite(t)
	f, v := withVoice(t, db, speech.NewESpeak("/nonexistent/espeak-ng"), speech.NewOpus("", 0))
	st := f.story(t, "en", story.StatusPublished)
	renderAll(t, v)
	page := f.login(t, auth.RoleEditor).get("/desk/stories/" + strconv.FormatInt(st.ID, 10) + "/versions")
	for _, want := range []string{"Voice-over is unavailable on this server: ", "espeak-ng is not installed",
		`<span class="status status-killed">Unavailable</span>`} {
		if !strings.Contains(page.body, want) {
			t.Errorf("versions page lacks %q", want)
		}
	}
}
