package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// Assignment gives a translation draft to a translator. A story has at
// most one; assigning it again replaces it.
type Assignment struct {
	StoryID    int64
	AssigneeID int64
	DueAt      time.Time // zero: no deadline
	AssignedBy int64     // the user who assigned it; 0 for the system
	AssignedAt time.Time
	DoneAt     time.Time // zero while the assignment is open
}

// AssignmentQuery selects assignments. Zero fields do not filter.
type AssignmentQuery struct {
	AssigneeID int64
	Open       bool // only assignments not yet done
	Limit      int  // default 100, at most 500
}

// Page sizes and bounds of the translation desk.
const (
	defaultAssignments = 100
	maxAssignments     = 500
	maxSegments        = 10000 // segments of one story; a 1 MiB body has far fewer sentences
	defaultFamilies    = 200
	maxFamilies        = 1000
	maxFollowerName    = 100
)

const assignmentColumns = `story_id, assignee_id, due_at, assigned_by, assigned_at, done_at`

// Assign gives story as.StoryID to user as.AssigneeID, replacing any
// assignment it had and opening it again, with e in the same transaction.
// AssignedAt defaults to the store's clock. The story and the users must
// exist (ErrNotFound); who may be assigned is the service's rule.
func (db *DB) Assign(ctx context.Context, as Assignment, e audit.Entry) error {
	if as.AssigneeID <= 0 || as.AssignedBy < 0 {
		return fmt.Errorf("store: assign story %d: %w: an assignee is required", as.StoryID, story.ErrInvalid)
	}
	now := storeTime(db.now())
	if as.AssignedAt.IsZero() {
		as.AssignedAt = now
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		if _, err := storyByID(ctx, c, as.StoryID, true); err != nil {
			return err
		}
		if err := userExists(ctx, c, as.AssigneeID); err != nil {
			return fmt.Errorf("assignee %d: %w", as.AssigneeID, err)
		}
		if as.AssignedBy != 0 {
			if err := userExists(ctx, c, as.AssignedBy); err != nil {
				return fmt.Errorf("assigner %d: %w", as.AssignedBy, err)
			}
		}
		_, err := c.exec(ctx, `
			INSERT INTO assignments (story_id, assignee_id, due_at, assigned_by, assigned_at, done_at)
			VALUES (?, ?, ?, ?, ?, NULL)
			ON CONFLICT (story_id) DO UPDATE SET
				assignee_id = excluded.assignee_id, due_at = excluded.due_at,
				assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at, done_at = NULL`,
			as.StoryID, as.AssigneeID, db.timeArg(as.DueAt), nullID(as.AssignedBy), db.timeArg(as.AssignedAt))
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, c, withDefaults(e, now, as.StoryID, as.AssigneeID))
	})
	if err != nil {
		return fmt.Errorf("store: assign story %d: %w", as.StoryID, err)
	}
	return nil
}

// Assignment returns the assignment of a story, ErrNotFound if it has none.
func (db *DB) Assignment(ctx context.Context, storyID int64) (Assignment, error) {
	as, err := scanAssignment(db.read().queryRow(ctx, `
		SELECT `+assignmentColumns+` FROM assignments WHERE story_id = ?`, storyID))
	if errors.Is(err, sql.ErrNoRows) {
		return Assignment{}, fmt.Errorf("store: assignment of story %d: %w", storyID, ErrNotFound)
	}
	if err != nil {
		return Assignment{}, fmt.Errorf("store: assignment of story %d: %w", storyID, err)
	}
	return as, nil
}

// Assignments lists assignments due first: those with a deadline by
// deadline, then those without, each group oldest assignment first.
func (db *DB) Assignments(ctx context.Context, q AssignmentQuery) ([]Assignment, error) {
	var clauses []string
	var args []any
	if q.AssigneeID != 0 {
		clauses = append(clauses, "assignee_id = ?")
		args = append(args, q.AssigneeID)
	}
	if q.Open {
		clauses = append(clauses, "done_at IS NULL")
	}
	where := ""
	if len(clauses) > 0 {
		where = "WHERE " + strings.Join(clauses, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultAssignments
	}
	// CASE rather than NULLS LAST: the two databases sort NULL at
	// opposite ends by default.
	rows, err := db.read().query(ctx, `
		SELECT `+assignmentColumns+`
		FROM assignments
		`+where+`
		ORDER BY CASE WHEN due_at IS NULL THEN 1 ELSE 0 END, due_at, assigned_at, story_id
		LIMIT ?`,
		append(args, min(limit, maxAssignments))...)
	if err != nil {
		return nil, fmt.Errorf("store: assignments: %w", err)
	}
	out, err := collect(rows, scanAssignment)
	if err != nil {
		return nil, fmt.Errorf("store: assignments: %w", err)
	}
	return out, nil
}

// CompleteAssignment marks a story's assignment done at at. An assignment
// already done keeps its first time, so that following the change log
// again changes nothing; a story without one is ErrNotFound.
func (db *DB) CompleteAssignment(ctx context.Context, storyID int64, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("store: complete assignment of story %d: %w: a time is required", storyID, story.ErrInvalid)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `
			UPDATE assignments SET done_at = COALESCE(done_at, ?) WHERE story_id = ?`,
			db.timeArg(at), storyID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: complete assignment of story %d: %w", storyID, err)
	}
	return nil
}

