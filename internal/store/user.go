package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
)

// userColumns is the column list every user query selects, in the order
// scanUser reads it.
const userColumns = `id, email, name, roles, pairs, ui_lang, disabled, password_hash, created_at, updated_at`

// maxPasswordHash bounds a stored hash. A PHC argon2id string is about 100
// bytes; the room left is for stronger parameters later.
const maxPasswordHash = 1024

// CreateUser adds a user and sets its ID, CreatedAt and UpdatedAt, and its
// Email to the normalised form that is stored. An email already taken is
// ErrConflict. a's time and user default to the creation's.
func (db *DB) CreateUser(ctx context.Context, u *auth.User, a audit.Entry) error {
	if u == nil {
		return errors.New("store: create user: nil user")
	}
	in := *u
	in.Email = auth.NormalizeEmail(in.Email)
	if err := checkUser(&in); err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	roles, pairs, err := encodeAccess(in)
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	now := storeTime(db.now())
	var id int64
	err = db.write(ctx, func(c conn, _ *sql.Tx) error {
		err := c.queryRow(ctx, `
			INSERT INTO users (email, name, roles, pairs, ui_lang, disabled, password_hash, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			in.Email, in.Name, roles, pairs, in.UILang, in.Disabled, in.PasswordHash,
			db.timeArg(now), db.timeArg(now)).Scan(&id)
		if db.d.isUnique(err) {
			return fmt.Errorf("email %q is taken: %w", in.Email, ErrConflict)
		}
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withDefaults(a, now, 0, id))
	})
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	u.ID, u.Email = id, in.Email
	u.CreatedAt, u.UpdatedAt = now, now
	return nil
}

// UpdateUser saves a user's name, roles, language pairs, UI language and
// whether they are disabled. The password has its own method, and the
// email, the login name, cannot change here: a different one is refused
// rather than silently kept. Disabling a user deletes their sessions in the
// same transaction, so they are signed out everywhere at once. On success u
// is refreshed with what the store holds.
func (db *DB) UpdateUser(ctx context.Context, u *auth.User, a audit.Entry) error {
	if u == nil {
		return errors.New("store: update user: nil user")
	}
	in := *u
	in.Email = auth.NormalizeEmail(in.Email)
	if err := checkUser(&in); err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	roles, pairs, err := encodeAccess(in)
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	now := storeTime(db.now())
	var cur auth.User
	err = db.write(ctx, func(c conn, _ *sql.Tx) error {
		var err error
		cur, err = userBy(ctx, c, `id = ?`+c.d.forUpdate(), in.ID)
		if err != nil {
			return err
		}
		if cur.Email != in.Email {
			return fmt.Errorf("%w: the email of a user cannot change", auth.ErrInvalid)
		}
		_, err = c.exec(ctx, `
			UPDATE users SET name = ?, roles = ?, pairs = ?, ui_lang = ?, disabled = ?, updated_at = ?
			WHERE id = ?`,
			in.Name, roles, pairs, in.UILang, in.Disabled, db.timeArg(now), in.ID)
		if err != nil {
			return err
		}
		if in.Disabled {
			if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, in.ID); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return db.appendAudit(ctx, c, withDefaults(a, now, 0, in.ID))
	})
	if err != nil {
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	in.PasswordHash, in.CreatedAt, in.UpdatedAt = cur.PasswordHash, cur.CreatedAt, now
	*u = in
	return nil
}

// SetPassword replaces a user's password hash; an empty hash turns
// password login off. Sessions are left alone: the user changing their own
// password stays signed in, and the desk ends other sessions if it wants.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string, a audit.Entry) error {
	if len(hash) > maxPasswordHash || !utf8.ValidString(hash) || strings.IndexByte(hash, 0) >= 0 {
		return fmt.Errorf("store: set password of user %d: %w: malformed password hash", userID, auth.ErrInvalid)
	}
	now := storeTime(db.now())
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`,
			hash, db.timeArg(now), userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		return db.appendAudit(ctx, c, withDefaults(a, now, 0, userID))
	})
	if err != nil {
		return fmt.Errorf("store: set password of user %d: %w", userID, err)
	}
	return nil
}

// User returns one user by id.
func (db *DB) User(ctx context.Context, id int64) (auth.User, error) {
	u, err := userBy(ctx, db.read(), `id = ?`, id)
	if err != nil {
		return auth.User{}, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail finds a user by email, however it is typed.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := userBy(ctx, db.read(), `email = ?`, auth.NormalizeEmail(email))
	if err != nil {
		return auth.User{}, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// Users returns every user, ordered by email.
func (db *DB) Users(ctx context.Context) ([]auth.User, error) {
	rows, err := db.read().query(ctx, `SELECT `+userColumns+` FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	out, err := collect(rows, scanUser)
	if err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

// userBy reads the one user matching where, a fixed clause with one
// argument.
func userBy(ctx context.Context, c conn, where string, arg any) (auth.User, error) {
	u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return auth.User{}, ErrNotFound
	}
	return u, err
}

// userExists returns nil or ErrNotFound.
func userExists(ctx context.Context, c conn, id int64) error {
	var one int
	err := c.queryRow(ctx, `SELECT 1 FROM users WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

func scanUser(r scanner) (auth.User, error) {
	var u auth.User
	var roles, pairs string
	err := r.Scan(&u.ID, &u.Email, &u.Name, &roles, &pairs, &u.UILang, &u.Disabled, &u.PasswordHash,
		scanTime{&u.CreatedAt}, scanTime{&u.UpdatedAt})
	if err != nil {
		return auth.User{}, err
	}
	if err := json.Unmarshal([]byte(roles), &u.Roles); err != nil {
		return auth.User{}, fmt.Errorf("user %d: roles: %w", u.ID, err)
	}
	var ps []pairJSON
	if err := json.Unmarshal([]byte(pairs), &ps); err != nil {
		return auth.User{}, fmt.Errorf("user %d: pairs: %w", u.ID, err)
	}
	// None reads back as nil, as tags do, whichever way it was written.
	if len(u.Roles) == 0 {
		u.Roles = nil
	}
	for _, p := range ps {
		u.Pairs = append(u.Pairs, auth.Pair{From: p.From, To: p.To})
	}
	return u, nil
}

// pairJSON is how a language pair is kept: a JSON object with names that
// stay stable if auth.Pair's fields are ever renamed.
type pairJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Roles and pairs are JSON arrays in one column each, like a story's tags:
// short lists always read with the user, never queried on their own.
func encodeAccess(u auth.User) (roles, pairs string, err error) {
	rs := u.Roles
	if rs == nil {
		rs = []auth.Role{}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return "", "", fmt.Errorf("roles: %w", err)
	}
	ps := make([]pairJSON, 0, len(u.Pairs))
	for _, p := range u.Pairs {
		ps = append(ps, pairJSON{From: p.From, To: p.To})
	}
	pb, err := json.Marshal(ps)
	if err != nil {
		return "", "", fmt.Errorf("pairs: %w", err)
	}
	return string(b), string(pb), nil
}

// checkUser adds to auth.User.Validate what the store needs: bounded,
// NUL-free text that reads back the same from either database, and
// language pairs that name two languages.
func checkUser(u *auth.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	var probs []string
	if u.ID < 0 {
		probs = append(probs, fmt.Sprintf("id %d", u.ID))
	}
	if len(u.UILang) > maxLang || !utf8.ValidString(u.UILang) {
		probs = append(probs, fmt.Sprintf("UI language must be UTF-8 of at most %d bytes", maxLang))
	}
	if len(u.PasswordHash) > maxPasswordHash || !utf8.ValidString(u.PasswordHash) {
		probs = append(probs, "malformed password hash")
	}
	fields := map[string]string{"email": u.Email, "name": u.Name, "UI language": u.UILang, "password hash": u.PasswordHash}
	for i, p := range u.Pairs {
		if p.From == "" || p.To == "" || p.From == p.To || len(p.From) > maxLang || len(p.To) > maxLang ||
			!utf8.ValidString(p.From+p.To) {
			probs = append(probs, fmt.Sprintf("language pair %d must name two different languages", i+1))
		}
		fields[fmt.Sprintf("language pair %d", i+1)] = p.From + p.To
	}
	if err := noNUL(fields); err != nil {
		probs = append(probs, err.Error())
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", auth.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}
