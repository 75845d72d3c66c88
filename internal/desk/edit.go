package desk

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

type editPage struct {
	page
	Story                                  story.Story
	StoryLang                              lang.Language
	StatusLabel, VersionS                  string
	Action                                 string
	LangOptions, SectionOptions            []option
	DatelineDate, Tags                     string
	PublicURL, ScheduledAt, EmbargoedUntil string
	PublishAtInput, Zone                   string
	Preview                                template.HTML
	CanSave, CanSubmit, CanReturn          bool
	CanPublish, CanSchedule                bool
	CanCorrect, CanKill                    bool
	Family                                 []familyRow
	Missing                                []lang.Language
	Assignees                              []option
	WorkspaceURL                           string
	Related                                *relatedPanel // related.go
	Images                                 *imagesPanel  // images.go
}

func facts(st story.Story) auth.StoryFacts {
	return auth.StoryFacts{AuthorID: st.AuthorID, Lang: st.Lang, Status: string(st.Status)}
}

// renderEditor shows the editor for st (a new story when st.ID is 0), with
// status and, after a refused save, the user's unsaved input and the reason.
func (d *Desk) renderEditor(w http.ResponseWriter, r *http.Request, a newsroom.Actor, st story.Story, status int, problem string) error {
	ctx := r.Context()
	p := d.page(r, a.User, "stories")
	p.Error = problem
	secs, err := d.store.Sections(ctx)
	if err != nil {
		return err
	}
	sl, ok := lang.Get(st.Lang)
	if !ok {
		sl = p.Lang
		if !auth.CanCreateIn(a.User, sl.Code) {
			for _, l := range lang.All() {
				if auth.CanCreateIn(a.User, l.Code) {
					sl = l
					break
				}
			}
		}
		st.Lang = sl.Code
	}
	zone := d.agencyZone(r)
	data := editPage{page: p, Story: st, StoryLang: sl, Action: "/desk/stories", Zone: zone.String(),
		SectionOptions: sectionOptions(secs, p.Lang.Code, st.Section), DatelineDate: st.Dateline.Date.String(),
		Tags: strings.Join(st.Tags, ", ")}
	if st.ID == 0 {
		p.Title = p.T("desk.new_title")
		data.Nav = "new"
		for _, l := range lang.All() {
			if auth.CanCreateIn(a.User, l.Code) {
				data.LangOptions = append(data.LangOptions, option{Value: l.Code, Label: l.Name, Selected: l.Code == st.Lang})
			}
		}
		data.CanSave = true
		if data.DatelineDate == "" {
			data.DatelineDate = story.DateOf(d.now().In(zone)).String()
		}
	} else {
		p.Title = st.Headline
		data.Action = "/desk/stories/" + strconv.FormatInt(st.ID, 10)
		data.StatusLabel = statusLabel(p, st.Status)
		data.VersionS = strconv.Itoa(st.Version)
		f := facts(st)
		data.CanSave = auth.CanOnStory(a.User, auth.ActionStoryEdit, f)
		data.CanSubmit = auth.CanOnStory(a.User, auth.ActionStorySubmit, f)
		data.CanReturn = st.Status == story.StatusSubmitted && auth.CanOnStory(a.User, auth.ActionStoryReturn, f)
		data.CanPublish = auth.CanOnStory(a.User, auth.ActionStoryPublish, f)
		data.CanSchedule = auth.CanOnStory(a.User, auth.ActionStorySchedule, f)
		data.CanCorrect = auth.CanOnStory(a.User, auth.ActionStoryCorrect, f)
		data.CanKill = auth.CanOnStory(a.User, auth.ActionStoryKill, f)
		if st.Public(d.now()) {
			data.PublicURL = d.publicPath(st)
		}
		if !st.PublishAt.IsZero() && st.Status != story.StatusPublished {
			data.ScheduledAt = p.Lang.FormatDateTime(st.PublishAt.In(zone))
			data.PublishAtInput = st.PublishAt.In(zone).Format("2006-01-02T15:04")
		}
		if st.Status == story.StatusPublished && !st.Public(d.now()) {
			data.EmbargoedUntil = p.Lang.FormatDateTime(st.EmbargoUntil.In(zone))
		}
	}
	data.page = p
	if err := d.familyPart(r, a, p, st, &data); err != nil {
		return err
	}
	if err := d.relatedPart(r, a, st, &data); err != nil {
		return err
	}
	if err := d.imagesPart(r, a, st, &data); err != nil {
		return err
	}
	if st.Body != "" {
		// A preview that fails (a body the renderer refuses) must not hide
		// the editor that can fix it.
		if html, err := d.preview(ctx, st); err == nil {
			data.Preview = html
		}
	}
	return d.tpl.Render(w, status, "edit", data)
}

