package desk

import "net/http"

// wireRoutes adds the wire's admin pages: subscribers, keys, endpoints and
// the webhook delivery log.
func (d *Desk) wireRoutes(mux *http.ServeMux) {}
