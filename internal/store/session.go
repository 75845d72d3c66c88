package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/auth"
)

// Bounds on a session's text. The address and user agent come from the
// client and are kept only to show a user where they are signed in, so
// they are clipped rather than refused: an odd browser must still log in.
const (
	maxTokenHash = 128 // a hex SHA-256 is 64
	maxSessionIP = 64
	maxUserAgent = 512
)

// CreateSession stores a new login. The user must exist and not be
// disabled: checking in the same transaction closes the gap between a
// login's password check and an admin disabling the account. CreatedAt
// defaults to the store's clock; a hash already stored is ErrConflict.
func (db *DB) CreateSession(ctx context.Context, s auth.Session) error {
	if s.TokenHash == "" || len(s.TokenHash) > maxTokenHash || !storable(s.TokenHash) {
		return fmt.Errorf("store: create session: %w: malformed token hash", auth.ErrInvalid)
	}
	if s.ExpiresAt.IsZero() {
		return fmt.Errorf("store: create session: %w: expiry time is required", auth.ErrInvalid)
	}
	created := db.nowOr(s.CreatedAt)
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var disabled bool
		err := c.queryRow(ctx, `SELECT disabled FROM users WHERE id = ?`, s.UserID).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("user %d: %w", s.UserID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if disabled {
			return fmt.Errorf("%w: user %d is disabled", auth.ErrInvalid, s.UserID)
		}
		_, err = c.exec(ctx, `
			INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent)
			VALUES (?, ?, ?, ?, ?, ?)`,
			s.TokenHash, s.UserID, db.timeArg(created), db.timeArg(s.ExpiresAt),
			recordText(s.IP, maxSessionIP), recordText(s.UserAgent, maxUserAgent))
		if db.d.isUnique(err) {
			return ErrConflict
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// Session returns the session with this token hash if it is still valid
// at now (zero for the store's clock): a session expiring exactly at now
// has ended. Unknown and expired sessions are both ErrNotFound.
func (db *DB) Session(ctx context.Context, tokenHash string, now time.Time) (auth.Session, error) {
	if !storable(tokenHash) {
		// No stored hash looks like this; PostgreSQL would refuse to even compare.
		return auth.Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	var s auth.Session
	err := db.read().queryRow(ctx, `
		SELECT token_hash, user_id, created_at, expires_at, ip, user_agent
		FROM sessions
		WHERE token_hash = ? AND expires_at > ?`,
		tokenHash, db.timeArg(db.nowOr(now))).Scan(
		&s.TokenHash, &s.UserID, scanTime{&s.CreatedAt}, scanTime{&s.ExpiresAt}, &s.IP, &s.UserAgent)
	if errors.Is(err, sql.ErrNoRows) {
		return auth.Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return auth.Session{}, fmt.Errorf("store: session: %w", err)
	}
	return s, nil
}

// DeleteSession ends a session. Ending one that is already gone (a second
// logout, a session the janitor removed) is not an error: the caller
// wanted it gone, and it is.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if !storable(tokenHash) {
		return nil // no stored hash looks like this
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		_, err := c.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions that have ended by now and
// says how many there were.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, db.timeArg(db.nowOr(now)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: delete expired sessions: %w", err)
	}
	return int(n), nil
}

// storable reports whether text can be stored, and so compared, on both
// databases: valid UTF-8 without a NUL byte.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}
