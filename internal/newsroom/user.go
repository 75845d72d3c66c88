package newsroom

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
)

// AddUser creates an account with a password. Only admins add users. On
// success u holds the stored user, without its password hash.
func (s *Service) AddUser(ctx context.Context, a Actor, u *auth.User, password string) error {
	if u == nil {
		return errors.New("newsroom: add user: nil user")
	}
	if !auth.Can(a.User, auth.ActionUserManage) {
		return forbidden("add user")
	}
	if err := s.createUser(ctx, u, password, s.entry(a, audit.UserCreate, s.clock())); err != nil {
		return fmt.Errorf("newsroom: add user: %w", err)
	}
	return nil
}

// BootstrapUser creates a user for the command line and the demo, where
// there is no actor yet. When the email is taken it updates that user's
// name, roles, pairs and disabled flag and sets the new password instead,
// so that running the demo again prints logins that work. Whoever runs the
// command holds the server's keys anyway, so there is nothing to check.
func (s *Service) BootstrapUser(ctx context.Context, u *auth.User, password string) error {
	if u == nil {
		return errors.New("newsroom: bootstrap user: nil user")
	}
	now := s.clock()
	cur, err := s.st.UserByEmail(ctx, auth.NormalizeEmail(u.Email))
	if errors.Is(err, store.ErrNotFound) {
		if err := s.createUser(ctx, u, password, systemEntry(audit.UserCreate, now)); err != nil {
			return fmt.Errorf("newsroom: bootstrap user: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("newsroom: bootstrap user: %w", err)
	}
	next := cur
	next.Name, next.Roles, next.Pairs, next.Disabled = u.Name, u.Roles, u.Pairs, u.Disabled
	if u.UILang != "" {
		next.UILang = u.UILang
	}
	if err := normalizeUser(&next); err != nil {
		return fmt.Errorf("newsroom: bootstrap user %s: %w", next.Email, err)
	}
	hash, err := hashPassword(password)
	if err != nil {
		return fmt.Errorf("newsroom: bootstrap user %s: %w", next.Email, err)
	}
	e := systemEntry(audit.UserRoles, now)
	e.UserID, e.Detail = cur.ID, describeAccess(next)
	if err := s.st.UpdateUser(ctx, &next, e); err != nil {
		return fmt.Errorf("newsroom: bootstrap user %s: %w", next.Email, err)
	}
	e = systemEntry(audit.UserPassword, now)
	e.UserID = cur.ID
	if err := s.st.SetPassword(ctx, cur.ID, hash, e); err != nil {
		return fmt.Errorf("newsroom: bootstrap user %s: %w", next.Email, err)
	}
	next.PasswordHash = ""
	*u = next
	return nil
}

// createUser validates, hashes the password and stores a new user with the
// audit entry e, which gets the new user's roles as its detail.
func (s *Service) createUser(ctx context.Context, u *auth.User, password string, e audit.Entry) error {
	next := auth.User{Email: u.Email, Name: u.Name, Roles: u.Roles, Pairs: u.Pairs, UILang: u.UILang, Disabled: u.Disabled}
	if err := normalizeUser(&next); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	next.PasswordHash = hash
	e.Detail = describeAccess(next)
	if err := s.st.CreateUser(ctx, &next, e); err != nil {
		return err
	}
	next.PasswordHash = ""
	*u = next
	return nil
}

// hashPassword checks the password rules first, so that a weak password is
// a validation error the desk shows next to the field.
func hashPassword(pw string) (string, error) {
	if err := auth.CheckPasswordRules(pw); err != nil {
		return "", fmt.Errorf("%w: %w", auth.ErrInvalid, err)
	}
	return auth.HashPassword(pw)
}

// UpdateUser changes a user's name, roles, pairs, UI language and whether
// the account is disabled; the password has its own path. An admin may not
// remove their own admin role or disable themselves, so that the agency
// cannot lock itself out of its own desk by a slip of the mouse.
func (s *Service) UpdateUser(ctx context.Context, a Actor, u *auth.User) error {
	if u == nil {
		return errors.New("newsroom: update user: nil user")
	}
	if !auth.Can(a.User, auth.ActionUserManage) {
		return forbidden("update user")
	}
	cur, err := s.st.User(ctx, u.ID)
	if err != nil {
		return fmt.Errorf("newsroom: update user %d: %w", u.ID, err)
	}
	next := cur
	next.Name, next.Roles, next.Pairs, next.UILang, next.Disabled = u.Name, u.Roles, u.Pairs, u.UILang, u.Disabled
	if err := normalizeUser(&next); err != nil {
		return fmt.Errorf("newsroom: update user %d: %w", u.ID, err)
	}
	if cur.ID == a.User.ID && (!next.Has(auth.RoleAdmin) || next.Disabled) {
		return fmt.Errorf("newsroom: update user %d: %w: you cannot remove your own admin role or disable yourself", u.ID, auth.ErrInvalid)
	}
	now := s.clock()
	// One store call per audited change, so that each entry is written in
	// the same transaction as the change it records.
	if accessChanged(cur, next) {
		step := next
		step.Disabled = cur.Disabled
		e := s.entry(a, audit.UserRoles, now)
		e.UserID, e.Detail = cur.ID, describeAccess(step)
		if err := s.st.UpdateUser(ctx, &step, e); err != nil {
			return fmt.Errorf("newsroom: update user %d: %w", u.ID, err)
		}
	}
	if next.Disabled != cur.Disabled {
		e := s.entry(a, audit.UserEnable, now)
		if next.Disabled {
			e.Action = audit.UserDisable
		}
		e.UserID = cur.ID
		if err := s.st.UpdateUser(ctx, &next, e); err != nil {
			return fmt.Errorf("newsroom: update user %d: %w", u.ID, err)
		}
	}
	next.PasswordHash = ""
	*u = next
	return nil
}

// SetOwnLanguage sets the desk's language for the acting user, which every
// user may do for themselves.
func (s *Service) SetOwnLanguage(ctx context.Context, a Actor, code string) error {
	if !auth.Can(a.User, auth.ActionDeskView) {
		return forbidden("set language")
	}
	if _, ok := lang.Get(code); !ok {
		return fmt.Errorf("newsroom: set language: %w: language %q is not one of %s", auth.ErrInvalid, code, strings.Join(lang.Codes(), ", "))
	}
	cur, err := s.st.User(ctx, a.User.ID)
	if err != nil {
		return fmt.Errorf("newsroom: set language: %w", err)
	}
	if cur.UILang == code {
		return nil
	}
	cur.UILang = code
	// A UI language is a preference, not a change of anyone's access, so
	// it writes no audit entry (the store skips an entry without action).
	if err := s.st.UpdateUser(ctx, &cur, audit.Entry{}); err != nil {
		return fmt.Errorf("newsroom: set language: %w", err)
	}
	return nil
}

// Users lists every user, for admins, without password hashes.
func (s *Service) Users(ctx context.Context, a Actor) ([]auth.User, error) {
	if !auth.Can(a.User, auth.ActionUserManage) {
		return nil, forbidden("users")
	}
	us, err := s.st.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("newsroom: users: %w", err)
	}
	for i := range us {
		us[i].PasswordHash = ""
	}
	return us, nil
}

// normalizeUser cleans a user's fields (email lower case, name NFC and
// trimmed, roles and pairs without repeats, UI language defaulting to
// English) and checks them; the error names every problem.
func normalizeUser(u *auth.User) error {
	u.Email = auth.NormalizeEmail(u.Email)
	u.Name = clean(u.Name)
	var roles []auth.Role
	for _, r := range u.Roles {
		if !slices.Contains(roles, r) {
			roles = append(roles, r)
		}
	}
	u.Roles = roles
	var pairs []auth.Pair
	for _, p := range u.Pairs {
		p = auth.Pair{From: strings.TrimSpace(p.From), To: strings.TrimSpace(p.To)}
		if !slices.Contains(pairs, p) {
			pairs = append(pairs, p)
		}
	}
	// Pairs mean something only to translators; dropping them from other
	// users keeps a former translator from keeping a translator's reach.
	if !u.Has(auth.RoleTranslator) {
		pairs = nil
	}
	u.Pairs = pairs
	if u.UILang == "" {
		u.UILang = lang.Default().Code
	}

	var probs []string
	if err := u.Validate(); err != nil {
		probs = append(probs, strings.TrimPrefix(err.Error(), auth.ErrInvalid.Error()+": "))
	}
	if hasControl(u.Name, false) {
		probs = append(probs, "name contains a control character")
	}
	if _, ok := lang.Get(u.UILang); !ok {
		probs = append(probs, fmt.Sprintf("UI language %q is unknown", u.UILang))
	}
	for _, p := range u.Pairs {
		_, fromOK := lang.Get(p.From)
		_, toOK := lang.Get(p.To)
		if !fromOK || !toOK || p.From == p.To {
			probs = append(probs, fmt.Sprintf("language pair %s needs two different known languages", p))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", auth.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// accessChanged reports a change other than the disabled flag.
func accessChanged(a, b auth.User) bool {
	return a.Name != b.Name || a.UILang != b.UILang || !slices.Equal(a.Roles, b.Roles) || !slices.Equal(a.Pairs, b.Pairs)
}

// describeAccess is the audit detail for a user's roles and pairs.
func describeAccess(u auth.User) string {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	d := "roles " + strings.Join(roles, ",")
	if len(u.Pairs) > 0 {
		pairs := make([]string, len(u.Pairs))
		for i, p := range u.Pairs {
			pairs[i] = p.String()
		}
		d += "; pairs " + strings.Join(pairs, ",")
	}
	return d
}
