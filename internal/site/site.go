// Package site is the public website: language home pages, section pages and
// story pages in each of the seven languages, server-rendered from the store.
package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/voice"
	"github.com/qasid/qasid/internal/web"
)

// Options are what the site needs from the application.
type Options struct {
	Store   store.Store
	Catalog *lang.Catalog
	Log     *slog.Logger
	BaseURL string           // public origin, e.g. https://news.example.org, no trailing slash
	Now     func() time.Time // the clock; time.Now when nil
	Assets  *web.Assets      // shared with the desk; loaded here when nil
	// Search is this node's index: the search page and related stories.
	// Nil turns both off (tests that do not need them).
	Search *search.Index
	// Voice serves voice-overs: the story page's player and /audio/.
	// Nil turns both off.
	Voice *voice.Service
	// Media serves the photos' renditions at /media/ and gives stories
	// their lead photo (media.go); nil turns both off.
	Media *media.Service
}

// Site serves the public website.
type Site struct {
	store   store.Store
	cat     *lang.Catalog
	log     *slog.Logger
	baseURL string
	now     func() time.Time
	render  *render.Renderer
	matcher *lang.Matcher
	tpl     *web.Templates
	assets  *web.Assets
	search  *search.Index
	voice   *voice.Service
	media   *media.Service // media.go

	sitemapSize int // stories per sitemap file; a field so tests can page with a few

	memo memo // list sizes, section page ends, the frame and related cards until the log moves: memo.go
}

// New parses the templates and assets; an error here means the binary
// itself is broken, so callers stop.
func New(o Options) (*Site, error) {
	if o.Store == nil || o.Catalog == nil {
		return nil, errors.New("site: store and catalog are required")
	}
	s := &Site{store: o.Store, cat: o.Catalog, log: o.Log, baseURL: o.BaseURL, now: o.Now,
		render: render.New(o.Store, o.Catalog), matcher: lang.NewMatcher(), sitemapSize: sitemapSize, search: o.Search, voice: o.Voice}
	s.media = o.Media
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	s.assets = o.Assets
	if s.assets == nil {
		if s.assets, err = web.LoadAssets(); err != nil {
			return nil, fmt.Errorf("site: %w", err)
		}
	}
	if s.tpl, err = web.LoadTemplates("site", template.FuncMap{}); err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	return s, nil
}

// Handler returns the site's routes, wrapped in logging and panic recovery.
func (s *Site) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.root)
	mux.Handle("GET /assets/{file}", s.assets)
	mux.HandleFunc("GET /robots.txt", s.robots)
	mux.HandleFunc("GET /sitemap.xml", s.handle(s.sitemapIndex))
	mux.HandleFunc("GET /sitemaps/{file}", s.handle(s.sitemap))
	mux.HandleFunc("GET /feeds/{file}", s.handle(s.languageFeed))       // en.rss, en.atom
	mux.HandleFunc("GET /feeds/{lang}/{file}", s.handle(s.sectionFeed)) // en/world.rss; see feed.go for why /feeds/
	mux.HandleFunc("GET /lang/{code}", s.switchLanguage)
	mux.HandleFunc("GET /audio/{story}/{file}", s.handle(s.audio)) // voice-overs: audio.go
	s.searchRoutes(mux)
	s.mediaRoutes(mux)
	mux.HandleFunc("GET /{lang}", s.addSlash)
	mux.HandleFunc("GET /{lang}/{$}", s.handle(s.home))
	mux.HandleFunc("GET /{lang}/{section}", s.addSlash)
	mux.HandleFunc("GET /{lang}/{section}/{$}", s.handle(s.section))
	mux.HandleFunc("GET /{lang}/{section}/page/{n}/{$}", s.handle(s.section))
	mux.HandleFunc("GET /{lang}/{section}/{story}", s.handle(s.story))
	mux.HandleFunc("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return web.NotFound(nil)
	}))
	return web.Log(s.log, func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &web.Error{Status: http.StatusInternalServerError, Public: "panic"})
	}, mux)
}

// handle adapts a handler that returns an error, rendering the error page
// in the request's language in one place.
func (s *Site) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.renderError(w, r, err)
		}
	}
}

