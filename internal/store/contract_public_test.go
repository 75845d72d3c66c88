package store

import (
	"errors"
	"testing"

	"github.com/qasid/qasid/internal/story"
)

// testPublicVersion: saving a published story's working copy changes
// nothing readers see until the next version is published.
func testPublicVersion(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	en := draft(t, db, fam, "en", func(s *story.Story) { s.Body = "Version one." })
	publish(t, db, en.ID, at(1))
	ur := draft(t, db, fam, "ur")
	embargoed := draft(t, db, fam, "fr")
	if _, err := db.PublishStory(ctx, embargoed.ID, Publish{At: at(1), EmbargoUntil: at(120)}); err != nil {
		t.Fatal(err)
	}

	edited, err := db.Story(ctx, en.ID)
	if err != nil {
		t.Fatal(err)
	}
	edited.Headline, edited.Section, edited.Body, edited.Tags = "Unpublished headline", "business", "Unpublished body.", []string{"draft"}
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	now := at(2)
	pub, err := db.PublicStory(ctx, en.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Headline != "Headline en" || pub.Section != "world" || pub.Body != "Version one." || len(pub.Tags) != 0 || pub.Version != 1 {
		t.Errorf("public story shows the working copy: %q %q %q %v v%d", pub.Headline, pub.Section, pub.Body, pub.Tags, pub.Version)
	}
	for _, q := range []ListQuery{{Now: now, Lang: "en"}, {Now: now, Section: "world"}} {
		list, err := db.PublishedStories(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Headline != "Headline en" {
			t.Errorf("%+v: list shows %v", q, list)
		}
	}
	if n, _ := db.CountPublished(ctx, ListQuery{Now: now, Section: "business"}); n != 0 {
		t.Errorf("the working copy's new section counts %d stories", n)
	}
	un, err := db.Untranslated(ctx, "ur", "", 10, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(un) != 1 || un[0].Headline != "Headline en" {
		t.Errorf("untranslated shows %v", un)
	}
	famList, err := db.PublicFamily(ctx, fam, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(famList) != 1 || famList[0].Lang != "en" {
		t.Errorf("public family at now: %v (the draft and the embargoed member must be absent)", ids(famList))
	}
	if famList, _ = db.PublicFamily(ctx, fam, at(121)); len(famList) != 2 {
		t.Errorf("public family after the embargo: %d members, want 2", len(famList))
	}
	for _, id := range []int64{ur.ID, embargoed.ID, 987654} {
		if _, err := db.PublicStory(ctx, id, now); !errors.Is(err, ErrNotFound) {
			t.Errorf("PublicStory(%d) = %v, want ErrNotFound", id, err)
		}
	}

	// The correction publishes the edit.
	if _, err := db.PublishStory(ctx, en.ID, Publish{At: at(3), CorrectionNote: "Rewritten."}); err != nil {
		t.Fatal(err)
	}
	if pub, _ = db.PublicStory(ctx, en.ID, at(4)); pub.Headline != "Unpublished headline" || pub.Section != "business" || pub.Version != 2 {
		t.Errorf("after the correction: %q %q v%d", pub.Headline, pub.Section, pub.Version)
	}
	// A killed story is not public.
	if _, err := db.KillStory(ctx, en.ID, Kill{Notice: "Gone.", At: at(5)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublicStory(ctx, en.ID, at(6)); !errors.Is(err, ErrNotFound) {
		t.Errorf("killed story is public: %v", err)
	}
}
