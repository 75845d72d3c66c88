package desk

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/web"
	"github.com/qasid/qasid/internal/wire"
)

// wireRoutes adds the wire's admin pages: subscribers, keys, endpoints and
// the webhook delivery log. Every one is for admins only
// (auth.ActionUserManage): a key is access to the whole wire.
func (d *Desk) wireRoutes(mux *http.ServeMux) {
	w := &wireAdmin{d: d, svc: wire.New(wire.Options{Store: d.store, Log: d.log, Now: d.now})}
	mux.Handle("GET /desk/subscribers", d.user(w.admin(w.list)))
	mux.Handle("POST /desk/subscribers", d.user(w.admin(w.add)))
	mux.Handle("POST /desk/subscribers/{id}/keys", d.user(w.admin(w.newKey)))
	mux.Handle("POST /desk/subscribers/{id}/keys/revoke", d.user(w.admin(w.revokeKey)))
	mux.Handle("POST /desk/subscribers/{id}/suspend", d.user(w.admin(w.suspend)))
	mux.Handle("POST /desk/subscribers/{id}/resume", d.user(w.admin(w.resume)))
	mux.Handle("POST /desk/subscribers/{id}/endpoints", d.user(w.admin(w.addEndpoint)))
	mux.Handle("POST /desk/subscribers/{id}/endpoints/{endpoint}/remove", d.user(w.admin(w.removeEndpoint)))
	mux.Handle("GET /desk/subscribers/{id}/endpoints/{endpoint}/deliveries", d.user(w.admin(w.deliveries)))
	mux.Handle("POST /desk/subscribers/{id}/endpoints/{endpoint}/deliveries/{delivery}/redeliver", d.user(w.admin(w.redeliver)))
}

// wireAdmin serves the subscriber pages over the wire service.
type wireAdmin struct {
	d   *Desk
	svc *wire.Service
}

func (w *wireAdmin) admin(h handler) handler {
	return func(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
		if !auth.Can(a.User, auth.ActionUserManage) {
			return forbidden()
		}
		return h(rw, r, a)
	}
}

type subscribersPage struct {
	page
	Subscribers []subscriberRow
	Langs       []option
	Sections    []option
	New         struct{ Name, Contact string }
	// Shown once, right after it was made: never stored in the clear.
	OnceKey, OnceSecret string
	OnceFor             string // the subscriber's name
}

type subscriberRow struct {
	ID                  int64
	Name, Contact       string
	Suspended           bool
	Languages, Sections string // "" for all
	Keys                []keyRow
	Endpoints           []endpointRow
}

type keyRow struct {
	Prefix, Created, LastUsed string
	Revoked                   bool
}

type endpointRow struct {
	ID      int64
	URL     string
	Active  bool
	Created string
}

func (w *wireAdmin) list(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	return w.render(rw, r, a, http.StatusOK, func(p *subscribersPage) {
		if done := r.URL.Query().Get("done"); done != "" {
			switch done {
			case "suspended", "resumed", "revoked", "removed":
				p.Flash = p.T("wire.done_" + done)
			}
		}
	})
}

func (w *wireAdmin) render(rw http.ResponseWriter, r *http.Request, a newsroom.Actor, status int, edit func(*subscribersPage)) error {
	ctx := r.Context()
	p := w.d.page(r, a.User, "subscribers")
	p.Title = p.T("wire.subscribers_title")
	data := subscribersPage{page: p, Langs: langOptions("")}
	secs, err := w.d.store.Sections(ctx)
	if err != nil {
		return err
	}
	data.Sections = sectionOptions(secs, p.Lang.Code, "")
	for i := range data.Sections {
		data.Sections[i].Selected = false
	}
	subs, err := w.svc.Subscribers(ctx)
	if err != nil {
		return err
	}
	zone := w.d.agencyZone(r)
	when := func(t time.Time) string {
		if t.IsZero() {
			return p.T("wire.never")
		}
		return p.Lang.FormatDateTime(t.In(zone))
	}
	for _, s := range subs {
		det, err := w.svc.Details(ctx, s.ID)
		if err != nil {
			return err
		}
		row := subscriberRow{ID: s.ID, Name: s.Name, Contact: s.Contact, Suspended: s.Status == store.SubscriberSuspended,
			Languages: strings.Join(s.Languages, ", "), Sections: strings.Join(s.Sections, ", ")}
		for _, k := range det.Keys {
			row.Keys = append(row.Keys, keyRow{Prefix: k.Prefix, Created: when(k.CreatedAt), LastUsed: when(k.LastUsedAt), Revoked: k.Revoked()})
		}
		for _, e := range det.Endpoints {
			row.Endpoints = append(row.Endpoints, endpointRow{ID: e.ID, URL: e.URL, Active: e.Active, Created: when(e.CreatedAt)})
		}
		data.Subscribers = append(data.Subscribers, row)
	}
	if edit != nil {
		edit(&data)
	}
	return w.d.tpl.Render(rw, status, "subscribers", data)
}

