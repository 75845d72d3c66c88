package desk

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/segment"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
	"github.com/qasid/qasid/internal/web"
)

// familyRow is one language of a story's family on the editor page.
type familyRow struct {
	Code, Tag, Name, State, StateLabel, URL string
}

// familyPart fills the editor's translations panel: the state of each of the
// seven languages, and for editors the form that starts translations.
func (d *Desk) familyPart(r *http.Request, a newsroom.Actor, p page, st story.Story, data *editPage) error {
	if st.ID == 0 || d.tr == nil {
		return nil
	}
	ctx := r.Context()
	states, err := d.tr.Overview(ctx, a, st.FamilyID)
	if err != nil {
		return err
	}
	for _, s := range states {
		l, _ := lang.Get(s.Lang)
		row := familyRow{Code: l.Code, Tag: l.Tag, Name: l.Name, State: s.State, StateLabel: p.T("desk.tstate_" + s.State)}
		if s.StoryID != 0 && s.StoryID != st.ID {
			row.URL = "/desk/stories/" + strconv.FormatInt(s.StoryID, 10)
		}
		if s.State == "missing" {
			data.Missing = append(data.Missing, l)
		}
		data.Family = append(data.Family, row)
	}
	if st.TranslatedFromID != 0 {
		data.WorkspaceURL = "/desk/stories/" + strconv.FormatInt(st.ID, 10) + "/translate"
	}
	if !auth.Can(a.User, auth.ActionTranslateStart) || st.Version == 0 {
		data.Missing = nil // only editors start translations, of published stories
		return nil
	}
	staff, err := d.store.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range staff {
		if u.Disabled || !(u.Has(auth.RoleTranslator) || u.Has(auth.RoleEditor)) {
			continue
		}
		label := u.Email
		if len(u.Pairs) > 0 {
			label += " (" + pairsText(u.Pairs) + ")"
		}
		data.Assignees = append(data.Assignees, option{Value: strconv.FormatInt(u.ID, 10), Label: label})
	}
	return nil
}

// startTranslations creates translation drafts of a story, optionally
// assigned to a translator with a due time.
func (d *Desk) startTranslations(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var assignee int64
	if v := r.PostForm.Get("assignee"); v != "" {
		if assignee, err = strconv.ParseInt(v, 10, 64); err != nil || assignee < 1 {
			return errInputf("assignee %q is not a user id", v)
		}
	}
	due, err := localTime(r.PostForm.Get("due"), d.agencyZone(r))
	if err != nil {
		return err
	}
	langs := r.PostForm["lang"]
	if len(langs) == 0 {
		return errInputf("choose at least one language")
	}
	if _, err := d.tr.Start(r.Context(), a, id, langs, assignee, due); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(id, 10)+"?done=translations", http.StatusSeeOther)
	return nil
}

type queuePage struct {
	page
	Tasks []queueRow
}

type queueRow struct {
	ID                                                             int64
	SourceHeadline, SourceTag, SourceDir, LangName, SourceLangName string
	Due, DueISO, Status, StatusLabel                               string
	Overdue, OutOfDate                                             bool
}

// queue is a translator's list of work: assigned, due and overdue.
func (d *Desk) queue(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	tasks, err := d.tr.Queue(r.Context(), a)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "queue")
	p.Title = p.T("desk.queue_title")
	zone := d.agencyZone(r)
	data := queuePage{page: p}
	for _, t := range tasks {
		tl, _ := lang.Get(t.Story.Lang)
		sl, _ := lang.Get(t.Source.Lang)
		row := queueRow{ID: t.Story.ID, SourceHeadline: t.Source.Headline, SourceTag: sl.Tag, SourceDir: sl.Dir,
			LangName: tl.Name, SourceLangName: sl.Name, Status: string(t.Story.Status), StatusLabel: statusLabel(p, t.Story.Status),
			Overdue: t.Overdue, OutOfDate: t.OutOfDate}
		if !t.Due.IsZero() {
			row.Due, row.DueISO = p.Lang.FormatDateTime(t.Due.In(zone)), t.Due.UTC().Format(time.RFC3339)
		}
		data.Tasks = append(data.Tasks, row)
	}
	return d.tpl.Render(w, http.StatusOK, "queue", data)
}

type dashboardPage struct {
	page
	Since string
	Rows  []dashboardRow
}

type dashboardRow struct {
	Tag, Name                                 string
	Published, InProgress, OutOfDate, Missing int
}

// dashboardDays is how far back the dashboard counts.
const dashboardDays = 30

func (d *Desk) dashboard(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	since := d.now().AddDate(0, 0, -dashboardDays)
	counts, err := d.tr.Dashboard(r.Context(), a, since)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "dashboard")
	p.Title = p.T("desk.dashboard_title")
	data := dashboardPage{page: p, Since: p.Lang.FormatDate(since.In(d.agencyZone(r)))}
	for _, l := range lang.All() {
		c := counts[l.Code]
		data.Rows = append(data.Rows, dashboardRow{Tag: l.Tag, Name: l.Name, Published: c.Published, InProgress: c.InProgress,
			OutOfDate: c.OutOfDate, Missing: c.Missing})
	}
	return d.tpl.Render(w, http.StatusOK, "dashboard", data)
}

