package wire

import (
	"net/http"
)

// openAPI serves GET /wire/v1/openapi.json, without a key: the description
// of the API is public.
func (a *API) openAPI(w http.ResponseWriter, r *http.Request, _ caller) error {
	w.Header().Set("Cache-Control", "public, max-age=3600")
	return writeJSON(w, openAPI(a.svc.baseURL))
}
