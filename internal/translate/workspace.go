package translate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/segment"
	"github.com/qasid/qasid/internal/story"
)

// Row is one segment in the side-by-side editor.
type Row struct {
	Index  int
	Kind   segment.Kind
	Source string // the source segment, from the source's latest published version
	Target string // the translator's text for it; "" when none yet
	// Change says how the segment changed since the source version the
	// translation is based on; "" when the translation is current.
	Change  segment.ChangeKind
	Matches []Match     // from the memory, best first
	Terms   []TermCheck // glossary terms found in the source segment
}

// Match is a memory unit offered for a segment.
type Match struct {
	Source, Target string
	Score          int // 100 for an exact match, else at least memory.MinFuzzy
	UnitID         int64
}

// TermCheck is a glossary term found in a source segment. Missing is set
// when the target segment is written but lacks the approved translation.
type TermCheck struct {
	Term    memory.Term
	Missing bool
}

// Workspace is the side-by-side editor's data for a translation.
type Workspace struct {
	Target, Source story.Story
	BasedOn        int  // the source version the translation is based on
	SourceVersion  int  // the source's latest published version, which Rows show
	OutOfDate      bool // BasedOn is older than the source readers now see
	Rows           []Row
	Removed        []segment.Segment // segments of version BasedOn gone from the latest
	MT             bool              // machine pre-translation is available
}

// maxMatches is how many memory matches a segment shows.
const maxMatches = 5

// Workspace returns the editor's data for the translation storyID: the
// source's latest published version cut into segments, the translator's
// text for each, memory matches and glossary terms, and, when the source
// has moved on since the version translated, which segments changed. The
// actor needs the newsroom's permission to view the translation.
func (s *Service) Workspace(ctx context.Context, a newsroom.Actor, storyID int64) (Workspace, error) {
	target, err := s.nr.Story(ctx, a, storyID)
	if err != nil {
		return Workspace{}, fmt.Errorf("translate: workspace of story %d: %w", storyID, err)
	}
	w, err := s.workspace(ctx, target)
	if err != nil {
		return Workspace{}, fmt.Errorf("translate: workspace of story %d: %w", storyID, err)
	}
	return w, nil
}

// sides is a translation with the two versions of its source that matter.
type sides struct {
	target story.Story
	source story.Story
	cur    story.Version // the source's latest published version
	doc    segment.Doc   // cur, cut into segments
}

func (s *Service) sides(ctx context.Context, target story.Story) (sides, error) {
	if target.TranslatedFromID == 0 {
		return sides{}, fmt.Errorf("%w: story %d is not a translation", story.ErrInvalid, target.ID)
	}
	src, err := s.st.Story(ctx, target.TranslatedFromID)
	if err != nil {
		return sides{}, fmt.Errorf("source: %w", err)
	}
	v, err := s.publishedVersion(ctx, src)
	if err != nil {
		return sides{}, err
	}
	return sides{target: target, source: src, cur: v, doc: split(src.Lang, v)}, nil
}

func split(code string, v story.Version) segment.Doc {
	return segment.Split(code, v.Headline, v.Dateline.Place, v.Body)
}

func (s *Service) workspace(ctx context.Context, target story.Story) (Workspace, error) {
	sd, err := s.sides(ctx, target)
	if err != nil {
		return Workspace{}, err
	}
	basedOn := target.TranslatedFromVersion
	w := Workspace{
		Target: target, Source: sd.source, BasedOn: basedOn, SourceVersion: sd.cur.Version,
		OutOfDate: outOfDate(sd.source, basedOn) && basedOn < sd.cur.Version, MT: s.mt != nil,
	}
	changes := make([]segment.ChangeKind, len(sd.doc.Segments))
	if basedOn >= 1 && basedOn != sd.cur.Version {
		old, err := s.st.StoryVersion(ctx, sd.source.ID, basedOn)
		if err != nil {
			return Workspace{}, fmt.Errorf("source version %d: %w", basedOn, err)
		}
		for _, ch := range segment.Diff(split(sd.source.Lang, old), sd.doc) {
			switch {
			case ch.New != nil:
				changes[ch.New.Index] = ch.Kind
			case ch.Old != nil:
				w.Removed = append(w.Removed, *ch.Old)
			}
		}
	}
	targets, err := s.targets(ctx, sd)
	if err != nil {
		return Workspace{}, err
	}
	terms, err := s.st.Terms(ctx, sd.source.Lang, target.Lang)
	if err != nil {
		return Workspace{}, err
	}
	for _, seg := range sd.doc.Segments {
		row := Row{Index: seg.Index, Kind: seg.Kind, Source: seg.Text, Target: targets[seg.Index], Change: changes[seg.Index]}
		if seg.Kind != segment.KindAlso {
			if row.Matches, err = s.Suggest(ctx, sd.source.Lang, target.Lang, seg.Text); err != nil {
				return Workspace{}, err
			}
			row.Terms = checkTerms(sd.source.Lang, target.Lang, seg.Text, row.Target, terms)
		}
		w.Rows = append(w.Rows, row)
	}
	return w, nil
}

