package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// storyColumns is the column list every story query selects, in the order
// scanStory reads it.
const storyColumns = `id, family_id, lang, headline, slug, summary, byline,
	dateline_place, dateline_date, section, tags, body, version, status,
	translated_from_id, translated_from_version, author_id, publish_at, embargo_until,
	created_at, updated_at, published_at`

// storyColumnsNoBody is storyColumns with an empty body, for lists that
// print none: SQLite then never reads a body's overflow pages.
const storyColumnsNoBody = `id, family_id, lang, headline, slug, summary, byline,
	dateline_place, dateline_date, section, tags, '' AS body, version, status,
	translated_from_id, translated_from_version, author_id, publish_at, embargo_until,
	created_at, updated_at, published_at`

// Limits the story package leaves to the store.
const (
	maxLang = 35 // the longest language tag worth keeping (BCP 47 allows more, nobody uses it)
	maxSlug = story.MaxHeadline
)

// CreateStory adds a draft or submitted story to an existing family and
// sets its ID, CreatedAt and UpdatedAt. A story is published only through
// PublishStory, so that every publication has a version and a change.
// AuthorID, when set, must name a user. PublishAt and EmbargoUntil are kept
// as given: a story may be scheduled, or carry the embargo it is meant to
// be published under, from the start.
func (db *DB) CreateStory(ctx context.Context, s *story.Story) error {
	if s == nil {
		return errors.New("store: create story: nil story")
	}
	if err := checkStory(s); err != nil {
		return fmt.Errorf("store: create story: %w", err)
	}
	if s.AuthorID < 0 {
		return fmt.Errorf("store: create story: %w: author id %d", story.ErrInvalid, s.AuthorID)
	}
	if s.Status != story.StatusDraft && s.Status != story.StatusSubmitted {
		return fmt.Errorf("store: create story: %w: a new story must be draft or submitted, not %s", ErrBadMove, s.Status)
	}
	tags, err := encodeTags(s.Tags)
	if err != nil {
		return fmt.Errorf("store: create story: %w", err)
	}
	now := storeTime(db.now())
	var id int64
	err = db.write(ctx, func(c conn, tx *sql.Tx) error {
		if err := familyExists(ctx, c, s.FamilyID); err != nil {
			return fmt.Errorf("family %d: %w", s.FamilyID, err)
		}
		if err := checkSource(ctx, c, s); err != nil {
			return err
		}
		if s.AuthorID != 0 {
			// Checked here rather than left to the foreign key, whose error
			// differs by database, so that a missing author is ErrNotFound.
			if err := userExists(ctx, c, s.AuthorID); err != nil {
				return fmt.Errorf("author %d: %w", s.AuthorID, err)
			}
		}
		err := c.queryRow(ctx, `
			INSERT INTO stories (family_id, lang, headline, slug, summary, byline,
				dateline_place, dateline_date, section, tags, body, version, status,
				translated_from_id, translated_from_version, author_id, publish_at, embargo_until,
				created_at, updated_at, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
			RETURNING id`,
			s.FamilyID, s.Lang, s.Headline, s.Slug, s.Summary, s.Byline,
			s.Dateline.Place, s.Dateline.Date.String(), s.Section, tags, s.Body, string(s.Status),
			nullID(s.TranslatedFromID), s.TranslatedFromVersion,
			nullID(s.AuthorID), db.timeArg(s.PublishAt), db.timeArg(s.EmbargoUntil),
			db.timeArg(now), db.timeArg(now),
		).Scan(&id)
		if err != nil {
			return err
		}
		created := *s
		created.ID, created.Version = id, 0
		_, err = db.appendChange(ctx, c, tx, story.ChangeEdit, created, now)
		return err
	})
	if db.d.isUnique(err) {
		return fmt.Errorf("store: create story: family %d already has a %q story: %w", s.FamilyID, s.Lang, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create story: %w", err)
	}
	s.ID = id
	s.Version = 0
	s.CreatedAt, s.UpdatedAt = now, now
	s.PublishedAt = time.Time{}
	s.PublishAt, s.EmbargoUntil = storeTime(s.PublishAt), storeTime(s.EmbargoUntil)
	return nil
}

// UpdateStory saves the working copy of a story that is not killed: its
// text, dateline, section, tags and translation source. Version, Status and
// PublishedAt belong to PublishStory and KillStory, PublishAt to
// ScheduleStory, EmbargoUntil to PublishStory, and AuthorID to CreateStory:
// all are left alone. Family and language say which story this is and
// cannot change. On success s is refreshed with what the store holds.
func (db *DB) UpdateStory(ctx context.Context, s *story.Story) error {
	if s == nil {
		return errors.New("store: update story: nil story")
	}
	if err := db.updateStory(ctx, s, audit.Entry{}); err != nil {
		return fmt.Errorf("store: update story %d: %w", s.ID, err)
	}
	return nil
}

// SaveStory is UpdateStory that also appends a, in the same transaction.
// a's time and story default to the save's.
func (db *DB) SaveStory(ctx context.Context, s *story.Story, a audit.Entry) error {
	if s == nil {
		return errors.New("store: save story: nil story")
	}
	if err := db.updateStory(ctx, s, a); err != nil {
		return fmt.Errorf("store: save story %d: %w", s.ID, err)
	}
	return nil
}

func (db *DB) updateStory(ctx context.Context, s *story.Story, a audit.Entry) error {
	if err := checkStory(s); err != nil {
		return err
	}
	tags, err := encodeTags(s.Tags)
	if err != nil {
		return err
	}
	now := storeTime(db.now())
	var cur story.Story
	err = db.write(ctx, func(c conn, tx *sql.Tx) error {
		var err error
		cur, err = storyByID(ctx, c, s.ID, true)
		if err != nil {
			return err
		}
		if cur.Status == story.StatusKilled {
			return fmt.Errorf("%w: a killed story cannot be edited", ErrBadMove)
		}
		if cur.FamilyID != s.FamilyID || cur.Lang != s.Lang {
			return fmt.Errorf("%w: family and language of a story cannot change", story.ErrInvalid)
		}
		if err := checkSource(ctx, c, s); err != nil {
			return err
		}
		_, err = c.exec(ctx, `
			UPDATE stories SET
				headline = ?, slug = ?, summary = ?, byline = ?,
				dateline_place = ?, dateline_date = ?, section = ?, tags = ?, body = ?,
				translated_from_id = ?, translated_from_version = ?, updated_at = ?
			WHERE id = ?`,
			s.Headline, s.Slug, s.Summary, s.Byline,
			s.Dateline.Place, s.Dateline.Date.String(), s.Section, tags, s.Body,
			nullID(s.TranslatedFromID), s.TranslatedFromVersion, db.timeArg(now),
			s.ID)
		if err != nil {
			return err
		}
		if _, err := db.appendChange(ctx, c, tx, story.ChangeEdit, cur, now); err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withDefaults(a, now, s.ID, 0))
	})
	if err != nil {
		return err
	}
	s.Version, s.Status = cur.Version, cur.Status
	s.AuthorID, s.PublishAt, s.EmbargoUntil = cur.AuthorID, cur.PublishAt, cur.EmbargoUntil
	s.CreatedAt, s.UpdatedAt, s.PublishedAt = cur.CreatedAt, now, cur.PublishedAt
	return nil
}

