package site

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/web"
)

type sectionPage struct {
	page
	Name               string
	Cards              []card
	Others             []card
	Total              int
	Page, Pages        int
	NewerURL, OlderURL string
}

// PageS and PagesS are the page numbers as text for the pager message.
func (p sectionPage) PageS() string  { return p.Lang.FormatInt(p.Page) }
func (p sectionPage) PagesS() string { return p.Lang.FormatInt(p.Pages) }

// sectionPath is the address of page n of a section. Later pages are paths
// (/en/world/page/2/), not queries, so that every public page can be baked
// into a static file.
func sectionPath(code, key string, n int) string {
	if n <= 1 {
		return "/" + code + "/" + key + "/"
	}
	return "/" + code + "/" + key + "/page/" + strconv.Itoa(n) + "/"
}

// keysetFrom is the deepest section page read by OFFSET: skipping 500
// index entries costs about 0.1 ms.
const keysetFrom = 25

// section lists a section's stories in one language, newest first, a page
// at a time: page 1 at /{lang}/{section}/, later ones at
// /{lang}/{section}/page/{n}/. The older ?page=N form redirects there.
func (s *Site) section(w http.ResponseWriter, r *http.Request) error {
	l, ok := s.pageLang(r)
	if !ok {
		return web.NotFound(nil)
	}
	key := r.PathValue("section")
	n := 1
	if v := r.PathValue("n"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 2 || n > 100_000 || strconv.Itoa(n) != v {
			return web.NotFound(fmt.Errorf("bad page %q", v))
		}
	} else if r.URL.RawQuery != "" {
		q, err := pageNumber(r)
		if err != nil {
			return err
		}
		http.Redirect(w, r, sectionPath(l.Code, key, q), http.StatusMovedPermanently)
		return nil
	}
	ctx := r.Context()
	p, err := s.frame(ctx, l, key, func(code string) string { return sectionPath(code, key, 1) })
	if err != nil {
		return err
	}
	sec, ok := findSection(p.sections, key)
	if !ok {
		return web.NotFound(fmt.Errorf("no section %q", key))
	}
	q := store.ListQuery{Now: s.now(), Lang: l.Code, Section: key, Limit: sectionPerPage, Offset: (n - 1) * sectionPerPage, NoBody: true}
	total, err := s.countPublished(ctx, q)
	if err != nil {
		return err
	}
	pages := max(1, (total+sectionPerPage-1)/sectionPerPage)
	if n > pages {
		return web.NotFound(fmt.Errorf("page %d of %d", n, pages))
	}
	if n > keysetFrom {
		// A deep page by OFFSET reads every page before it from the index
		// (2.7 ms for page 500): it starts after the previous page's end.
		// Finding the ends numbers the whole list once (20 ms for 14,000
		// stories), which a reader's page 2 should not wait for after
		// every publication; a crawl or a bake of the deep pages repays
		// it within a few pages.
		ends, err := s.pageEnds(ctx, q)
		if err != nil {
			return err
		}
		if n-2 < len(ends) {
			q.After = &ends[n-2]
		}
	}
	list, err := s.store.PublishedStories(ctx, q)
	if err != nil {
		return err
	}
	name := sectionName(sec, l.Code)
	p.Title = name + " – " + p.Agency.Name
	p.Canonical = s.baseURL + sectionPath(l.Code, key, n)
	if n > 1 {
		p.Title = name + " (" + p.T("pager.page", "page", l.FormatInt(n), "pages", l.FormatInt(pages)) + ") – " + p.Agency.Name
	} else {
		p.Alternates = s.homeAlternates(key)
	}
	data := sectionPage{page: p, Name: name, Cards: s.cards(p, list), Total: total, Page: n, Pages: pages}
	if n > 1 {
		data.NewerURL = sectionPath(l.Code, key, n-1)
	}
	if n < pages {
		data.OlderURL = sectionPath(l.Code, key, n+1)
	}
	if n == 1 {
		others, err := s.store.Untranslated(ctx, l.Code, key, homeOthers, s.now())
		if err != nil {
			return err
		}
		data.Others = s.cards(p, others)
	}
	return s.tpl.Render(w, http.StatusOK, "section", data)
}
