// Package auth owns the newsroom's people and what they may do: users and
// their roles, translators' language pairs, the permission table, password
// hashing and session tokens. It does no I/O; the store keeps users and
// sessions, and the desk asks Can before every page and action.
package auth

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is a job in the newsroom. A user may hold several.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleEditor     Role = "editor"
	RoleReporter   Role = "reporter"
	RoleTranslator Role = "translator"
)

// Roles lists every role, in the order the desk shows them.
func Roles() []Role { return []Role{RoleAdmin, RoleEditor, RoleReporter, RoleTranslator} }

// ParseRole reads a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Roles(), r) {
		return r, nil
	}
	return "", fmt.Errorf("auth: unknown role %q (want admin, editor, reporter or translator)", s)
}

// Pair is a translator's language pair, e.g. en→ur.
type Pair struct {
	From, To string // language codes
}

func (p Pair) String() string { return p.From + ">" + p.To }

// ParsePair reads "en>ur", "en->ur" or "en→ur"; codes are checked by the
// caller against lang, which auth does not import.
func ParsePair(s string) (Pair, error) {
	s = strings.TrimSpace(s)
	for _, sep := range []string{"→", "->", ">", ":"} {
		if from, to, ok := strings.Cut(s, sep); ok {
			p := Pair{From: strings.TrimSpace(from), To: strings.TrimSpace(to)}
			if p.From == "" || p.To == "" || p.From == p.To {
				break
			}
			return p, nil
		}
	}
	return Pair{}, fmt.Errorf("auth: language pair %q: want two different codes as en>ur", s)
}

// User is a member of the agency's staff (or a freelance translator).
type User struct {
	ID           int64
	Email        string // unique, lower case; the login name
	Name         string
	Roles        []Role
	Pairs        []Pair // for translators
	UILang       string // the desk's language for this user
	Disabled     bool
	PasswordHash string // PHC-formatted argon2id hash; empty means no password login
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Has reports whether u holds role r.
func (u User) Has(r Role) bool { return slices.Contains(u.Roles, r) }

// Translates reports whether u may translate into language to (from any
// source), which is what editing a translation draft needs.
func (u User) Translates(to string) bool {
	if !u.Has(RoleTranslator) {
		return false
	}
	for _, p := range u.Pairs {
		if p.To == to {
			return true
		}
	}
	return false
}

// CoversPair reports whether u is a translator with the pair from→to,
// which is what being assigned a translation needs.
func (u User) CoversPair(from, to string) bool {
	return u.Has(RoleTranslator) && slices.Contains(u.Pairs, Pair{From: from, To: to})
}

// ErrInvalid marks a user that breaks a rule.
var ErrInvalid = errors.New("invalid user")

// NormalizeEmail lower-cases and trims an address, so that one person has
// one login however they type it.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user's fields; the error names every broken rule.
func (u *User) Validate() error {
	var probs []string
	if !utf8.ValidString(u.Email) || !utf8.ValidString(u.Name) {
		probs = append(probs, "not valid UTF-8")
	}
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		probs = append(probs, fmt.Sprintf("email %q is not a plain address", u.Email))
	}
	if utf8.RuneCountInString(u.Name) > 120 {
		probs = append(probs, "name is longer than 120 characters")
	}
	if len(u.Roles) == 0 {
		probs = append(probs, "at least one role is required")
	}
	for _, r := range u.Roles {
		if !slices.Contains(Roles(), r) {
			probs = append(probs, fmt.Sprintf("role %q is unknown", r))
		}
	}
	if u.Has(RoleTranslator) && len(u.Pairs) == 0 {
		probs = append(probs, "a translator needs at least one language pair")
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// Session is a login, kept server-side. The browser holds the token; the
// store keeps only its hash, so a leaked database cannot be replayed.
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	IP        string
	UserAgent string
}

// SessionLifetime is how long a login lasts without a new sign-in.
const SessionLifetime = 12 * time.Hour
