package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

// versionColumns is the column list every version query selects, in the
// order scanVersion reads it.
const versionColumns = `story_id, version, headline, summary, byline, dateline_place,
	dateline_date, section, tags, body, correction_note, killed, published_at`

// maxNote bounds a correction note, which readers see under the story like
// a summary.
const maxNote = story.MaxSummary

// PublishStory freezes the working copy as the next version. The first
// publication makes version 1 and a publish change; a later one is a
// correction, needs a note, and makes a correct change. The story row is
// locked (or, in SQLite, the writer is held) from reading the current
// version to commit, so two publishers can never take the same number.
//
// Publishing clears PublishAt (the schedule is done) and sets EmbargoUntil
// from p, on the story and on the version, with the lift still to come.
// p.Audit, when it has an action, is appended in the same transaction,
// its time and story defaulting to the publication's.
func (db *DB) PublishStory(ctx context.Context, id int64, p Publish) (story.Story, error) {
	if p.At.IsZero() {
		return story.Story{}, fmt.Errorf("store: publish story %d: %w: publication time is required", id, story.ErrInvalid)
	}
	if err := checkText("correction note", p.CorrectionNote, maxNote); err != nil {
		return story.Story{}, fmt.Errorf("store: publish story %d: %w", id, err)
	}
	at := storeTime(p.At)
	now := storeTime(db.now())
	var out story.Story
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		s, err := storyByID(ctx, c, id, true)
		if err != nil {
			return err
		}
		if !story.CanMove(s.Status, story.StatusPublished) {
			return fmt.Errorf("%w: a %s story cannot be published", ErrBadMove, s.Status)
		}
		kind, note := story.ChangePublish, ""
		if s.Status == story.StatusPublished {
			if strings.TrimSpace(p.CorrectionNote) == "" {
				return fmt.Errorf("%w: a correction needs a correction note", story.ErrInvalid)
			}
			kind, note = story.ChangeCorrect, p.CorrectionNote
		} else {
			s.PublishedAt = at
		}
		s.Version++
		s.Status = story.StatusPublished
		s.UpdatedAt = now
		s.PublishAt = time.Time{}
		s.EmbargoUntil = storeTime(p.EmbargoUntil)

		v := versionOf(s, at)
		v.CorrectionNote = note
		if err := db.insertVersion(ctx, c, v, s.EmbargoUntil); err != nil {
			return err
		}
		_, err = c.exec(ctx, `
			UPDATE stories SET version = ?, status = ?, published_at = ?, updated_at = ?,
				publish_at = NULL, embargo_until = ?, embargo_lifted = FALSE, public_section = ?
			WHERE id = ?`,
			s.Version, string(s.Status), db.timeArg(s.PublishedAt), db.timeArg(s.UpdatedAt),
			db.timeArg(s.EmbargoUntil), v.Section, s.ID)
		if err != nil {
			return fmt.Errorf("update story state: %w", err)
		}
		if _, err := db.appendChange(ctx, c, tx, kind, s, at); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, c, withDefaults(p.Audit, at, s.ID, 0)); err != nil {
			return err
		}
		out = s
		return nil
	})
	if err != nil {
		return story.Story{}, fmt.Errorf("store: publish story %d: %w", id, err)
	}
	return out, nil
}

// KillStory withdraws a published story. The kill is its final version:
// the headline stays so readers know what was withdrawn, the notice is the
// body, and the summary is dropped so that lists and feeds stop repeating
// the withdrawn text. The working copy is kept, for the record. k.Audit is
// appended as PublishStory appends p.Audit.
func (db *DB) KillStory(ctx context.Context, id int64, k Kill) (story.Story, error) {
	notice, at := k.Notice, k.At
	if at.IsZero() {
		return story.Story{}, fmt.Errorf("store: kill story %d: %w: kill time is required", id, story.ErrInvalid)
	}
	if strings.TrimSpace(notice) == "" {
		return story.Story{}, fmt.Errorf("store: kill story %d: %w: a kill needs a notice", id, story.ErrInvalid)
	}
	if err := checkText("kill notice", notice, story.MaxBody); err != nil {
		return story.Story{}, fmt.Errorf("store: kill story %d: %w", id, err)
	}
	at = storeTime(at)
	now := storeTime(db.now())
	var out story.Story
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		s, err := storyByID(ctx, c, id, true)
		if err != nil {
			return err
		}
		if !story.CanMove(s.Status, story.StatusKilled) {
			return fmt.Errorf("%w: a %s story cannot be killed", ErrBadMove, s.Status)
		}
		s.Version++
		s.Status = story.StatusKilled
		s.UpdatedAt = now

		v := versionOf(s, at)
		v.Summary, v.Body, v.Killed = "", notice, true
		// A kill is never embargoed: subscribers must withdraw the story
		// at once, whatever embargo it was published under.
		if err := db.insertVersion(ctx, c, v, time.Time{}); err != nil {
			return err
		}
		if err := db.saveState(ctx, c, s); err != nil {
			return err
		}
		if _, err := db.appendChange(ctx, c, tx, story.ChangeKill, s, at); err != nil {
			return err
		}
		if err := db.appendAudit(ctx, c, withDefaults(k.Audit, at, s.ID, 0)); err != nil {
			return err
		}
		out = s
		return nil
	})
	if err != nil {
		return story.Story{}, fmt.Errorf("store: kill story %d: %w", id, err)
	}
	return out, nil
}

