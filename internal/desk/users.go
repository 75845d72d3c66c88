package desk

import (
	"net/http"
	"strings"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/web"
)

type usersPage struct {
	page
	Users              []userRow
	New                newUser
	NewRoles, NewLangs []option
}

type userRow struct {
	ID          int64
	Email, Name string
	Pairs       string
	Disabled    bool
	RoleBoxes   []option
	LangOptions []option
}

type newUser struct{ Email, Name, Pairs string }

func roleOptions(p page, have []auth.Role) []option {
	var out []option
	for _, r := range auth.Roles() {
		sel := false
		for _, h := range have {
			sel = sel || h == r
		}
		out = append(out, option{Value: string(r), Label: p.T("desk.role_" + string(r)), Selected: sel})
	}
	return out
}

func pairsText(ps []auth.Pair) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}

func (d *Desk) users(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	return d.renderUsers(w, r, a, http.StatusOK, "", newUser{})
}

func (d *Desk) renderUsers(w http.ResponseWriter, r *http.Request, a newsroom.Actor, status int, problem string, nu newUser) error {
	if !auth.Can(a.User, auth.ActionUserManage) {
		return forbidden()
	}
	list, err := d.svc.Users(r.Context(), a)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "users")
	p.Title = p.T("desk.users_title")
	p.Error = problem
	data := usersPage{page: p, New: nu, NewRoles: roleOptions(p, nil), NewLangs: langOptions(p.Lang.Code)}
	for _, u := range list {
		data.Users = append(data.Users, userRow{ID: u.ID, Email: u.Email, Name: u.Name, Pairs: pairsText(u.Pairs),
			Disabled: u.Disabled, RoleBoxes: roleOptions(p, u.Roles), LangOptions: langOptions(u.UILang)})
	}
	return d.tpl.Render(w, status, "users", data)
}

// userForm reads roles, language pairs and the interface language.
func userForm(r *http.Request, u *auth.User) error {
	u.Roles = nil
	for _, v := range r.PostForm["role"] {
		role, err := auth.ParseRole(v)
		if err != nil {
			return errInputf("%v", err)
		}
		u.Roles = append(u.Roles, role)
	}
	u.Pairs = nil
	for _, v := range strings.FieldsFunc(r.PostForm.Get("pairs"), func(r rune) bool { return r == ',' || r == ' ' }) {
		p, err := auth.ParsePair(v)
		if err != nil {
			return errInputf("%v", err)
		}
		for _, c := range []string{p.From, p.To} {
			if _, ok := lang.Get(c); !ok {
				return errInputf("language pair %q: unknown language %q", v, c)
			}
		}
		u.Pairs = append(u.Pairs, p)
	}
	if code := r.PostForm.Get("ui_lang"); code != "" {
		if _, ok := lang.Get(code); !ok {
			return errInputf("unknown language %q", code)
		}
		u.UILang = code
	}
	return nil
}

func (d *Desk) addUser(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionUserManage) {
		return forbidden()
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	u := auth.User{Email: auth.NormalizeEmail(r.PostForm.Get("email")), Name: strings.TrimSpace(r.PostForm.Get("name"))}
	err := userForm(r, &u)
	if err == nil {
		err = d.svc.AddUser(r.Context(), a, &u, r.PostForm.Get("password"))
	}
	if err != nil {
		status, msg := publicError(err)
		if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
			if msg == "" {
				msg = d.page(r, a.User, "").T("desk.user_exists")
			}
			return d.renderUsers(w, r, a, status, msg, newUser{Email: u.Email, Name: u.Name, Pairs: r.PostForm.Get("pairs")})
		}
		return err
	}
	http.Redirect(w, r, "/desk/users?done=user_added", http.StatusSeeOther)
	return nil
}

func (d *Desk) updateUser(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionUserManage) {
		return forbidden()
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	users, err := d.svc.Users(r.Context(), a)
	if err != nil {
		return err
	}
	var u auth.User
	for _, x := range users {
		if x.ID == id {
			u = x
		}
	}
	if u.ID == 0 {
		return web.NotFound(nil)
	}
	if err := userForm(r, &u); err != nil {
		return err
	}
	u.Disabled = r.PostForm.Get("disabled") == "1"
	if err := d.svc.UpdateUser(r.Context(), a, &u); err != nil {
		if status, msg := publicError(err); status == http.StatusUnprocessableEntity {
			return d.renderUsers(w, r, a, status, msg, newUser{})
		}
		return err
	}
	http.Redirect(w, r, "/desk/users?done=user_updated", http.StatusSeeOther)
	return nil
}