func scanAssignment(r scanner) (Assignment, error) {
	var as Assignment
	var by sql.NullInt64
	err := r.Scan(&as.StoryID, &as.AssigneeID, scanTime{&as.DueAt}, &by, scanTime{&as.AssignedAt}, scanTime{&as.DoneAt})
	as.AssignedBy = by.Int64
	return as, err
}

// SegmentTargets returns the translator's work on a story: the target text
// of each source segment by index ("" where none was written), and the
// source version the indexes refer to. A story without saved work gives
// no texts and version 0; a story that does not exist is ErrNotFound.
func (db *DB) SegmentTargets(ctx context.Context, storyID int64) ([]string, int, error) {
	c := db.read()
	if _, err := storyByID(ctx, c, storyID, false); err != nil {
		return nil, 0, fmt.Errorf("store: segment targets of story %d: %w", storyID, err)
	}
	rows, err := c.query(ctx, `
		SELECT seg_index, source_version, target
		FROM translation_units
		WHERE story_id = ?
		ORDER BY seg_index`,
		storyID)
	if err != nil {
		return nil, 0, fmt.Errorf("store: segment targets of story %d: %w", storyID, err)
	}
	defer rows.Close()
	var out []string
	version := 0
	for rows.Next() {
		var i, v int
		var text string
		if err := rows.Scan(&i, &v, &text); err != nil {
			return nil, 0, fmt.Errorf("store: segment targets of story %d: %w", storyID, err)
		}
		if i >= maxSegments {
			return nil, 0, fmt.Errorf("store: segment targets of story %d: segment %d is out of range", storyID, i)
		}
		for len(out) < i {
			out = append(out, "")
		}
		out = append(out, text)
		version = v
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: segment targets of story %d: %w", storyID, err)
	}
	return out, version, nil
}

