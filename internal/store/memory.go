package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/story"
)

// MemoryUnit is a translation memory unit as stored, with its id.
type MemoryUnit struct {
	ID int64
	memory.Unit
}

// Bounds of the translation memory.
const (
	maxUnitText = 10000 // runes of a unit's source or target: a long paragraph, never a whole story
	maxUnitNote = 1000
	// maxGram drops grams no real text makes (a run of letters this long is
	// pasted garbage), so that no index entry outgrows a b-tree page.
	maxGram = 120
	// probeGrams is how many of a segment's rarest grams a candidate lookup
	// reads. A unit close enough to score 70 holds most of the segment's
	// grams, so it holds some of the rarest; each rare gram's list is short
	// however large the memory grows, which keeps the lookup fast.
	probeGrams     = 8
	maxCandidates  = 200
	defaultExact   = 10
	gramsPerInsert = 200 // rows per multi-row INSERT, 4 arguments each
)

const unitColumns = `id, src_lang, tgt_lang, source, target, story_id, created_at, note`

// AddUnits adds units to the translation memory in one transaction and
// returns how many were new. A unit whose pair, normalised source and
// target are already there is skipped, so adding the same units again adds
// nothing. A unit that breaks a rule fails the whole call and adds nothing;
// the error names it by its position, from 1. Created defaults to the
// store's clock.
func (db *DB) AddUnits(ctx context.Context, units []memory.Unit) (int, error) {
	type prepared struct {
		u                   memory.Unit
		sourceHash, tgtHash string
		grams               []string
	}
	now := storeTime(db.now())
	list := make([]prepared, 0, len(units))
	for i, u := range units {
		if err := checkUnit(u); err != nil {
			return 0, fmt.Errorf("store: add units: unit %d: %w", i+1, err)
		}
		if u.Created.IsZero() {
			u.Created = now
		}
		u.Created = storeTime(u.Created)
		list = append(list, prepared{
			u:          u,
			sourceHash: memory.Hash(u.SrcLang, u.Source),
			tgtHash:    textHash(u.Target),
			grams:      gramSet(u.SrcLang, u.Source),
		})
	}
	added := 0
	err := db.write(ctx, func(c conn, _ *sql.Tx) error {
		added = 0
		type key struct{ src, tgt, gram string }
		counts := map[key]int{}
		for _, p := range list {
			var id int64
			err := c.queryRow(ctx, `
				INSERT INTO tm_units (src_lang, tgt_lang, source, target, source_hash, target_hash, story_id, created_at, note)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (src_lang, tgt_lang, source_hash, target_hash) DO NOTHING
				RETURNING id`,
				p.u.SrcLang, p.u.TgtLang, p.u.Source, p.u.Target, p.sourceHash, p.tgtHash,
				nullID(p.u.StoryID), db.timeArg(p.u.Created), p.u.Note).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // a duplicate
			}
			if err != nil {
				return fmt.Errorf("insert unit: %w", err)
			}
			added++
			for start := 0; start < len(p.grams); start += gramsPerInsert {
				chunk := p.grams[start:min(len(p.grams), start+gramsPerInsert)]
				args := make([]any, 0, 4*len(chunk))
				for _, g := range chunk {
					args = append(args, p.u.SrcLang, p.u.TgtLang, g, id)
					counts[key{p.u.SrcLang, p.u.TgtLang, g}]++
				}
				_, err := c.exec(ctx, `
					INSERT INTO tm_grams (src_lang, tgt_lang, gram, unit_id)
					VALUES `+rowsOf(len(chunk), 4), args...)
				if err != nil {
					return fmt.Errorf("insert grams: %w", err)
				}
			}
		}
		// The counts go in once per gram, not once per unit: a large
		// import touches each common gram's row once.
		keys := make([]key, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		// A fixed order keeps two concurrent imports on PostgreSQL from
		// locking the same rows in opposite orders.
		slices.SortFunc(keys, func(a, b key) int {
			return cmp.Or(cmp.Compare(a.src, b.src), cmp.Compare(a.tgt, b.tgt), cmp.Compare(a.gram, b.gram))
		})
		for start := 0; start < len(keys); start += gramsPerInsert {
			chunk := keys[start:min(len(keys), start+gramsPerInsert)]
			args := make([]any, 0, 4*len(chunk))
			for _, k := range chunk {
				args = append(args, k.src, k.tgt, k.gram, counts[k])
			}
			_, err := c.exec(ctx, `
				INSERT INTO tm_gram_counts (src_lang, tgt_lang, gram, n)
				VALUES `+rowsOf(len(chunk), 4)+`
				ON CONFLICT (src_lang, tgt_lang, gram) DO UPDATE SET n = tm_gram_counts.n + excluded.n`,
				args...)
			if err != nil {
				return fmt.Errorf("count grams: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: add units: %w", err)
	}
	return added, nil
}

// checkUnit checks what the store needs of a unit: both languages, a
// source and a target, valid UTF-8 of bounded size without NUL bytes.
func checkUnit(u memory.Unit) error {
	var probs []string
	for name, code := range map[string]string{"source language": u.SrcLang, "target language": u.TgtLang} {
		if code == "" || len(code) > maxLang {
			probs = append(probs, fmt.Sprintf("%s must be a code of 1 to %d bytes", name, maxLang))
		}
	}
	if u.SrcLang == u.TgtLang && u.SrcLang != "" {
		probs = append(probs, "source and target languages are the same")
	}
	for name, v := range map[string]string{"source": u.Source, "target": u.Target} {
		if strings.TrimSpace(v) == "" {
			probs = append(probs, name+" is empty")
		}
	}
	if u.StoryID < 0 {
		probs = append(probs, "story id is negative")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"source", u.Source, maxUnitText}, {"target", u.Target, maxUnitText}, {"note", u.Note, maxUnitNote},
		{"source language", u.SrcLang, maxLang}, {"target language", u.TgtLang, maxLang}} {
		if err := checkText(f.name, f.v, f.max); err != nil {
			probs = append(probs, strings.TrimPrefix(err.Error(), story.ErrInvalid.Error()+": "))
		}
	}
	if len(probs) == 0 {
		return nil
	}
	slices.Sort(probs) // the languages' map order is random
	return fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
}

// textHash identifies a target exactly, for the duplicate rule.
func textHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// gramSet returns a text's distinct grams that the index keeps.
func gramSet(code, text string) []string {
	return usableGrams(memory.Grams(code, text))
}

func usableGrams(grams []string) []string {
	out := make([]string, 0, len(grams))
	seen := make(map[string]bool, len(grams))
	for _, g := range grams {
		if g == "" || len(g) > maxGram || !utf8.ValidString(g) || strings.IndexByte(g, 0) >= 0 || seen[g] {
			continue
		}
		seen[g] = true
		out = append(out, g)
	}
	return out
}

// ExactUnits returns the units of a language pair whose normalised source
// has the given hash (memory.Hash), newest first. A limit of 0 or less
// means 10; more than 200 means 200.
func (db *DB) ExactUnits(ctx context.Context, srcLang, tgtLang, hash string, limit int) ([]MemoryUnit, error) {
	if limit <= 0 {
		limit = defaultExact
	}
	out, err := queryUnits(ctx, db.read(), `
		SELECT `+unitColumns+`
		FROM tm_units
		WHERE src_lang = ? AND tgt_lang = ? AND source_hash = ?
		ORDER BY id DESC
		LIMIT ?`,
		srcLang, tgtLang, hash, min(limit, maxCandidates))
	if err != nil {
		return nil, fmt.Errorf("store: exact units: %w", err)
	}
	return out, nil
}

// CandidateUnits returns units of a language pair that are candidates for
// a fuzzy match with a segment of the given grams (memory.Grams): those
// that share the most of the segment's rarest grams, most shared first,
// then newest first. Only the rarest few grams are read, so the lookup
// costs the same however large the memory grows; the caller scores the
// candidates. A limit of 0 or less means 10; more than 200 means 200.
func (db *DB) CandidateUnits(ctx context.Context, srcLang, tgtLang string, grams []string, limit int) ([]MemoryUnit, error) {
	if limit <= 0 {
		limit = defaultExact
	}
	grams = usableGrams(grams)
	if len(grams) == 0 {
		return nil, nil
	}
	c := db.read()
	type df struct {
		gram string
		n    int
	}
	var freq []df
	for start := 0; start < len(grams); start += storiesChunk {
		chunk := grams[start:min(len(grams), start+storiesChunk)]
		args := []any{srcLang, tgtLang}
		for _, g := range chunk {
			args = append(args, g)
		}
		rows, err := c.query(ctx, `
			SELECT gram, n FROM tm_gram_counts
			WHERE src_lang = ? AND tgt_lang = ? AND gram IN (`+placeholders(len(chunk))+`) AND n > 0`,
			args...)
		if err != nil {
			return nil, fmt.Errorf("store: candidate units: %w", err)
		}
		for rows.Next() {
			var d df
			if err := rows.Scan(&d.gram, &d.n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: candidate units: %w", err)
			}
			freq = append(freq, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("store: candidate units: %w", err)
		}
	}
	if len(freq) == 0 {
		return nil, nil // no unit shares a single gram
	}
	slices.SortFunc(freq, func(a, b df) int { return cmp.Or(cmp.Compare(a.n, b.n), cmp.Compare(a.gram, b.gram)) })
	freq = freq[:min(len(freq), probeGrams)]
	args := []any{srcLang, tgtLang}
	for _, d := range freq {
		args = append(args, d.gram)
	}
	args = append(args, min(limit, maxCandidates))
	out, err := queryUnits(ctx, c, `
		SELECT u.id, u.src_lang, u.tgt_lang, u.source, u.target, u.story_id, u.created_at, u.note
		FROM (
			SELECT unit_id, COUNT(*) AS shared
			FROM tm_grams
			WHERE src_lang = ? AND tgt_lang = ? AND gram IN (`+placeholders(len(freq))+`)
			GROUP BY unit_id
			ORDER BY shared DESC, unit_id DESC
			LIMIT ?
		) c
		JOIN tm_units u ON u.id = c.unit_id
		ORDER BY c.shared DESC, u.id DESC`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("store: candidate units: %w", err)
	}
	return out, nil
}

// Units returns the memory of a language pair, or of every pair when both
// codes are empty (either alone filters too), oldest first: the export.
func (db *DB) Units(ctx context.Context, srcLang, tgtLang string) ([]MemoryUnit, error) {
	where, args := pairWhere(srcLang, tgtLang)
	out, err := queryUnits(ctx, db.read(), `
		SELECT `+unitColumns+`
		FROM tm_units
		`+where+`
		ORDER BY id`,
		args...)
	if err != nil {
		return nil, fmt.Errorf("store: units: %w", err)
	}
	return out, nil
}

// CountUnits counts the units of every pair.
func (db *DB) CountUnits(ctx context.Context) (int, error) {
	var n int
	if err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM tm_units`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count units: %w", err)
	}
	return n, nil
}

// pairWhere filters by a language pair; an empty code does not filter.
func pairWhere(srcLang, tgtLang string) (string, []any) {
	var clauses []string
	var args []any
	if srcLang != "" {
		clauses = append(clauses, "src_lang = ?")
		args = append(args, srcLang)
	}
	if tgtLang != "" {
		clauses = append(clauses, "tgt_lang = ?")
		args = append(args, tgtLang)
	}
	if len(clauses) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(clauses, " AND "), args
}

func queryUnits(ctx context.Context, c conn, query string, args ...any) ([]MemoryUnit, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MemoryUnit
	for rows.Next() {
		var u MemoryUnit
		var storyID sql.NullInt64
		var created time.Time
		err := rows.Scan(&u.ID, &u.SrcLang, &u.TgtLang, &u.Source, &u.Target, &storyID, scanTime{&created}, &u.Note)
		if err != nil {
			return nil, err
		}
		u.StoryID, u.Created = storyID.Int64, created
		out = append(out, u)
	}
	return out, rows.Err()
}
