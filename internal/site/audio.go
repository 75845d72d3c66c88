package site

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/voice"
	"github.com/qasid/qasid/internal/web"
)

// The voice-over: a player on the story page, and the files it plays at
// /audio/{story}/{version}.{ext}.

// audioView is the story page's player.
type audioView struct {
	Src, Type string
	Label     string // "Listen · 2 minutes 38 seconds", in the page's language
	ISO       string // the duration as ISO 8601, for <time datetime>
}

// storyAudio is the player for a story's latest public version, or nil
// when that version has no voice-over yet (or voice-overs are off). An
// older version's audio is never offered: it reads what was corrected.
func (s *Site) storyAudio(ctx context.Context, l lang.Language, st story.Story) (*audioView, error) {
	if s.voice == nil {
		return nil, nil
	}
	a, err := s.voice.Playable(ctx, st.ID, st.Version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := a.Duration.Round(time.Second)
	// The query names the rendering, so a re-run's new file is fetched
	// anew despite the long caching of the old one.
	return &audioView{
		Src:   voice.Path(a) + "?r=" + strconv.Itoa(a.Attempts),
		Type:  a.MIME,
		Label: s.cat.T(l.Code, "audio.listen", "duration", s.duration(l, d)),
		ISO:   fmt.Sprintf("PT%dM%dS", int(d/time.Minute), int(d%time.Minute/time.Second)),
	}, nil
}

// duration says d (whole seconds) in the page's language with its plural
// forms: "2 minutes 38 seconds", "2 دقيقتان و38 ثانية", "2分钟38秒".
func (s *Site) duration(l lang.Language, d time.Duration) string {
	m, sec := int(d/time.Minute), int(d%time.Minute/time.Second)
	switch {
	case m == 0:
		return s.cat.N(l.Code, "audio.seconds", sec)
	case sec == 0:
		return s.cat.N(l.Code, "audio.minutes", m)
	}
	return s.cat.T(l.Code, "audio.duration", "minutes", s.cat.N(l.Code, "audio.minutes", m),
		"seconds", s.cat.N(l.Code, "audio.seconds", sec))
}

// audio serves the file of a public story version's voice-over, with
// Range support for seeking players. A story that is not public (a draft,
// under embargo, killed) has no audio either.
func (s *Site) audio(w http.ResponseWriter, r *http.Request) error {
	if s.voice == nil {
		return web.NotFound(nil)
	}
	// One address per file: the id in its canonical digits, no slug.
	id, ok := parseStoryRef(r.PathValue("story"))
	if !ok || r.PathValue("story") != strconv.FormatInt(id, 10) {
		return web.NotFound(fmt.Errorf("bad story %q", r.PathValue("story")))
	}
	file := r.PathValue("file")
	num, ext, _ := strings.Cut(file, ".")
	version, err := strconv.Atoi(num)
	if err != nil || version < 1 || len(num) > 9 || num[0] == '0' || ext == "" {
		return web.NotFound(fmt.Errorf("bad audio file %q", file))
	}
	ctx := r.Context()
	st, err := s.store.PublicStory(ctx, id, s.now())
	if err != nil {
		return storeErr(err)
	}
	if version > st.Version {
		return web.NotFound(fmt.Errorf("story %d has no version %d", id, version))
	}
	a, err := s.voice.Playable(ctx, id, version)
	if err != nil {
		return storeErr(err)
	}
	if path.Ext(a.BlobKey) != "."+ext {
		return web.NotFound(fmt.Errorf("audio of story %d version %d is not .%s", id, version, ext))
	}
	f, err := s.voice.Open(ctx, a)
	if err != nil {
		return storeErr(err)
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", a.MIME)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", fmt.Sprintf(`"a%d-%d-%d"`, id, version, a.Attempts))
	// A version's file changes only when a re-run replaces it, and the
	// page then asks for it with the new rendering's ?r=: an address that
	// names the current rendering may be cached for good.
	if r.URL.Query().Get("r") == strconv.Itoa(a.Attempts) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	http.ServeContent(w, r, "", a.FinishedAt, f)
	return nil
}
