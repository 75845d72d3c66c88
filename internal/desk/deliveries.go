package desk

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
)

type deliveriesPage struct {
	page
	SubscriberID, EndpointID int64
	URL                      string
	Rows                     []deliveryRow
}

type deliveryRow struct {
	ID, StoryID                   int64
	Version, Attempts, LastStatus int
	Event, Status, StatusClass    string
	LastError, At, ISO            string
}

// deliveryLogSize is how many of an endpoint's latest deliveries are shown.
const deliveryLogSize = 200

// endpointOf checks that the endpoint in the URL belongs to the subscriber
// in the URL, so a guessed pair cannot show another subscriber's log.
func (w *wireAdmin) endpointOf(r *http.Request) (store.Endpoint, error) {
	sid, err := pathID(r, "id")
	if err != nil {
		return store.Endpoint{}, err
	}
	eid, err := pathID(r, "endpoint")
	if err != nil {
		return store.Endpoint{}, err
	}
	if w.d.hooks == nil {
		return store.Endpoint{}, web404("webhooks are not running")
	}
	ep, err := w.d.store.Endpoint(r.Context(), eid)
	if err != nil {
		return store.Endpoint{}, err
	}
	if ep.SubscriberID != sid {
		return store.Endpoint{}, web404(fmt.Sprintf("endpoint %d is not subscriber %d's", eid, sid))
	}
	return ep, nil
}

// deliveries is an endpoint's delivery log: status, attempts, last error.
func (w *wireAdmin) deliveries(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	ep, err := w.endpointOf(r)
	if err != nil {
		return err
	}
	log, err := w.d.hooks.Log(r.Context(), ep.ID, deliveryLogSize)
	if err != nil {
		return err
	}
	p := w.d.page(r, a.User, "subscribers")
	p.Title = p.T("wire.deliveries")
	zone := w.d.agencyZone(r)
	data := deliveriesPage{page: p, SubscriberID: ep.SubscriberID, EndpointID: ep.ID, URL: ep.URL}
	for _, dl := range log {
		at := dl.CreatedAt
		if !dl.DeliveredAt.IsZero() {
			at = dl.DeliveredAt
		}
		class := map[store.DeliveryStatus]string{"delivered": "published", "failed": "killed"}[dl.Status]
		if class == "" {
			class = "submitted"
		}
		data.Rows = append(data.Rows, deliveryRow{ID: dl.ID, StoryID: dl.StoryID, Version: dl.Version, Attempts: dl.Attempts,
			LastStatus: dl.LastStatus, Event: string(dl.Event), Status: string(dl.Status), StatusClass: class,
			LastError: dl.LastError, At: p.Lang.FormatDateTime(at.In(zone)), ISO: at.UTC().Format(time.RFC3339)})
	}
	return w.d.tpl.Render(rw, http.StatusOK, "deliveries", data)
}

// redeliver queues a delivery again, keeping its delivery id.
func (w *wireAdmin) redeliver(rw http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	ep, err := w.endpointOf(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "delivery")
	if err != nil {
		return err
	}
	dl, err := w.d.store.Delivery(r.Context(), id)
	if err != nil {
		return err
	}
	if dl.EndpointID != ep.ID {
		return web404("delivery of another endpoint")
	}
	if _, err := w.d.hooks.Redeliver(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(rw, r, "/desk/subscribers/"+strconv.FormatInt(ep.SubscriberID, 10)+"/endpoints/"+strconv.FormatInt(ep.ID, 10)+"/deliveries?done=redelivered", http.StatusSeeOther)
	return nil
}
