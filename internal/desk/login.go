package desk

import (
	"net/http"
	"strings"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
)

type loginPage struct {
	page
	Next, Email string
}

// safeNext keeps a post-login redirect inside the desk.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/desk/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/desk/"
	}
	return next
}

func (d *Desk) loginForm(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	p := d.page(r, auth.User{}, "")
	p.Title = p.T("desk.login_title")
	if err := d.tpl.Render(w, http.StatusOK, "login", loginPage{page: p, Next: safeNext(r.URL.Query().Get("next"))}); err != nil {
		d.renderError(w, r, auth.User{}, err)
	}
}

func (d *Desk) login(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		d.renderError(w, r, auth.User{}, err)
		return
	}
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	token, u, err := d.svc.Login(r.Context(), email, password, clientIP(r), r.UserAgent())
	if err != nil {
		status, _ := publicError(err)
		if status == http.StatusTooManyRequests || status >= 500 {
			d.renderError(w, r, auth.User{}, err)
			return
		}
		// One message for every failed login: it must not tell whether
		// the account exists.
		p := d.page(r, auth.User{}, "")
		p.Title = p.T("desk.login_title")
		p.Error = p.T("desk.login_failed")
		if rerr := d.tpl.Render(w, http.StatusUnauthorized, "login", loginPage{page: p, Next: next, Email: email}); rerr != nil {
			d.renderError(w, r, auth.User{}, rerr)
		}
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/desk/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: int(auth.SessionLifetime.Seconds())})
	d.log.Info("login", "user_id", u.ID)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (d *Desk) logout(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := d.svc.Logout(r.Context(), a, c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/desk/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: -1})
	http.Redirect(w, r, "/desk/login", http.StatusSeeOther)
	return nil
}

// setLanguage changes the user's own interface language.
func (d *Desk) setLanguage(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	code := r.PostFormValue("lang")
	if _, ok := lang.Get(code); !ok {
		return errInputf("unknown language %q", code)
	}
	if err := d.svc.SetOwnLanguage(r.Context(), a, code); err != nil {
		return err
	}
	back := r.Referer()
	if i := strings.Index(back, "/desk/"); i >= 0 {
		back = back[i:]
	}
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
	return nil
}
