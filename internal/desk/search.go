package desk

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

const (
	deskSearchPerPage  = 20
	deskSearchMaxPages = 50
	// maxDeskQuery refuses an absurd query before the index sees it; the
	// index has its own, tighter limit and says so in the user's language.
	maxDeskQuery = 4096
)

type searchPage struct {
	page
	Query, From, To       string
	LangOptions, Sections []option
	Searched              bool
	QueryError            string
	Total                 int
	Rows                  []searchRow
	PrevURL, NextURL      string
	PageS, PagesS         string
}

type searchRow struct {
	ID                        int64
	Headline, Tag, Dir        string
	LangName, Section         string
	Status, StatusLabel, Note string
	Working                   bool // the hit is a working copy that differs from what readers see
	Updated, UpdatedISO       string
	Snippet                   []search.Span
}

// searchStories answers GET /desk/search: every story as it now stands in the
// newsroom, drafts and unpublished changes included, limited to the
// languages the user works in. A translator finds only stories in the
// languages of their pairs, as in the story list.
func (d *Desk) searchStories(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if d.search == nil {
		return web.NotFound(errors.New("search is off"))
	}
	ctx := r.Context()
	p := d.page(r, a.User, "search")
	p.Title = p.T("search.desk_title")
	qv := r.URL.Query()
	allowed, limited := searchLangs(a.User)
	data := searchPage{page: p, Query: qv.Get("q"), From: qv.Get("from"), To: qv.Get("to")}
	code := qv.Get("lang")
	if _, ok := lang.Get(code); !ok || (limited && !slices.Contains(allowed, code)) {
		code = ""
	}
	for _, o := range langOptions(code) {
		if !limited || slices.Contains(allowed, o.Value) {
			data.LangOptions = append(data.LangOptions, o)
		}
	}
	secs, err := d.store.Sections(ctx)
	if err != nil {
		return err
	}
	section := qv.Get("section")
	data.Sections = sectionOptions(secs, p.Lang.Code, section)
	if !slices.ContainsFunc(secs, func(s story.Section) bool { return s.Key == section }) {
		section = ""
	}
	n, _ := strconv.Atoi(qv.Get("page"))
	n = max(n, 1)
	if n > deskSearchMaxPages {
		return web.NotFound(fmt.Errorf("search page %d", n))
	}
	if strings.TrimSpace(data.Query) == "" && len(data.Query) < maxDeskQuery {
		return d.tpl.Render(w, http.StatusOK, "search", data)
	}
	data.Searched = true
	req := search.Request{Query: data.Query, Scope: search.ScopeDesk, Section: section,
		Offset: (n - 1) * deskSearchPerPage, Limit: deskSearchPerPage, Highlight: true}
	switch {
	case code != "":
		req.Langs = []string{code}
	case limited:
		req.Langs = allowed
	}
	zone := d.agencyZone(r)
	var res search.Result
	req.From, req.To, err = searchDates(data.From, data.To, zone)
	if err == nil && len(data.Query) > maxDeskQuery {
		err = &search.QueryError{Code: "too_long", Detail: "the query is longer than " + strconv.Itoa(maxDeskQuery) + " bytes"}
	}
	if err == nil {
		if limited && len(allowed) == 0 {
			// A translator without pairs sees no story, so finds none.
			res = search.Result{}
		} else {
			res, err = d.search.Search(ctx, req)
		}
	}
	var qerr *search.QueryError
	if errors.As(err, &qerr) {
		key := "search.err_" + qerr.Code
		if !d.cat.Has(key) {
			key = "search.err_other"
		}
		data.QueryError = p.T(key)
		return d.tpl.Render(w, http.StatusBadRequest, "search", data)
	}
	if err != nil {
		return fmt.Errorf("desk: search: %w", err)
	}
	ids := make([]int64, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.StoryID)
	}
	// The status shown is the story's now, read from the store rather than
	// the index, which may be a second behind.
	stories, err := d.store.Stories(ctx, ids)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range secs {
		names[s.Key] = s.Names[p.Lang.Code]
		if names[s.Key] == "" {
			names[s.Key] = s.Key
		}
	}
	now := d.now()
	for _, h := range res.Hits {
		st, ok := stories[h.StoryID]
		// The index answered from the languages asked for; the check is
		// repeated here so that no slip there shows a translator a story
		// outside their languages.
		if !ok || (limited && !slices.Contains(allowed, st.Lang)) {
			continue
		}
		l, _ := lang.Get(st.Lang)
		row := searchRow{ID: st.ID, Headline: h.Headline, Tag: l.Tag, Dir: l.Dir, LangName: l.Name,
			Section: names[st.Section], Status: string(st.Status), StatusLabel: statusLabel(p, st.Status),
			Working: h.Working && st.Status == story.StatusPublished, Snippet: h.Snippet,
			Updated: p.Lang.FormatDateTime(st.UpdatedAt.In(zone)), UpdatedISO: st.UpdatedAt.UTC().Format(time.RFC3339)}
		if row.Headline == "" {
			row.Headline = st.Headline
		}
		switch {
		case !st.PublishAt.IsZero() && st.Status != story.StatusPublished:
			row.Note = p.T("desk.scheduled_for", "time", p.Lang.FormatDateTime(st.PublishAt.In(zone)))
		case st.Status == story.StatusPublished && !st.Public(now):
			row.Note = p.T("desk.embargoed_until", "time", p.Lang.FormatDateTime(st.EmbargoUntil.In(zone)))
		}
		data.Rows = append(data.Rows, row)
	}
	data.Total = int(min(res.Total, 1<<31))
	pages := max(1, min((data.Total+deskSearchPerPage-1)/deskSearchPerPage, deskSearchMaxPages))
	data.PageS, data.PagesS = p.Lang.FormatInt(n), p.Lang.FormatInt(pages)
	link := func(n int) string {
		return pageLink("/desk/search", qv, []string{"q", "lang", "section", "from", "to"}, n)
	}
	if n > 1 {
		data.PrevURL = link(n - 1)
	}
	if n < pages {
		data.NextURL = link(n + 1)
	}
	return d.tpl.Render(w, http.StatusOK, "search", data)
}

// searchLangs are the languages a user's desk search covers: a
// translator's own (limited), everyone else's all.
func searchLangs(u auth.User) (langs []string, limited bool) {
	if u.Has(auth.RoleAdmin) || u.Has(auth.RoleEditor) || u.Has(auth.RoleReporter) {
		return nil, false
	}
	for _, c := range translatorLangs(u) {
		if _, ok := lang.Get(c); ok {
			langs = append(langs, c)
		}
	}
	return langs, true
}

// searchDates reads the from and to days of the form in the agency's time
// zone; to covers its whole day.
func searchDates(from, to string, zone *time.Location) (time.Time, time.Time, error) {
	day := func(v string) (time.Time, error) {
		if v == "" {
			return time.Time{}, nil
		}
		t, err := time.ParseInLocation("2006-01-02", v, zone)
		if err != nil {
			return time.Time{}, &search.QueryError{Code: "date", Detail: "a date is not YYYY-MM-DD"}
		}
		return t, nil
	}
	f, err := day(from)
	if err != nil {
		return f, f, err
	}
	t, err := day(to)
	if err != nil {
		return t, t, err
	}
	if !f.IsZero() && !t.IsZero() && t.Before(f) {
		return time.Time{}, time.Time{}, &search.QueryError{Code: "date_range", Detail: "to is before from"}
	}
	if !t.IsZero() {
		t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return f, t, nil
}
