package desk

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/importer"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
)

// incomingRoutes adds the incoming list (other agencies' items, for
// reporters, editors and admins: auth.ActionIngestUse) and the feeds page
// (admins: auth.ActionFeedManage). The importer service is built over the
// desk's own newsroom and translation services, so that a story started
// from an item is created, permitted and audited as any other.
func (d *Desk) incomingRoutes(mux *http.ServeMux) {
	svc, err := importer.New(importer.Options{Store: d.store, Newsroom: d.svc, Translate: d.tr, Catalog: d.cat, Log: d.log, Now: d.now})
	if err != nil {
		// Only the poller's random id can fail, which the desk does not use.
		d.log.Error("desk: the incoming list is off", "err", err)
		return
	}
	in := &incoming{d: d, svc: svc}
	mux.Handle("GET /desk/incoming", d.user(in.may(auth.ActionIngestUse, in.list)))
	mux.Handle("GET /desk/incoming/{id}", d.user(in.may(auth.ActionIngestUse, in.show)))
	mux.Handle("POST /desk/incoming/{id}/story", d.user(in.may(auth.ActionIngestUse, in.startStory)))
	mux.Handle("POST /desk/incoming/{id}/translation", d.user(in.may(auth.ActionTranslateStart, in.startTranslation)))
	mux.Handle("POST /desk/incoming/{id}/dismiss", d.user(in.may(auth.ActionIngestUse, in.dismiss)))
	mux.Handle("POST /desk/incoming/{id}/restore", d.user(in.may(auth.ActionIngestUse, in.restore)))
	mux.Handle("GET /desk/feeds", d.user(in.may(auth.ActionFeedManage, in.feeds)))
	mux.Handle("POST /desk/feeds", d.user(in.may(auth.ActionFeedManage, in.addFeed)))
	mux.Handle("POST /desk/feeds/{id}/remove", d.user(in.may(auth.ActionFeedManage, in.removeFeed)))
}

type incoming struct {
	d   *Desk
	svc *importer.Service
}

func (in *incoming) may(action auth.Action, h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
		if !auth.Can(a.User, action) {
			return forbidden()
		}
		return h(w, r, a)
	}
}

const incomingPerPage = 50

type incomingPage struct {
	page
	LangOptions, SourceOptions, StateOptions []option
	Rows                                     []incomingRow
	Total                                    int
	PrevURL, NextURL                         string
	CanFeeds                                 bool
}

type incomingRow struct {
	ID                              int64
	Headline, Tag, Dir, LangName    string
	Source, State, StateLabel       string
	Received, ReceivedISO           string
	DuplicateOf, StoryID            int64
	DuplicateURL, StoryURL, ItemURL string
}

func itemStates() []store.ItemState {
	return []store.ItemState{store.ItemIncoming, store.ItemDuplicate, store.ItemUsed, store.ItemDismissed}
}

// incomingFlash turns the ?done= marker of a redirect into a message.
func incomingFlash(p *page, done string) {
	switch done {
	case "dismissed", "restored", "feed_added", "feed_removed":
		p.Flash = p.T("ingest.done_" + done)
	}
}

func (in *incoming) list(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	ctx := r.Context()
	p := in.d.page(r, a.User, "incoming")
	p.Title = p.T("ingest.incoming_title")
	incomingFlash(&p, r.URL.Query().Get("done"))
	qv := r.URL.Query()
	// The incoming list opens on what waits for an editor; "all" shows
	// every state.
	q := store.ItemQuery{State: store.ItemIncoming, Lang: qv.Get("lang"), Source: qv.Get("source"), Limit: incomingPerPage}
	switch st := qv.Get("state"); st {
	case "":
	case "all":
		q.State = ""
	default:
		if !store.ItemState(st).Valid() {
			return errInputf("state %q is unknown", st)
		}
		q.State = store.ItemState(st)
	}
	if _, ok := lang.Get(q.Lang); !ok {
		q.Lang = ""
	}
	if len(q.Source) > store.MaxItemSource*4 || !utf8.ValidString(q.Source) || strings.IndexByte(q.Source, 0) >= 0 {
		return errInputf("the source filter is not a source name")
	}
	pageN, _ := strconv.Atoi(qv.Get("page"))
	pageN = max(pageN, 1)
	if pageN > 100000 {
		return errInputf("page %d is too far", pageN)
	}
	q.Offset = (pageN - 1) * incomingPerPage
	items, total, err := in.svc.Items(ctx, a, q)
	if err != nil {
		return err
	}
	sources, err := in.svc.Sources(ctx)
	if err != nil {
		return err
	}
	data := incomingPage{page: p, Total: total, LangOptions: langOptions(q.Lang), CanFeeds: auth.Can(a.User, auth.ActionFeedManage)}
	for _, s := range sources {
		data.SourceOptions = append(data.SourceOptions, option{Value: s, Label: s, Selected: s == q.Source})
	}
	data.StateOptions = append(data.StateOptions, option{Value: "all", Label: p.T("desk.any"), Selected: q.State == ""})
	for _, s := range itemStates() {
		data.StateOptions = append(data.StateOptions, option{Value: string(s), Label: p.T("ingest.state_" + string(s)), Selected: s == q.State})
	}
	zone := in.d.agencyZone(r)
	for _, it := range items {
		data.Rows = append(data.Rows, rowOf(p, it, zone))
	}
	link := func(n int) string {
		return pageLink("/desk/incoming", qv, []string{"state", "lang", "source"}, n)
	}
	if pageN > 1 {
		data.PrevURL = link(pageN - 1)
	}
	if pageN*incomingPerPage < total {
		data.NextURL = link(pageN + 1)
	}
	return in.d.tpl.Render(w, http.StatusOK, "incoming", data)
}