// SaveSegmentTargets replaces the translator's work on a story, in one
// transaction, with targets aligned to version sourceVersion of its source.
func (db *DB) SaveSegmentTargets(ctx context.Context, storyID int64, sourceVersion int, targets []string) error {
	if err := checkTargets(sourceVersion, targets); err != nil {
		return fmt.Errorf("store: save segment targets of story %d: %w", storyID, err)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		if _, err := storyByID(ctx, c, storyID, true); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM translation_units WHERE story_id = ?`, storyID); err != nil {
			return err
		}
		const perInsert = 200 // rows per INSERT, 4 arguments each
		for start := 0; start < len(targets); start += perInsert {
			chunk := targets[start:min(len(targets), start+perInsert)]
			args := make([]any, 0, 4*len(chunk))
			for i, t := range chunk {
				args = append(args, storyID, start+i, sourceVersion, t)
			}
			_, err := c.exec(ctx, `
				INSERT INTO translation_units (story_id, seg_index, source_version, target)
				VALUES `+rowsOf(len(chunk), 4), args...)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save segment targets of story %d: %w", storyID, err)
	}
	return nil
}

func checkTargets(sourceVersion int, targets []string) error {
	if sourceVersion < 0 {
		return fmt.Errorf("%w: source version %d", story.ErrInvalid, sourceVersion)
	}
	if len(targets) > maxSegments {
		return fmt.Errorf("%w: more than %d segments", story.ErrInvalid, maxSegments)
	}
	size := 0
	for i, t := range targets {
		size += len(t)
		if !utf8.ValidString(t) || strings.IndexByte(t, 0) >= 0 {
			return fmt.Errorf("%w: segment %d is not valid UTF-8 text", story.ErrInvalid, i)
		}
	}
	if size > story.MaxBody {
		return fmt.Errorf("%w: segments are larger than %d bytes", story.ErrInvalid, story.MaxBody)
	}
	return nil
}

// rowsOf returns n rows of k placeholders each, "(?, ?), (?, ?)", for a
// multi-row INSERT.
func rowsOf(n, k int) string {
	row := "(" + placeholders(k) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// SetTranslationSource records that story storyID is a translation of
// version fromVersion of story fromID, a member of the same family. It is
// how a translation is linked to its source and how an update to a newer
// source version is recorded, which clears the out-of-date mark. When the
// source story is set for the first time or changes, a translation_link
// entry is appended to the change log; e is appended to the audit log; both
// in the same transaction. fromVersion may not be newer than the source's
// latest published version.
func (db *DB) SetTranslationSource(ctx context.Context, storyID, fromID int64, fromVersion int, e audit.Entry) (story.Story, error) {
	if fromID <= 0 || fromVersion < 0 {
		return story.Story{}, fmt.Errorf("store: set translation source of story %d: %w: a source story is required", storyID, story.ErrInvalid)
	}
	now := storeTime(db.now())
	var out story.Story
	err := db.write(ctx, func(c conn, tx *sql.Tx) error {
		s, err := storyByID(ctx, c, storyID, true)
		if err != nil {
			return err
		}
		if s.Status == story.StatusKilled {
			return fmt.Errorf("%w: a killed story cannot be changed", ErrBadMove)
		}
		src, err := storyByID(ctx, c, fromID, false)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("source story %d: %w", fromID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if fromVersion > src.Version {
			return fmt.Errorf("%w: source story %d has no version %d", story.ErrInvalid, fromID, fromVersion)
		}
		linked := s.TranslatedFromID != fromID
		s.TranslatedFromID, s.TranslatedFromVersion, s.UpdatedAt = fromID, fromVersion, now
		if err := checkSource(ctx, c, &s); err != nil {
			return err
		}
		_, err = c.exec(ctx, `
			UPDATE stories SET translated_from_id = ?, translated_from_version = ?, updated_at = ?
			WHERE id = ?`,
			fromID, fromVersion, db.timeArg(now), storyID)
		if err != nil {
			return err
		}
		if linked {
			if _, err := db.appendChange(ctx, c, tx, story.ChangeTranslation, s, now); err != nil {
				return err
			}
		}
		if err := db.appendAudit(ctx, c, withDefaults(e, now, storyID, 0)); err != nil {
			return err
		}
		out = s
		return nil
	})
	if err != nil {
		return story.Story{}, fmt.Errorf("store: set translation source of story %d: %w", storyID, err)
	}
	return out, nil
}

// FamiliesPublishedSince returns every member, of any status, of the
// families that have a version published at or after since: at most limit
// families (default 200, at most 1000), the most recently published first,
// each family's members together and ordered by language code. A zero
// since means all time.
func (db *DB) FamiliesPublishedSince(ctx context.Context, since time.Time, limit int) ([]story.Story, error) {
	if limit <= 0 {
		limit = defaultFamilies
	}
	if since.IsZero() {
		since = time.Unix(0, 0) // the zero time is all time; before any story
	}
	rows, err := db.read().query(ctx, `
		SELECT s.family_id, MAX(v.published_at) AS latest
		FROM story_versions v
		JOIN stories s ON s.id = v.story_id
		WHERE v.published_at >= ?
		GROUP BY s.family_id
		ORDER BY latest DESC, s.family_id DESC
		LIMIT ?`,
		db.timeArg(since), min(limit, maxFamilies))
	if err != nil {
		return nil, fmt.Errorf("store: families published since: %w", err)
	}
	var fams []int64
	for rows.Next() {
		var id int64
		var latest time.Time
		if err := rows.Scan(&id, scanTime{&latest}); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: families published since: %w", err)
		}
		fams = append(fams, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: families published since: %w", err)
	}
	if len(fams) == 0 {
		return nil, nil
	}
	args := make([]any, len(fams))
	for i, id := range fams {
		args[i] = id
	}
	members, err := queryStories(ctx, db.read(), `
		SELECT `+storyColumns+`
		FROM stories
		WHERE family_id IN (`+placeholders(len(fams))+`)
		ORDER BY lang, id`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("store: families published since: %w", err)
	}
	// Put the members in the families' order.
	byFamily := make(map[int64][]story.Story, len(fams))
	for _, s := range members {
		byFamily[s.FamilyID] = append(byFamily[s.FamilyID], s)
	}
	out := make([]story.Story, 0, len(members))
	for _, id := range fams {
		out = append(out, byFamily[id]...)
	}
	return out, nil
}

// FollowerSeq is the last change-log sequence number the named follower
// has dealt with; 0 for a follower that has never saved one.
func (db *DB) FollowerSeq(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := db.read().queryRow(ctx, `SELECT seq FROM followers WHERE name = ?`, name).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: follower %q: %w", name, err)
	}
	return seq, nil
}

// checkFollower refuses a follower name or position no follower has.
func checkFollower(name string, seq int64) error {
	if name == "" || len(name) > maxFollowerName || !utf8.ValidString(name) || strings.IndexByte(name, 0) >= 0 || seq < 0 {
		return fmt.Errorf("%w: a follower name of at most %d bytes and a sequence number of 0 or more", story.ErrInvalid, maxFollowerName)
	}
	return nil
}

// setFollower moves a follower to seq on c, inside the caller's
// transaction when the move goes with what the follower wrote. A position
// never moves back: two nodes following at once cannot undo each other's
// progress.
func setFollower(ctx context.Context, c conn, name string, seq int64) error {
	_, err := c.exec(ctx, `
		INSERT INTO followers (name, seq) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET
			seq = CASE WHEN excluded.seq > followers.seq THEN excluded.seq ELSE followers.seq END`,
		name, seq)
	return err
}

// SetFollowerSeq saves the named follower's position. A position never
// moves back: two nodes following at once cannot undo each other's progress.
func (db *DB) SetFollowerSeq(ctx context.Context, name string, seq int64) error {
	if err := checkFollower(name, seq); err != nil {
		return fmt.Errorf("store: set follower %q: %w", name, err)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error { return setFollower(ctx, c, name, seq) })
	if err != nil {
		return fmt.Errorf("store: set follower %q: %w", name, err)
	}
	return nil
}
