package newsroom

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
)

// ErrLogin is the one answer to a failed login, whatever failed, so that
// the login form never tells whether an email has an account.
var ErrLogin = errors.New("newsroom: wrong email or password")

// ErrThrottled marks a login refused because of recent failures. The
// error is a *ThrottleError, which says how long to wait.
var ErrThrottled = errors.New("newsroom: too many failed logins")

// ThrottleError refuses a login until Wait has passed.
type ThrottleError struct {
	Wait time.Duration // at least a second; the desk sends it as Retry-After
}

func (e *ThrottleError) Error() string {
	return fmt.Sprintf("%v; try again in %v", ErrThrottled, e.Wait)
}

// Is makes errors.Is(err, ErrThrottled) true for a *ThrottleError.
func (e *ThrottleError) Is(target error) bool { return target == ErrThrottled }

// Login throttling. Failures are counted in the store, so every node that
// shares a database counts the same ones, over a sliding window. Past a
// threshold each new try must wait 2^(n-threshold) seconds after the
// latest failure, up to the window itself: a person who mistypes a few
// times waits seconds, a guesser soon gets about four tries an hour. An
// address gets more room than an account because an office or a mobile
// carrier puts many people behind one address.
const (
	failWindow       = 15 * time.Minute
	accountThreshold = 5
	addressThreshold = 20
	maxWait          = failWindow
)

// Bounds on what a login form may send, so hostile input cannot grow the
// failure table or the audit log.
const (
	maxEmail     = 254
	maxIP        = 64
	maxUserAgent = 512
)

// Login checks an email and password and opens a session. It returns the
// token for the browser's cookie and the user, without password hash.
func (s *Service) Login(ctx context.Context, email, password, ip, userAgent string) (string, auth.User, error) {
	now := s.clock()
	email = truncate(auth.NormalizeEmail(email), maxEmail)
	ip = truncate(ip, maxIP)
	userAgent = truncate(userAgent, maxUserAgent)
	userKey, ipKey := "user:"+email, "ip:"+ip

	// Throttling comes first and does not look at the password, so a
	// guesser learns nothing while refused.
	wait, err := s.throttle(ctx, now, userKey, accountThreshold)
	if err != nil {
		return "", auth.User{}, fmt.Errorf("newsroom: login: %w", err)
	}
	ipWait, err := s.throttle(ctx, now, ipKey, addressThreshold)
	if err != nil {
		return "", auth.User{}, fmt.Errorf("newsroom: login: %w", err)
	}
	if wait = max(wait, ipWait); wait > 0 {
		return "", auth.User{}, &ThrottleError{Wait: wait}
	}

	u, err := s.st.UserByEmail(ctx, email)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", auth.User{}, fmt.Errorf("newsroom: login: %w", err)
	}
	// An unknown email, or an account without a password, is checked
	// against a dummy hash: both must take as long as a real check.
	hash := u.PasswordHash
	if !known || hash == "" {
		if hash, err = s.dummy(); err != nil {
			return "", auth.User{}, fmt.Errorf("newsroom: login: %w", err)
		}
	}
	ok := auth.CheckPassword(hash, password) && known && u.PasswordHash != ""

	if !ok || u.Disabled {
		reason := "wrong password"
		switch {
		case !known:
			reason = "unknown email"
		case ok:
			reason = "account disabled"
		}
		s.loginFailed(ctx, now, u.ID, email, ip, reason, userKey, ipKey)
		return "", auth.User{}, ErrLogin
	}

	token, tokenHash, err := auth.NewToken()
	if err != nil {
		return "", auth.User{}, fmt.Errorf("newsroom: login: %w", err)
	}
	sess := auth.Session{TokenHash: tokenHash, UserID: u.ID, CreatedAt: now,
		ExpiresAt: now.Add(auth.SessionLifetime), IP: ip, UserAgent: userAgent}
	if err := s.st.CreateSession(ctx, sess); err != nil {
		return "", auth.User{}, fmt.Errorf("newsroom: login: %w", err)
	}
	if err := s.st.ClearLoginFailures(ctx, userKey); err != nil {
		s.log.ErrorContext(ctx, "newsroom: clear login failures", "user_id", u.ID, "err", err)
	}
	e := audit.Entry{At: now, ActorID: u.ID, Actor: u.Email, Action: audit.LoginOK, UserID: u.ID, IP: ip}
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "newsroom: audit login", "user_id", u.ID, "err", err)
	}
	u.PasswordHash = ""
	return token, u, nil
}