func rowOf(p page, it store.IngestItem, zone *time.Location) incomingRow {
	l, _ := lang.Get(it.Lang)
	row := incomingRow{ID: it.ID, Headline: it.Headline, Tag: l.Tag, Dir: l.Dir, LangName: l.Name, Source: it.Source,
		State: string(it.State), StateLabel: p.T("ingest.state_" + string(it.State)),
		Received: p.Lang.FormatDateTime(it.ReceivedAt.In(zone)), ReceivedISO: it.ReceivedAt.UTC().Format(time.RFC3339),
		DuplicateOf: it.DuplicateOf, StoryID: it.StoryID, ItemURL: "/desk/incoming/" + strconv.FormatInt(it.ID, 10)}
	if it.DuplicateOf != 0 {
		row.DuplicateURL = "/desk/incoming/" + strconv.FormatInt(it.DuplicateOf, 10)
	}
	if it.StoryID != 0 {
		row.StoryURL = "/desk/stories/" + strconv.FormatInt(it.StoryID, 10)
	}
	return row
}

type itemPage struct {
	page
	Item                    incomingRow
	Summary, Byline, URL    string
	Section, Tags           string
	Published, PublishedISO string
	Paragraphs              []string
	Open                    bool // no story yet: the actions apply
	Dismissed               bool
	CanTranslate            bool
	Targets                 []option
	Assignees               []option
}

func (in *incoming) show(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	return in.renderItem(w, r, a, http.StatusOK, "")
}

func (in *incoming) renderItem(w http.ResponseWriter, r *http.Request, a newsroom.Actor, status int, msg string) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := in.svc.Item(ctx, a, id)
	if err != nil {
		return err
	}
	p := in.d.page(r, a.User, "incoming")
	p.Title = it.Headline
	p.Error = msg
	zone := in.d.agencyZone(r)
	data := itemPage{page: p, Item: rowOf(p, it, zone), Summary: it.Summary, Byline: it.Byline, URL: it.URL,
		Section: it.Section, Tags: strings.Join(it.Tags, ", "),
		Open: it.StoryID == 0 && it.State != store.ItemUsed, Dismissed: it.State == store.ItemDismissed,
		CanTranslate: auth.Can(a.User, auth.ActionTranslateStart)}
	if !it.Published.IsZero() {
		data.Published = p.Lang.FormatDateTime(it.Published.In(zone))
		data.PublishedISO = it.Published.UTC().Format(time.RFC3339)
	}
	for para := range strings.SplitSeq(it.Body, "\n") {
		if para = strings.TrimSpace(para); para != "" {
			data.Paragraphs = append(data.Paragraphs, para)
		}
	}
	for _, l := range lang.All() {
		if l.Code != it.Lang {
			data.Targets = append(data.Targets, option{Value: l.Code, Label: l.Name})
		}
	}
	if data.CanTranslate && data.Open {
		staff, err := in.d.store.Users(ctx)
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
	}
	return in.d.tpl.Render(w, status, "incoming_item", data)
}

func (in *incoming) startStory(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := in.svc.StartStory(r.Context(), a, id)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(st.ID, 10)+"?done=created", http.StatusSeeOther)
	return nil
}

