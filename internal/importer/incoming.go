package importer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// The desk's incoming list: what an editor does with an item. Every story
// is created through the newsroom, so that its permission rules and audit
// entries apply as to any story written on the desk.

func forbidden(op string) error { return fmt.Errorf("importer: %s: %w", op, newsroom.ErrForbidden) }

// Item returns an item for the desk.
func (s *Service) Item(ctx context.Context, a newsroom.Actor, id int64) (store.IngestItem, error) {
	if !auth.Can(a.User, auth.ActionIngestUse) {
		return store.IngestItem{}, forbidden("view item")
	}
	it, err := s.st.Item(ctx, id)
	if err != nil {
		return store.IngestItem{}, fmt.Errorf("importer: item %d: %w", id, err)
	}
	return it, nil
}

// Items lists items for the desk, newest first, with the total.
func (s *Service) Items(ctx context.Context, a newsroom.Actor, q store.ItemQuery) ([]store.IngestItem, int, error) {
	if !auth.Can(a.User, auth.ActionIngestUse) {
		return nil, 0, forbidden("list items")
	}
	list, err := s.st.Items(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("importer: items: %w", err)
	}
	n, err := s.st.CountItems(ctx, q)
	if err != nil {
		return nil, 0, fmt.Errorf("importer: items: %w", err)
	}
	return list, n, nil
}

// Sources lists the item sources, for the desk's filter.
func (s *Service) Sources(ctx context.Context) ([]string, error) {
	srcs, err := s.st.ItemSources(ctx)
	if err != nil {
		return nil, fmt.Errorf("importer: sources: %w", err)
	}
	return srcs, nil
}

// StartStory makes a draft in the item's language from the item, written
// by a, and marks the item used. The item is claimed first, so that two
// editors pressing the button together make one story: the second gets
// store.ErrConflict. An item already used is ErrConflict too.
func (s *Service) StartStory(ctx context.Context, a newsroom.Actor, itemID int64) (story.Story, error) {
	if !auth.Can(a.User, auth.ActionIngestUse) {
		return story.Story{}, forbidden("start a story")
	}
	st, err := s.startStory(ctx, a, itemID)
	if err != nil {
		return story.Story{}, fmt.Errorf("importer: start a story from item %d: %w", itemID, err)
	}
	return st, nil
}

func (s *Service) startStory(ctx context.Context, a newsroom.Actor, itemID int64) (story.Story, error) {
	if s.nr == nil {
		return story.Story{}, errors.New("no newsroom service")
	}
	it, err := s.st.Item(ctx, itemID)
	if err != nil {
		return story.Story{}, err
	}
	if it.StoryID != 0 || it.State == store.ItemUsed {
		return story.Story{}, fmt.Errorf("%w: a story was already started from this item", store.ErrConflict)
	}
	secs, err := s.sections(ctx)
	if err != nil {
		return story.Story{}, err
	}
	b := &batch{s: s, secs: secs}
	draft, err := b.storyOf(it)
	if err != nil {
		return story.Story{}, err
	}
	if draft.FamilyID, err = s.familyFor(ctx, it.FamilyKey, it.Lang); err != nil {
		return story.Story{}, err
	}
	if err := s.st.SetItemState(ctx, it.ID, it.State, store.ItemUsed, 0); err != nil {
		return story.Story{}, err
	}
	if err := s.nr.Create(ctx, a, &draft); err != nil {
		// Give the item back, so that it can be tried again.
		if rerr := s.st.SetItemState(context.WithoutCancel(ctx), it.ID, store.ItemUsed, it.State, 0); rerr != nil {
			s.log.ErrorContext(ctx, "importer: give an item back", "item_id", it.ID, "err", rerr)
		}
		return story.Story{}, err
	}
	if err := s.st.SetItemState(ctx, it.ID, store.ItemUsed, store.ItemUsed, draft.ID); err != nil {
		return story.Story{}, err
	}
	return draft, nil
}

// familyFor is the family a story from an item joins: the one its family
// key names, if that family has no story in the language yet; otherwise a
// new one (0).
func (s *Service) familyFor(ctx context.Context, key, code string) (int64, error) {
	if key == "" {
		return 0, nil
	}
	fam, err := s.st.FamilyByKey(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return s.st.CreateFamily(ctx, key)
	}
	if err != nil {
		return 0, err
	}
	members, err := s.st.Family(ctx, fam)
	if err != nil {
		return 0, err
	}
	for _, m := range members {
		if m.Lang == code {
			return 0, nil
		}
	}
	return fam, nil
}