// StoryVersion returns one frozen version of a story.
func (db *DB) StoryVersion(ctx context.Context, id int64, version int) (story.Version, error) {
	v, err := scanVersion(db.read().queryRow(ctx, `
		SELECT `+versionColumns+`
		FROM story_versions
		WHERE story_id = ? AND version = ?`,
		id, version))
	if errors.Is(err, sql.ErrNoRows) {
		return story.Version{}, fmt.Errorf("store: story %d version %d: %w", id, version, ErrNotFound)
	}
	if err != nil {
		return story.Version{}, fmt.Errorf("store: story %d version %d: %w", id, version, err)
	}
	return v, nil
}

// StoryVersions returns every version of a story, oldest first: none for a
// story never published, ErrNotFound for a story that does not exist.
func (db *DB) StoryVersions(ctx context.Context, id int64) ([]story.Version, error) {
	c := db.read()
	var one int
	err := c.queryRow(ctx, `SELECT 1 FROM stories WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: story %d versions: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: story %d versions: %w", id, err)
	}
	rows, err := c.query(ctx, `
		SELECT `+versionColumns+`
		FROM story_versions
		WHERE story_id = ?
		ORDER BY version`,
		id)
	if err != nil {
		return nil, fmt.Errorf("store: story %d versions: %w", id, err)
	}
	out, err := collect(rows, scanVersion)
	if err != nil {
		return nil, fmt.Errorf("store: story %d versions: %w", id, err)
	}
	return out, nil
}

// versionOf freezes a story's working copy as its current version.
func versionOf(s story.Story, at time.Time) story.Version {
	return story.Version{
		StoryID:     s.ID,
		Version:     s.Version,
		Headline:    s.Headline,
		Summary:     s.Summary,
		Byline:      s.Byline,
		Dateline:    s.Dateline,
		Section:     s.Section,
		Tags:        s.Tags,
		Body:        s.Body,
		PublishedAt: at,
	}
}

// insertVersion adds a version row, with the embargo it was published
// under (zero for none), which story.Version does not carry. The primary
// key (story_id, version) is the last guard against a number used twice.
func (db *DB) insertVersion(ctx context.Context, c conn, v story.Version, embargoUntil time.Time) error {
	tags, err := encodeTags(v.Tags)
	if err != nil {
		return err
	}
	_, err = c.exec(ctx, `
		INSERT INTO story_versions (story_id, version, headline, summary, byline,
			dateline_place, dateline_date, section, tags, body, correction_note, killed, published_at,
			embargo_until)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.StoryID, v.Version, v.Headline, v.Summary, v.Byline,
		v.Dateline.Place, v.Dateline.Date.String(), v.Section, tags, v.Body, v.CorrectionNote, v.Killed,
		db.timeArg(v.PublishedAt), db.timeArg(embargoUntil))
	if db.d.isUnique(err) {
		return fmt.Errorf("version %d of story %d exists: %w", v.Version, v.StoryID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("insert version: %w", err)
	}
	return nil
}

// saveState writes what killing changes on the story row. Publishing
// writes more (the schedule and the embargo) and has its own UPDATE. Both
// keep public_section the section of the version the row names (the
// section lists' index reads it; migration 0013).
func (db *DB) saveState(ctx context.Context, c conn, s story.Story) error {
	_, err := c.exec(ctx, `
		UPDATE stories SET version = ?, status = ?, published_at = ?, updated_at = ?, public_section = ?
		WHERE id = ?`,
		s.Version, string(s.Status), db.timeArg(s.PublishedAt), db.timeArg(s.UpdatedAt), s.Section, s.ID)
	if err != nil {
		return fmt.Errorf("update story state: %w", err)
	}
	return nil
}

func scanVersion(r scanner) (story.Version, error) {
	var v story.Version
	var date, tags string
	err := r.Scan(&v.StoryID, &v.Version, &v.Headline, &v.Summary, &v.Byline, &v.Dateline.Place,
		&date, &v.Section, &tags, &v.Body, &v.CorrectionNote, &v.Killed, scanTime{&v.PublishedAt})
	if err != nil {
		return story.Version{}, err
	}
	if v.Dateline.Date, err = decodeDate(date); err != nil {
		return story.Version{}, fmt.Errorf("story %d version %d: %w", v.StoryID, v.Version, err)
	}
	if v.Tags, err = decodeTags(tags); err != nil {
		return story.Version{}, fmt.Errorf("story %d version %d: %w", v.StoryID, v.Version, err)
	}
	return v, nil
}

// checkText checks free text that story.Validate does not see.
func checkText(name, v string, max int) error {
	switch {
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s is not valid UTF-8", story.ErrInvalid, name)
	case utf8.RuneCountInString(v) > max:
		return fmt.Errorf("%w: %s is longer than %d characters", story.ErrInvalid, name, max)
	}
	if err := noNUL(map[string]string{name: v}); err != nil {
		return fmt.Errorf("%w: %w", story.ErrInvalid, err)
	}
	return nil
}