func (in *incoming) startTranslation(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	target := r.PostForm.Get("lang")
	if _, ok := lang.Get(target); !ok {
		return errInputf("choose a language to translate into")
	}
	var assignee int64
	if v := r.PostForm.Get("assignee"); v != "" {
		if assignee, err = strconv.ParseInt(v, 10, 64); err != nil || assignee < 1 {
			return errInputf("assignee %q is not a user id", v)
		}
	}
	due, err := localTime(r.PostForm.Get("due"), in.d.agencyZone(r))
	if err != nil {
		return err
	}
	_, tr, err := in.svc.StartTranslation(r.Context(), a, id, target, assignee, due)
	if err != nil && tr.ID == 0 {
		return err
	}
	if err != nil {
		// The drafts were made; only the assignment failed. Say so on the
		// translation's page rather than lose the drafts from view.
		in.d.log.WarnContext(r.Context(), "desk: assign a translation started from an item", "item_id", id, "story_id", tr.ID, "err", err)
	}
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(tr.ID, 10)+"?done=translations", http.StatusSeeOther)
	return nil
}

func (in *incoming) dismiss(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := in.svc.Dismiss(r.Context(), a, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/incoming?done=dismissed", http.StatusSeeOther)
	return nil
}

func (in *incoming) restore(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := in.svc.Restore(r.Context(), a, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/incoming/"+strconv.FormatInt(id, 10)+"?done=restored", http.StatusSeeOther)
	return nil
}

type feedsPage struct {
	page
	Feeds       []feedRow
	LangOptions []option
	Sections    []option
	New         struct{ URL, Name, Every string }
}

type feedRow struct {
	ID                                 int64
	Name, URL, LangName, Section       string
	Every, LastPolled, NextPoll, Error string
	LastNew, Failures                  int
}

func (in *incoming) feeds(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	return in.renderFeeds(w, r, a, http.StatusOK, func(p *feedsPage) { incomingFlash(&p.page, r.URL.Query().Get("done")) })
}

func (in *incoming) renderFeeds(w http.ResponseWriter, r *http.Request, a newsroom.Actor, status int, edit func(*feedsPage)) error {
	ctx := r.Context()
	p := in.d.page(r, a.User, "incoming")
	p.Title = p.T("ingest.feeds_title")
	feeds, err := in.svc.Feeds(ctx)
	if err != nil {
		return err
	}
	secs, err := in.d.store.Sections(ctx)
	if err != nil {
		return err
	}
	data := feedsPage{page: p, LangOptions: langOptions(""), Sections: sectionOptions(secs, p.Lang.Code, "")}
	data.New.Every = importer.DefaultEvery.String()
	zone := in.d.agencyZone(r)
	when := func(t time.Time) string {
		if t.IsZero() {
			return p.T("ingest.never")
		}
		return p.Lang.FormatDateTime(t.In(zone))
	}
	for _, f := range feeds {
		l, _ := lang.Get(f.Lang)
		data.Feeds = append(data.Feeds, feedRow{ID: f.ID, Name: f.Name, URL: f.URL, LangName: l.Name, Section: f.Section,
			Every: f.Every.String(), LastPolled: when(f.LastPolledAt), NextPoll: when(f.NextPollAt), Error: f.LastError,
			LastNew: f.LastNew, Failures: f.Failures})
	}
	if edit != nil {
		edit(&data)
	}
	return in.d.tpl.Render(w, status, "incoming_feeds", data)
}

func (in *incoming) addFeed(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	n := importer.NewFeed{URL: f.Get("url"), Name: f.Get("name"), Lang: f.Get("lang"), Section: f.Get("section")}
	keep := func(p *feedsPage) {
		p.New.URL, p.New.Name, p.New.Every = withoutPassword(n.URL), n.Name, f.Get("every")
	}
	var err error
	if v := strings.TrimSpace(f.Get("every")); v != "" {
		if n.Every, err = time.ParseDuration(v); err != nil || n.Every <= 0 {
			return in.renderFeeds(w, r, a, http.StatusUnprocessableEntity, func(p *feedsPage) {
				keep(p)
				p.Error = p.T("ingest.bad_every")
			})
		}
	}
	if _, err := in.svc.AddFeed(r.Context(), n); err != nil {
		if !errors.Is(err, importer.ErrInvalid) {
			return err
		}
		msg := strings.TrimPrefix(err.Error(), importer.ErrInvalid.Error()+": ")
		return in.renderFeeds(w, r, a, http.StatusUnprocessableEntity, func(p *feedsPage) {
			keep(p)
			p.Error = msg
		})
	}
	http.Redirect(w, r, "/desk/feeds?done=feed_added", http.StatusSeeOther)
	return nil
}

func (in *incoming) removeFeed(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := in.svc.RemoveFeed(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/feeds?done=feed_removed", http.StatusSeeOther)
	return nil
}

// withoutPassword is a refused URL as the form shows it again: without
// credentials, which must not be echoed into a page.
func withoutPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if u.User != nil {
		u.User = nil
		return u.String()
	}
	return raw
}
