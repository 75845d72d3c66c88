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
)

// Limits on subscriber fields, so that hostile input cannot grow without
// bound. The service checks them with friendlier messages first.
const (
	maxSubscriberText = 200
	maxEndpointURL    = 2000
	maxSecret         = 200
	maxCodes          = 50
)

const subscriberColumns = `id, name, contact, status, languages, sections, created_at`

// CreateSubscriber adds a subscriber.
func (db *DB) CreateSubscriber(ctx context.Context, s *Subscriber) error {
	if s == nil {
		return errors.New("store: create subscriber: nil subscriber")
	}
	in := *s
	if in.Status == "" {
		in.Status = SubscriberActive
	}
	if err := checkSubscriber(in); err != nil {
		return fmt.Errorf("store: create subscriber: %w", err)
	}
	langs, err := encodeTags(in.Languages)
	if err != nil {
		return fmt.Errorf("store: create subscriber: %w", err)
	}
	secs, err := encodeTags(in.Sections)
	if err != nil {
		return fmt.Errorf("store: create subscriber: %w", err)
	}
	now := storeTime(db.now())
	var id int64
	err = db.write(ctx, func(c conn, _ *sql.Tx) error {
		return c.queryRow(ctx, `
			INSERT INTO subscribers (name, contact, status, languages, sections, created_at)
			VALUES (?, ?, ?, ?, ?, ?)
			RETURNING id`,
			in.Name, in.Contact, string(in.Status), langs, secs, db.timeArg(now)).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("store: create subscriber: %w", err)
	}
	s.ID, s.Status, s.CreatedAt = id, in.Status, now
	return nil
}

func checkSubscriber(s Subscriber) error {
	var probs []string
	if strings.TrimSpace(s.Name) == "" {
		probs = append(probs, "name is required")
	}
	for name, v := range map[string]string{"name": s.Name, "contact": s.Contact} {
		if !storable(v) || utf8.RuneCountInString(v) > maxSubscriberText {
			probs = append(probs, fmt.Sprintf("%s must be valid text of at most %d characters", name, maxSubscriberText))
		}
	}
	if !s.Status.Valid() {
		probs = append(probs, fmt.Sprintf("status %q is unknown", s.Status))
	}
	for _, list := range [][]string{s.Languages, s.Sections} {
		if len(list) > maxCodes {
			probs = append(probs, fmt.Sprintf("more than %d entitlements", maxCodes))
		}
		for _, c := range list {
			if c == "" || len(c) > 40 || !storable(c) {
				probs = append(probs, fmt.Sprintf("entitlement %q is not a code", c))
			}
		}
	}
	if len(probs) > 0 {
		slices.Sort(probs)
		return fmt.Errorf("%w: %s", ErrInvalidSubscriber, strings.Join(probs, "; "))
	}
	return nil
}

// SetSubscriberStatus suspends or reactivates a subscriber.
func (db *DB) SetSubscriberStatus(ctx context.Context, id int64, status SubscriberStatus) error {
	if !status.Valid() {
		return fmt.Errorf("store: subscriber %d status: %w: status %q is unknown", id, ErrInvalidSubscriber, status)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `UPDATE subscribers SET status = ? WHERE id = ?`, string(status), id)
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("store: subscriber %d status: %w", id, err)
	}
	return nil
}