// Story returns one story by id.
func (db *DB) Story(ctx context.Context, id int64) (story.Story, error) {
	s, err := storyByID(ctx, db.read(), id, false)
	if err != nil {
		return story.Story{}, fmt.Errorf("store: story %d: %w", id, err)
	}
	return s, nil
}

// storiesChunk keeps an IN list well under every database's limit on
// placeholders (SQLite's default is 32766, PostgreSQL's 65535).
const storiesChunk = 500

// Stories returns the stories with the given ids, by id. Ids that name no
// story are simply absent from the map.
func (db *DB) Stories(ctx context.Context, ids []int64) (map[int64]story.Story, error) {
	out := make(map[int64]story.Story, len(ids))
	err := inChunks(ids, storiesChunk, func(args []any) error {
		list, err := queryStories(ctx, db.read(), `
			SELECT `+storyColumns+`
			FROM stories
			WHERE id IN (`+placeholders(len(args))+`)`,
			args...)
		for _, s := range list {
			out[s.ID] = s
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: stories: %w", err)
	}
	return out, nil
}

// inChunks calls query with the distinct ids, in the order first seen, at
// most n at a time, as query arguments with room for one more: reading
// many rows by id takes one statement per chunk, and stays under every
// database's limit on placeholders. It stops at query's first error.
func inChunks(ids []int64, n int, query func(args []any) error) error {
	seen := make(map[int64]bool, len(ids))
	args := make([]any, 0, min(len(ids), n)+1)
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		args = append(args, id)
		if len(args) == n {
			if err := query(args); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	if len(args) > 0 {
		return query(args)
	}
	return nil
}

// placeholders returns "?, ?, ..." with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// storyByID reads one story, locking its row until the transaction ends
// when lock is set and the database has row locks.
func storyByID(ctx context.Context, c conn, id int64, lock bool) (story.Story, error) {
	q := `SELECT ` + storyColumns + ` FROM stories WHERE id = ?`
	if lock {
		q += c.d.forUpdate()
	}
	s, err := scanStory(c.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return story.Story{}, ErrNotFound
	}
	return s, err
}

func queryStories(ctx context.Context, c conn, query string, args ...any) ([]story.Story, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanStory)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// scanner is what *sql.Row and *sql.Rows have in common.
type scanner interface{ Scan(dest ...any) error }

func scanStory(r scanner) (story.Story, error) {
	var s story.Story
	var date, tags, status string
	var from, author sql.NullInt64
	err := r.Scan(&s.ID, &s.FamilyID, &s.Lang, &s.Headline, &s.Slug, &s.Summary, &s.Byline,
		&s.Dateline.Place, &date, &s.Section, &tags, &s.Body, &s.Version, &status,
		&from, &s.TranslatedFromVersion, &author, scanTime{&s.PublishAt}, scanTime{&s.EmbargoUntil},
		scanTime{&s.CreatedAt}, scanTime{&s.UpdatedAt}, scanTime{&s.PublishedAt})
	if err != nil {
		return story.Story{}, err
	}
	s.Status = story.Status(status)
	s.TranslatedFromID, s.AuthorID = from.Int64, author.Int64
	if s.Dateline.Date, err = decodeDate(date); err != nil {
		return story.Story{}, fmt.Errorf("story %d: %w", s.ID, err)
	}
	if s.Tags, err = decodeTags(tags); err != nil {
		return story.Story{}, fmt.Errorf("story %d: %w", s.ID, err)
	}
	return s, nil
}

// checkStory adds to story.Validate what the store needs: a real dateline
// date, bounded slug and language, a sane translation source and no NUL
// bytes.
func checkStory(s *story.Story) error {
	if err := s.Validate(); err != nil {
		return err
	}
	var probs []string
	if err := checkDate(s.Dateline.Date); err != nil {
		probs = append(probs, err.Error())
	}
	if !utf8.ValidString(s.Slug) || utf8.RuneCountInString(s.Slug) > maxSlug {
		probs = append(probs, fmt.Sprintf("slug must be UTF-8 of at most %d characters", maxSlug))
	}
	if len(s.Lang) > maxLang || !utf8.ValidString(s.Lang) {
		probs = append(probs, fmt.Sprintf("language code must be UTF-8 of at most %d bytes", maxLang))
	}
	if s.TranslatedFromID < 0 || s.TranslatedFromVersion < 0 || (s.TranslatedFromID == 0 && s.TranslatedFromVersion != 0) {
		probs = append(probs, "translated-from version needs a translated-from story, and neither may be negative")
	}
	fields := map[string]string{
		"language": s.Lang, "headline": s.Headline, "slug": s.Slug, "summary": s.Summary,
		"byline": s.Byline, "dateline place": s.Dateline.Place, "section": s.Section, "body": s.Body,
	}
	for i, t := range s.Tags {
		fields[fmt.Sprintf("tag %d", i+1)] = t
	}
	if err := noNUL(fields); err != nil {
		probs = append(probs, err.Error())
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// checkSource makes sure a translation names an existing member of the
// same family other than the story itself.
func checkSource(ctx context.Context, c conn, s *story.Story) error {
	if s.TranslatedFromID == 0 {
		return nil
	}
	if s.TranslatedFromID == s.ID {
		return fmt.Errorf("%w: a story cannot be translated from itself", story.ErrInvalid)
	}
	var family int64
	err := c.queryRow(ctx, `SELECT family_id FROM stories WHERE id = ?`, s.TranslatedFromID).Scan(&family)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("translated from story %d: %w", s.TranslatedFromID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	if family != s.FamilyID {
		return fmt.Errorf("%w: translated from story %d of another family", story.ErrInvalid, s.TranslatedFromID)
	}
	return nil
}

// checkDate accepts the zero date or a real day with a four-digit year,
// the only dates that YYYY-MM-DD can carry.
func checkDate(d story.Date) error {
	if d.IsZero() {
		return nil
	}
	if d.Year < 1 || d.Year > 9999 {
		return fmt.Errorf("dateline date year %d is out of range", d.Year)
	}
	if p, err := story.ParseDate(d.String()); err != nil || p != d {
		return fmt.Errorf("dateline date %s is not a day of the calendar", d)
	}
	return nil
}

func decodeDate(s string) (story.Date, error) {
	if s == "" {
		return story.Date{}, nil
	}
	return story.ParseDate(s)
}

// Tags are kept as a JSON array in one column rather than in a tag table:
// a story's tags are a short ordered list that is always read with the
// story (and with each version, which would need a second table), and the
// search index, not SQL, answers "stories with this tag". A JSON array
// keeps their order and reads the same in both databases.
func encodeTags(tags []string) (string, error) {
	if len(tags) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(tags)
	if err != nil {
		return "", fmt.Errorf("tags: %w", err)
	}
	return string(b), nil
}

// decodeTags returns nil for no tags, never an empty slice, so that a story
// reads back the same whichever way it was written.
func decodeTags(s string) ([]string, error) {
	var tags []string
	if err := json.Unmarshal([]byte(s), &tags); err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return tags, nil
}

// nullID stores a zero id as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
