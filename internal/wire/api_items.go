package wire

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/qasid/qasid/internal/lang"
)

// itemPage is the JSON answer of GET /wire/v1/items.
type itemPage struct {
	Items []json.RawMessage `json:"items"`
	Next  string            `json:"next"`
	More  bool              `json:"more"`
}

// items serves GET /wire/v1/items?lang=&section=&since=&limit=.
func (a *API) items(w http.ResponseWriter, r *http.Request, c caller) error {
	q, err := a.itemsQuery(r)
	if err != nil {
		return err
	}
	page, err := a.svc.Items(r.Context(), c.sub, q)
	if err != nil {
		return err
	}
	return writeJSON(w, itemPage{Items: page.Items, Next: FormatCursor(page.Next), More: page.More})
}

// itemsQuery reads the query string. Every bad value is a 400 that names
// the parameter; a parameter given twice is refused rather than guessed.
func (a *API) itemsQuery(r *http.Request) (Query, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return Query{}, problemf(http.StatusBadRequest, "the query string cannot be read")
	}
	one := func(name string) (string, error) {
		switch v := vals[name]; len(v) {
		case 0:
			return "", nil
		case 1:
			return v[0], nil
		}
		return "", problemf(http.StatusBadRequest, "%s is given more than once", name)
	}
	q := Query{Limit: DefaultLimit}
	if q.Lang, err = one("lang"); err != nil {
		return Query{}, err
	}
	if q.Lang != "" {
		if _, ok := lang.Get(q.Lang); !ok {
			return Query{}, problemf(http.StatusBadRequest, "lang %q is not a language of this agency (use a code: %s)", truncate(q.Lang, 20), joinCodes())
		}
	}
	if q.Section, err = one("section"); err != nil {
		return Query{}, err
	}
	if q.Section != "" {
		secs, err := a.svc.st.Sections(r.Context())
		if err != nil {
			return Query{}, err
		}
		known := false
		for _, s := range secs {
			known = known || s.Key == q.Section
		}
		if !known {
			return Query{}, problemf(http.StatusBadRequest, "section %q is not a section of this agency", truncate(q.Section, 40))
		}
	}
	since, err := one("since")
	if err != nil {
		return Query{}, err
	}
	if q.After, err = ParseCursor(since); err != nil {
		return Query{}, problemf(http.StatusBadRequest, "since is not a cursor this API gave: start without it, then pass each answer's next")
	}
	limit, err := one("limit")
	if err != nil {
		return Query{}, err
	}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxLimit {
			return Query{}, problemf(http.StatusBadRequest, "limit must be a whole number from 1 to %d", MaxLimit)
		}
		q.Limit = n
	}
	return q, nil
}

func joinCodes() string {
	out := ""
	for i, c := range lang.Codes() {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}
