// Package related chooses the stories shown beside a story: "Related
// stories" on its public page, and the suggestions of the desk's Also Read
// picker, which are the same list.
//
// The list holds at most Limit stories, all in the story's own language and
// all public at the moment asked. The editors' pins come first, in their
// order; the search index fills the rest with the public stories most like
// this one (shared tags, similar text), best first and newest first among
// equals, leaving out the stories editors excluded and those the body
// already links with an Also Read token. The story itself and a killed
// story are never in it: every candidate is loaded as readers see it, and
// one readers cannot see is dropped, whatever the index still says.
//
// Pins and exclusions are the desk's: this package checks who may change
// them (auth.ActionStoryRelated) and which stories may be chosen, and the
// store writes each change with its audit entry. Errors map as the
// newsroom's do: newsroom.ErrForbidden, store.ErrBadMove (a killed story),
// store.ErrNotFound (no such story), story.ErrInvalid (a choice that is not
// allowed; the message says why).
package related

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Limit is how many related stories a page shows, and so also how many an
// editor may pin: a sixth pin could never be seen.
const Limit = 5

// MaxExcluded bounds a story's exclusions. Each one travels with every
// related query of the story; a few dozen is already far more than an
// editor curates by hand.
const MaxExcluded = 100

// Audit actions of the related list.
const (
	AuditPin     audit.Action = "related.pin"
	AuditExclude audit.Action = "related.exclude"
	AuditClear   audit.Action = "related.clear" // a pin or an exclusion removed
)

// How much of a story the similarity query reads: its headline, summary
// and the start of its body, which in news writing carries the story. The
// source is cut before parsing so that a long body costs no more than a
// short one: after bodySourceRunes characters (a third more than are kept,
// for the markup that parsing removes) or bodySourceBytes bytes, whichever
// comes first.
const (
	bodySourceBytes = 4 << 10 // some 4000 letters of English, 2000 of Urdu, 1300 of Chinese
	bodySourceRunes = 2000
	bodyTextRunes   = 1500
)

// Options configure a Service.
type Options struct {
	Store store.Store
	// Index finds similar stories; nil leaves only the pins (a node
	// without search, or a test that does not need it).
	Index *search.Index
	Log   *slog.Logger     // nil discards
	Now   func() time.Time // the time of the desk's changes; nil means time.Now
	// Workers is how many lists Refresh works out at once; 0 means one.
	// The server keeps one, leaving the other cores to readers; a command
	// that only fills lists gives it every core.
	Workers int
}

// Service computes related lists, keeps the editors' choices and follows
// the change log to work out the lists of story pages (lists.go). It holds
// no state of its own, so building one per request costs nothing.
type Service struct {
	st      store.Store
	ix      *search.Index
	log     *slog.Logger
	now     func() time.Time
	workers int
}