func (d *Desk) newStory(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionStoryCreate) {
		return forbidden()
	}
	st := story.Story{Lang: r.URL.Query().Get("lang")}
	return d.renderEditor(w, r, a, st, http.StatusOK, "")
}

func (d *Desk) create(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	st, err := storyForm(r)
	if err == nil {
		err = d.svc.Create(r.Context(), a, &st)
	}
	if err != nil {
		return d.refused(w, r, a, st, err)
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(st.ID, 10)+"?done=created", http.StatusSeeOther)
	return nil
}

// refused re-renders the editor with the user's input and the reason when
// the service rejected it for something the user can fix; other errors go
// to the error page. Nothing was saved either way.
func (d *Desk) refused(w http.ResponseWriter, r *http.Request, a newsroom.Actor, st story.Story, err error) error {
	status, msg := publicError(err)
	if status != http.StatusUnprocessableEntity {
		return err
	}
	if st.ID != 0 {
		stored, serr := d.svc.Story(r.Context(), a, st.ID)
		if serr != nil {
			return serr
		}
		stored.Headline, stored.Summary, stored.Byline, stored.Dateline = st.Headline, st.Summary, st.Byline, st.Dateline
		stored.Section, stored.Tags, stored.Body = st.Section, st.Tags, st.Body
		st = stored
	}
	return d.renderEditor(w, r, a, st, status, msg)
}

func (d *Desk) show(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := d.svc.Story(r.Context(), a, id)
	if err != nil {
		return err
	}
	return d.renderEditor(w, r, a, st, http.StatusOK, "")
}

// saveForm saves the submitted fields onto story id.
func (d *Desk) saveForm(r *http.Request, a newsroom.Actor, id int64) (story.Story, error) {
	st, err := storyForm(r)
	st.ID = id
	if err != nil {
		return st, err
	}
	return st, d.svc.Save(r.Context(), a, &st)
}

func (d *Desk) save(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if st, err := d.saveForm(r, a, id); err != nil {
		return d.refused(w, r, a, st, err)
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(id, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}

// act runs a workflow action. Actions posted from the editor's form save
// its fields first, so that what the editor sees is what gets published.
func (d *Desk) act(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	action := r.PathValue("action")
	if err := r.ParseForm(); err != nil {
		return err
	}
	perm, ok := actionPermission[action]
	if !ok {
		return web.NotFound(fmt.Errorf("no desk action %q", action))
	}
	// A forbidden action changes nothing: refuse before the form is saved.
	if !auth.Can(a.User, perm) {
		return forbidden()
	}
	current, err := d.svc.Story(ctx, a, id)
	if err != nil {
		return err
	}
	fromEditor := r.PostForm.Has("headline")
	if fromEditor && action != "kill" && auth.CanOnStory(a.User, perm, facts(current)) {
		if auth.CanOnStory(a.User, auth.ActionStoryEdit, facts(current)) {
			if st, err := d.saveForm(r, a, id); err != nil {
				return d.refused(w, r, a, st, err)
			}
		}
	}
	zone := d.agencyZone(r)
	var done string
	switch action {
	case "submit":
		err, done = pass(d.svc.Submit(ctx, a, id)), "submitted"
	case "return":
		err, done = pass(d.svc.Return(ctx, a, id)), "returned"
	case "publish":
		var until time.Time
		if until, err = localTime(r.PostForm.Get("embargo_until"), zone); err == nil {
			_, err = d.svc.Publish(ctx, a, id, until)
		}
		done = "published"
	case "schedule":
		var at time.Time
		if at, err = localTime(r.PostForm.Get("publish_at"), zone); err == nil {
			_, err = d.svc.Schedule(ctx, a, id, at)
		}
		done = "scheduled"
	case "correct":
		_, err = d.svc.Correct(ctx, a, id, r.PostForm.Get("note"))
		done = "corrected"
	case "kill":
		_, err = d.svc.Kill(ctx, a, id, r.PostForm.Get("notice"))
		done = "killed"
	default:
		return web.NotFound(fmt.Errorf("no desk action %q", action))
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
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

// actionPermission maps the desk's action URLs to the permission each needs.
var actionPermission = map[string]auth.Action{
	"submit": auth.ActionStorySubmit, "return": auth.ActionStoryReturn, "publish": auth.ActionStoryPublish,
	"schedule": auth.ActionStorySchedule, "correct": auth.ActionStoryCorrect, "kill": auth.ActionStoryKill,
}

// pass drops a story result, keeping the error.
func pass(_ story.Story, err error) error { return err }
