package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/web"
)

// APIOptions configure the pull API.
type APIOptions struct {
	Service *Service
	Log     *slog.Logger
	// Rate and Burst shape each key's token bucket: Rate requests a second
	// on average, Burst at once. Zero means 20 and 40. The buckets live in
	// this process's memory, so with several nodes behind a balancer a key
	// may make Rate requests a second on each node.
	Rate  float64
	Burst int
	Now   func() time.Time // nil means time.Now; tests move the clock
	// Search is this node's index, for GET /wire/v1/search; nil answers
	// that route with 503.
	Search *search.Index
}

// API serves the pull API under /wire/v1/.
type API struct {
	svc   *Service
	log   *slog.Logger
	now   func() time.Time
	limit *limiter
	index *search.Index
}

// NewAPI builds the pull API over a service that can render items.
func NewAPI(o APIOptions) (*API, error) {
	if o.Service == nil || o.Service.cat == nil || o.Service.baseURL == "" {
		return nil, errors.New("wire: the API needs a service with a catalog and a base URL")
	}
	a := &API{svc: o.Service, log: o.Log, now: o.Now, index: o.Search}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	rate, burst := o.Rate, o.Burst
	if rate <= 0 {
		rate = 20
	}
	if burst <= 0 {
		burst = 40
	}
	a.limit = newLimiter(rate, burst)
	return a, nil
}

// apiHandler is an endpoint of the API: it returns an error that
// writeProblem renders, in one place.
type apiHandler func(w http.ResponseWriter, r *http.Request, c caller) error

// caller is who is asking: the subscriber behind the key.
type caller struct {
	sub store.Subscriber
	key store.APIKey
}

// Handler returns the API's routes. Mount it at /wire/v1/: the patterns
// carry the whole path. Every answer that is not a success is a problem
// document, also for a path or method the API does not know.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	// fallback answers what no route matches: 405 for a known path asked
	// with another method, 404 for the rest.
	fallback := http.NewServeMux()
	for _, rt := range routes() {
		mux.Handle(rt.Method+" "+rt.Path, a.serve(rt))
		allow := rt.Method
		if rt.Method == http.MethodGet {
			allow += ", HEAD"
		}
		fallback.HandleFunc(rt.Path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeProblem(w, problemf(http.StatusMethodNotAllowed, "this path answers %s only", allow))
		})
	}
	fallback.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problemf(http.StatusNotFound, "there is nothing at this address"))
	})
	mux.Handle("/", fallback)
	return mux
}

// serve wraps an endpoint with authentication, the rate limit and error
// rendering.
func (a *API) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		var c caller
		if rt.Auth {
			var err error
			if c, err = a.authenticate(r); err != nil {
				a.fail(w, r, err)
				return
			}
			if ok, wait := a.limit.allow(c.key.ID, a.now()); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				a.fail(w, r, problemf(http.StatusTooManyRequests, "this key made too many requests: retry after the time in Retry-After"))
				return
			}
		}
		if err := rt.handle(a)(w, r, c); err != nil {
			a.fail(w, r, err)
		}
	})
}

// authenticate reads "Authorization: Bearer KEY".
func (a *API) authenticate(r *http.Request) (caller, error) {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return caller{}, errUnauthorized
	}
	sub, k, err := a.svc.Authenticate(r.Context(), strings.TrimSpace(key))
	if errors.Is(err, ErrUnauthorized) {
		return caller{}, errUnauthorized
	}
	if err != nil {
		return caller{}, err
	}
	return caller{sub: sub, key: k}, nil
}

// errUnauthorized is the one answer to every key that does not work: it
// does not say whether the key was unknown, revoked or suspended.
var errUnauthorized = problemf(http.StatusUnauthorized, "a valid API key is required: send Authorization: Bearer KEY")

// fail renders err as a problem document. Errors that are not problems
// are this side's fault: logged with their cause, answered 500 without it.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var p *problem
	switch {
	case errors.As(err, &p):
	case errors.Is(err, store.ErrNotFound):
		p = errNotFound
	case errors.Is(err, ErrInvalid):
		p = problemf(http.StatusBadRequest, "%s", strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	case web.ClientGone(r, err):
		return // nobody reads the answer
	default:
		a.log.ErrorContext(r.Context(), "wire api: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p = problemf(http.StatusInternalServerError, "the request could not be answered; try again later")
	}
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="qasid-wire"`)
	}
	writeProblem(w, p)
}

// errNotFound is the answer for an item that does not exist and for one
// the key may not see, alike.
var errNotFound = problemf(http.StatusNotFound, "no item with this id is available to this key")

// problem is an RFC 9457 problem document. The type is about:blank: the
// status says what kind of problem it is, and the title is its phrase.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
}

func (p *problem) Error() string { return fmt.Sprintf("%d %s", p.Status, p.Detail) }

func problemf(status int, format string, args ...any) *problem {
	return &problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: fmt.Sprintf(format, args...)}
}

func writeProblem(w http.ResponseWriter, p *problem) {
	b, err := json.Marshal(p)
	if err != nil { // four plain fields cannot fail to marshal
		b = []byte(`{"type":"about:blank","title":"Internal Server Error","status":500}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	w.Write(append(b, '\n'))
}

// writeJSON writes a success as JSON.
func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("wire api: encode: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(append(b, '\n'))
	return nil
}