// invalid shows the page again with the service's reason, or passes on
// an error that is not the user's.
func (w *wireAdmin) invalid(rw http.ResponseWriter, r *http.Request, a newsroom.Actor, err error, edit func(*subscribersPage)) error {
	if !errors.Is(err, wire.ErrInvalid) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), wire.ErrInvalid.Error()+": ")
	return w.render(rw, r, a, http.StatusUnprocessableEntity, func(p *subscribersPage) {
		p.Error = msg
		if edit != nil {
			edit(p)
		}
	})
}

func (w *wireAdmin) add(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	n := wire.NewSubscriber{Name: r.PostForm.Get("name"), Contact: r.PostForm.Get("contact"),
		Languages: r.PostForm["lang"], Sections: r.PostForm["section"]}
	sub, key, err := w.svc.AddSubscriber(r.Context(), n)
	if err != nil {
		return w.invalid(rw, r, a, err, func(p *subscribersPage) { p.New.Name, p.New.Contact = n.Name, n.Contact })
	}
	return w.render(rw, r, a, http.StatusOK, func(p *subscribersPage) {
		p.OnceKey, p.OnceFor = key, sub.Name
		p.Flash = p.T("wire.done_added")
	})
}

// subscriber reads {id} and loads the subscriber with its keys.
func (w *wireAdmin) subscriber(r *http.Request) (wire.Subscriber, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return wire.Subscriber{}, err
	}
	return w.svc.Details(r.Context(), id)
}

func (w *wireAdmin) newKey(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	sub, err := w.subscriber(r)
	if err != nil {
		return err
	}
	key, _, err := w.svc.NewKey(r.Context(), sub.ID)
	if err != nil {
		return err
	}
	return w.render(rw, r, a, http.StatusOK, func(p *subscribersPage) { p.OnceKey, p.OnceFor = key, sub.Name })
}

func (w *wireAdmin) revokeKey(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	sub, err := w.subscriber(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	prefix := r.PostForm.Get("prefix")
	// The prefix must be one of this subscriber's keys: a form cannot
	// revoke another subscriber's key through this one's page.
	mine := false
	for _, k := range sub.Keys {
		mine = mine || k.Prefix == prefix
	}
	if !mine {
		return web.NotFound(nil)
	}
	if _, err := w.svc.RevokeKey(r.Context(), prefix); err != nil {
		return err
	}
	http.Redirect(rw, r, "/desk/subscribers?done=revoked", http.StatusSeeOther)
	return nil
}

func (w *wireAdmin) suspend(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	return w.setStatus(rw, r, w.svc.Suspend, "suspended")
}

func (w *wireAdmin) resume(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	return w.setStatus(rw, r, w.svc.Resume, "resumed")
}

func (w *wireAdmin) setStatus(rw http.ResponseWriter, r *http.Request, set func(ctx context.Context, id int64) error, done string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := set(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(rw, r, "/desk/subscribers?done="+done, http.StatusSeeOther)
	return nil
}

func (w *wireAdmin) addEndpoint(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	sub, err := w.subscriber(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	given := strings.TrimSpace(r.PostForm.Get("secret"))
	e, err := w.svc.AddEndpoint(r.Context(), sub.ID, r.PostForm.Get("url"), given)
	if err != nil {
		return w.invalid(rw, r, a, err, nil)
	}
	return w.render(rw, r, a, http.StatusOK, func(p *subscribersPage) {
		p.Flash = p.T("wire.done_endpoint_added")
		if given == "" {
			p.OnceSecret, p.OnceFor = e.Secret, sub.Name
		}
	})
}

func (w *wireAdmin) removeEndpoint(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	eid, err := pathID(r, "endpoint")
	if err != nil {
		return err
	}
	if err := w.svc.RemoveEndpoint(r.Context(), id, eid); err != nil {
		return err
	}
	http.Redirect(rw, r, "/desk/subscribers?done=removed", http.StatusSeeOther)
	return nil
}
