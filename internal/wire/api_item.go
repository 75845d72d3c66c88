package wire

import (
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/wire/newsml"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// Media types of an item.
const (
	typeNinjs  = "application/json"
	typeNewsML = "application/vnd.iptc.g2.newsitem+xml"
)

// item serves GET /wire/v1/items/{id}, {id} optionally ending in .json or
// .xml, which wins over the Accept header.
func (a *API) item(w http.ResponseWriter, r *http.Request, c caller) error {
	raw := r.PathValue("id")
	format := ""
	for _, ext := range []string{".json", ".xml"} {
		if base, ok := strings.CutSuffix(raw, ext); ok {
			raw, format = base, ext
		}
	}
	id, err := parseID(raw)
	if err != nil {
		return err
	}
	if format == "" {
		format = negotiate(r.Header.Get("Accept"))
		w.Header().Set("Vary", "Accept")
	}
	in, err := a.svc.Latest(r.Context(), c.sub, id)
	if err != nil {
		return err
	}
	var body []byte
	var ctype string
	if format == ".xml" {
		body, err = newsml.Encode(in)
		ctype = typeNewsML + "; charset=utf-8"
	} else {
		body, err = ninjs.Encode(in)
		ctype = typeNinjs + "; charset=utf-8"
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	return nil
}

// parseID reads a story id: digits only, no sign, no leading zero, small
// enough for an int64 with room to spare.
func parseID(s string) (int64, error) {
	if s == "" || len(s) > 18 || s[0] == '0' || strings.TrimLeft(s, "0123456789") != "" {
		return 0, problemf(http.StatusBadRequest, "the item id must be a positive whole number, optionally followed by .json or .xml")
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, problemf(http.StatusBadRequest, "the item id must be a positive whole number")
	}
	return id, nil
}

// negotiate picks ".xml" or ".json" from an Accept header: the acceptable
// type with the highest quality, the first on a tie, and ninjs when the
// header names neither (or is missing or unreadable).
func negotiate(accept string) string {
	best, bestQ := ".json", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if v, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f <= 1 {
				q = f
			}
		}
		var format string
		switch mt {
		case typeNewsML, "application/xml", "text/xml":
			format = ".xml"
		case typeNinjs, "application/ninjs+json":
			format = ".json"
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = format, q
		}
	}
	return best
}
