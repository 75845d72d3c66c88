package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/story"
)

// Bounds of a glossary term: a name or a phrase, never a sentence.
const (
	maxTermText = 200
	maxTermNote = 1000
)

// AddTerms adds approved terms to the glossary in one transaction, or
// changes them: a term whose pair and normalised source (memory.Normalize)
// are already there gets the new spelling, target and note. It returns how
// many terms were written. A term that breaks a rule fails the whole call;
// the error names it by its position, from 1.
func (db *DB) AddTerms(ctx context.Context, terms []memory.Term) (int, error) {
	norms := make([]string, len(terms))
	for i, t := range terms {
		if err := checkTerm(t); err != nil {
			return 0, fmt.Errorf("store: add terms: term %d: %w", i+1, err)
		}
		norms[i] = memory.Normalize(t.SrcLang, t.Source)
		if norms[i] == "" {
			return 0, fmt.Errorf("store: add terms: term %d: %w: the source has no letters or digits", i+1, story.ErrInvalid)
		}
	}
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		for i, t := range terms {
			_, err := c.exec(ctx, `
				INSERT INTO glossary_terms (src_lang, tgt_lang, source, target, note, source_norm)
				VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (src_lang, tgt_lang, source_norm) DO UPDATE SET
					source = excluded.source, target = excluded.target, note = excluded.note`,
				t.SrcLang, t.TgtLang, t.Source, t.Target, t.Note, norms[i])
			if err != nil {
				return fmt.Errorf("term %d: %w", i+1, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: add terms: %w", err)
	}
	return len(terms), nil
}

func checkTerm(t memory.Term) error {
	var probs []string
	if t.SrcLang == "" || t.TgtLang == "" || t.SrcLang == t.TgtLang {
		probs = append(probs, "two different languages are required")
	}
	if strings.TrimSpace(t.Source) == "" || strings.TrimSpace(t.Target) == "" {
		probs = append(probs, "source and target are required")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"source", t.Source, maxTermText}, {"target", t.Target, maxTermText}, {"note", t.Note, maxTermNote},
		{"source language", t.SrcLang, maxLang}, {"target language", t.TgtLang, maxLang}} {
		if err := checkText(f.name, f.v, f.max); err != nil {
			probs = append(probs, strings.TrimPrefix(err.Error(), story.ErrInvalid.Error()+": "))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return nil
}

// Terms lists the glossary of a language pair, or of every pair when both
// codes are empty (either alone filters too), ordered by pair and then by
// normalised source.
func (db *DB) Terms(ctx context.Context, srcLang, tgtLang string) ([]memory.Term, error) {
	where, args := pairWhere(srcLang, tgtLang)
	rows, err := db.read().query(ctx, `
		SELECT id, src_lang, tgt_lang, source, target, note
		FROM glossary_terms
		`+where+`
		ORDER BY src_lang, tgt_lang, source_norm, id`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("store: terms: %w", err)
	}
	defer rows.Close()
	var out []memory.Term
	for rows.Next() {
		var t memory.Term
		if err := rows.Scan(&t.ID, &t.SrcLang, &t.TgtLang, &t.Source, &t.Target, &t.Note); err != nil {
			return nil, fmt.Errorf("store: terms: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: terms: %w", err)
	}
	return out, nil
}

// DeleteTerm removes a term; ErrNotFound if there is none with that id.
func (db *DB) DeleteTerm(ctx context.Context, id int64) error {
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		res, err := c.exec(ctx, `DELETE FROM glossary_terms WHERE id = ?`, id)
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
		return fmt.Errorf("store: delete term %d: %w", id, err)
	}
	return nil
}
