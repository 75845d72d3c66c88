package demo

import (
	"context"
	"fmt"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
)

// Login is a demo account and the password it was given on this run.
type Login struct {
	Email, Password string
	Roles           []auth.Role
}

// Users makes one desk user per role, each with a fresh random password, and
// returns the logins to print. Every run sets new passwords, so the logins a
// run prints always work; the accounts themselves are never duplicated.
func Users(ctx context.Context, svc *newsroom.Service) ([]Login, error) {
	people := []auth.User{
		{Email: "admin@imn.example", Name: "Ayesha Siddiqui", Roles: []auth.Role{auth.RoleAdmin}, UILang: "en"},
		{Email: "editor@imn.example", Name: "Omar Farooq", Roles: []auth.Role{auth.RoleEditor}, UILang: "en"},
		{Email: "reporter@imn.example", Name: "Zainab Malik", Roles: []auth.Role{auth.RoleReporter}, UILang: "ur"},
		{Email: "translator@imn.example", Name: "Li Wei", Roles: []auth.Role{auth.RoleTranslator}, UILang: "zh",
			Pairs: []auth.Pair{{From: "en", To: "zh"}, {From: "en", To: "ur"}}},
	}
	var out []Login
	for _, u := range people {
		pw, err := auth.RandomPassword()
		if err != nil {
			return nil, err
		}
		if err := svc.BootstrapUser(ctx, &u, pw); err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", u.Email, err)
		}
		out = append(out, Login{Email: u.Email, Password: pw, Roles: u.Roles})
	}
	return out, nil
}
