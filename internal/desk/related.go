package desk

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/story"
)

// The editor's "Related stories" panel and the Also Read picker's
// suggestions. The panel shows what readers see beside the story now, the
// pins and the exclusions, and lets those who may change them pin, unpin,
// move up, exclude and allow again with plain POST forms (no script
// needed); a story to pin is found by its headline.

// relatedRoutes adds the related-story routes to the desk's mux.
func (d *Desk) relatedRoutes(mux *http.ServeMux) {
	mux.Handle("POST /desk/stories/{id}/related", d.user(d.relatedChoose))
	mux.Handle("GET /desk/stories/{id}/related.json", d.user(d.relatedJSON))
}

// related is the related-story service over the desk's store and index.
func (d *Desk) related() *related.Service {
	return related.New(related.Options{Store: d.store, Index: d.search, Log: d.log, Now: d.now})
}

// relatedPanel is the panel's part of the editor page.
type relatedPanel struct {
	StoryID   int64
	CanChange bool
	Shown     []relatedRow // what readers see beside the story now
	Pins      []relatedRow
	Excluded  []relatedRow
	Query     string       // the headline search, when one was made
	Found     []relatedRow // its results
}

type relatedRow struct {
	ID               int64
	Headline         string
	Tag, Dir         string
	URL              string // the story in the desk
	Pinned, Excluded bool
	Position         int  // among the pins, 1 first
	UpPosition       int  // where "move up" puts it; 0 for the first pin
	NotPublic        bool // a pin readers cannot see now
}

// maxRelatedQuery bounds the headline search, as the picker's does.
const maxRelatedQuery = 200

// relatedPart fills the editor's panel for a saved story.
func (d *Desk) relatedPart(r *http.Request, a newsroom.Actor, st story.Story, data *editPage) error {
	if st.ID == 0 {
		return nil
	}
	ctx := r.Context()
	svc := d.related()
	ch, err := svc.Choices(ctx, a, st.ID)
	if err != nil {
		return err
	}
	now := d.now()
	shown, err := svc.For(ctx, st, now)
	if err != nil {
		return err
	}
	p := &relatedPanel{StoryID: st.ID, CanChange: auth.CanOnStory(a.User, auth.ActionStoryRelated, facts(st))}
	pinned, excluded := map[int64]bool{}, map[int64]bool{}
	for i, o := range ch.Pins {
		pinned[o.ID] = true
		row := relatedRowOf(o)
		row.Pinned, row.Position, row.UpPosition, row.NotPublic = true, i+1, i, !o.Public(now)
		p.Pins = append(p.Pins, row)
	}
	for _, o := range ch.Excluded {
		excluded[o.ID] = true
		row := relatedRowOf(o)
		row.Excluded = true
		p.Excluded = append(p.Excluded, row)
	}
	for _, o := range shown {
		row := relatedRowOf(o)
		row.Pinned = pinned[o.ID]
		p.Shown = append(p.Shown, row)
	}
	if q := strings.TrimSpace(r.URL.Query().Get("related_q")); q != "" && p.CanChange {
		if len(q) > maxRelatedQuery {
			q = q[:maxRelatedQuery]
			q = strings.ToValidUTF8(q, "")
		}
		p.Query = q
		found, err := d.store.SearchHeadlines(ctx, q, st.Lang, 10)
		if err != nil && !errors.Is(err, story.ErrInvalid) {
			return err
		}
		// A query the store refuses (a NUL byte) simply finds nothing.
		for _, o := range found {
			if o.ID == st.ID || pinned[o.ID] {
				continue
			}
			row := relatedRowOf(o)
			row.Excluded = excluded[o.ID]
			p.Found = append(p.Found, row)
		}
	}
	data.Related = p
	return nil
}

func relatedRowOf(st story.Story) relatedRow {
	l, _ := lang.Get(st.Lang)
	return relatedRow{ID: st.ID, Headline: st.Headline, Tag: l.Tag, Dir: l.Dir,
		URL: "/desk/stories/" + strconv.FormatInt(st.ID, 10)}
}

// relatedChoose pins, excludes or clears one story (the form's "other")
// for story id. A choice the rules refuse shows the editor again with the
// reason.
func (d *Desk) relatedChoose(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err // too large: a 413 of its own
		}
		return errInputf("the form could not be read")
	}
	in, err := parseRelatedForm(r.PostForm)
	if err != nil {
		return err
	}
	ctx := r.Context()
	svc := d.related()
	switch in.do {
	case "pin":
		err = svc.Pin(ctx, a, id, in.other, in.position)
	case "exclude":
		err = svc.Exclude(ctx, a, id, in.other)
	case "clear":
		err = svc.Clear(ctx, a, id, in.other)
	}
	if err != nil {
		if status, msg := publicError(err); status == http.StatusUnprocessableEntity {
			st, serr := d.svc.Story(ctx, a, id)
			if serr != nil {
				return serr
			}
			return d.renderEditor(w, r, a, st, status, msg)
		}
		return err
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(id, 10)+"?done=saved#q_related", http.StatusSeeOther)
	return nil
}

// relatedInput is what the panel's forms post.
type relatedInput struct {
	do       string // pin, exclude or clear
	other    int64  // the story chosen
	position int    // for a pin: its place, 1 first; 0 to keep or append
}

// parseRelatedForm reads a panel form, refusing anything the panel does
// not send.
func parseRelatedForm(f url.Values) (relatedInput, error) {
	var in relatedInput
	switch in.do = f.Get("do"); in.do {
	case "pin", "exclude", "clear":
	default:
		return relatedInput{}, errInputf("%q is not a related-story action", clip(in.do, 40))
	}
	other, err := strconv.ParseInt(strings.TrimSpace(f.Get("other")), 10, 64)
	if err != nil || other <= 0 {
		return relatedInput{}, errInputf("%q is not a story number", clip(f.Get("other"), 40))
	}
	in.other = other
	if v := f.Get("position"); v != "" {
		if in.position, err = strconv.Atoi(v); err != nil || in.position < 1 || in.position > related.Limit || in.do != "pin" {
			return relatedInput{}, errInputf("position %q is not a pin's place from 1 to %d", clip(v, 40), related.Limit)
		}
	}
	return in, nil
}

// relatedJSON answers the Also Read picker's suggestions before the editor
// types: the story's related list, in the shape of a headline search.
func (d *Desk) relatedJSON(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := d.svc.Story(ctx, a, id)
	if err != nil {
		return err
	}
	list, err := d.related().For(ctx, st, d.now())
	if err != nil {
		return err
	}
	out := make([]headlineResult, 0, len(list))
	for _, o := range list {
		l, _ := lang.Get(o.Lang)
		out = append(out, headlineResult{ID: o.ID, Headline: o.Headline, Lang: l.Tag, Dir: l.Dir,
			Token: "[[also:" + strconv.FormatInt(o.ID, 10) + "]]"})
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}

// clip shortens outside text quoted back in an error message.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
