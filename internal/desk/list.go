package desk

import (
	"net/http"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

type listPage struct {
	page
	Statuses, LangOptions, SectionOptions, AuthorOptions []option
	Rows                                                 []listRow
	Total                                                int
	PrevURL, NextURL                                     string
}

type listRow struct {
	ID                                    int64
	Headline, Tag, Dir, LangName, Section string
	Status, StatusLabel, Note             string
	Updated, UpdatedISO                   string
}

const listPerPage = 50

// list is the desk's home: stories of every state, filtered. Translators
// see only the languages they work in and their own stories.
func (d *Desk) list(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	ctx := r.Context()
	p := d.page(r, a.User, "stories")
	p.Title = p.T("desk.stories_title")
	qv := r.URL.Query()
	q := store.DeskQuery{Status: story.Status(qv.Get("status")), Lang: qv.Get("lang"), Section: qv.Get("section"), Limit: listPerPage}
	if q.Status != "" && !q.Status.Valid() {
		q.Status = ""
	}
	if _, ok := lang.Get(q.Lang); !ok {
		q.Lang = ""
	}
	switch v := qv.Get("author"); v {
	case "":
	case "me":
		q.AuthorID = a.User.ID
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return errInputf("author %q is not a user id", v)
		}
		q.AuthorID = id
	}
	page, _ := strconv.Atoi(qv.Get("page"))
	page = max(page, 1)
	q.Offset = (page - 1) * listPerPage
	if !a.User.Has(auth.RoleAdmin) && !a.User.Has(auth.RoleEditor) && !a.User.Has(auth.RoleReporter) {
		q.Langs = translatorLangs(a.User)
	}
	total, err := d.store.CountDeskStories(ctx, q)
	if err != nil {
		return err
	}
	list, err := d.store.DeskStories(ctx, q)
	if err != nil {
		return err
	}
	secs, err := d.store.Sections(ctx)
	if err != nil {
		return err
	}
	// Colleagues' names are no secret inside the newsroom: every desk user
	// may filter by any author.
	staff, err := d.store.Users(ctx)
	if err != nil {
		return err
	}
	zone := d.agencyZone(r)
	data := listPage{page: p, Total: total, LangOptions: langOptions(q.Lang),
		SectionOptions: sectionOptions(secs, p.Lang.Code, q.Section),
		AuthorOptions:  []option{{Value: "me", Label: p.T("desk.author_me"), Selected: qv.Get("author") == "me"}}}
	for _, u := range staff {
		label := u.Email
		if u.Name != "" {
			label = u.Name + " <" + u.Email + ">"
		}
		data.AuthorOptions = append(data.AuthorOptions, option{Value: strconv.FormatInt(u.ID, 10), Label: label,
			Selected: qv.Get("author") == strconv.FormatInt(u.ID, 10)})
	}
	for _, s := range []story.Status{story.StatusDraft, story.StatusSubmitted, story.StatusPublished, story.StatusKilled} {
		data.Statuses = append(data.Statuses, option{Value: string(s), Label: statusLabel(p, s), Selected: s == q.Status})
	}
	names := map[string]string{}
	for _, s := range secs {
		names[s.Key] = s.Names[p.Lang.Code]
	}
	now := d.now()
	for _, st := range list {
		l, _ := lang.Get(st.Lang)
		row := listRow{ID: st.ID, Headline: st.Headline, Tag: l.Tag, Dir: l.Dir, LangName: l.Name,
			Section: names[st.Section], Status: string(st.Status), StatusLabel: statusLabel(p, st.Status),
			Updated: p.Lang.FormatDateTime(st.UpdatedAt.In(zone)), UpdatedISO: st.UpdatedAt.UTC().Format(time.RFC3339)}
		switch {
		case !st.PublishAt.IsZero() && st.Status != story.StatusPublished:
			row.Note = p.T("desk.scheduled_for", "time", p.Lang.FormatDateTime(st.PublishAt.In(zone)))
		case st.Status == story.StatusPublished && !st.Public(now):
			row.Note = p.T("desk.embargoed_until", "time", p.Lang.FormatDateTime(st.EmbargoUntil.In(zone)))
		}
		data.Rows = append(data.Rows, row)
	}
	link := func(n int) string { return pageLink("/desk/", qv, []string{"status", "lang", "section", "author"}, n) }
	if page > 1 {
		data.PrevURL = link(page - 1)
	}
	if page*listPerPage < total {
		data.NextURL = link(page + 1)
	}
	return d.tpl.Render(w, http.StatusOK, "list", data)
}

// translatorLangs are the languages a translator reads or writes.
func translatorLangs(u auth.User) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range u.Pairs {
		for _, c := range []string{p.From, p.To} {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	if len(out) == 0 {
		out = []string{"-"} // a translator without pairs sees nothing
	}
	return out
}
