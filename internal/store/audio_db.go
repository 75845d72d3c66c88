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

// Limits on what an audio row holds.
const (
	maxAudioOwner    = 200
	maxAudioError    = 2000
	maxAudioKey      = 500
	maxAudioMIME     = 100
	maxAudioProvider = 100
	maxAudioClaim    = 20
)

// audioColumns are read by scanAudio, in this order.
const audioColumns = `id, story_id, version, state, attempts, tries, next_attempt_at, lease_owner, lease_until, error,
	blob_key, mime, bytes, duration_ms, provider, created_at, started_at, finished_at`

// waitingStates are the states a superseded rendering can be in: nothing
// of it is being made or kept. A running one finishes; a done one stays
// as the record of what was heard.
const waitingStates = `('queued', 'failed', 'unavailable')`

// EnqueueAudio queues renderings and moves the follower, all or nothing,
// as EnqueueDeliveries does: a follower that crashes after the commit
// queues nothing twice, and two followers racing over the same changes
// both succeed, the unique (story, version) keeping one row.
func (db *DB) EnqueueAudio(ctx context.Context, follower string, seq int64, jobs []AudioJob) (int, error) {
	if err := checkFollower(follower, seq); err != nil {
		return 0, fmt.Errorf("store: enqueue audio: %w", err)
	}
	for _, j := range jobs {
		if j.StoryID <= 0 || (!j.Withdraw && j.Version < 1) || j.At.IsZero() {
			return 0, fmt.Errorf("store: enqueue audio: %w: a story, a version and a time are required", story.ErrInvalid)
		}
	}
	var added int
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		added = 0
		for _, j := range jobs {
			if j.Withdraw {
				if _, err := c.exec(ctx, `
					UPDATE audio_renderings SET state = ?, lease_owner = '', lease_until = NULL
					WHERE story_id = ? AND state IN `+waitingStates,
					string(AudioSuperseded), j.StoryID); err != nil {
					return fmt.Errorf("withdraw story %d: %w", j.StoryID, err)
				}
				continue
			}
			if !j.FirstPublishedSince.IsZero() {
				var first time.Time
				err := c.queryRow(ctx, `SELECT published_at FROM stories WHERE id = ?`, j.StoryID).Scan(scanTime{&first})
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("queue story %d version %d: %w", j.StoryID, j.Version, ErrNotFound)
				}
				if err != nil {
					return fmt.Errorf("queue story %d version %d: first publication: %w", j.StoryID, j.Version, err)
				}
				if first.IsZero() || first.Before(storeTime(j.FirstPublishedSince)) {
					continue // older than the rule: voiced on request only
				}
			}
			res, err := c.exec(ctx, `
				INSERT INTO audio_renderings (story_id, version, state, next_attempt_at, created_at)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (story_id, version) DO NOTHING`,
				j.StoryID, j.Version, string(AudioQueued), db.timeArg(j.At), db.timeArg(j.At))
			if err != nil {
				return fmt.Errorf("queue story %d version %d: %w", j.StoryID, j.Version, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
			if _, err := c.exec(ctx, `
				UPDATE audio_renderings SET state = ?, lease_owner = '', lease_until = NULL
				WHERE story_id = ? AND version < ? AND state IN `+waitingStates,
				string(AudioSuperseded), j.StoryID, j.Version); err != nil {
				return fmt.Errorf("supersede story %d before version %d: %w", j.StoryID, j.Version, err)
			}
		}
		return setFollower(ctx, c, follower, seq)
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue audio: %w", err)
	}
	return added, nil
}

