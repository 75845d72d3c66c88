package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/story"
)

// maxFamilyKey bounds a family key, which importers build from outside ids.
const maxFamilyKey = 200

// CreateFamily starts a new family. key may be empty; a key already taken
// is ErrConflict, which lets an importer find the family it made before.
func (db *DB) CreateFamily(ctx context.Context, key string) (int64, error) {
	if len(key) > maxFamilyKey || !utf8.ValidString(key) {
		return 0, fmt.Errorf("store: create family: %w: key must be UTF-8 of at most %d bytes", story.ErrInvalid, maxFamilyKey)
	}
	if err := noNUL(map[string]string{"family key": key}); err != nil {
		return 0, fmt.Errorf("store: create family: %w: %w", story.ErrInvalid, err)
	}
	var keyArg any // an empty key is stored as NULL, which never collides
	if key != "" {
		keyArg = key
	}
	var id int64
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		return c.queryRow(ctx, `
			INSERT INTO families (key, created_at) VALUES (?, ?)
			RETURNING id`,
			keyArg, db.timeArg(db.now())).Scan(&id)
	})
	if db.d.isUnique(err) {
		return 0, fmt.Errorf("store: create family %q: %w", key, ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("store: create family: %w", err)
	}
	return id, nil
}

// FamilyByKey finds a family by the key it was created with.
func (db *DB) FamilyByKey(ctx context.Context, key string) (int64, error) {
	if key == "" {
		return 0, fmt.Errorf("store: family by key: empty key: %w", ErrNotFound)
	}
	var id int64
	err := db.read().queryRow(ctx, `SELECT id FROM families WHERE key = ?`, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: family by key %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: family by key: %w", err)
	}
	return id, nil
}

// Family returns every member of a family, whatever its status, ordered by
// language code. A family without members yet gives an empty list; a
// family that does not exist gives ErrNotFound.
func (db *DB) Family(ctx context.Context, familyID int64) ([]story.Story, error) {
	c := db.read()
	if err := familyExists(ctx, c, familyID); err != nil {
		return nil, fmt.Errorf("store: family %d: %w", familyID, err)
	}
	out, err := queryStories(ctx, c, `
		SELECT `+storyColumns+`
		FROM stories
		WHERE family_id = ?
		ORDER BY lang, id`,
		familyID)
	if err != nil {
		return nil, fmt.Errorf("store: family %d: %w", familyID, err)
	}
	return out, nil
}

// familyExists returns nil or ErrNotFound.
func familyExists(ctx context.Context, c conn, familyID int64) error {
	var one int
	err := c.queryRow(ctx, `SELECT 1 FROM families WHERE id = ?`, familyID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