// StartTranslation turns an item into a story in another language. The
// translation desk translates from a story, so the item first becomes a
// draft original in its own language (or, for an item already used, the
// story made from it is the original); then a draft in the target
// language joins the original's family, recorded as translated from it,
// and, with an assignee, is assigned through the translation desk. The
// translation records version 0 of its source: when the original is
// published, the workspace shows the translation as behind it and brings
// it up to the published text, as for any source that moved on. It
// returns the original and the translation.
func (s *Service) StartTranslation(ctx context.Context, a newsroom.Actor, itemID int64, target string, assignee int64, due time.Time) (story.Story, story.Story, error) {
	if !auth.Can(a.User, auth.ActionIngestUse) || !auth.Can(a.User, auth.ActionTranslateStart) {
		return story.Story{}, story.Story{}, forbidden("start a translation")
	}
	orig, tr, err := s.startTranslation(ctx, a, itemID, target, assignee, due)
	if err != nil {
		return orig, tr, fmt.Errorf("importer: start a translation of item %d: %w", itemID, err)
	}
	return orig, tr, nil
}

func (s *Service) startTranslation(ctx context.Context, a newsroom.Actor, itemID int64, target string, assignee int64, due time.Time) (story.Story, story.Story, error) {
	if s.nr == nil {
		return story.Story{}, story.Story{}, errors.New("no newsroom service")
	}
	it, err := s.st.Item(ctx, itemID)
	if err != nil {
		return story.Story{}, story.Story{}, err
	}
	if _, ok := lang.Get(target); !ok {
		return story.Story{}, story.Story{}, fmt.Errorf("%w: choose a language to translate into", story.ErrInvalid)
	}
	if target == it.Lang {
		return story.Story{}, story.Story{}, fmt.Errorf("%w: the item is already in %s", story.ErrInvalid, target)
	}
	if assignee != 0 && s.tr == nil {
		return story.Story{}, story.Story{}, errors.New("no translation service to assign with")
	}
	var orig story.Story
	if it.StoryID != 0 {
		if orig, err = s.st.Story(ctx, it.StoryID); err != nil {
			return story.Story{}, story.Story{}, err
		}
		members, err := s.st.Family(ctx, orig.FamilyID)
		if err != nil {
			return story.Story{}, story.Story{}, err
		}
		for _, m := range members {
			if m.Lang == target {
				return story.Story{}, story.Story{}, fmt.Errorf("%w: the story made from this item already has a %s translation", store.ErrConflict, target)
			}
		}
	} else {
		// Checked before the original is made, so that a refusal leaves
		// nothing behind.
		if !auth.CanCreateIn(a.User, target) || !auth.CanCreateIn(a.User, it.Lang) {
			return story.Story{}, story.Story{}, newsroom.ErrForbidden
		}
		if orig, err = s.startStory(ctx, a, itemID); err != nil {
			return story.Story{}, story.Story{}, err
		}
		members, err := s.st.Family(ctx, orig.FamilyID)
		if err != nil {
			return orig, story.Story{}, err
		}
		for _, m := range members {
			if m.Lang == target {
				// The family key joined a family that has the language:
				// the original stands, the translation is there already.
				return orig, m, fmt.Errorf("%w: the family already has a %s story", store.ErrConflict, target)
			}
		}
	}
	tr := story.Story{
		FamilyID:         orig.FamilyID,
		Lang:             target,
		Headline:         orig.Headline, // so that the draft validates until the translator replaces it
		Section:          orig.Section,
		Dateline:         orig.Dateline,
		TranslatedFromID: orig.ID,
	}
	if err := s.nr.Create(ctx, a, &tr); err != nil {
		return orig, story.Story{}, err
	}
	if assignee != 0 {
		if err := s.tr.Assign(ctx, a, tr.ID, assignee, due); err != nil {
			return orig, tr, err
		}
	}
	return orig, tr, nil
}

// Dismiss sets an item aside; Restore brings a dismissed item back to the
// incoming list. Either is ErrConflict for an item someone used meanwhile.
func (s *Service) Dismiss(ctx context.Context, a newsroom.Actor, itemID int64) error {
	return s.move(ctx, a, itemID, store.ItemDismissed, "dismiss")
}

func (s *Service) Restore(ctx context.Context, a newsroom.Actor, itemID int64) error {
	return s.move(ctx, a, itemID, store.ItemIncoming, "restore")
}

func (s *Service) move(ctx context.Context, a newsroom.Actor, itemID int64, to store.ItemState, op string) error {
	if !auth.Can(a.User, auth.ActionIngestUse) {
		return forbidden(op + " item")
	}
	it, err := s.st.Item(ctx, itemID)
	if err != nil {
		return fmt.Errorf("importer: %s item %d: %w", op, itemID, err)
	}
	if it.StoryID != 0 || it.State == store.ItemUsed {
		return fmt.Errorf("importer: %s item %d: %w: a story was made from it", op, itemID, store.ErrBadMove)
	}
	if to == store.ItemIncoming && it.DuplicateOf != 0 {
		to = store.ItemDuplicate // a restored near-duplicate is still one
	}
	if err := s.st.SetItemState(ctx, itemID, it.State, to, 0); err != nil {
		return fmt.Errorf("importer: %s item %d: %w", op, itemID, err)
	}
	return nil
}
