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

// Agency returns the agency's settings, or ErrNotFound before the first
// SaveAgency, so that the caller can tell "not set up" from "set up empty".
func (db *DB) Agency(ctx context.Context) (story.Agency, error) {
	c := db.read()
	var a story.Agency
	err := c.queryRow(ctx, `SELECT time_zone FROM agency WHERE id = 1`).Scan(&a.TimeZone)
	if errors.Is(err, sql.ErrNoRows) {
		return story.Agency{}, fmt.Errorf("store: agency: %w", ErrNotFound)
	}
	if err != nil {
		return story.Agency{}, fmt.Errorf("store: agency: %w", err)
	}

	rows, err := c.query(ctx, `SELECT lang, name, tagline, credit FROM agency_text ORDER BY lang`)
	if err != nil {
		return story.Agency{}, fmt.Errorf("store: agency text: %w", err)
	}
	defer rows.Close()
	a.Text = make(map[string]story.AgencyText)
	for rows.Next() {
		var lang string
		var t story.AgencyText
		if err := rows.Scan(&lang, &t.Name, &t.Tagline, &t.Credit); err != nil {
			return story.Agency{}, fmt.Errorf("store: agency text: %w", err)
		}
		a.Text[lang] = t
	}
	if err := rows.Err(); err != nil {
		return story.Agency{}, fmt.Errorf("store: agency text: %w", err)
	}
	return a, nil
}

// SaveAgency replaces the agency's settings with a: a language missing from
// a.Text is removed.
func (db *DB) SaveAgency(ctx context.Context, a story.Agency) error {
	if err := checkAgency(a); err != nil {
		return fmt.Errorf("store: save agency: %w", err)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		_, err := c.exec(ctx, `
			INSERT INTO agency (id, time_zone) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone`,
			a.TimeZone)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM agency_text`); err != nil {
			return err
		}
		for lang, t := range a.Text {
			_, err := c.exec(ctx, `
				INSERT INTO agency_text (lang, name, tagline, credit) VALUES (?, ?, ?, ?)`,
				lang, t.Name, t.Tagline, t.Credit)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save agency: %w", err)
	}
	return nil
}

// checkAgency refuses settings that would break pages later. Agency and
// Section belong to package story's model, so their errors wrap
// story.ErrInvalid like a story's.
func checkAgency(a story.Agency) error {
	if a.TimeZone == "" {
		return fmt.Errorf("%w: time zone is required", story.ErrInvalid)
	}
	// A zone that does not load would break every date shown to readers.
	if _, err := time.LoadLocation(a.TimeZone); err != nil {
		return fmt.Errorf("%w: time zone: %w", story.ErrInvalid, err)
	}
	fields := map[string]string{"time zone": a.TimeZone}
	for lang, t := range a.Text {
		if strings.TrimSpace(lang) == "" {
			return fmt.Errorf("%w: agency text with an empty language code", story.ErrInvalid)
		}
		for name, v := range map[string]string{"language": lang, "name": t.Name, "tagline": t.Tagline, "credit": t.Credit} {
			if !utf8.ValidString(v) {
				return fmt.Errorf("%w: %s %s is not valid UTF-8", story.ErrInvalid, lang, name)
			}
			fields[lang+" "+name] = v
		}
	}
	if err := noNUL(fields); err != nil {
		return fmt.Errorf("%w: %w", story.ErrInvalid, err)
	}
	return nil
}

// Sections returns every section in display order, with its names.
func (db *DB) Sections(ctx context.Context) ([]story.Section, error) {
	rows, err := db.read().query(ctx, `
		SELECT s.key, s.position, n.lang, n.name
		FROM sections s
		LEFT JOIN section_names n ON n.section_key = s.key
		ORDER BY s.position, s.key, n.lang`)
	if err != nil {
		return nil, fmt.Errorf("store: sections: %w", err)
	}
	defer rows.Close()
	var out []story.Section
	for rows.Next() {
		var key string
		var pos int
		var lang, name sql.NullString // NULL for a section without names
		if err := rows.Scan(&key, &pos, &lang, &name); err != nil {
			return nil, fmt.Errorf("store: sections: %w", err)
		}
		if len(out) == 0 || out[len(out)-1].Key != key {
			out = append(out, story.Section{Key: key, Position: pos, Names: make(map[string]string)})
		}
		if lang.Valid {
			out[len(out)-1].Names[lang.String] = name.String
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sections: %w", err)
	}
	return out, nil
}

// SaveSection creates or replaces a section and all its names.
func (db *DB) SaveSection(ctx context.Context, s story.Section) error {
	if err := checkSection(s); err != nil {
		return fmt.Errorf("store: save section %q: %w", s.Key, err)
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		_, err := c.exec(ctx, `
			INSERT INTO sections (key, position) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET position = excluded.position`,
			s.Key, s.Position)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM section_names WHERE section_key = ?`, s.Key); err != nil {
			return err
		}
		for lang, name := range s.Names {
			_, err := c.exec(ctx, `
				INSERT INTO section_names (section_key, lang, name) VALUES (?, ?, ?)`,
				s.Key, lang, name)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save section %q: %w", s.Key, err)
	}
	return nil
}

// maxSectionKey matches story.Validate's limit on a story's section.
const maxSectionKey = 40

func checkSection(s story.Section) error {
	// The key is a URL segment: keep it to what needs no escaping.
	if s.Key == "" || len(s.Key) > maxSectionKey {
		return fmt.Errorf("%w: section key must be 1 to %d characters", story.ErrInvalid, maxSectionKey)
	}
	for _, r := range s.Key {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
			return fmt.Errorf("%w: section key may hold only a-z, 0-9 and -", story.ErrInvalid)
		}
	}
	fields := make(map[string]string)
	for lang, name := range s.Names {
		if strings.TrimSpace(lang) == "" || strings.TrimSpace(name) == "" || !utf8.ValidString(lang+name) {
			return fmt.Errorf("%w: section names need a language and a name in UTF-8", story.ErrInvalid)
		}
		fields[lang+" name"] = lang + name
	}
	if err := noNUL(fields); err != nil {
		return fmt.Errorf("%w: %w", story.ErrInvalid, err)
	}
	return nil
}
