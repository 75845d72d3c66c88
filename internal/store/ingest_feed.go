package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

// Limits on a feed row.
const (
	MaxFeedURL      = 2000 // bytes
	MaxFeedName     = MaxItemSource
	maxFeedSection  = 40 // as a story's section
	maxFeedValidate = 1000
	maxFeedError    = 2000
	maxFeedOwner    = 200
	maxLeaseFeeds   = 100
	// MinFeedEvery and MaxFeedEvery bound how often a feed is polled.
	MinFeedEvery = time.Minute
	MaxFeedEvery = 7 * 24 * time.Hour
)

// feedColumns are read by scanFeed, in this order.
const feedColumns = `id, url, name, lang, section, poll_every, etag, last_modified, last_polled_at,
	next_poll_at, last_error, failures, last_new, lease_until, lease_owner, created_at`

func checkFeed(f *Feed) error {
	var probs []string
	fields := map[string]string{"url": f.URL, "name": f.Name, "language": f.Lang, "section": f.Section}
	for _, name := range []string{"url", "name", "language", "section"} {
		if !utf8.ValidString(fields[name]) {
			probs = append(probs, name+" is not valid UTF-8")
		}
	}
	if err := noNUL(fields); err != nil {
		probs = append(probs, err.Error())
	}
	switch {
	case strings.TrimSpace(f.URL) == "":
		probs = append(probs, "url is required")
	case len(f.URL) > MaxFeedURL:
		probs = append(probs, fmt.Sprintf("url is longer than %d bytes", MaxFeedURL))
	}
	if strings.TrimSpace(f.Name) == "" || utf8.RuneCountInString(f.Name) > MaxFeedName {
		probs = append(probs, fmt.Sprintf("a name of 1 to %d characters is required", MaxFeedName))
	}
	if len(f.Lang) > maxLang {
		probs = append(probs, fmt.Sprintf("language code is longer than %d bytes", maxLang))
	}
	if utf8.RuneCountInString(f.Section) > maxFeedSection {
		probs = append(probs, fmt.Sprintf("section is longer than %d characters", maxFeedSection))
	}
	if f.Every < MinFeedEvery || f.Every > MaxFeedEvery || f.Every%time.Second != 0 {
		probs = append(probs, fmt.Sprintf("the interval must be whole seconds from %v to %v", MinFeedEvery, MaxFeedEvery))
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// CreateFeed adds a feed, due at once unless NextPollAt says otherwise.
func (db *DB) CreateFeed(ctx context.Context, f *Feed) error {
	if f == nil {
		return errors.New("store: create feed: nil feed")
	}
	if err := checkFeed(f); err != nil {
		return fmt.Errorf("store: create feed: %w", err)
	}
	now := storeTime(db.now())
	next := f.NextPollAt
	if next.IsZero() {
		next = now
	}
	var id int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		return c.queryRow(ctx, `
			INSERT INTO feeds (url, name, lang, section, poll_every, next_poll_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			f.URL, f.Name, f.Lang, f.Section, int64(f.Every/time.Second), db.timeArg(next), db.timeArg(now)).Scan(&id)
	})
	if db.d.isUnique(err) {
		return fmt.Errorf("store: create feed: a feed with this URL exists: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create feed: %w", err)
	}
	f.ID, f.CreatedAt, f.NextPollAt = id, now, storeTime(next)
	f.ETag, f.LastModified, f.LastError, f.Failures, f.LastNew = "", "", "", 0, 0
	f.LastPolledAt, f.LeaseUntil, f.LeaseOwner = time.Time{}, time.Time{}, ""
	return nil
}

// Feed reads one feed.
func (db *DB) Feed(ctx context.Context, id int64) (Feed, error) {
	out, err := queryFeeds(ctx, db.read(), `SELECT `+feedColumns+` FROM feeds WHERE id = ?`, id)
	if err != nil {
		return Feed{}, fmt.Errorf("store: feed %d: %w", id, err)
	}
	if len(out) == 0 {
		return Feed{}, fmt.Errorf("store: feed %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// Feeds lists every feed.
func (db *DB) Feeds(ctx context.Context) ([]Feed, error) {
	out, err := queryFeeds(ctx, db.read(), `SELECT `+feedColumns+` FROM feeds ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: feeds: %w", err)
	}
	return out, nil
}

// DeleteFeed removes a feed. Its items name it by a plain number, not a
// reference, and stay.
func (db *DB) DeleteFeed(ctx context.Context, id int64) error {
	var n int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `DELETE FROM feeds WHERE id = ?`, id)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete feed %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("store: delete feed %d: %w", id, ErrNotFound)
	}
	return nil
}