// throttle returns how long a login must still wait because of the
// failures recorded under key, or zero.
func (s *Service) throttle(ctx context.Context, now time.Time, key string, threshold int) (time.Duration, error) {
	n, err := s.st.LoginFailures(ctx, key, now.Add(-failWindow))
	if err != nil || n < threshold {
		return 0, err
	}
	wait := backoff(n - threshold)
	// The store counts but does not say when the latest failure was; a
	// failure within the last wait means the wait has not yet run out.
	recent, err := s.st.LoginFailures(ctx, key, now.Add(-wait))
	if err != nil || recent == 0 {
		return 0, err
	}
	return wait, nil
}

// backoff is 2^k seconds, at most maxWait.
func backoff(k int) time.Duration {
	if k >= 10 { // 2^10 s is past the cap already; stop before shifting far
		return maxWait
	}
	return min(time.Duration(1<<k)*time.Second, maxWait)
}

// loginFailed records a failure under both keys and audits it. Errors are
// logged, not returned: the caller's answer is ErrLogin either way.
func (s *Service) loginFailed(ctx context.Context, now time.Time, userID int64, email, ip, reason string, keys ...string) {
	for _, k := range keys {
		if err := s.st.RecordLoginFailure(ctx, k, now); err != nil {
			s.log.ErrorContext(ctx, "newsroom: record login failure", "err", err)
		}
	}
	e := audit.Entry{At: now, Actor: email, Action: audit.LoginFailed, UserID: userID, IP: ip, Detail: reason}
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "newsroom: audit login failure", "err", err)
	}
}

// dummy returns the hash that unknown emails are checked against.
func (s *Service) dummy() (string, error) {
	s.dummyOnce.Do(func() {
		pw, err := auth.RandomPassword()
		if err != nil {
			s.dummyErr = err
			return
		}
		s.dummyHash, s.dummyErr = auth.HashPassword(pw)
	})
	return s.dummyHash, s.dummyErr
}

// Authenticate turns a session token into its user. An unknown or expired
// session and a disabled user are all store.ErrNotFound: the desk sends the
// browser to the login page in every case.
func (s *Service) Authenticate(ctx context.Context, token string) (auth.User, error) {
	if token == "" || len(token) > 128 {
		return auth.User{}, fmt.Errorf("newsroom: authenticate: %w", store.ErrNotFound)
	}
	now := s.clock()
	sess, err := s.st.Session(ctx, auth.HashToken(token), now)
	if err != nil {
		return auth.User{}, fmt.Errorf("newsroom: authenticate: %w", err)
	}
	// The store already leaves expired sessions out; checking again here
	// keeps the rule in one readable place and guards against a clock
	// skew between the store's query and ours.
	if !sess.ExpiresAt.After(now) {
		return auth.User{}, fmt.Errorf("newsroom: authenticate: session expired: %w", store.ErrNotFound)
	}
	u, err := s.st.User(ctx, sess.UserID)
	if err != nil {
		return auth.User{}, fmt.Errorf("newsroom: authenticate: %w", err)
	}
	if u.Disabled {
		return auth.User{}, fmt.Errorf("newsroom: authenticate: user %d is disabled: %w", u.ID, store.ErrNotFound)
	}
	u.PasswordHash = ""
	return u, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, a Actor, token string) error {
	if token == "" {
		return nil
	}
	if err := s.st.DeleteSession(ctx, auth.HashToken(token)); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("newsroom: logout: %w", err)
	}
	e := s.entry(a, audit.Logout, s.clock())
	e.UserID = a.User.ID
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "newsroom: audit logout", "user_id", a.User.ID, "err", err)
	}
	return nil
}

// truncate cuts s to at most n bytes of valid UTF-8, so that what is
// stored and logged is always printable text of bounded size.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