// targets returns the translator's text for each segment of sd.doc. Work
// saved against an older source version is moved onto the current
// segments (an edited segment keeps its old translation for the translator
// to fix; an added one starts empty). A translation with no saved work but
// a body of its own (one made before the desk, or written in the ordinary
// editor) is cut into segments, which are used when they line up with the
// source's segment for segment.
func (s *Service) targets(ctx context.Context, sd sides) ([]string, error) {
	out := make([]string, len(sd.doc.Segments))
	texts, alignedTo, err := s.st.SegmentTargets(ctx, sd.target.ID)
	if err != nil {
		return nil, err
	}
	if len(texts) == 0 && strings.TrimSpace(sd.target.Body) != "" {
		alignedTo = sd.target.TranslatedFromVersion
		texts = nil
		if alignedTo >= 1 {
			if base, err := s.st.StoryVersion(ctx, sd.source.ID, alignedTo); err == nil {
				own := segment.Split(sd.target.Lang, sd.target.Headline, sd.target.Dateline.Place, sd.target.Body)
				texts = lineUp(split(sd.source.Lang, base), own)
			}
		}
	}
	if len(texts) == 0 {
		return out, nil
	}
	if alignedTo >= 1 && alignedTo != sd.cur.Version {
		old, err := s.st.StoryVersion(ctx, sd.source.ID, alignedTo)
		if err != nil {
			return nil, fmt.Errorf("source version %d: %w", alignedTo, err)
		}
		return realign(split(sd.source.Lang, old), sd.doc, texts), nil
	}
	copy(out, texts)
	return out, nil
}

// lineUp returns the texts of target when its segments have the kinds of
// source's, one for one, and nil otherwise.
func lineUp(source, target segment.Doc) []string {
	if len(source.Segments) != len(target.Segments) {
		return nil
	}
	out := make([]string, len(target.Segments))
	for i, seg := range target.Segments {
		if seg.Kind != source.Segments[i].Kind {
			return nil
		}
		if seg.Kind != segment.KindAlso {
			out[i] = seg.Text
		}
	}
	return out
}

// realign moves targets written for the segments of old onto those of
// cur: a segment that stayed, moved or was edited keeps its target; an
// added one starts empty; a removed one's target is dropped.
func realign(old, cur segment.Doc, targets []string) []string {
	out := make([]string, len(cur.Segments))
	for _, ch := range segment.Diff(old, cur) {
		if ch.Old != nil && ch.New != nil && ch.Old.Index < len(targets) {
			out[ch.New.Index] = targets[ch.Old.Index]
		}
	}
	return out
}

// checkTerms finds the glossary terms of a source segment and marks those
// whose approved translation a written target lacks.
func checkTerms(srcLang, tgtLang, source, target string, terms []memory.Term) []TermCheck {
	found := memory.FindTerms(srcLang, source, terms)
	if len(found) == 0 {
		return nil
	}
	out := make([]TermCheck, 0, len(found))
	for _, t := range found {
		out = append(out, TermCheck{Term: t, Missing: strings.TrimSpace(target) != "" && !memory.HasTerm(tgtLang, target, t)})
	}
	return out
}

// Save stores the translator's text for each segment of the source's
// latest published version (targets by segment index; fewer than the
// segments leaves the rest empty), assembles the translation's headline,
// dateline place and body in the source's structure and saves the draft
// through the newsroom, so that its permission rules and audit apply. An
// empty headline or place target keeps the draft's current one, which
// keeps the draft valid while the translator works.
//
// markCurrent records the source's latest published version as the one
// translated, which clears the out-of-date mark. Save returns the glossary
// warnings: approved terms missing from written target segments. submit
// also hands the draft to the editors, unless there are warnings and
// confirm is false: then it returns ErrGlossary with the warnings, and the
// segments and draft are saved but not submitted.
func (s *Service) Save(ctx context.Context, a newsroom.Actor, storyID int64, targets []string, markCurrent, submit, confirm bool) ([]TermCheck, error) {
	warnings, err := s.save(ctx, a, storyID, targets, markCurrent, submit, confirm)
	if err != nil {
		return warnings, fmt.Errorf("translate: save translation %d: %w", storyID, err)
	}
	return warnings, nil
}

