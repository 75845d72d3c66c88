package newsroom

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
)

const goodPassword = "correct horse battery"

func TestAddUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.actor(auth.RoleAdmin)
		tests := []struct {
			name     string
			u        auth.User
			password string
			wantErr  string // empty: accepted
		}{
			{"reporter", auth.User{Email: " Sana@Example.com ", Name: " Sana ", Roles: []auth.Role{auth.RoleReporter, auth.RoleReporter}}, goodPassword, ""},
			{"translator", auth.User{Email: "ali@example.com", Roles: []auth.Role{auth.RoleTranslator}, Pairs: []auth.Pair{{From: "en", To: "ur"}, {From: "en", To: "ur"}}, UILang: "ur"}, goodPassword, ""},
			{"weak password", auth.User{Email: "weak@example.com", Roles: []auth.Role{auth.RoleEditor}}, "short", "password must be"},
			{"bad email", auth.User{Email: "Sana <sana@example.com>", Roles: []auth.Role{auth.RoleEditor}}, goodPassword, "not a plain address"},
			{"no role", auth.User{Email: "none@example.com"}, goodPassword, "at least one role"},
			{"translator without pair", auth.User{Email: "t@example.com", Roles: []auth.Role{auth.RoleTranslator}}, goodPassword, "language pair"},
			{"pair in an unknown language", auth.User{Email: "t2@example.com", Roles: []auth.Role{auth.RoleTranslator}, Pairs: []auth.Pair{{From: "en", To: "de"}}}, goodPassword, "two different known languages"},
			{"unknown UI language", auth.User{Email: "u@example.com", Roles: []auth.Role{auth.RoleEditor}, UILang: "xx"}, goodPassword, `UI language "xx"`},
			{"taken email", auth.User{Email: "EDITOR@example.com", Roles: []auth.Role{auth.RoleEditor}}, goodPassword, "conflict"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.snapshot(t, 0)
				u := tt.u
				err := e.svc.AddUser(e.ctx, admin, &u, tt.password)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("got %v, want an error saying %q", err, tt.wantErr)
					}
					e.unchanged(t, before, 0)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if u.ID == 0 || u.PasswordHash != "" {
					t.Errorf("added %+v: want an id and no hash handed back", u)
				}
				got, err := e.db.User(e.ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Email != strings.ToLower(strings.TrimSpace(tt.u.Email)) || len(got.Roles) != 1 || len(got.Pairs) > 1 {
					t.Errorf("stored %+v: want email normalised, roles and pairs de-duplicated", got)
				}
				if !auth.CheckPassword(got.PasswordHash, tt.password) {
					t.Errorf("stored hash does not check the password")
				}
				last := e.snapshot(t, 0).audit[0]
				if last.Action != audit.UserCreate || last.ActorID != admin.User.ID || !strings.Contains(last.Detail, "roles ") {
					t.Errorf("audit %+v: want user.create by the admin with the roles", last)
				}
			})
		}
		// The validation errors are the desk's 422s.
		u := auth.User{Email: "x@example.com"}
		if err := e.svc.AddUser(e.ctx, admin, &u, "short"); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("got %v, want auth.ErrInvalid", err)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.actor(auth.RoleAdmin)
		tests := []struct {
			name        string
			target      int64
			change      func(u *auth.User)
			wantErr     string
			wantActions string // the audit entries written, oldest first
		}{
			{"roles", e.writer.ID, func(u *auth.User) {
				u.Roles = []auth.Role{auth.RoleReporter, auth.RoleTranslator}
				u.Pairs = []auth.Pair{{From: "en", To: "ar"}}
			}, "", "user.roles"},
			{"disable", e.writer.ID, func(u *auth.User) { u.Disabled = true }, "", "user.disable"},
			{"enable and rename", e.writer.ID, func(u *auth.User) {
				u.Disabled, u.Name = false, "Writer Two"
			}, "", "user.roles user.enable"},
			{"own admin role", admin.User.ID, func(u *auth.User) { u.Roles = []auth.Role{auth.RoleEditor} }, "your own admin role", ""},
			{"disable self", admin.User.ID, func(u *auth.User) { u.Disabled = true }, "disable yourself", ""},
			{"no roles", e.writer.ID, func(u *auth.User) { u.Roles = nil }, "at least one role", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.snapshot(t, 0)
				u, err := e.db.User(e.ctx, tt.target)
				if err != nil {
					t.Fatal(err)
				}
				tt.change(&u)
				err = e.svc.UpdateUser(e.ctx, admin, &u)
				if tt.wantErr != "" {
					if !errors.Is(err, auth.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("got %v, want auth.ErrInvalid saying %q", err, tt.wantErr)
					}
					e.unchanged(t, before, 0)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				got, err := e.db.User(e.ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Name != u.Name || got.Disabled != u.Disabled || !slices.Equal(got.Roles, u.Roles) || !slices.Equal(got.Pairs, u.Pairs) {
					t.Errorf("stored %+v, want %+v", got, u)
				}
				list, err := e.db.Audit(e.ctx, audit.Query{UserID: u.ID, Limit: 2})
				if err != nil {
					t.Fatal(err)
				}
				n := len(strings.Fields(tt.wantActions))
				var written []audit.Entry
				for i := n - 1; i >= 0 && i < len(list); i-- {
					written = append(written, list[i])
				}
				if actions(written) != tt.wantActions {
					t.Errorf("audit %q, want %q", actions(written), tt.wantActions)
				}
			})
		}
	})
}

func TestSetOwnLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tr := e.actor(auth.RoleTranslator)
		if err := e.svc.SetOwnLanguage(e.ctx, tr, "zz"); !errors.Is(err, auth.ErrInvalid) {
			t.Errorf("unknown language: got %v, want auth.ErrInvalid", err)
		}
		if err := e.svc.SetOwnLanguage(e.ctx, tr, "ar"); err != nil {
			t.Fatal(err)
		}
		got, err := e.db.User(e.ctx, tr.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.UILang != "ar" || !slices.Equal(got.Roles, tr.User.Roles) || !slices.Equal(got.Pairs, tr.User.Pairs) {
			t.Errorf("stored %+v: want UI language ar and nothing else changed", got)
		}
	})
}

func TestUsersHidesHashes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := auth.User{Email: "hashed@example.com", Roles: []auth.Role{auth.RoleEditor}}
		if err := e.svc.BootstrapUser(e.ctx, &u, goodPassword); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Users(e.ctx, e.actor(auth.RoleAdmin))
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != len(auth.Roles())+2 {
			t.Errorf("%d users, want %d", len(list), len(auth.Roles())+2)
		}
		for _, u := range list {
			if u.PasswordHash != "" {
				t.Errorf("user %s handed out with its password hash", u.Email)
			}
		}
	})
}
