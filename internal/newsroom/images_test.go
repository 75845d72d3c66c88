package newsroom

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// addImage puts a new image (made up: no file is needed for the rule) into
// a family, with alt text in the given languages.
func (e *env) addImage(t *testing.T, familyID int64, n int, alts ...string) int64 {
	t.Helper()
	img := store.Image{SHA256: fmt.Sprintf("%064x", n), OriginalKey: fmt.Sprintf("images/%d/original.jpg", n),
		MIME: "image/jpeg", Width: 800, Height: 600, Bytes: 1000}
	if err := e.db.CreateImage(e.ctx, &img, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.PlaceImage(e.ctx, store.Placement{FamilyID: familyID, ImageID: img.ID}, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	for _, code := range alts {
		e.setAlt(t, familyID, img.ID, code, "A photo described in "+code)
	}
	return img.ID
}

func (e *env) setAlt(t *testing.T, familyID, imageID int64, code, alt string) {
	t.Helper()
	if err := e.db.SetImageText(e.ctx, familyID, imageID, code, store.ImageText{Alt: alt}, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
}

func refusedForAlt(t *testing.T, what string, err error, says ...string) {
	t.Helper()
	if !errors.Is(err, story.ErrInvalid) {
		t.Fatalf("%s: %v, want a refusal for missing alt text", what, err)
	}
	for _, s := range append(says, "alt text") {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("%s: message %q does not say %q", what, err, s)
		}
	}
}

// TestPublishNeedsAltText: a story whose family has an image without alt
// text in the story's language is not published, nor corrected, nor
// scheduled, and nothing changes; with the alt text it goes out.
func TestPublishNeedsAltText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.actor(auth.RoleEditor)
		en := e.storyAt(t, e.writer, "en", story.StatusSubmitted)
		ur := story.Story{FamilyID: en.FamilyID, Lang: "ur", Headline: "بارش کی پیش گوئی", Slug: "rain-ur", Section: "world",
			Body: "متن۔", Status: story.StatusDraft, AuthorID: e.writer.ID}
		if err := e.db.CreateStory(e.ctx, &ur); err != nil {
			t.Fatal(err)
		}
		img := e.addImage(t, en.FamilyID, 1, "ur") // described in Urdu only
		before := e.snapshot(t, en.ID)
		seq, _ := e.db.LastSeq(e.ctx)

		_, err := e.svc.Publish(e.ctx, editor, en.ID, time.Time{})
		refusedForAlt(t, "publish", err, "1 image", "English")
		_, err = e.svc.Schedule(e.ctx, editor, en.ID, e.clock.Now().Add(time.Hour))
		refusedForAlt(t, "schedule", err, "English")
		e.unchanged(t, before, en.ID)
		if after, _ := e.db.LastSeq(e.ctx); after != seq {
			t.Errorf("a refused publish appended to the change log (%d → %d)", seq, after)
		}
		// Clearing a schedule is always allowed: it publishes nothing.
		if _, err := e.svc.Schedule(e.ctx, editor, en.ID, time.Time{}); err != nil {
			t.Errorf("clearing the schedule: %v", err)
		}

		// The Urdu story has its alt text and goes out; whitespace is no
		// description, so the English one still waits.
		if _, err := e.svc.Publish(e.ctx, editor, ur.ID, time.Time{}); err != nil {
			t.Fatalf("publish ur with Urdu alt text: %v", err)
		}
		e.setAlt(t, en.FamilyID, img, "en", "   ")
		_, err = e.svc.Publish(e.ctx, editor, en.ID, time.Time{})
		refusedForAlt(t, "publish with blank alt", err)
		e.setAlt(t, en.FamilyID, img, "en", "Rain clouds over the Margalla Hills")
		if _, err := e.svc.Publish(e.ctx, editor, en.ID, time.Time{}); err != nil {
			t.Fatalf("publish with alt text: %v", err)
		}

		// A second and third image, added later, hold back the correction.
		e.clock.Add(time.Minute)
		e.addImage(t, en.FamilyID, 2)
		e.addImage(t, en.FamilyID, 3, "en")
		e.addImage(t, en.FamilyID, 4)
		_, err = e.svc.Correct(e.ctx, editor, en.ID, "Adds photos.")
		refusedForAlt(t, "correct", err, "2 images")
		if got := e.story(t, en.ID); got.Version != 1 {
			t.Errorf("a refused correction made version %d", got.Version)
		}
		list, _ := e.db.FamilyImages(e.ctx, en.FamilyID)
		for _, fi := range list {
			if fi.Text("en").Alt == "" {
				e.setAlt(t, en.FamilyID, fi.Image.ID, "en", "Described")
			}
		}
		if got, err := e.svc.Correct(e.ctx, editor, en.ID, "Adds photos."); err != nil || got.Version != 2 {
			t.Fatalf("correct with alt text: version %d, %v", got.Version, err)
		}
	})
}

// TestScheduledPublishNeedsAltText: an image added after a story was
// scheduled, without alt text, keeps the scheduler from publishing it until
// someone describes the image.
func TestScheduledPublishNeedsAltText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		st := e.storyAt(t, e.writer, "en", story.StatusSubmitted)
		if _, err := e.svc.Schedule(e.ctx, e.actor(auth.RoleEditor), st.ID, e.clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		img := e.addImage(t, st.FamilyID, 1)
		e.clock.Add(2 * time.Minute)
		if n, _, err := e.svc.Tick(e.ctx); err != nil || n != 0 {
			t.Fatalf("tick published %d (%v), want 0 while the image lacks alt text", n, err)
		}
		if got := e.story(t, st.ID); got.Status == story.StatusPublished {
			t.Fatal("published without alt text")
		}
		e.setAlt(t, st.FamilyID, img, "en", "A described photo")
		if n, _, err := e.svc.Tick(e.ctx); err != nil || n != 1 {
			t.Fatalf("tick published %d (%v), want 1", n, err)
		}
	})
}
