// Package desk is the newsroom's web interface at /desk/: login, the story
// list, the story editor with its live preview, versions and diffs, the
// audit log and user administration. Handlers are thin: they parse the
// request, ask the newsroom service, and render; the service owns the rules.
package desk

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/translate"
	"github.com/qasid/qasid/internal/voice"
	"github.com/qasid/qasid/internal/web"
	"github.com/qasid/qasid/internal/webhook"
)

// Options are what the desk needs from the application.
type Options struct {
	Service *newsroom.Service
	Store   store.Store // read-only lookups: sections, versions, the audit log
	Catalog *lang.Catalog
	Assets  *web.Assets
	Log     *slog.Logger
	// Preview renders a story body exactly as the public page does.
	Preview func(ctx context.Context, st story.Story) (template.HTML, error)
	// PublicPath is the public URL path of a story.
	PublicPath func(st story.Story) string
	Now        func() time.Time
	// Translate is the translation desk's service; MTName names the machine
	// translation provider, if one is configured.
	Translate *translate.Service
	MTName    string
	// Webhooks, when set, gives the admin pages each endpoint's delivery
	// log and "redeliver".
	Webhooks *webhook.Service
	// Search is this node's index: desk search and related-story
	// suggestions; nil turns them off.
	Search *search.Index
	// Media is the photo desk (images.go); nil hides the Images panel.
	Media *media.Service
	// Voice, when set, shows each version's voice-over on the versions
	// page, with "render again" (audio.go).
	Voice *voice.Service
}

// Desk serves /desk/.
type Desk struct {
	svc        *newsroom.Service
	store      store.Store
	cat        *lang.Catalog
	assets     *web.Assets
	log        *slog.Logger
	preview    func(ctx context.Context, st story.Story) (template.HTML, error)
	publicPath func(st story.Story) string
	now        func() time.Time
	tpl        *web.Templates
	tr         *translate.Service
	mtName     string
	hooks      *webhook.Service
	search     *search.Index
	media      *media.Service // images.go
	voice      *voice.Service // audio.go
}

const (
	sessionCookie = "qasid_session"
	maxForm       = 2 << 20   // a 1 MiB body plus the other fields, with room for encoding
	maxUpload     = 200 << 20 // a TMX or glossary file
)

// New parses the desk's templates.
func New(o Options) (*Desk, error) {
	if o.Service == nil || o.Store == nil || o.Catalog == nil || o.Preview == nil || o.PublicPath == nil {
		return nil, errors.New("desk: service, store, catalog, preview and public path are required")
	}
	d := &Desk{svc: o.Service, store: o.Store, cat: o.Catalog, assets: o.Assets, log: o.Log,
		preview: o.Preview, publicPath: o.PublicPath, now: o.Now, tr: o.Translate, mtName: o.MTName, hooks: o.Webhooks, search: o.Search}
	d.media = o.Media
	d.voice = o.Voice
	if d.tr == nil {
		return nil, errors.New("desk: the translation service is required")
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	var err error
	if d.assets == nil {
		if d.assets, err = web.LoadAssets(); err != nil {
			return nil, fmt.Errorf("desk: %w", err)
		}
	}
	if d.tpl, err = web.LoadTemplates("desk", template.FuncMap{}); err != nil {
		return nil, fmt.Errorf("desk: %w", err)
	}
	return d, nil
}

// Handler returns the desk's routes. Every state-changing request must
// come from the desk's own pages: http.CrossOriginProtection refuses
// cross-site POSTs by the browser's Sec-Fetch-Site and Origin headers.
func (d *Desk) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /desk/login", d.loginForm)
	mux.HandleFunc("POST /desk/login", d.login)
	mux.Handle("POST /desk/logout", d.user(d.logout))
	mux.Handle("POST /desk/account/lang", d.user(d.setLanguage))

	mux.Handle("GET /desk/{$}", d.user(d.list))
	mux.Handle("GET /desk/stories/new", d.user(d.newStory))
	mux.Handle("POST /desk/stories", d.user(d.create))
	mux.Handle("GET /desk/stories/{id}", d.user(d.show))
	mux.Handle("POST /desk/stories/{id}", d.user(d.save))
	mux.Handle("POST /desk/stories/{id}/{action}", d.user(d.act))
	mux.Handle("GET /desk/stories/{id}/versions", d.user(d.versions))
	mux.Handle("GET /desk/stories/{id}/versions/{v}", d.user(d.versions))
	mux.Handle("GET /desk/stories/{id}/diff", d.user(d.diff))
	mux.Handle("POST /desk/preview", d.user(d.previewBody))
	mux.Handle("GET /desk/headlines", d.user(d.headlines))
	mux.Handle("GET /desk/search", d.user(d.searchStories))

	mux.Handle("POST /desk/stories/{id}/translations", d.user(d.startTranslations))
	mux.Handle("GET /desk/stories/{id}/translate", d.user(d.workspace))
	mux.Handle("POST /desk/stories/{id}/translate", d.user(d.saveWorkspace))
	mux.Handle("POST /desk/stories/{id}/translate/mt", d.user(d.machine))
	mux.Handle("GET /desk/queue", d.user(d.queue))
	mux.Handle("GET /desk/dashboard", d.user(d.dashboard))
	mux.Handle("GET /desk/memory", d.user(d.memory))
	mux.Handle("POST /desk/memory/tmx", d.user(d.importTMX))
	mux.Handle("GET /desk/memory/tmx", d.user(d.exportTMX))
	mux.Handle("POST /desk/memory/glossary", d.user(d.addTerm))
	mux.Handle("POST /desk/memory/glossary/{id}/delete", d.user(d.deleteTerm))
	mux.Handle("POST /desk/memory/glossary.csv", d.user(d.importGlossary))
	mux.Handle("GET /desk/memory/glossary.csv", d.user(d.exportGlossary))

	d.wireRoutes(mux)
	d.incomingRoutes(mux)
	d.relatedRoutes(mux)
	d.imageRoutes(mux)
	d.audioRoutes(mux)

	mux.Handle("GET /desk/audit", d.user(d.audit))
	mux.Handle("GET /desk/users", d.user(d.users))
	mux.Handle("POST /desk/users", d.user(d.addUser))
	mux.Handle("POST /desk/users/{id}", d.user(d.updateUser))

	mux.Handle("/desk/", d.user(func(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
		return web.NotFound(nil)
	}))
	mux.HandleFunc("GET /desk", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/desk/", http.StatusMovedPermanently)
	})

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.renderError(w, r, auth.User{}, &web.Error{Status: http.StatusForbidden, Public: "cross-origin request refused"})
	}))
	return cop.Handler(limitBody(mux))
}