func (s *Service) save(ctx context.Context, a newsroom.Actor, storyID int64, targets []string, markCurrent, submit, confirm bool) ([]TermCheck, error) {
	cur, err := s.st.Story(ctx, storyID)
	if err != nil {
		return nil, err
	}
	// Checked here too, so that a refused save writes no segments.
	if err := editable(a.User, cur); err != nil {
		return nil, err
	}
	sd, err := s.sides(ctx, cur)
	if err != nil {
		return nil, err
	}
	segs := sd.doc.Segments
	if len(targets) > len(segs) {
		return nil, fmt.Errorf("%w: %d target segments for a source of %d", story.ErrInvalid, len(targets), len(segs))
	}
	clean := make([]string, len(segs))
	for i, t := range targets {
		if segs[i].Kind != segment.KindAlso { // Also Read lines are copied from the source
			clean[i] = cleanTarget(t)
		}
	}
	if err := s.st.SaveSegmentTargets(ctx, storyID, sd.cur.Version, clean); err != nil {
		return nil, err
	}

	next := cur
	headline, place, body := sd.doc.Assemble(cur.Lang, clean)
	if strings.TrimSpace(headline) != "" {
		next.Headline = headline
	}
	if strings.TrimSpace(place) != "" {
		next.Dateline.Place = place
	}
	next.Body = body
	if err := s.nr.Save(ctx, a, &next); err != nil {
		return nil, err
	}
	if markCurrent && cur.TranslatedFromVersion != sd.cur.Version {
		e := entry(a, AuditUpdate, s.clock())
		e.Detail = fmt.Sprintf("from story %d version %d to %d", sd.source.ID, cur.TranslatedFromVersion, sd.cur.Version)
		if _, err := s.st.SetTranslationSource(ctx, storyID, sd.source.ID, sd.cur.Version, e); err != nil {
			return nil, err
		}
	}

	terms, err := s.st.Terms(ctx, sd.source.Lang, cur.Lang)
	if err != nil {
		return nil, err
	}
	var warnings []TermCheck
	for _, seg := range segs {
		for _, tc := range checkTerms(sd.source.Lang, cur.Lang, seg.Text, clean[seg.Index], terms) {
			if tc.Missing {
				warnings = append(warnings, tc)
			}
		}
	}
	if !submit {
		return warnings, nil
	}
	if len(warnings) > 0 && !confirm {
		return warnings, ErrGlossary
	}
	if _, err := s.nr.Submit(ctx, a, storyID); err != nil {
		return warnings, err
	}
	return warnings, nil
}

// cleanTarget makes a translator's text one segment: NFC, and white space,
// line breaks included, folded to single spaces, since a line break in a
// segment would break the structure it is put back into.
func cleanTarget(t string) string {
	return strings.Join(strings.Fields(lang.NormalizeText(t)), " ")
}

// MachineTranslate returns a pre-translation of segment index of the
// translation storyID's source, for a translator who may edit it. An
// exact memory match wins over the machine, as approved work should; Also
// Read lines come back as they are. Without a provider it is
// ErrNoProvider.
func (s *Service) MachineTranslate(ctx context.Context, a newsroom.Actor, storyID int64, index int) (string, error) {
	if s.mt == nil {
		return "", ErrNoProvider
	}
	text, err := s.machine(ctx, a, storyID, index)
	if err != nil {
		return "", fmt.Errorf("translate: machine translation of story %d segment %d: %w", storyID, index, err)
	}
	return text, nil
}

func (s *Service) machine(ctx context.Context, a newsroom.Actor, storyID int64, index int) (string, error) {
	cur, err := s.st.Story(ctx, storyID)
	if err != nil {
		return "", err
	}
	if err := editable(a.User, cur); err != nil {
		return "", err
	}
	sd, err := s.sides(ctx, cur)
	if err != nil {
		return "", err
	}
	if index < 0 || index >= len(sd.doc.Segments) {
		return "", fmt.Errorf("%w: the source has no segment %d", story.ErrInvalid, index)
	}
	seg := sd.doc.Segments[index]
	if seg.Kind == segment.KindAlso {
		return seg.Text, nil
	}
	exact, err := s.st.ExactUnits(ctx, sd.source.Lang, cur.Lang, memory.Hash(sd.source.Lang, seg.Text), 1)
	if err != nil {
		return "", err
	}
	if len(exact) > 0 {
		return exact[0].Target, nil
	}
	out, err := s.mt.Translate(ctx, seg.Text, sd.source.Lang, cur.Lang)
	if err != nil {
		return "", fmt.Errorf("%s: %w", s.mt.Name(), err)
	}
	if out = cleanTarget(out); out == "" {
		return "", errors.New(s.mt.Name() + " returned nothing")
	}
	return out, nil
}
