package desk

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/story"
)

// previewBody renders the editor's unsaved body as the public page would:
// the live preview. It answers an HTML fragment; the editor's script puts
// it in the preview pane, which carries the story's lang and dir.
func (d *Desk) previewBody(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	st, err := storyForm(r)
	if err != nil {
		return err
	}
	if _, ok := lang.Get(st.Lang); !ok {
		return errInputf("unknown language %q", st.Lang)
	}
	// Preview is checked like a save: valid text, within the size limit.
	if len(st.Body) > story.MaxBody {
		return errInputf("body is larger than %d bytes", story.MaxBody)
	}
	html, err := d.preview(r.Context(), st)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write([]byte(html))
	return err
}

type headlineResult struct {
	ID       int64  `json:"id"`
	Headline string `json:"headline"`
	Lang     string `json:"lang"`
	Dir      string `json:"dir"`
	Token    string `json:"token"`
}

// headlines finds published stories by headline for the Also Read picker.
func (d *Desk) headlines(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	code := r.URL.Query().Get("lang")
	if _, ok := lang.Get(code); !ok {
		code = ""
	}
	out := []headlineResult{}
	if len([]rune(q)) >= 2 && len(q) <= 200 {
		list, err := d.store.SearchHeadlines(r.Context(), q, code, 10)
		if err != nil {
			return err
		}
		for _, st := range list {
			l, _ := lang.Get(st.Lang)
			out = append(out, headlineResult{ID: st.ID, Headline: st.Headline, Lang: l.Tag, Dir: l.Dir,
				Token: "[[also:" + strconv.FormatInt(st.ID, 10) + "]]"})
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}