// LeaseDueFeeds claims due feeds as ClaimDeliveries claims deliveries: on
// SQLite the single writer makes the claim exclusive; on PostgreSQL the
// inner SELECT locks the rows it picks and skips rows another poller has
// locked, so two nodes never lease the same feed at once.
func (db *DB) LeaseDueFeeds(ctx context.Context, now time.Time, owner string, leaseFor time.Duration, limit int) ([]Feed, error) {
	if leaseFor <= 0 || owner == "" || len(owner) > maxFeedOwner || !utf8.ValidString(owner) || strings.IndexByte(owner, 0) >= 0 {
		return nil, fmt.Errorf("store: lease feeds: %w: a positive lease and an owner of 1 to %d bytes are required", story.ErrInvalid, maxFeedOwner)
	}
	if limit <= 0 {
		limit = 1
	}
	limit = min(limit, maxLeaseFeeds)
	now = storeTime(now)
	skip := db.d.(deliveryDialect).skipLocked()
	var out []Feed
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var err error
		out, err = queryFeeds(ctx, c, `
			UPDATE feeds SET lease_until = ?, lease_owner = ?
			WHERE id IN (
				SELECT id FROM feeds
				WHERE next_poll_at <= ? AND (lease_until IS NULL OR lease_until < ?)
				ORDER BY next_poll_at, id
				LIMIT ?`+skip+`
			)
			RETURNING `+feedColumns,
			db.timeArg(now.Add(leaseFor)), owner, db.timeArg(now), db.timeArg(now), limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: lease feeds: %w", err)
	}
	// RETURNING promises no order.
	slices.SortFunc(out, func(a, b Feed) int {
		if c := a.NextPollAt.Compare(b.NextPollAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// FinishFeedPoll records the outcome and frees the feed for its next poll.
func (db *DB) FinishFeedPoll(ctx context.Context, p FeedPoll) error {
	if p.At.IsZero() || p.NextPollAt.IsZero() || p.Owner == "" || p.New < 0 {
		return fmt.Errorf("store: finish poll of feed %d: %w: the poll's time, the next one and the owner are required", p.ID, story.ErrInvalid)
	}
	for name, v := range map[string]string{"etag": p.ETag, "last-modified": p.LastModified} {
		if len(v) > maxFeedValidate || !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			return fmt.Errorf("store: finish poll of feed %d: %w: %s must be UTF-8 of at most %d bytes", p.ID, story.ErrInvalid, name, maxFeedValidate)
		}
	}
	var affected int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var res sql.Result
		var err error
		if p.Err == "" {
			res, err = c.exec(ctx, `
				UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, etag = ?, last_modified = ?,
					last_error = '', failures = 0, last_new = ?, lease_until = NULL, lease_owner = ''
				WHERE id = ? AND lease_owner = ?`,
				db.timeArg(p.At), db.timeArg(p.NextPollAt), p.ETag, p.LastModified, p.New, p.ID, p.Owner)
		} else {
			// The error is a record of what happened, clipped and cleaned
			// like an audit entry's detail, never a reason to fail.
			res, err = c.exec(ctx, `
				UPDATE feeds SET last_polled_at = ?, next_poll_at = ?, last_error = ?,
					failures = failures + 1, last_new = ?, lease_until = NULL, lease_owner = ''
				WHERE id = ? AND lease_owner = ?`,
				db.timeArg(p.At), db.timeArg(p.NextPollAt), recordText(p.Err, maxFeedError), p.New, p.ID, p.Owner)
		}
		if err != nil {
			return err
		}
		affected, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return fmt.Errorf("store: finish poll of feed %d: %w", p.ID, err)
	}
	if affected == 0 {
		return fmt.Errorf("store: finish poll of feed %d: %w: the lease is not %s's", p.ID, ErrConflict, p.Owner)
	}
	return nil
}

func queryFeeds(ctx context.Context, c conn, query string, args ...any) ([]Feed, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r scanner) (Feed, error) {
		var f Feed
		var every int64
		err := r.Scan(&f.ID, &f.URL, &f.Name, &f.Lang, &f.Section, &every, &f.ETag, &f.LastModified,
			scanTime{&f.LastPolledAt}, scanTime{&f.NextPollAt}, &f.LastError, &f.Failures, &f.LastNew,
			scanTime{&f.LeaseUntil}, &f.LeaseOwner, scanTime{&f.CreatedAt})
		f.Every = time.Duration(every) * time.Second
		return f, err
	})
}