// limitBody caps request bodies, so that an oversized form is refused with
// a clear message instead of being read into memory. Memory and glossary
// files may be larger than a story.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxForm)
		if strings.HasPrefix(r.URL.Path, "/desk/memory/") {
			limit = maxUpload
		}
		limit = max(limit, imageBodyLimit(r.URL.Path)) // images.go
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

type handler func(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error

type userKey struct{}

// user wraps a handler that needs a signed-in user: it reads the session
// cookie, asks the service who it belongs to, and sends strangers to the
// login page (GET) or answers 401 (anything else).
func (d *Desk) user(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Frame-Options", "DENY")
		var u auth.User
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, err = d.svc.Authenticate(r.Context(), c.Value)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				d.renderError(w, r, auth.User{}, err)
				return
			}
		}
		if u.ID == 0 {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/desk/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			d.renderError(w, r, auth.User{}, &web.Error{Status: http.StatusUnauthorized, Public: "sign in first"})
			return
		}
		if !auth.Can(u, auth.ActionDeskView) {
			d.renderError(w, r, u, forbidden())
			return
		}
		a := newsroom.Actor{User: u, IP: clientIP(r)}
		if err := h(w, r, a); err != nil {
			d.renderError(w, r, u, err)
		}
	})
}

// clientIP is the peer's address. Qasid does not trust X-Forwarded-For
// until it is told which proxies are its own.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func forbidden() error { return &web.Error{Status: http.StatusForbidden, Public: "forbidden"} }

// publicError maps service and store errors to what the desk shows.
func publicError(err error) (int, string) {
	var we *web.Error
	var th *newsroom.ThrottleError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &we):
		return we.Status, ""
	case errors.Is(err, newsroom.ErrLogin):
		return http.StatusUnauthorized, ""
	case errors.Is(err, newsroom.ErrForbidden):
		return http.StatusForbidden, ""
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, ""
	case errors.Is(err, translate.ErrNoProvider):
		return http.StatusNotFound, ""
	case errors.Is(err, store.ErrBadMove):
		return http.StatusConflict, ""
	case errors.Is(err, store.ErrConflict):
		return http.StatusConflict, ""
	case errors.As(err, &th):
		return http.StatusTooManyRequests, ""
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, ""
	case errors.Is(err, story.ErrInvalid), errors.Is(err, auth.ErrInvalid), errors.Is(err, auth.ErrWeakPassword), errors.Is(err, errInput):
		// The message of a validation error is written for the user.
		return http.StatusUnprocessableEntity, userMessage(err)
	}
	return http.StatusInternalServerError, ""
}

// errInput marks a form value the desk itself could not read.
var errInput = errors.New("bad input")

// userMessage strips the package prefixes from a validation error.
func userMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"newsroom: ", "store: ", "desk: ", "auth: ", "translate: ", "create story: ", "save story: ", "update story: ", "invalid story: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

func (d *Desk) renderError(w http.ResponseWriter, r *http.Request, u auth.User, err error) {
	if web.ClientGone(r, err) {
		d.log.Debug("desk: client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		return
	}
	status, msg := publicError(err)
	if status >= 500 {
		d.log.Error("desk request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := d.page(r, u, "")
	heading, message := "error.server_title", "error.server_body"
	switch status {
	case http.StatusNotFound:
		heading, message = "error.not_found_title", "error.not_found_body"
	case http.StatusForbidden:
		heading, message = "desk.forbidden_title", "desk.forbidden_body"
	case http.StatusUnauthorized:
		heading, message = "desk.login_title", "desk.login_needed"
	case http.StatusConflict:
		heading, message = "desk.conflict_title", "desk.conflict_body"
	case http.StatusUnprocessableEntity:
		heading, message = "desk.invalid_title", "desk.invalid_body"
	case http.StatusRequestEntityTooLarge:
		heading, message = "desk.invalid_title", "desk.too_large"
	case http.StatusTooManyRequests:
		heading, message = "desk.login_title", "desk.throttled"
		var th *newsroom.ThrottleError
		if errors.As(err, &th) {
			w.Header().Set("Retry-After", fmt.Sprint(int(th.Wait.Seconds()+0.999)))
		}
	}
	p.Title = p.T(heading)
	p.Error = msg
	if rerr := d.tpl.Render(w, status, "error", errorPage{page: p, Heading: p.T(heading), Message: p.T(message)}); rerr != nil {
		d.log.Error("render desk error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

type errorPage struct {
	page
	Heading, Message string
}