// Subscriber returns one subscriber.
func (db *DB) Subscriber(ctx context.Context, id int64) (Subscriber, error) {
	s, err := scanSubscriber(db.read().queryRow(ctx, `SELECT `+subscriberColumns+` FROM subscribers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Subscriber{}, fmt.Errorf("store: subscriber %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Subscriber{}, fmt.Errorf("store: subscriber %d: %w", id, err)
	}
	return s, nil
}

// Subscribers lists every subscriber by name.
func (db *DB) Subscribers(ctx context.Context) ([]Subscriber, error) {
	rows, err := db.read().query(ctx, `SELECT `+subscriberColumns+` FROM subscribers ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: subscribers: %w", err)
	}
	out, err := collect(rows, scanSubscriber)
	if err != nil {
		return nil, fmt.Errorf("store: subscribers: %w", err)
	}
	return out, nil
}

func scanSubscriber(r scanner) (Subscriber, error) {
	var s Subscriber
	var status, langs, secs string
	if err := r.Scan(&s.ID, &s.Name, &s.Contact, &status, &langs, &secs, scanTime{&s.CreatedAt}); err != nil {
		return Subscriber{}, err
	}
	s.Status = SubscriberStatus(status)
	var err error
	if s.Languages, err = decodeTags(langs); err != nil {
		return Subscriber{}, fmt.Errorf("subscriber %d languages: %w", s.ID, err)
	}
	if s.Sections, err = decodeTags(secs); err != nil {
		return Subscriber{}, fmt.Errorf("subscriber %d sections: %w", s.ID, err)
	}
	return s, nil
}

const keyColumns = `id, subscriber_id, prefix, hash, created_at, revoked_at, last_used_at`

// CreateAPIKey stores a key's prefix and hash for a subscriber.
func (db *DB) CreateAPIKey(ctx context.Context, k *APIKey) error {
	if k == nil {
		return errors.New("store: create api key: nil key")
	}
	if k.Prefix == "" || len(k.Prefix) > 40 || !storable(k.Prefix) || len(k.Hash) != 64 || !storable(k.Hash) {
		return fmt.Errorf("store: create api key: %w: a key needs a prefix and a hex SHA-256 hash", ErrInvalidSubscriber)
	}
	now := storeTime(db.now())
	var id int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var one int
		err := c.queryRow(ctx, `SELECT 1 FROM subscribers WHERE id = ?`, k.SubscriberID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("subscriber %d: %w", k.SubscriberID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		err = c.queryRow(ctx, `
			INSERT INTO api_keys (subscriber_id, prefix, hash, created_at)
			VALUES (?, ?, ?, ?)
			RETURNING id`,
			k.SubscriberID, k.Prefix, k.Hash, db.timeArg(now)).Scan(&id)
		if db.d.isUnique(err) {
			return fmt.Errorf("the key exists: %w", ErrConflict)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create api key: %w", err)
	}
	k.ID, k.CreatedAt, k.RevokedAt, k.LastUsedAt = id, now, time.Time{}, time.Time{}
	return nil
}

// APIKeys lists a subscriber's keys, oldest first.
func (db *DB) APIKeys(ctx context.Context, subscriberID int64) ([]APIKey, error) {
	out, err := db.keysWhere(ctx, `subscriber_id = ?`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("store: api keys of subscriber %d: %w", subscriberID, err)
	}
	return out, nil
}

// APIKeysByPrefix finds keys by their shown prefix.
func (db *DB) APIKeysByPrefix(ctx context.Context, prefix string) ([]APIKey, error) {
	if !storable(prefix) {
		return nil, nil // nothing stored can match it
	}
	out, err := db.keysWhere(ctx, `prefix = ?`, prefix)
	if err != nil {
		return nil, fmt.Errorf("store: api keys by prefix: %w", err)
	}
	return out, nil
}

func (db *DB) keysWhere(ctx context.Context, where string, args ...any) ([]APIKey, error) {
	rows, err := db.read().query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanKey)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// APIKeyByHash returns a key and its subscriber.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (APIKey, Subscriber, error) {
	if !storable(hash) {
		return APIKey{}, Subscriber{}, fmt.Errorf("store: api key: %w", ErrNotFound)
	}
	k, err := scanKey(db.read().queryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, Subscriber{}, fmt.Errorf("store: api key: %w", ErrNotFound)
	}
	if err != nil {
		return APIKey{}, Subscriber{}, fmt.Errorf("store: api key: %w", err)
	}
	s, err := db.Subscriber(ctx, k.SubscriberID)
	if err != nil {
		return APIKey{}, Subscriber{}, err
	}
	return k, s, nil
}

func scanKey(r scanner) (APIKey, error) {
	var k APIKey
	err := r.Scan(&k.ID, &k.SubscriberID, &k.Prefix, &k.Hash, scanTime{&k.CreatedAt}, scanTime{&k.RevokedAt}, scanTime{&k.LastUsedAt})
	return k, err
}

// RevokeAPIKey revokes a key, keeping the first revocation time.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	at = db.nowOr(at)
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var one int
		err := c.queryRow(ctx, `SELECT 1 FROM api_keys WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, db.timeArg(at), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: revoke api key %d: %w", id, err)
	}
	return nil
}

// TouchAPIKey records a use of the key at most once per every.
func (db *DB) TouchAPIKey(ctx context.Context, id int64, at time.Time, every time.Duration) (bool, error) {
	at = db.nowOr(at)
	var n int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `
			UPDATE api_keys SET last_used_at = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
			db.timeArg(at), id, db.timeArg(at.Add(-every)))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: touch api key %d: %w", id, err)
	}
	return n > 0, nil
}

const endpointColumns = `id, subscriber_id, url, secret, active, created_at`