// pageLang gives the language of the URL's first segment, or the reader's
// preferred language when the segment names none of ours.
func (s *Site) pageLang(r *http.Request) (lang.Language, bool) {
	if l, ok := lang.Get(r.PathValue("lang")); ok {
		return l, true
	}
	return s.preferred(r), false
}

// preferred is the reader's language: the switcher's cookie first, then
// the browser's Accept-Language.
func (s *Site) preferred(r *http.Request) lang.Language {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := lang.Get(c.Value); ok {
			return l
		}
	}
	return s.matcher.Match(r.Header.Get("Accept-Language"))
}

func (s *Site) renderError(w http.ResponseWriter, r *http.Request, err error) {
	if web.ClientGone(r, err) {
		s.log.Debug("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	status := web.StatusOf(err)
	if status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	l, ok := lang.Get(r.PathValue("lang"))
	if !ok {
		l = s.preferred(r)
	}
	heading, message := "error.not_found_title", "error.not_found_body"
	switch {
	case status == http.StatusGone:
		heading, message = "story.killed_title", "story.killed_body"
	case status >= 500:
		heading, message = "error.server_title", "error.server_body"
	}
	// The error page must not depend on the store working: when the agency
	// cannot be loaded, the frame falls back to its empty defaults.
	p := s.frameOrBare(r.Context(), l, "")
	p.Title = s.cat.T(l.Code, heading)
	if p.Agency.Name != "" {
		p.Title += " – " + p.Agency.Name
	}
	data := errorPage{page: p, Heading: s.cat.T(l.Code, heading), Message: s.cat.T(l.Code, message)}
	w.Header().Set("Cache-Control", "no-store")
	if rerr := s.tpl.Render(w, status, "error", data); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

type errorPage struct {
	page
	Heading, Message string
}

// robots lets crawlers read the public site but not the desk or the wire
// API, and points them at the sitemap index. The Sitemap line needs an
// absolute URL, so it is left out when no public origin is configured
// (the request's Host is the client's word, not ours).
func (s *Site) robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "User-agent: *\nAllow: /\nDisallow: /desk/\nDisallow: /wire/\n")
	if s.baseURL != "" {
		fmt.Fprintf(w, "\nSitemap: %s/sitemap.xml\n", s.baseURL)
	}
}

// addSlash sends /en and /en/world to their canonical forms with a slash.
func (s *Site) addSlash(w http.ResponseWriter, r *http.Request) {
	if _, ok := lang.Get(r.PathValue("lang")); !ok {
		s.renderError(w, r, web.NotFound(nil))
		return
	}
	u := *r.URL
	u.Path += "/"
	u.RawPath = ""
	http.Redirect(w, r, u.String(), http.StatusMovedPermanently)
}

// pageNumber reads ?page=; absent is 1, anything not a positive number is an error.
func pageNumber(r *http.Request) (int, error) {
	v := r.URL.Query().Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100_000 {
		return 0, web.NotFound(fmt.Errorf("bad page %q", v))
	}
	return n, nil
}

// storeErr maps a store error to the public one: not found stays a 404.
func storeErr(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return web.NotFound(err)
	}
	return err
}

// agencyZone is the agency's home time zone, used for every date a reader sees.
func agencyZone(a story.Agency) *time.Location {
	if loc, err := time.LoadLocation(a.TimeZone); err == nil && a.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// loadFrame reads what every page shows: the agency and its sections.
func (s *Site) loadFrame(ctx context.Context) (frameSource, error) {
	a, err := s.store.Agency(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return frameSource{}, fmt.Errorf("site: agency: %w", err)
	}
	secs, err := s.store.Sections(ctx)
	if err != nil {
		return frameSource{}, fmt.Errorf("site: sections: %w", err)
	}
	return frameSource{agency: a, sections: secs, zone: agencyZone(a)}, nil
}

// frameSource is what the frame is made from: the agency's settings and
// the sections, in display order, and the agency's zone (loading a zone
// reads the zone database, so it is done here once).
type frameSource struct {
	agency   story.Agency
	sections []story.Section
	zone     *time.Location
}
