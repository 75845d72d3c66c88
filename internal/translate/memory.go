package translate

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/story"
)

// candidates is how many units the store proposes for re-scoring. The
// store ranks them by shared rare grams, a good but not perfect proxy for
// the score, so it proposes several times more than are shown.
const candidates = 40

// Suggest returns the memory's matches for a segment from srcLang into
// tgtLang: exact matches (score 100, found by the hash of the normalised
// segment) and fuzzy ones (scored as CAT tools do, at least
// memory.MinFuzzy), best first and newest first among equals, at most
// five, one per distinct target.
func (s *Service) Suggest(ctx context.Context, srcLang, tgtLang, text string) ([]Match, error) {
	if memory.Normalize(srcLang, text) == "" {
		return nil, nil
	}
	exact, err := s.st.ExactUnits(ctx, srcLang, tgtLang, memory.Hash(srcLang, text), maxMatches)
	if err != nil {
		return nil, fmt.Errorf("translate: suggest: %w", err)
	}
	fuzzy, err := s.st.CandidateUnits(ctx, srcLang, tgtLang, memory.Grams(srcLang, text), candidates)
	if err != nil {
		return nil, fmt.Errorf("translate: suggest: %w", err)
	}
	var all []Match
	seen := make(map[int64]bool, len(exact)+len(fuzzy))
	for _, u := range exact {
		seen[u.ID] = true
		all = append(all, Match{Source: u.Source, Target: u.Target, Score: 100, UnitID: u.ID})
	}
	q := memory.Prepare(srcLang, text)
	for _, u := range fuzzy {
		if seen[u.ID] {
			continue
		}
		seen[u.ID] = true
		score := q.Score(memory.Prepare(srcLang, u.Source))
		if score >= memory.MinFuzzy {
			all = append(all, Match{Source: u.Source, Target: u.Target, Score: score, UnitID: u.ID})
		}
	}
	slices.SortFunc(all, func(a, b Match) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.UnitID, a.UnitID)) })
	out := make([]Match, 0, min(len(all), maxMatches))
	targets := make(map[string]bool, maxMatches)
	for _, m := range all {
		if len(out) == maxMatches {
			break
		}
		if targets[m.Target] {
			continue // the same translation from another unit adds nothing
		}
		targets[m.Target] = true
		out = append(out, m)
	}
	return out, nil
}

// ImportTMX adds the units of a TMX document to the memory: all of them or,
// when any is bad, none. It returns how many were new (units already in
// the memory are skipped). Editors and admins only.
func (s *Service) ImportTMX(ctx context.Context, a newsroom.Actor, r io.Reader) (int, error) {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return 0, forbidden("import TMX")
	}
	units, err := memory.ReadTMX(r)
	if err != nil {
		return 0, fmt.Errorf("translate: import TMX: %w: %w", story.ErrInvalid, err)
	}
	n, err := s.st.AddUnits(ctx, units)
	if err != nil {
		return 0, fmt.Errorf("translate: import TMX: %w", err)
	}
	e := entry(a, AuditMemoryImport, s.clock())
	e.Detail = fmt.Sprintf("TMX: %d units read, %d new", len(units), n)
	if err := s.st.AppendAudit(ctx, e); err != nil {
		// The import is done; failing the call now would only invite the
		// desk to import again. The lost entry is logged.
		s.log.ErrorContext(ctx, "translate: audit TMX import", "err", err)
	}
	return n, nil
}

// ExportTMX writes the memory of a language pair (empty codes: every pair)
// as TMX 1.4b, oldest unit first.
func (s *Service) ExportTMX(ctx context.Context, w io.Writer, src, tgt string) error {
	units, err := s.st.Units(ctx, src, tgt)
	if err != nil {
		return fmt.Errorf("translate: export TMX: %w", err)
	}
	list := make([]memory.Unit, len(units))
	for i, u := range units {
		list[i] = u.Unit
	}
	if err := memory.WriteTMX(w, list); err != nil {
		return fmt.Errorf("translate: export TMX: %w", err)
	}
	return nil
}

// ImportGlossary adds or changes the terms of a glossary CSV: all of them
// or, when any is bad, none. Editors and admins only.
func (s *Service) ImportGlossary(ctx context.Context, a newsroom.Actor, r io.Reader) (int, error) {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return 0, forbidden("import glossary")
	}
	terms, err := memory.ReadGlossaryCSV(r)
	if err != nil {
		return 0, fmt.Errorf("translate: import glossary: %w: %w", story.ErrInvalid, err)
	}
	n, err := s.st.AddTerms(ctx, terms)
	if err != nil {
		return 0, fmt.Errorf("translate: import glossary: %w", err)
	}
	e := entry(a, AuditGlossaryChange, s.clock())
	e.Detail = fmt.Sprintf("CSV import: %d terms", n)
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "translate: audit glossary import", "err", err)
	}
	return n, nil
}

// ExportGlossary writes the glossary of a language pair (empty codes:
// every pair) as CSV.
func (s *Service) ExportGlossary(ctx context.Context, w io.Writer, src, tgt string) error {
	terms, err := s.st.Terms(ctx, src, tgt)
	if err != nil {
		return fmt.Errorf("translate: export glossary: %w", err)
	}
	if err := memory.WriteGlossaryCSV(w, terms); err != nil {
		return fmt.Errorf("translate: export glossary: %w", err)
	}
	return nil
}

// Terms lists the glossary of a language pair; an empty code does not
// filter.
func (s *Service) Terms(ctx context.Context, src, tgt string) ([]memory.Term, error) {
	terms, err := s.st.Terms(ctx, src, tgt)
	if err != nil {
		return nil, fmt.Errorf("translate: terms: %w", err)
	}
	return terms, nil
}

// AddTerm adds an approved term, or changes the term of the same pair and
// normalised source. Editors and admins only.
func (s *Service) AddTerm(ctx context.Context, a newsroom.Actor, t memory.Term) error {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return forbidden("add term")
	}
	t.Source, t.Target, t.Note = cleanTarget(t.Source), cleanTarget(t.Target), strings.TrimSpace(lang.NormalizeText(t.Note))
	var probs []string
	for _, code := range []string{t.SrcLang, t.TgtLang} {
		if _, ok := lang.Get(code); !ok {
			probs = append(probs, fmt.Sprintf("language %q is not one of %s", code, strings.Join(lang.Codes(), ", ")))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("translate: add term: %w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	if _, err := s.st.AddTerms(ctx, []memory.Term{t}); err != nil {
		return fmt.Errorf("translate: add term: %w", err)
	}
	e := entry(a, AuditGlossaryChange, s.clock())
	e.Detail = fmt.Sprintf("%s>%s %q = %q", t.SrcLang, t.TgtLang, t.Source, t.Target)
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "translate: audit glossary term", "err", err)
	}
	return nil
}

// DeleteTerm removes a glossary term. Editors and admins only.
func (s *Service) DeleteTerm(ctx context.Context, a newsroom.Actor, id int64) error {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return forbidden("delete term")
	}
	if err := s.st.DeleteTerm(ctx, id); err != nil {
		return fmt.Errorf("translate: delete term %d: %w", id, err)
	}
	e := entry(a, AuditGlossaryChange, s.clock())
	e.Detail = fmt.Sprintf("deleted term %d", id)
	if err := s.st.AppendAudit(ctx, e); err != nil {
		s.log.ErrorContext(ctx, "translate: audit glossary term", "err", err)
	}
	return nil
}
