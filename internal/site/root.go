package site

import (
	"net/http"
	"strings"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/web"
)

// root sends a reader to their language's home page: the switcher's cookie
// if set, else the best match for Accept-Language among our seven.
func (s *Site) root(w http.ResponseWriter, r *http.Request) {
	l := s.preferred(r)
	w.Header().Set("Vary", "Accept-Language, Cookie")
	w.Header().Set("Cache-Control", "private, no-cache")
	http.Redirect(w, r, "/"+l.Code+"/", http.StatusFound)
}

// switchLanguage remembers the reader's choice in a cookie and sends them
// on to the page in that language. next must be a page of the chosen
// language on this site, so the switcher cannot be used as an open redirect.
func (s *Site) switchLanguage(w http.ResponseWriter, r *http.Request) {
	l, ok := lang.Get(r.PathValue("code"))
	if !ok {
		s.renderError(w, r, web.NotFound(nil))
		return
	}
	next := r.URL.Query().Get("next")
	if !strings.HasPrefix(next, "/"+l.Code+"/") || strings.ContainsAny(next, "\\\r\n") || strings.HasPrefix(next, "//") {
		next = "/" + l.Code + "/"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l.Code, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, escapePathQuery(next), http.StatusSeeOther)
}