type workspacePage struct {
	page
	StoryID                                  int64
	SourceLang, TargetLang                   lang.Language
	SourceHeadline, BasedOnS, SourceVersionS string
	OutOfDate, MT, CanSubmit                 bool
	MTName                                   string
	Rows                                     []wsRow
	Removed                                  []string
	Warnings                                 []wsTerm
}

type wsRow struct {
	Index                        int
	Kind, KindLabel, ChangeLabel string
	Change                       string
	Source, Target               string
	Fixed                        bool // an Also Read token: copied, not translated
	Rows                         int
	Matches                      []translate.Match
	Terms                        []wsTerm
}

type wsTerm struct {
	Source, Target string
	Missing        bool
}

// workspace is the side-by-side editor of a translation.
func (d *Desk) workspace(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return d.renderWorkspace(w, r, a, id, nil, http.StatusOK)
}

func (d *Desk) renderWorkspace(w http.ResponseWriter, r *http.Request, a newsroom.Actor, id int64, warnings []translate.TermCheck, status int) error {
	ws, err := d.tr.Workspace(r.Context(), a, id)
	if err != nil {
		return err
	}
	if ws.Target.TranslatedFromID == 0 {
		return web404("not a translation")
	}
	p := d.page(r, a.User, "queue")
	sl, _ := lang.Get(ws.Source.Lang)
	tl, _ := lang.Get(ws.Target.Lang)
	p.Title = p.T("desk.workspace_title", "from", sl.Name, "to", tl.Name)
	data := workspacePage{page: p, StoryID: id, SourceLang: sl, TargetLang: tl, SourceHeadline: ws.Source.Headline,
		BasedOnS: strconv.Itoa(ws.BasedOn), SourceVersionS: strconv.Itoa(ws.SourceVersion), OutOfDate: ws.OutOfDate, MT: ws.MT,
		MTName: d.mtName, CanSubmit: auth.CanOnStory(a.User, auth.ActionStorySubmit, facts(ws.Target))}
	for _, row := range ws.Rows {
		wr := wsRow{Index: row.Index, Kind: string(row.Kind), KindLabel: p.T("desk.seg_" + string(row.Kind)), Change: string(row.Change),
			Source: row.Source, Target: row.Target, Fixed: row.Kind == segment.KindAlso, Matches: row.Matches,
			Rows: 2 + len([]rune(row.Source))/90}
		if row.Kind == segment.KindAlso && wr.Target == "" {
			wr.Target = row.Source
		}
		if row.Change != "" && row.Change != segment.ChangeKind("same") {
			wr.ChangeLabel = p.T("desk.change_" + string(row.Change))
		}
		for _, tc := range row.Terms {
			wr.Terms = append(wr.Terms, wsTerm{Source: tc.Term.Source, Target: tc.Term.Target, Missing: tc.Missing})
		}
		data.Rows = append(data.Rows, wr)
	}
	for _, s := range ws.Removed {
		data.Removed = append(data.Removed, s.Text)
	}
	for _, tc := range warnings {
		data.Warnings = append(data.Warnings, wsTerm{Source: tc.Term.Source, Target: tc.Term.Target, Missing: true})
	}
	return d.tpl.Render(w, status, "workspace", data)
}

// saveWorkspace stores the translator's segments; "current" also marks the
// translation as up to date with the latest source, "submit" hands it to
// the editors unless the glossary finds approved terms missing and the
// translator has not confirmed.
func (d *Desk) saveWorkspace(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	var targets []string
	for i := 0; ; i++ {
		v, ok := r.PostForm["t"+strconv.Itoa(i)]
		if !ok {
			break
		}
		targets = append(targets, strings.ReplaceAll(strings.Join(v, ""), "\r\n", "\n"))
		if i > 10_000 {
			return errInputf("too many segments")
		}
	}
	do := r.PostForm.Get("do")
	warnings, err := d.tr.Save(r.Context(), a, id, targets, do == "current", do == "submit", r.PostForm.Get("confirm") == "1")
	var done string
	switch {
	case errors.Is(err, translate.ErrGlossary):
		// Saved, not submitted: show what is missing and ask to confirm.
		return d.renderWorkspace(w, r, a, id, warnings, http.StatusUnprocessableEntity)
	case err != nil:
		return err
	case do == "submit":
		done = "submitted"
	default:
		done = "saved"
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(id, 10)+"/translate?done="+done, http.StatusSeeOther)
	return nil
}

// machine answers one segment's machine pre-translation as plain text.
func (d *Desk) machine(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	index, err := strconv.Atoi(r.URL.Query().Get("index"))
	if err != nil || index < 0 {
		return errInputf("segment index %q", r.URL.Query().Get("index"))
	}
	text, err := d.tr.MachineTranslate(r.Context(), a, id, index)
	if errors.Is(err, translate.ErrNoProvider) {
		return web404("no machine translation configured")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err = fmt.Fprint(w, text)
	return err
}

func web404(why string) error { return web.NotFound(errors.New(why)) }
