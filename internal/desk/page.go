package desk

import (
	"net/http"
	"net/url"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// page is what the desk's layout needs on every page.
type page struct {
	cat       *lang.Catalog
	Lang      lang.Language // the user's interface language
	Title     string
	User      auth.User
	Nav       string
	Flash     string
	Error     string
	SiteCSS   string
	DeskCSS   string
	DeskJS    string
	Languages []lang.Language
}

func (p page) T(key string, args ...string) string { return p.cat.T(p.Lang.Code, key, args...) }
func (p page) N(key string, n int, args ...string) string {
	return p.cat.N(p.Lang.Code, key, n, args...)
}

// Can lets templates show only what the user may do; the handlers check
// again, on the server, whatever the page showed.
func (p page) Can(action string) bool { return auth.Can(p.User, auth.Action(action)) }

// uiLang is the user's chosen interface language, else the browser's.
func (d *Desk) uiLang(r *http.Request, u auth.User) lang.Language {
	if l, ok := lang.Get(u.UILang); ok {
		return l
	}
	return lang.Match(r.Header.Get("Accept-Language"))
}

func (d *Desk) page(r *http.Request, u auth.User, nav string) page {
	p := page{cat: d.cat, Lang: d.uiLang(r, u), User: u, Nav: nav, Languages: lang.All(),
		SiteCSS: d.assets.URL("site.css"), DeskCSS: d.assets.URL("desk.css"), DeskJS: d.assets.URL("desk.js")}
	p.Flash = flashText(p, r.URL.Query().Get("done"))
	return p
}

// flashText turns the ?done= marker of a redirect after a POST into a
// message in the user's language.
func flashText(p page, done string) string {
	switch done {
	case "saved", "created", "submitted", "returned", "published", "scheduled", "corrected", "killed", "user_added", "user_updated",
		"translations", "imported", "term_added", "term_deleted", "redelivered":
		return p.T("desk.done_" + done)
	}
	return ""
}

// option is an entry of a <select> or a checkbox group.
type option struct {
	Value, Label string
	Selected     bool
}

func langOptions(selected string) []option {
	var out []option
	for _, l := range lang.All() {
		out = append(out, option{Value: l.Code, Label: l.Name, Selected: l.Code == selected})
	}
	return out
}

func sectionOptions(secs []story.Section, uiLang, selected string) []option {
	var out []option
	for _, s := range secs {
		name := s.Names[uiLang]
		if name == "" {
			name = s.Key
		}
		out = append(out, option{Value: s.Key, Label: name, Selected: s.Key == selected})
	}
	return out
}

func statusLabel(p page, s story.Status) string { return p.T("desk.status_" + string(s)) }

// agencyZone is where the desk's times are shown and entered.
func (d *Desk) agencyZone(r *http.Request) *time.Location {
	a, err := d.store.Agency(r.Context())
	if err == nil && a.TimeZone != "" {
		if loc, err := time.LoadLocation(a.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
