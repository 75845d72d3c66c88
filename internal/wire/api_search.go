package wire

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// Paging of GET /wire/v1/search. Deep pages cost the index every hit
// before them; a consumer that needs everything follows /items instead.
const (
	searchDefaultPerPage = 20
	searchMaxPerPage     = 100
	searchMaxDepth       = 1000 // page × per_page
	maxSearchQuery       = 4096 // bytes; the index has its own, tighter limit
)

// searchAnswer is the JSON answer of GET /wire/v1/search.
type searchAnswer struct {
	Total   uint64       `json:"total"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Items   []searchItem `json:"items"`
	Next    string       `json:"next,omitempty"` // the next page, while there is one
}

// searchItem is one story found: enough to list it, and links to the item.
type searchItem struct {
	URI            string        `json:"uri"`
	ID             int64         `json:"id"`
	Version        int           `json:"version"`
	Lang           string        `json:"lang"`
	Headline       string        `json:"headline"`
	Section        string        `json:"section"`
	FirstCreated   string        `json:"firstcreated"`
	VersionCreated string        `json:"versioncreated"`
	Snippet        []snippetSpan `json:"snippet"`
	Links          itemLinks     `json:"links"`
}

// snippetSpan is a piece of the highlighted passage, as plain text: a
// consumer shows the marked pieces as it likes.
type snippetSpan struct {
	Text string `json:"text"`
	Mark bool   `json:"mark"`
}

type itemLinks struct {
	Item   string `json:"item"`   // the latest version, as negotiated
	Ninjs  string `json:"ninjs"`  // ... as ninjs
	NewsML string `json:"newsml"` // ... as NewsML-G2
}

// searchQuery is what GET /wire/v1/search asks, read and checked.
type searchQuery struct {
	q, lang, section string
	from, to         time.Time
	page, perPage    int
	vals             url.Values
}

// searchStories serves GET /wire/v1/search: the published stories the key may
// receive that match q, best first, a page at a time, with a highlighted
// passage of each. The subscriber's languages and sections bound the
// search before lang and section narrow it.
func (a *API) searchStories(w http.ResponseWriter, r *http.Request, c caller) error {
	if a.index == nil {
		return problemf(http.StatusServiceUnavailable, "search is not available on this server; use /wire/v1/items")
	}
	sq, err := a.searchQuery(r)
	if err != nil {
		return err
	}
	ans := searchAnswer{Page: sq.page, PerPage: sq.perPage, Items: []searchItem{}}
	req := search.Request{Query: sq.q, Scope: search.ScopePublic, From: sq.from, To: sq.to,
		Offset: (sq.page - 1) * sq.perPage, Limit: sq.perPage, Highlight: true}
	// Request.Langs and Sections left empty mean "all", so an asked value
	// outside the entitlements must answer nothing here rather than reach
	// the index as an empty list.
	req.Langs = slices.Clone(c.sub.Languages)
	if sq.lang != "" {
		if len(req.Langs) > 0 && !slices.Contains(req.Langs, sq.lang) {
			return writeJSON(w, ans)
		}
		req.Langs = []string{sq.lang}
	}
	req.Sections = slices.Clone(c.sub.Sections)
	if sq.section != "" {
		if len(req.Sections) > 0 && !slices.Contains(req.Sections, sq.section) {
			return writeJSON(w, ans)
		}
		req.Section = sq.section
	}
	ctx := r.Context()
	res, err := a.index.Search(ctx, req)
	var qerr *search.QueryError
	if errors.As(err, &qerr) {
		return problemf(http.StatusBadRequest, "q cannot be searched: %s", qerr.Detail)
	}
	if err != nil {
		return fmt.Errorf("wire api: search: %w", err)
	}
	ans.Total = res.Total
	items, err := a.searchItems(r, c.sub, res.Hits)
	if err != nil {
		return err
	}
	ans.Items = items
	if uint64(sq.page*sq.perPage) < res.Total && (sq.page+1)*sq.perPage <= searchMaxDepth {
		next := url.Values{}
		for k, v := range sq.vals {
			next[k] = v
		}
		next.Set("page", strconv.Itoa(sq.page+1))
		ans.Next = strings.TrimRight(a.svc.baseURL, "/") + "/wire/v1/search?" + next.Encode()
	}
	return writeJSON(w, ans)
}

// searchItems describes the hits. Each is checked once more against the
// store as it is now: the index follows the change log a moment behind,
// so a story killed or put under embargo a second ago, or one outside the
// key's entitlements, is left out rather than offered.
func (a *API) searchItems(r *http.Request, sub store.Subscriber, hits []search.Hit) ([]searchItem, error) {
	ctx := r.Context()
	ids := make([]int64, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.StoryID)
	}
	stories, err := a.svc.st.Stories(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("wire api: search: %w", err)
	}
	now := a.now()
	base := strings.TrimRight(a.svc.baseURL, "/")
	out := make([]searchItem, 0, len(hits))
	for _, h := range hits {
		st, ok := stories[h.StoryID]
		if !ok || !st.Public(now) || st.Version < 1 {
			continue
		}
		v, err := a.svc.st.StoryVersion(ctx, st.ID, st.Version)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("wire api: search: %w", err)
		}
		if v.Killed || !sub.Entitled(st.Lang, v.Section) {
			continue
		}
		uri := ninjs.URI(base, st.ID)
		it := searchItem{URI: uri, ID: st.ID, Version: v.Version, Lang: st.Lang, Headline: v.Headline, Section: v.Section,
			FirstCreated: wireTime(st.PublishedAt), VersionCreated: wireTime(v.PublishedAt),
			Snippet: []snippetSpan{}, Links: itemLinks{Item: uri, Ninjs: uri + ".json", NewsML: uri + ".xml"}}
		for _, sp := range h.Snippet {
			it.Snippet = append(it.Snippet, snippetSpan{Text: sp.Text, Mark: sp.Mark})
		}
		out = append(out, it)
	}
	return out, nil
}

func wireTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// searchQuery reads and checks the query string. Every bad value is a 400
// that names the parameter; a parameter given twice is refused.
func (a *API) searchQuery(r *http.Request) (searchQuery, error) {
	vals, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return searchQuery{}, problemf(http.StatusBadRequest, "the query string cannot be read")
	}
	sq := searchQuery{page: 1, perPage: searchDefaultPerPage, vals: url.Values{}}
	one := func(name string) (string, error) {
		switch v := vals[name]; len(v) {
		case 0:
			return "", nil
		case 1:
			if v[0] != "" {
				sq.vals.Set(name, v[0])
			}
			return v[0], nil
		}
		return "", problemf(http.StatusBadRequest, "%s is given more than once", name)
	}
	if sq.q, err = one("q"); err != nil {
		return sq, err
	}
	switch {
	case strings.TrimSpace(sq.q) == "":
		return sq, problemf(http.StatusBadRequest, "q is required: the words to search for")
	case len(sq.q) > maxSearchQuery:
		return sq, problemf(http.StatusBadRequest, "q is longer than %d bytes", maxSearchQuery)
	}
	if sq.lang, err = one("lang"); err != nil {
		return sq, err
	}
	if _, ok := lang.Get(sq.lang); sq.lang != "" && !ok {
		return sq, problemf(http.StatusBadRequest, "lang %q is not a language of this agency (use a code: %s)", truncate(sq.lang, 20), joinCodes())
	}
	if sq.section, err = one("section"); err != nil {
		return sq, err
	}
	if sq.section != "" {
		secs, err := a.svc.st.Sections(r.Context())
		if err != nil {
			return sq, err
		}
		if !slices.ContainsFunc(secs, func(s story.Section) bool { return s.Key == sq.section }) {
			return sq, problemf(http.StatusBadRequest, "section %q is not a section of this agency", truncate(sq.section, 40))
		}
	}
	for _, b := range []struct {
		name string
		t    *time.Time
		end  bool
	}{{"from", &sq.from, false}, {"to", &sq.to, true}} {
		v, err := one(b.name)
		if err != nil {
			return sq, err
		}
		if *b.t, err = wireBound(v, b.end); err != nil {
			return sq, problemf(http.StatusBadRequest, "%s must be a day (YYYY-MM-DD, UTC) or an instant (RFC 3339)", b.name)
		}
	}
	if !sq.from.IsZero() && !sq.to.IsZero() && sq.to.Before(sq.from) {
		return sq, problemf(http.StatusBadRequest, "to is before from")
	}
	for _, n := range []struct {
		name     string
		v        *int
		min, max int
	}{{"page", &sq.page, 1, searchMaxDepth}, {"per_page", &sq.perPage, 1, searchMaxPerPage}} {
		s, err := one(n.name)
		if err != nil {
			return sq, err
		}
		if s == "" {
			continue
		}
		x, err := strconv.Atoi(s)
		if err != nil || x < n.min || x > n.max {
			return sq, problemf(http.StatusBadRequest, "%s must be a whole number from %d to %d", n.name, n.min, n.max)
		}
		*n.v = x
	}
	if sq.page*sq.perPage > searchMaxDepth {
		return sq, problemf(http.StatusBadRequest, "page × per_page may be at most %d: narrow the search, or follow /wire/v1/items for everything", searchMaxDepth)
	}
	return sq, nil
}

// wireBound reads from or to: a UTC day, whose end is its last instant
// when it ends a range, or an RFC 3339 instant.
func wireBound(v string, end bool) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if len(v) > 40 {
		return time.Time{}, errors.New("too long")
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, err
	}
	if end {
		d = d.AddDate(0, 0, 1).Add(-time.Nanosecond)
	}
	return d, nil
}

// searchRoute is GET /wire/v1/search in the route list.
func searchRoute() route {
	str := map[string]any{"type": "string"}
	return route{
		Method: http.MethodGet, Path: "/wire/v1/search", Auth: true,
		handle: func(a *API) apiHandler { return a.searchStories },
		op: map[string]any{
			"operationId": "searchItems",
			"summary":     "Published stories matching words, best first",
			"description": "Full-text search over the latest published version of every story the key is entitled " +
				"to, in each story's own language. Words are all required; \"quoted words\" must appear as a phrase; " +
				"-word leaves out stories with that word. Each item carries a highlighted passage and links to the " +
				"item itself. Killed and embargoed stories are never found.",
			"parameters": []any{
				map[string]any{"name": "q", "in": "query", "required": true, "description": "The words to search for.",
					"schema": map[string]any{"type": "string", "minLength": 1, "maxLength": maxSearchQuery}},
				param("lang", "Only stories in this language (a code: en, ur, zh, ar, ru, fr, es).", map[string]any{"type": "string", "enum": langEnum()}),
				param("section", "Only stories in this section (a section key, e.g. world).", map[string]any{"type": "string", "maxLength": 40}),
				param("from", "Only stories first published at or after this day (YYYY-MM-DD, UTC) or instant (RFC 3339).", str),
				param("to", "Only stories first published at or before this day (the whole day, UTC) or instant.", str),
				param("page", "The page of results.", map[string]any{"type": "integer", "minimum": 1, "default": 1}),
				param("per_page", "Items per page; page × per_page may be at most 1000.",
					map[string]any{"type": "integer", "minimum": 1, "maximum": searchMaxPerPage, "default": searchDefaultPerPage}),
			},
			"responses": map[string]any{
				"200": map[string]any{
					"description": "A page of results.",
					"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
						"type":     "object",
						"required": []any{"total", "page", "per_page", "items"},
						"properties": map[string]any{
							"total":    map[string]any{"type": "integer", "description": "Stories found in all."},
							"page":     map[string]any{"type": "integer"},
							"per_page": map[string]any{"type": "integer"},
							"next":     map[string]any{"type": "string", "format": "uri", "description": "The next page, while there is one."},
							"items": map[string]any{"type": "array", "items": map[string]any{
								"type":     "object",
								"required": []any{"uri", "id", "version", "lang", "headline", "section", "versioncreated", "snippet", "links"},
								"properties": map[string]any{
									"uri":            map[string]any{"type": "string", "format": "uri"},
									"id":             map[string]any{"type": "integer"},
									"version":        map[string]any{"type": "integer"},
									"lang":           map[string]any{"type": "string", "enum": langEnum()},
									"headline":       str,
									"section":        str,
									"firstcreated":   map[string]any{"type": "string", "format": "date-time"},
									"versioncreated": map[string]any{"type": "string", "format": "date-time"},
									"snippet": map[string]any{"type": "array", "description": "A passage as plain text pieces; mark is true for the words that matched.",
										"items": map[string]any{"type": "object", "required": []any{"text", "mark"},
											"properties": map[string]any{"text": str, "mark": map[string]any{"type": "boolean"}}}},
									"links": map[string]any{"type": "object", "required": []any{"item", "ninjs", "newsml"},
										"properties": map[string]any{
											"item":   map[string]any{"type": "string", "format": "uri"},
											"ninjs":  map[string]any{"type": "string", "format": "uri"},
											"newsml": map[string]any{"type": "string", "format": "uri"},
										}},
								},
							}},
						},
					}}},
				},
				"400": ref("responses", "BadRequest"),
				"503": map[string]any{
					"description": "Search is not available on this server.",
					"content":     map[string]any{"application/problem+json": map[string]any{"schema": ref("schemas", "Problem")}},
				},
			},
		},
	}
}
