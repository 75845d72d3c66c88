package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/config"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
)

func userAddFlags(fs *flag.FlagSet) runFunc {
	email := fs.String("email", "", "the user's email, their login (required)")
	roles := fs.String("role", "", "roles, comma-separated: admin, editor, reporter, translator (required)")
	name := fs.String("name", "", "the user's name")
	pairs := fs.String("pairs", "", "a translator's language pairs, comma-separated, e.g. en>ur,en>zh")
	uiLang := fs.String("lang", "en", "the desk's language for this user")
	return func(ctx context.Context, env Env, cfg config.Config, args []string) error {
		if err := noArgs(env, args); err != nil {
			return err
		}
		u := auth.User{Email: auth.NormalizeEmail(*email), Name: strings.TrimSpace(*name), UILang: *uiLang}
		if _, ok := lang.Get(u.UILang); !ok {
			return fmt.Errorf("--lang %q: want one of %s", u.UILang, strings.Join(lang.Codes(), ", "))
		}
		for _, r := range strings.Split(*roles, ",") {
			if strings.TrimSpace(r) == "" {
				continue
			}
			role, err := auth.ParseRole(r)
			if err != nil {
				return err
			}
			u.Roles = append(u.Roles, role)
		}
		for _, p := range strings.Split(*pairs, ",") {
			if strings.TrimSpace(p) == "" {
				continue
			}
			pair, err := auth.ParsePair(p)
			if err != nil {
				return err
			}
			for _, c := range []string{pair.From, pair.To} {
				if _, ok := lang.Get(c); !ok {
					return fmt.Errorf("--pairs %q: unknown language %q", p, c)
				}
			}
			u.Pairs = append(u.Pairs, pair)
		}
		if err := u.Validate(); err != nil {
			return err
		}
		password, err := readPassword(env)
		if err != nil {
			return err
		}
		log := logger(env.Stderr, cfg)
		db, err := openStore(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer db.Close()
		if _, err := db.UserByEmail(ctx, u.Email); err == nil {
			return fmt.Errorf("a user with email %s already exists", u.Email)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		svc := newsroom.New(newsroom.Options{Store: db, Log: log})
		if err := svc.BootstrapUser(ctx, &u, password); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added user %d: %s (%s)\n", u.ID, u.Email, rolesText(u.Roles))
		return nil
	}
}

// readPassword prompts without echo on a terminal; otherwise it reads the
// first line of standard input, so scripts can pipe a password in.
func readPassword(env Env) (string, error) {
	if f, ok := env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(env.Stderr, "Password: ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(env.Stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), auth.CheckPasswordRules(string(a))
	}
	if env.Stdin == nil {
		return "", errors.New("no password: pipe it to standard input")
	}
	line, err := bufio.NewReader(io.LimitReader(env.Stdin, auth.MaxPassword+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	return pw, auth.CheckPasswordRules(pw)
}

func rolesText(rs []auth.Role) string {
	var s []string
	for _, r := range rs {
		s = append(s, string(r))
	}
	return strings.Join(s, ",")
}

func runUserList(ctx context.Context, env Env, cfg config.Config, args []string) error {
	if err := noArgs(env, args); err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, logger(env.Stderr, cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	users, err := db.Users(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		state := "active"
		if u.Disabled {
			state = "disabled"
		}
		var pairs []string
		for _, p := range u.Pairs {
			pairs = append(pairs, p.String())
		}
		fmt.Fprintf(env.Stdout, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, rolesText(u.Roles), strings.Join(pairs, ","), state)
	}
	return nil
}