// ClaimAudio leases due renderings, the most recently due first: fresh
// news is heard first, and a backlog (a new installation's archive, an
// engine back after an outage) is worked through behind it. On SQLite
// the single writer makes the claim exclusive; on PostgreSQL SKIP LOCKED lets the workers of several
// nodes claim side by side without ever leasing one row twice (see
// ClaimDeliveries).
func (db *DB) ClaimAudio(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Audio, error) {
	if lease <= 0 || owner == "" || len(owner) > maxAudioOwner || !utf8.ValidString(owner) || strings.IndexByte(owner, 0) >= 0 {
		return nil, fmt.Errorf("store: claim audio: %w: an owner of 1 to %d bytes and a positive lease", story.ErrInvalid, maxAudioOwner)
	}
	limit = min(max(limit, 1), maxAudioClaim)
	now = storeTime(now)
	skip := db.d.(deliveryDialect).skipLocked()
	var out []Audio
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var err error
		out, err = queryAudio(ctx, c, `
			UPDATE audio_renderings
			SET state = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1, tries = tries + 1, started_at = ?
			WHERE id IN (
				SELECT id FROM audio_renderings
				WHERE (state = ? AND next_attempt_at <= ?) OR (state = ? AND lease_until < ?)
				ORDER BY next_attempt_at DESC, id DESC
				LIMIT ?`+skip+`
			)
			RETURNING `+audioColumns,
			string(AudioRunning), owner, db.timeArg(now.Add(lease)), db.timeArg(now),
			string(AudioQueued), db.timeArg(now), string(AudioRunning), db.timeArg(now), limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim audio: %w", err)
	}
	// RETURNING promises no order.
	slices.SortFunc(out, func(a, b Audio) int {
		if c := b.NextAttemptAt.Compare(a.NextAttemptAt); c != 0 {
			return c
		}
		return int(b.ID - a.ID)
	})
	return out, nil
}

