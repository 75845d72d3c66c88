package desk

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// The voice-over on the desk: each version's rendering on the versions
// page, with its state, and "render again" for editors.

func (d *Desk) audioRoutes(mux *http.ServeMux) {
	mux.Handle("POST /desk/stories/{id}/audio", d.user(d.rerunAudio))
	mux.Handle("GET /desk/stories/{id}/audio/{file}", d.user(d.audioFile))
}

// audioPanel is the versions page's voice-over part.
type audioPanel struct {
	Shown       bool // voice-overs are set up on this server at all
	StoryID     int64
	Unavailable string // why speech is unavailable, "" when it is not
	Engine      string
	CanRerun    bool
	Rows        map[int]audioRow // by version
}

// audioRow is one version's rendering as the desk shows it.
type audioRow struct {
	Label, Class, Error string
	Listen, ListenText  string // the desk's own address of the file, "" for none
}

// audioStates maps a rendering's state to its catalog key and badge.
var audioStates = map[store.AudioState][2]string{
	store.AudioQueued:      {"audio.state_queued", "status-submitted"},
	store.AudioRunning:     {"audio.state_running", "status-submitted"},
	store.AudioDone:        {"audio.state_done", "status-published"},
	store.AudioFailed:      {"audio.state_failed", "status-killed"},
	store.AudioUnavailable: {"audio.state_unavailable", "status-killed"},
	store.AudioSuperseded:  {"audio.state_superseded", ""},
}

// audioPanel builds the panel for story st, and the flash after a re-run.
func (d *Desk) audioPanel(r *http.Request, p *page, st story.Story) (audioPanel, error) {
	if d.voice == nil {
		return audioPanel{}, nil
	}
	ctx := r.Context()
	panel := audioPanel{Shown: true, StoryID: st.ID, Engine: d.voice.ProviderName(), Rows: map[int]audioRow{},
		CanRerun: st.Status == story.StatusPublished && auth.CanOnStory(p.User, auth.ActionStoryCorrect, facts(st))}
	if err := d.voice.Available(ctx); err != nil {
		panel.Unavailable = err.Error()
	}
	if r.URL.Query().Get("done") == "audio_queued" {
		p.Flash = p.T("audio.rerun_done")
	}
	renderings, err := d.voice.Renderings(ctx, st.ID)
	if err != nil {
		return audioPanel{}, err
	}
	for _, a := range renderings {
		state, ok := audioStates[a.State]
		if !ok {
			continue
		}
		row := audioRow{Class: state[1], Label: p.T(state[0], "duration", durationWords(p, a.Duration))}
		if a.State == store.AudioFailed || a.State == store.AudioUnavailable || a.State == store.AudioQueued {
			if a.Error != "" {
				row.Error = p.T("audio.error", "error", a.Error)
			}
		}
		if a.HasFile() {
			row.Listen = "/desk/stories/" + strconv.FormatInt(st.ID, 10) + "/audio/" + strconv.Itoa(a.Version) + path.Ext(a.BlobKey)
			row.ListenText = p.T("audio.listen_link")
		}
		panel.Rows[a.Version] = row
	}
	// Versions published before voice-overs existed have no rendering; a
	// kill notice is not read.
	last := st.Version
	if st.Status == story.StatusKilled {
		last--
	}
	for v := 1; v <= last; v++ {
		if _, ok := panel.Rows[v]; !ok {
			panel.Rows[v] = audioRow{Label: p.T("audio.state_none")}
		}
	}
	return panel, nil
}

// durationWords says d, rounded to the second, in the user's language.
func durationWords(p *page, d time.Duration) string {
	d = d.Round(time.Second)
	m, s := int(d/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case m == 0:
		return p.N("audio.seconds", s)
	case s == 0:
		return p.N("audio.minutes", m)
	}
	return p.T("audio.duration", "minutes", p.N("audio.minutes", m), "seconds", p.N("audio.seconds", s))
}

// rerunAudio queues the latest version's voice-over again: editors and
// admins, on a published story.
func (d *Desk) rerunAudio(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if d.voice == nil {
		return web404("voice-overs are not set up")
	}
	if _, err := d.svc.Story(r.Context(), a, id); err != nil {
		return err
	}
	// Who may publish a new version may have it read again; whether
	// there is a published version to read is the service's answer.
	if !auth.Can(a.User, auth.ActionStoryCorrect) {
		return forbidden()
	}
	if _, err := d.voice.ReRun(r.Context(), id); err != nil {
		return err
	}
	d.log.InfoContext(r.Context(), "desk: voice-over queued again", "story_id", id, "user_id", a.User.ID)
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(id, 10)+"/versions?done=audio_queued", http.StatusSeeOther)
	return nil
}

// audioFile plays any version's voice-over to those who may see the
// story, also before it is public (under embargo) and after a correction.
func (d *Desk) audioFile(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if d.voice == nil {
		return web404("voice-overs are not set up")
	}
	if _, err := d.svc.Story(r.Context(), a, id); err != nil {
		return err
	}
	num, ext, _ := strings.Cut(r.PathValue("file"), ".")
	version, err := strconv.Atoi(num)
	if err != nil || version < 1 || num[0] == '0' || len(num) > 9 {
		return web404(fmt.Sprintf("bad audio file %q", r.PathValue("file")))
	}
	au, err := d.voice.Playable(r.Context(), id, version)
	if err != nil {
		return err
	}
	if path.Ext(au.BlobKey) != "."+ext {
		return web404("no such file")
	}
	f, err := d.voice.Open(r.Context(), au)
	if errors.Is(err, store.ErrNotFound) {
		return web404("the file is gone")
	}
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", au.MIME)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", au.FinishedAt, f)
	return nil
}