// New returns a Service over o.Store and o.Index.
func New(o Options) *Service {
	s := &Service{st: o.Store, ix: o.Index, log: o.Log, now: o.Now, workers: max(1, o.Workers)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// For returns the stories shown as related to st at now, as readers see
// them (their latest published versions, without their bodies), at most
// Limit. st may be a working copy (the desk) or the published version (the
// public page); its id, language, tags and text are what count.
//
// A failing index does not fail the list: the pins are still worth showing
// on a story page, so the failure is logged and the list is the pins alone.
func (s *Service) For(ctx context.Context, st story.Story, now time.Time) ([]story.Story, error) {
	out, seen, err := s.pins(ctx, st, now)
	if err != nil {
		return nil, err
	}
	if s.ix == nil || len(out) == Limit {
		return out, nil
	}
	// Stories the body already links are on the page; suggesting them again
	// would waste a place. A pin is the editor's word and stays.
	linked, err := s.linkedFamilies(ctx, st.Body, seen)
	if err != nil {
		return nil, fmt.Errorf("related: story %d: %w", st.ID, err)
	}
	more, err := s.similar(ctx, st, seen, linked, Limit-len(out), now)
	if err != nil {
		var se storeError
		if errors.As(err, &se) || ctx.Err() != nil {
			return nil, fmt.Errorf("related: story %d: %w", st.ID, err)
		}
		s.log.WarnContext(ctx, "related: index failed; showing pins only", "story_id", st.ID, "err", err)
		return out, nil
	}
	return append(out, more...), nil
}

// pins returns the editors' pins of st that readers may see at now, in
// their order and at most Limit, and the ids a suggestion must not repeat:
// st itself and every story the editors pinned or excluded.
func (s *Service) pins(ctx context.Context, st story.Story, now time.Time) ([]story.Story, map[int64]bool, error) {
	choices, err := s.st.RelatedChoices(ctx, st.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("related: story %d: %w", st.ID, err)
	}
	seen := map[int64]bool{st.ID: true}
	var pins []int64
	for _, c := range choices {
		seen[c.OtherID] = true
		if c.Kind == store.RelatedPin {
			pins = append(pins, c.OtherID)
		}
	}
	out := make([]story.Story, 0, Limit)
	if len(pins) == 0 {
		return out, seen, nil
	}
	byID, err := s.st.PublicCardsByID(ctx, pins, now)
	if err != nil {
		return nil, nil, fmt.Errorf("related: story %d: %w", st.ID, err)
	}
	for _, id := range pins {
		if o, ok := byID[id]; ok && o.Lang == st.Lang && len(out) < Limit {
			out = append(out, o)
		}
	}
	return out, seen, nil
}

// alsoToken starts every Also Read token ("[[also:12]]"): a body without
// it has none.
const alsoToken = "[[also:"

// storeError marks a store failure inside similar, which For must not
// mistake for an index failure.
type storeError struct{ err error }

func (e storeError) Error() string { return e.err.Error() }
func (e storeError) Unwrap() error { return e.err }

// similar asks the index for up to want stories like st, other than those
// in seen, and keeps the ones readers may see now. The index may still
// hold a story killed or embargoed a moment ago, so it is asked for a few
// more than needed, and asked again, past what it gave, when too many of
// them fall away.
func (s *Service) similar(ctx context.Context, st story.Story, seen, linked map[int64]bool, want int, now time.Time) ([]story.Story, error) {
	exclude := make([]int64, 0, len(seen))
	for id := range seen {
		if id != st.ID {
			exclude = append(exclude, id)
		}
	}
	slices.Sort(exclude) // a stable request, whatever the map's order
	text := queryText(st)
	var out []story.Story
	const rounds, spare = 3, 5
	for range rounds {
		ask := want - len(out) + spare
		hits, err := s.ix.Related(ctx, search.RelatedRequest{
			StoryID: st.ID, Lang: st.Lang, Tags: st.Tags, Text: text, Exclude: exclude, Limit: ask,
		})
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, h := range hits {
			if seen[h.StoryID] {
				continue
			}
			seen[h.StoryID] = true
			exclude = append(exclude, h.StoryID)
			if h.Lang == st.Lang {
				ids = append(ids, h.StoryID)
			}
		}
		// The stories as readers see them now, as many at a time as are
		// still wanted: usually one query, and no story read in vain.
		for len(ids) > 0 && len(out) < want {
			batch := ids[:min(len(ids), want-len(out))]
			ids = ids[len(batch):]
			byID, err := s.st.PublicCardsByID(ctx, batch, now)
			if err != nil {
				return nil, storeError{err}
			}
			for _, id := range batch {
				if o, ok := byID[id]; ok && o.Lang == st.Lang && !linked[o.FamilyID] {
					out = append(out, o)
				}
			}
		}
		if len(out) == want {
			return out, nil
		}
		if len(hits) < ask {
			break // the index has nothing more to give
		}
	}
	return out, nil
}

// linkedFamilies returns the families of the stories body links with Also
// Read tokens, and adds the linked ids to seen. A token names one member,
// but each output shows the member in its own language, so the family is
// what the page already links.
func (s *Service) linkedFamilies(ctx context.Context, body string, seen map[int64]bool) (map[int64]bool, error) {
	if !strings.Contains(body, alsoToken) {
		return nil, nil // spare the parse: most bodies link nothing
	}
	refs := story.AlsoRefs(body)
	if len(refs) == 0 {
		return nil, nil
	}
	byID, err := s.st.Stories(ctx, refs)
	if err != nil {
		return nil, err
	}
	fams := make(map[int64]bool, len(byID))
	for _, id := range refs {
		seen[id] = true
		if o, ok := byID[id]; ok {
			fams[o.FamilyID] = true
		}
	}
	return fams, nil
}

// queryText is what the index compares: headline, summary and the start of
// the body as plain text.
func queryText(st story.Story) string {
	src := st.Body
	if cut := sourceCut(src); cut < len(src) {
		// Cut between words or after a sentence (Chinese and Urdu put no
		// space between sentences), which never splits a token
		// ([[also:12]] has neither); a cut through other markup leaves
		// only punctuation behind, which analysis drops.
		if i := strings.LastIndexAny(src[:cut], " \t\n\u3002\u06d4"); i > 0 {
			cut = i
		}
		src = src[:cut]
	}
	body := []rune(story.PlainText(src))
	if len(body) > bodyTextRunes {
		body = body[:bodyTextRunes]
	}
	return strings.Join([]string{st.Headline, st.Summary, string(body)}, "\n\n")
}

// sourceCut is where the part of a body that queryText parses ends: after
// bodySourceRunes characters or about bodySourceBytes bytes, whichever
// comes first, never inside a character.
func sourceCut(src string) int {
	n := 0
	for i := range src {
		if n == bodySourceRunes || i >= bodySourceBytes {
			return i
		}
		n++
	}
	return len(src)
}

// Choices are a story's pins and exclusions as the desk shows them: the
// stories as they stand in the newsroom, pins in order. A chosen story that
// no longer exists is left out.
type Choices struct {
	Pins     []story.Story
	Excluded []story.Story
}

// Choices returns the editors' choices for story id, for anyone who may
// open the story.
func (s *Service) Choices(ctx context.Context, a newsroom.Actor, id int64) (Choices, error) {
	cur, err := s.st.Story(ctx, id)
	if err != nil {
		return Choices{}, fmt.Errorf("related: choices of story %d: %w", id, err)
	}
	if !auth.CanOnStory(a.User, auth.ActionStoryView, facts(cur)) {
		return Choices{}, fmt.Errorf("related: choices of story %d: %w", id, newsroom.ErrForbidden)
	}
	cs, err := s.st.RelatedChoices(ctx, id)
	if err != nil {
		return Choices{}, fmt.Errorf("related: choices of story %d: %w", id, err)
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.OtherID
	}
	byID, err := s.st.Stories(ctx, ids)
	if err != nil {
		return Choices{}, fmt.Errorf("related: choices of story %d: %w", id, err)
	}
	var out Choices
	for _, c := range cs {
		o, ok := byID[c.OtherID]
		switch {
		case !ok:
		case c.Kind == store.RelatedPin:
			out.Pins = append(out.Pins, o)
		default:
			out.Excluded = append(out.Excluded, o)
		}
	}
	return out, nil
}

// Pin puts other among story id's pinned related stories: at position
// (1 is first) when it is above 0, else where it was, or last. other must
// be a story in the same language that is not killed, and a story holds at
// most Limit pins.
func (s *Service) Pin(ctx context.Context, a newsroom.Actor, id, other int64, position int) error {
	return wrap(fmt.Sprintf("pin story %d to %d", other, id), s.choose(ctx, a, id, other, store.RelatedPin, position))
}

// Exclude keeps other out of story id's related list (and unpins it).
func (s *Service) Exclude(ctx context.Context, a newsroom.Actor, id, other int64) error {
	return wrap(fmt.Sprintf("exclude story %d from %d", other, id), s.choose(ctx, a, id, other, store.RelatedExclude, 0))
}

// Clear removes story id's pin or exclusion of other: it is suggested, or
// not, on its merits again.
func (s *Service) Clear(ctx context.Context, a newsroom.Actor, id, other int64) error {
	if _, err := s.allow(ctx, a, id); err != nil {
		return fmt.Errorf("related: clear story %d from %d: %w", other, id, err)
	}
	e := s.entry(a, AuditClear, id, other)
	if err := s.st.DeleteRelatedChoice(ctx, id, other, e); err != nil {
		return fmt.Errorf("related: clear story %d from %d: %w", other, id, err)
	}
	return nil
}

// wrap names the operation in an error, except in a refused choice, whose
// message is written for the editor and says all there is to say.
func wrap(op string, err error) error {
	if err == nil || errors.Is(err, story.ErrInvalid) {
		return err
	}
	return fmt.Errorf("related: %s: %w", op, err)
}

func (s *Service) choose(ctx context.Context, a newsroom.Actor, id, other int64, kind store.RelatedKind, position int) error {
	cur, err := s.allow(ctx, a, id)
	if err != nil {
		return err
	}
	if position < 0 {
		return fmt.Errorf("%w: position %d", story.ErrInvalid, position)
	}
	if other == id {
		return fmt.Errorf("%w: a story cannot be related to itself", story.ErrInvalid)
	}
	o, err := s.st.Story(ctx, other)
	if errors.Is(err, store.ErrNotFound) {
		// The other story came from a form: a wrong number is the user's
		// to fix, not a missing page.
		return fmt.Errorf("%w: there is no story %d", story.ErrInvalid, other)
	}
	if err != nil {
		return err
	}
	if o.Lang != cur.Lang {
		return fmt.Errorf("%w: story %d is in %s and this story in %s; related stories share the story's language",
			story.ErrInvalid, other, langName(o.Lang), langName(cur.Lang))
	}
	choices, err := s.st.RelatedChoices(ctx, id)
	if err != nil {
		return err
	}
	var pins, excluded int
	already := false
	for _, c := range choices {
		if c.OtherID == other {
			already = c.Kind == kind
			continue
		}
		if c.Kind == store.RelatedPin {
			pins++
		} else {
			excluded++
		}
	}
	switch {
	case kind == store.RelatedPin && o.Status == story.StatusKilled:
		return fmt.Errorf("%w: story %d was killed and cannot be pinned", story.ErrInvalid, other)
	case kind == store.RelatedPin && !already && pins >= Limit:
		return fmt.Errorf("%w: at most %d stories can be pinned; unpin one first", story.ErrInvalid, Limit)
	case kind == store.RelatedExclude && !already && excluded >= MaxExcluded:
		return fmt.Errorf("%w: at most %d stories can be excluded", story.ErrInvalid, MaxExcluded)
	}
	action := AuditExclude
	if kind == store.RelatedPin {
		action = AuditPin
	}
	c := store.RelatedChoice{StoryID: id, OtherID: other, Kind: kind, Position: position, SetBy: a.User.ID}
	return s.st.SetRelatedChoice(ctx, c, s.entry(a, action, id, other))
}

// allow loads story id and checks that a may change its related list. A
// killed story has no list left to change: an editor, who could change it
// before, is told so (ErrBadMove); anyone else is simply refused.
func (s *Service) allow(ctx context.Context, a newsroom.Actor, id int64) (story.Story, error) {
	cur, err := s.st.Story(ctx, id)
	if err != nil {
		return story.Story{}, err
	}
	f := facts(cur)
	if auth.CanOnStory(a.User, auth.ActionStoryRelated, f) {
		return cur, nil
	}
	if cur.Status == story.StatusKilled {
		f.Status = string(story.StatusPublished)
		if auth.CanOnStory(a.User, auth.ActionStoryRelated, f) {
			return story.Story{}, fmt.Errorf("%w: a killed story has no related stories", store.ErrBadMove)
		}
	}
	return story.Story{}, newsroom.ErrForbidden
}

func (s *Service) entry(a newsroom.Actor, action audit.Action, id, other int64) audit.Entry {
	return audit.Entry{At: s.now().UTC(), ActorID: a.User.ID, Actor: a.User.Email, Action: action,
		StoryID: id, IP: a.IP, Detail: "story " + strconv.FormatInt(other, 10)}
}

func facts(st story.Story) auth.StoryFacts {
	return auth.StoryFacts{AuthorID: st.AuthorID, Lang: st.Lang, Status: string(st.Status)}
}

// langName names a language in English for an error message, which the
// desk shows as it is, like every validation message.
func langName(code string) string {
	if l, ok := lang.Get(code); ok && l.EnglishName != "" {
		return l.EnglishName
	}
	return code
}
