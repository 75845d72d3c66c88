package translate

import (
	"context"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Task is one line of a translator's queue.
type Task struct {
	Story     story.Story // the translation
	Source    story.Story // what it is translated from
	Due       time.Time   // zero: no deadline
	Overdue   bool
	OutOfDate bool // the source has a newer published version than the one translated
}

// queueLimit bounds a queue; nobody works through more assignments at once.
const queueLimit = 500

// Queue lists the actor's open assignments, due first, leaving out any
// the actor may no longer edit (a translation since published, or in a
// language they no longer translate into).
func (s *Service) Queue(ctx context.Context, a newsroom.Actor) ([]Task, error) {
	if !auth.Can(a.User, auth.ActionDeskView) {
		return nil, forbidden("queue")
	}
	list, err := s.st.Assignments(ctx, store.AssignmentQuery{AssigneeID: a.User.ID, Open: true, Limit: queueLimit})
	if err != nil {
		return nil, fmt.Errorf("translate: queue: %w", err)
	}
	ids := make([]int64, 0, 2*len(list))
	for _, as := range list {
		ids = append(ids, as.StoryID)
	}
	stories, err := s.st.Stories(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("translate: queue: %w", err)
	}
	ids = ids[:0]
	for _, st := range stories {
		ids = append(ids, st.TranslatedFromID)
	}
	sources, err := s.st.Stories(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("translate: queue: %w", err)
	}
	now := s.clock()
	var out []Task
	for _, as := range list {
		st, ok := stories[as.StoryID]
		if !ok || !auth.CanOnStory(a.User, auth.ActionStoryEdit, facts(st)) {
			continue
		}
		src := sources[st.TranslatedFromID]
		stale := src.ID != 0 && outOfDate(src, st.TranslatedFromVersion)
		// A published translation is done work, until its source changes.
		if st.Status == story.StatusPublished && !stale {
			continue
		}
		out = append(out, Task{
			Story:     st,
			Source:    src,
			Due:       as.DueAt,
			Overdue:   !as.DueAt.IsZero() && now.After(as.DueAt),
			OutOfDate: stale,
		})
	}
	return out, nil
}

// The states of a language in a family.
const (
	StateMissing    = "missing"     // no story in that language
	StateInProgress = "in_progress" // a draft or submitted story
	StatePublished  = "published"   // published and, for a translation, up to date
	StateOutOfDate  = "out_of_date" // a translation of an older version of its source
	StateKilled     = "killed"      // withdrawn; the family cannot get another story in that language
)

// LangState is where one language of a family stands.
type LangState struct {
	Lang          string
	StoryID       int64  // 0 when missing
	State         string // one of the State constants
	Version       int    // the story's latest published version; 0 before publication
	SourceVersion int    // the version of its source a translation is based on; 0 for an original
}

// Overview returns the state of each of the seven languages in a family,
// in the order of lang.Codes.
func (s *Service) Overview(ctx context.Context, a newsroom.Actor, familyID int64) ([]LangState, error) {
	if !auth.Can(a.User, auth.ActionDeskView) {
		return nil, forbidden("family overview")
	}
	members, err := s.st.Family(ctx, familyID)
	if err != nil {
		return nil, fmt.Errorf("translate: overview of family %d: %w", familyID, err)
	}
	return familyStates(members), nil
}

// familyStates computes a family's LangStates from its members.
func familyStates(members []story.Story) []LangState {
	byID := make(map[int64]story.Story, len(members))
	byLang := make(map[string]story.Story, len(members))
	for _, m := range members {
		byID[m.ID] = m
		byLang[m.Lang] = m
	}
	codes := lang.Codes()
	out := make([]LangState, 0, len(codes))
	for _, code := range codes {
		m, ok := byLang[code]
		if !ok {
			out = append(out, LangState{Lang: code, State: StateMissing})
			continue
		}
		out = append(out, LangState{Lang: code, StoryID: m.ID, State: stateOf(m, byID),
			Version: m.Version, SourceVersion: m.TranslatedFromVersion})
	}
	return out
}

// stateOf says where member m stands, its family's members by id at hand
// for its source. A translation whose source moved on is out of date
// whatever its own status: a draft based on an old version needs the same
// update as a published one.
func stateOf(m story.Story, byID map[int64]story.Story) string {
	if m.Status == story.StatusKilled {
		return StateKilled
	}
	if src, ok := byID[m.TranslatedFromID]; ok && m.TranslatedFromID != 0 && outOfDate(src, m.TranslatedFromVersion) {
		return StateOutOfDate
	}
	if m.Status == story.StatusPublished {
		return StatePublished
	}
	return StateInProgress
}

// Counts is how many families stand in each state in one language.
type Counts struct {
	Missing, InProgress, Published, OutOfDate int
}

// dashboardFamilies bounds how many families the dashboard reads.
const dashboardFamilies = 1000

// Dashboard counts, for each of the seven languages, the states of that
// language across the families that had a version published since since
// (at most the 1,000 most recent). An original counts as published in its
// own language; killed stories are not counted.
func (s *Service) Dashboard(ctx context.Context, a newsroom.Actor, since time.Time) (map[string]Counts, error) {
	if !auth.Can(a.User, auth.ActionDeskView) {
		return nil, forbidden("dashboard")
	}
	members, err := s.st.FamiliesPublishedSince(ctx, since, dashboardFamilies)
	if err != nil {
		return nil, fmt.Errorf("translate: dashboard: %w", err)
	}
	out := make(map[string]Counts, len(lang.Codes()))
	for _, code := range lang.Codes() {
		out[code] = Counts{}
	}
	// The store returns each family's members together.
	for start := 0; start < len(members); {
		end := start + 1
		for end < len(members) && members[end].FamilyID == members[start].FamilyID {
			end++
		}
		for _, ls := range familyStates(members[start:end]) {
			c := out[ls.Lang]
			switch ls.State {
			case StateMissing:
				c.Missing++
			case StateInProgress:
				c.InProgress++
			case StatePublished:
				c.Published++
			case StateOutOfDate:
				c.OutOfDate++
			}
			out[ls.Lang] = c
		}
		start = end
	}
	return out, nil
}