// CreateEndpoint adds an active endpoint to a subscriber.
func (db *DB) CreateEndpoint(ctx context.Context, e *Endpoint) error {
	if e == nil {
		return errors.New("store: create endpoint: nil endpoint")
	}
	switch {
	case e.URL == "" || len(e.URL) > maxEndpointURL || !storable(e.URL):
		return fmt.Errorf("store: create endpoint: %w: the URL must be text of at most %d bytes", ErrInvalidSubscriber, maxEndpointURL)
	case e.Secret == "" || len(e.Secret) > maxSecret || !storable(e.Secret):
		return fmt.Errorf("store: create endpoint: %w: the secret must be text of at most %d bytes", ErrInvalidSubscriber, maxSecret)
	}
	now := storeTime(db.now())
	var id int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var one int
		err := c.queryRow(ctx, `SELECT 1 FROM subscribers WHERE id = ?`, e.SubscriberID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("subscriber %d: %w", e.SubscriberID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		return c.queryRow(ctx, `
			INSERT INTO endpoints (subscriber_id, url, secret, active, created_at)
			VALUES (?, ?, ?, TRUE, ?)
			RETURNING id`,
			e.SubscriberID, e.URL, e.Secret, db.timeArg(now)).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("store: create endpoint: %w", err)
	}
	e.ID, e.Active, e.CreatedAt = id, true, now
	return nil
}

// Endpoint returns one endpoint, active or removed.
func (db *DB) Endpoint(ctx context.Context, id int64) (Endpoint, error) {
	e, err := scanEndpoint(db.read().queryRow(ctx, `SELECT `+endpointColumns+` FROM endpoints WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Endpoint{}, fmt.Errorf("store: endpoint %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("store: endpoint %d: %w", id, err)
	}
	return e, nil
}

// Endpoints lists a subscriber's endpoints, oldest first.
func (db *DB) Endpoints(ctx context.Context, subscriberID int64) ([]Endpoint, error) {
	rows, err := db.read().query(ctx, `SELECT `+endpointColumns+` FROM endpoints WHERE subscriber_id = ? ORDER BY id`, subscriberID)
	if err != nil {
		return nil, fmt.Errorf("store: endpoints of subscriber %d: %w", subscriberID, err)
	}
	out, err := collect(rows, scanEndpoint)
	if err != nil {
		return nil, fmt.Errorf("store: endpoints of subscriber %d: %w", subscriberID, err)
	}
	return out, nil
}

// RemoveEndpoint marks a subscriber's endpoint inactive. An endpoint of
// another subscriber is ErrNotFound, so that a form cannot reach across.
func (db *DB) RemoveEndpoint(ctx context.Context, subscriberID, id int64) error {
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var one int
		err := c.queryRow(ctx, `SELECT 1 FROM endpoints WHERE id = ? AND subscriber_id = ?`, id, subscriberID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE endpoints SET active = FALSE WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: remove endpoint %d: %w", id, err)
	}
	return nil
}

// EntitledEndpoints lists the endpoints to call for a story in lang and
// section. Entitlements are JSON lists, filtered here in Go rather than in
// two dialects of JSON SQL: an agency has tens of subscribers, not
// millions.
func (db *DB) EntitledEndpoints(ctx context.Context, lang, section string) ([]Endpoint, error) {
	rows, err := db.read().query(ctx, `
		SELECT e.id, e.subscriber_id, e.url, e.secret, e.active, e.created_at,
			s.languages, s.sections
		FROM endpoints e JOIN subscribers s ON s.id = e.subscriber_id
		WHERE e.active = TRUE AND s.status = ?
		ORDER BY e.id`,
		string(SubscriberActive))
	if err != nil {
		return nil, fmt.Errorf("store: entitled endpoints: %w", err)
	}
	defer rows.Close()
	var out []Endpoint
	for rows.Next() {
		var e Endpoint
		var langs, secs string
		if err := rows.Scan(&e.ID, &e.SubscriberID, &e.URL, &e.Secret, &e.Active, scanTime{&e.CreatedAt}, &langs, &secs); err != nil {
			return nil, fmt.Errorf("store: entitled endpoints: %w", err)
		}
		sub := Subscriber{Status: SubscriberActive}
		if sub.Languages, err = decodeTags(langs); err != nil {
			return nil, fmt.Errorf("store: entitled endpoints: %w", err)
		}
		if sub.Sections, err = decodeTags(secs); err != nil {
			return nil, fmt.Errorf("store: entitled endpoints: %w", err)
		}
		if sub.Entitled(lang, section) {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: entitled endpoints: %w", err)
	}
	return out, nil
}

func scanEndpoint(r scanner) (Endpoint, error) {
	var e Endpoint
	err := r.Scan(&e.ID, &e.SubscriberID, &e.URL, &e.Secret, &e.Active, scanTime{&e.CreatedAt})
	return e, err
}

// VersionEmbargo reads the embargo a version was published under.
func (db *DB) VersionEmbargo(ctx context.Context, storyID int64, version int) (time.Time, error) {
	var t time.Time
	err := db.read().queryRow(ctx, `SELECT embargo_until FROM story_versions WHERE story_id = ? AND version = ?`,
		storyID, version).Scan(scanTime{&t})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, fmt.Errorf("store: story %d version %d embargo: %w", storyID, version, ErrNotFound)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: story %d version %d embargo: %w", storyID, version, err)
	}
	return t, nil
}

// oneRow turns an UPDATE that touched no row into ErrNotFound.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
