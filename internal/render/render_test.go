package render_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

func TestStoryPath(t *testing.T) {
	tests := []struct {
		st   story.Story
		want string
	}{
		{story.Story{ID: 7, Lang: "en", Section: "world", Slug: "talks-resume"}, "/en/world/7-talks-resume"},
		{story.Story{ID: 8, Lang: "fr", Section: "culture", Headline: "Fête à Lahore"}, "/fr/culture/8-fete-a-lahore"},
		{story.Story{ID: 9, Lang: "ur", Section: "national", Headline: "لاہور میں میلہ"}, "/ur/national/9-لاہور-میں-میلہ"},
	}
	for _, tt := range tests {
		if got := render.StoryPath(tt.st); got != tt.want {
			t.Errorf("StoryPath = %q, want %q", got, tt.want)
		}
	}
}

// TestAlsoReadResolvesPerLanguage: a reference goes to the referenced
// story's member in the body's language, else to the original named by its
// language, and disappears when nothing is public.
func TestAlsoReadResolvesPerLanguage(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	r := render.New(db, cat)
	fid, _ := db.FamilyByKey(ctx, "demo:02-sco-summit-preview")
	fam, _ := db.Family(ctx, fid)
	var en, ur story.Story
	for _, m := range fam {
		switch m.Lang {
		case "en":
			en = m
		case "ur":
			ur = m
		}
	}
	src := "Text.\n\n[[also:" + itoa(en.ID) + "]]\n"
	html, err := r.Body(ctx, "ur", src, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `href="`+pathEscape(render.StoryPath(ur))) || !strings.Contains(string(html), cat.T("ur", "story.also_read")) {
		t.Errorf("Urdu body does not link the Urdu member: %s", html)
	}
	// A story only in French is linked as French from an English body.
	only, _ := db.CreateFamily(ctx, "")
	fr := story.Story{FamilyID: only, Lang: "fr", Headline: "Seulement en français", Section: "world", Status: story.StatusDraft}
	if err := db.CreateStory(ctx, &fr); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(ctx, fr.ID, store.Publish{At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	html, _ = r.Body(ctx, "en", "[[also:"+itoa(fr.ID)+"]]", time.Now())
	if !strings.Contains(string(html), `lang="fr"`) || !strings.Contains(string(html), "(Français)") {
		t.Errorf("French-only reference: %s", html)
	}
	if _, err := db.KillStory(ctx, fr.ID, store.Kill{Notice: "x", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if html, _ = r.Body(ctx, "en", "[[also:"+itoa(fr.ID)+"]]", time.Now()); strings.Contains(string(html), "also-read") {
		t.Errorf("a killed reference still renders: %s", html)
	}
	if _, err := r.Body(ctx, "xx", "x", time.Now()); err == nil {
		t.Error("unknown language accepted")
	}
}