func checkAudioResult(r AudioResult) error {
	var probs []string
	switch r.State {
	case AudioQueued:
		if r.NextAttemptAt.IsZero() {
			probs = append(probs, "a retry needs its time")
		}
	case AudioDone:
		if r.BlobKey == "" || r.Bytes <= 0 || r.MIME == "" {
			probs = append(probs, "a done rendering needs its file's key, size and type")
		}
		if r.Duration < 0 {
			probs = append(probs, "a negative duration")
		}
	case AudioFailed, AudioUnavailable, AudioSuperseded:
	default:
		probs = append(probs, fmt.Sprintf("state %q is not an outcome", r.State))
	}
	if r.At.IsZero() {
		probs = append(probs, "the attempt's time is required")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"error", r.Error, maxAudioError}, {"blob key", r.BlobKey, maxAudioKey}, {"type", r.MIME, maxAudioMIME}, {"provider", r.Provider, maxAudioProvider}} {
		if err := checkText(f.name, f.v, f.max); err != nil {
			probs = append(probs, err.Error())
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// RecordAudio ends a lease with the attempt's outcome. A done rendering
// replaces the file; any other outcome keeps the file of an earlier
// success.
func (db *DB) RecordAudio(ctx context.Context, r AudioResult) error {
	if err := checkAudioResult(r); err != nil {
		return fmt.Errorf("store: record audio %d: %w", r.ID, err)
	}
	var affected int64
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		var res sql.Result
		var err error
		if r.State == AudioDone {
			res, err = c.exec(ctx, `
				UPDATE audio_renderings
				SET state = ?, lease_owner = '', lease_until = NULL, error = '', blob_key = ?, mime = ?, bytes = ?,
					duration_ms = ?, provider = ?, finished_at = ?
				WHERE id = ? AND state = ? AND attempts = ?`,
				string(r.State), r.BlobKey, r.MIME, r.Bytes, r.Duration.Milliseconds(), r.Provider, db.timeArg(r.At),
				r.ID, string(AudioRunning), r.Attempt)
		} else {
			var next any
			if r.State == AudioQueued {
				next = db.timeArg(r.NextAttemptAt)
			}
			res, err = c.exec(ctx, `
				UPDATE audio_renderings
				SET state = ?, lease_owner = '', lease_until = NULL, error = ?, next_attempt_at = COALESCE(?, next_attempt_at),
					provider = CASE WHEN ? = '' THEN provider ELSE ? END, finished_at = ?
				WHERE id = ? AND state = ? AND attempts = ?`,
				string(r.State), r.Error, next, r.Provider, r.Provider, db.timeArg(r.At),
				r.ID, string(AudioRunning), r.Attempt)
		}
		if err != nil {
			return err
		}
		if affected, err = res.RowsAffected(); err != nil || affected == 0 || r.State != AudioDone {
			return err
		}
		// The story's page now plays the recording: the change log says
		// so, in the same transaction, and page caches drop the page.
		var st story.Story
		err = c.queryRow(ctx, `
			SELECT s.id, s.family_id, s.lang, a.version
			FROM audio_renderings a JOIN stories s ON s.id = a.story_id
			WHERE a.id = ?`, r.ID).Scan(&st.ID, &st.FamilyID, &st.Lang, &st.Version)
		if err != nil {
			return err
		}
		_, err = db.appendChange(ctx, c, tx, story.ChangeAudio, st, r.At)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record audio %d: %w", r.ID, err)
	}
	if affected == 0 {
		return fmt.Errorf("store: record audio %d: %w: the lease of attempt %d is no longer held", r.ID, ErrConflict, r.Attempt)
	}
	return nil
}

// Audio reads one version's rendering.
func (db *DB) Audio(ctx context.Context, storyID int64, version int) (Audio, error) {
	out, err := queryAudio(ctx, db.read(), `SELECT `+audioColumns+` FROM audio_renderings WHERE story_id = ? AND version = ?`, storyID, version)
	if err != nil {
		return Audio{}, fmt.Errorf("store: audio of story %d version %d: %w", storyID, version, err)
	}
	if len(out) == 0 {
		return Audio{}, fmt.Errorf("store: audio of story %d version %d: %w", storyID, version, ErrNotFound)
	}
	return out[0], nil
}

// StoryAudio lists a story's renderings, newest version first.
func (db *DB) StoryAudio(ctx context.Context, storyID int64) ([]Audio, error) {
	out, err := queryAudio(ctx, db.read(), `SELECT `+audioColumns+` FROM audio_renderings WHERE story_id = ? ORDER BY version DESC`, storyID)
	if err != nil {
		return nil, fmt.Errorf("store: audio of story %d: %w", storyID, err)
	}
	return out, nil
}

// RequeueAudio queues a rendering again, or for the first time.
func (db *DB) RequeueAudio(ctx context.Context, storyID int64, version int, now time.Time) (Audio, error) {
	if storyID <= 0 || version < 1 || now.IsZero() {
		return Audio{}, fmt.Errorf("store: requeue audio: %w: a story, a version and a time are required", story.ErrInvalid)
	}
	var out []Audio
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM story_versions WHERE story_id = ? AND version = ?`, storyID, version).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		var err error
		out, err = queryAudio(ctx, c, `
			INSERT INTO audio_renderings (story_id, version, state, next_attempt_at, created_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (story_id, version) DO UPDATE SET
				state = excluded.state, next_attempt_at = excluded.next_attempt_at, tries = 0, error = '',
				lease_owner = '', lease_until = NULL
			WHERE NOT (audio_renderings.state = ? AND audio_renderings.lease_until >= ?)
			RETURNING `+audioColumns,
			storyID, version, string(AudioQueued), db.timeArg(now), db.timeArg(now),
			string(AudioRunning), db.timeArg(now))
		if err != nil || len(out) > 0 {
			return err
		}
		return fmt.Errorf("%w: the rendering is being made now", ErrConflict)
	})
	if err != nil {
		return Audio{}, fmt.Errorf("store: requeue audio of story %d version %d: %w", storyID, version, err)
	}
	return out[0], nil
}

// RequeueUnavailableAudio queues again what waited for an engine.
func (db *DB) RequeueUnavailableAudio(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `
			UPDATE audio_renderings SET state = ?, next_attempt_at = ?, tries = 0
			WHERE state = ?`,
			string(AudioQueued), db.timeArg(now), string(AudioUnavailable))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: requeue unavailable audio: %w", err)
	}
	return int(n), nil
}

func queryAudio(ctx context.Context, c conn, query string, args ...any) ([]Audio, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s scanner) (Audio, error) {
		var a Audio
		var state string
		var ms int64
		err := s.Scan(&a.ID, &a.StoryID, &a.Version, &state, &a.Attempts, &a.Tries, scanTime{&a.NextAttemptAt},
			&a.LeaseOwner, scanTime{&a.LeaseUntil}, &a.Error, &a.BlobKey, &a.MIME, &a.Bytes, &ms, &a.Provider,
			scanTime{&a.CreatedAt}, scanTime{&a.StartedAt}, scanTime{&a.FinishedAt})
		a.State, a.Duration = AudioState(state), time.Duration(ms)*time.Millisecond
		return a, err
	})
}
