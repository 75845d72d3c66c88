package desk

import (
	"net/http"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
)

type auditPage struct {
	page
	StoryFilter      string
	UserOptions      []option
	Entries          []auditRow
	PrevURL, NextURL string
}

type auditRow struct {
	At, ISO, Actor, Action, IP, Detail string
	StoryID                            int64
}

const auditPerPage = 100

// audit shows the audit log to admins, filtered by story and by user.
func (d *Desk) audit(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionAuditView) {
		return forbidden()
	}
	ctx := r.Context()
	qv := r.URL.Query()
	q := audit.Query{Limit: auditPerPage + 1}
	if v := qv.Get("story"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return errInputf("story id %q is not a number", v)
		}
		q.StoryID = id
	}
	if v := qv.Get("user"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return errInputf("user id %q is not a number", v)
		}
		q.UserID = id
	}
	page, _ := strconv.Atoi(qv.Get("page"))
	page = max(page, 1)
	q.Offset = (page - 1) * auditPerPage
	entries, err := d.store.Audit(ctx, q)
	if err != nil {
		return err
	}
	users, err := d.svc.Users(ctx, a)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "audit")
	p.Title = p.T("desk.audit_title")
	data := auditPage{page: p}
	if q.StoryID != 0 {
		data.StoryFilter = strconv.FormatInt(q.StoryID, 10)
	}
	for _, u := range users {
		data.UserOptions = append(data.UserOptions, option{Value: strconv.FormatInt(u.ID, 10), Label: u.Email, Selected: u.ID == q.UserID})
	}
	zone := d.agencyZone(r)
	more := len(entries) > auditPerPage
	if more {
		entries = entries[:auditPerPage]
	}
	for _, e := range entries {
		data.Entries = append(data.Entries, auditRow{At: p.Lang.FormatDateTime(e.At.In(zone)), ISO: e.At.UTC().Format(time.RFC3339),
			Actor: e.Actor, Action: string(e.Action), IP: e.IP, Detail: e.Detail, StoryID: e.StoryID})
	}
	link := func(n int) string { return pageLink("/desk/audit", qv, []string{"story", "user"}, n) }
	if page > 1 {
		data.PrevURL = link(page - 1)
	}
	if more {
		data.NextURL = link(page + 1)
	}
	return d.tpl.Render(w, http.StatusOK, "audit", data)
}
