package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

func TestBodyText(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     []string // words that must be kept, in this order
		notWant  []string // markup that must be gone
		wantText string   // when set, the whole text
	}{
		{
			name:    "headings and paragraphs",
			src:     "## Talks resume\n\nDelegates **met** in *Astana* on Monday.\n\n### Next steps\n\nA second round follows.",
			want:    []string{"Talks resume", "Delegates met in Astana on Monday.", "Next steps", "A second round follows."},
			notWant: []string{"#", "**", "*"},
		},
		{
			name:    "also read tokens dropped",
			src:     "The port reopened. [[also:12]]\n\n[[also:7]]\n\nTrade resumed.",
			want:    []string{"The port reopened.", "Trade resumed."},
			notWant: []string{"[[", "also:", "12", "7"},
		},
		{
			name:    "links keep their words, not their targets",
			src:     "Read the [full report](https://example.org/report.pdf) and <https://example.org/x>.",
			want:    []string{"Read the full report and"},
			notWant: []string{"](", "report.pdf)", "<https"},
		},
		{
			name:    "lists and quotes",
			src:     "- first point\n- second point\n\n> a quoted minister",
			want:    []string{"first point", "second point", "a quoted minister"},
			notWant: []string{"- ", "> "},
		},
		{
			name:    "right to left text",
			src:     "## کراچی\n\nبندرگاہ پر **کنٹینر** [[also:3]] پہنچ گئے۔",
			want:    []string{"کراچی", "بندرگاہ پر کنٹینر پہنچ گئے۔"},
			notWant: []string{"**", "[["},
		},
		{name: "empty", src: "", wantText: ""},
		{name: "only a token", src: "[[also:9]]", wantText: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search.BodyText(tt.src)
			if tt.wantText != "" || len(tt.want) == 0 {
				if got != tt.wantText {
					t.Fatalf("BodyText = %q, want %q", got, tt.wantText)
				}
				return
			}
			at := 0
			for _, w := range tt.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("BodyText = %q: %q missing or out of order", got, w)
				}
				at += i + len(w)
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("BodyText = %q still holds %q", got, w)
				}
			}
		})
	}
}

func TestStoryDocs(t *testing.T) {
	first := time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)
	updated := time.Date(2024, 7, 3, 12, 0, 0, 0, time.UTC)
	published := story.Story{ID: 5, FamilyID: 2, Lang: "ur", Headline: "دورہ", Summary: "خلاصہ", Body: "متن",
		Byline: "نامہ نگار", Dateline: story.Dateline{Place: "لاہور"}, Section: "world", Tags: []string{"a", "b"},
		Status: story.StatusPublished, Version: 1, AuthorID: 4, PublishedAt: first, UpdatedAt: updated}
	edited := published
	edited.Headline = "نیا دورہ"
	retagged := published
	retagged.Tags = []string{"a"}
	moved := published
	moved.Dateline.Place = "کراچی"
	draft := story.Story{ID: 6, FamilyID: 3, Lang: "en", Headline: "Draft", Body: "## Plan\n\nWords.", Section: "world",
		Status: story.StatusDraft, UpdatedAt: updated}
	killed := published
	killed.Status = story.StatusKilled
	noFirst := published
	noFirst.PublishedAt = time.Time{}

	type want struct {
		working, public, desk bool
		time                  time.Time
		headline              string
	}
	tests := []struct {
		name string
		w    story.Story
		pub  *story.Story
		want []want
	}{
		{"draft: the working copy, for the desk only", draft, nil,
			[]want{{working: true, desk: true, time: updated, headline: "Draft"}}},
		{"published and unchanged: one document for both", published, &published,
			[]want{{public: true, desk: true, time: first, headline: "دورہ"}}},
		{"published, headline edited: readers keep the version", edited, &published,
			[]want{{public: true, time: first, headline: "دورہ"}, {working: true, desk: true, time: updated, headline: "نیا دورہ"}}},
		{"published, tags edited", retagged, &published,
			[]want{{public: true, time: first, headline: "دورہ"}, {working: true, desk: true, time: updated, headline: "دورہ"}}},
		{"published, dateline place edited", moved, &published,
			[]want{{public: true, time: first, headline: "دورہ"}, {working: true, desk: true, time: updated, headline: "دورہ"}}},
		{"killed: not public, kept for the desk", killed, nil,
			[]want{{working: true, desk: true, time: updated, headline: "دورہ"}}},
		{"embargoed: the working copy until the lift", published, nil,
			[]want{{working: true, desk: true, time: updated, headline: "دورہ"}}},
		{"no first publication time: the update's", noFirst, &noFirst,
			[]want{{public: true, desk: true, time: updated, headline: "دورہ"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := search.StoryDocs(tt.w, tt.pub)
			if len(docs) != len(tt.want) {
				t.Fatalf("%d documents, want %d: %+v", len(docs), len(tt.want), docs)
			}
			for i, d := range docs {
				w := tt.want[i]
				if d.Working != w.working || d.Public != w.public || d.Desk != w.desk {
					t.Errorf("doc %d: working %v public %v desk %v, want %v %v %v", i, d.Working, d.Public, d.Desk, w.working, w.public, w.desk)
				}
				if !d.Time.Equal(w.time) || d.Headline != w.headline {
					t.Errorf("doc %d: time %v headline %q, want %v %q", i, d.Time, d.Headline, w.time, w.headline)
				}
				if d.StoryID != tt.w.ID || d.FamilyID != tt.w.FamilyID || d.Lang != tt.w.Lang {
					t.Errorf("doc %d: ids %d/%d lang %q", i, d.StoryID, d.FamilyID, d.Lang)
				}
			}
		})
	}
	d := search.StoryDocs(draft, nil)[0]
	if d.Body != "Plan\n\nWords." || d.Status != "draft" {
		t.Errorf("draft body %q status %q", d.Body, d.Status)
	}
	p := search.StoryDocs(published, &published)[0]
	if p.Byline != "نامہ نگار" || p.Place != "لاہور" || p.Summary != "خلاصہ" || !slices.Equal(p.Tags, []string{"a", "b"}) ||
		p.AuthorID != 4 || p.Section != "world" || p.Status != "published" {
		t.Errorf("published doc fields: %+v", p)
	}
	// The document owns its tags: changing the story's later changes nothing.
	published.Tags[0] = "changed"
	if p.Tags[0] != "a" {
		t.Errorf("document shares the story's tag slice")
	}
}

// newsroom is a store with a family to put stories in, and a clock the
// tests move.
type newsroom struct {
	db  store.Store
	fam int64
	now time.Time
}

func newNewsroom(t *testing.T, db store.Store) *newsroom {
	t.Helper()
	fam, err := db.CreateFamily(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	return &newsroom{db: db, fam: fam, now: time.Now().UTC().Truncate(time.Second)}
}

// create adds a draft in its own family (a family holds one story per
// language).
func (n *newsroom) create(t *testing.T, code, headline, body string) story.Story {
	t.Helper()
	ctx := context.Background()
	fam, err := n.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s := story.Story{FamilyID: fam, Lang: code, Headline: headline, Body: body, Section: "world", Status: story.StatusDraft}
	if err := n.db.CreateStory(ctx, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (n *newsroom) publish(t *testing.T, id int64, embargo time.Time) story.Story {
	t.Helper()
	cur, err := n.db.Story(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	p := store.Publish{At: n.now, EmbargoUntil: embargo}
	if cur.Status == story.StatusPublished {
		p.CorrectionNote = "corrected"
	}
	s, err := n.db.PublishStory(context.Background(), id, p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (n *newsroom) edit(t *testing.T, id int64, f func(s *story.Story)) {
	t.Helper()
	s, err := n.db.Story(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	f(&s)
	if err := n.db.UpdateStory(context.Background(), &s); err != nil {
		t.Fatal(err)
	}
}

func (n *newsroom) kill(t *testing.T, id int64) {
	t.Helper()
	if _, err := n.db.KillStory(context.Background(), id, store.Kill{Notice: "Withdrawn for legal reasons.", At: n.now}); err != nil {
		t.Fatal(err)
	}
}

func TestDocsFromTheStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := newNewsroom(t, db)
		draft := n.create(t, "en", "Budget draft", "Working words only.")
		pub := n.create(t, "fr", "Budget publié", "Texte publié.")
		n.publish(t, pub.ID, time.Time{})
		changed := n.create(t, "ru", "Бюджет", "Опубликовано.")
		n.publish(t, changed.ID, time.Time{})
		n.edit(t, changed.ID, func(s *story.Story) { s.Body = "Правка редактора." })
		embargoed := n.create(t, "ar", "الميزانية", "نص")
		n.publish(t, embargoed.ID, n.now.Add(time.Hour))
		killed := n.create(t, "es", "Presupuesto", "Texto.")
		n.publish(t, killed.ID, time.Time{})
		n.kill(t, killed.ID)

		docs, gone, err := search.Docs(ctx, db, []int64{draft.ID, pub.ID, changed.ID, embargoed.ID, killed.ID, pub.ID, 999999}, n.now)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gone, []int64{999999}) {
			t.Errorf("gone %v, want [999999]", gone)
		}
		type key struct {
			id      int64
			working bool
		}
		got := map[key]search.Doc{}
		for _, d := range docs {
			if _, dup := got[key{d.StoryID, d.Working}]; dup {
				t.Errorf("story %d working %v twice", d.StoryID, d.Working)
			}
			got[key{d.StoryID, d.Working}] = d
		}
		if len(got) != 6 {
			t.Errorf("%d documents, want 6: %+v", len(got), docs)
		}
		check := func(id int64, working, public, desk bool, body string) {
			t.Helper()
			d, ok := got[key{id, working}]
			if !ok {
				t.Errorf("story %d: no document with working %v", id, working)
				return
			}
			if d.Public != public || d.Desk != desk || d.Body != body {
				t.Errorf("story %d working %v: public %v desk %v body %q, want %v %v %q", id, working, d.Public, d.Desk, d.Body, public, desk, body)
			}
		}
		check(draft.ID, true, false, true, "Working words only.")
		check(pub.ID, false, true, true, "Texte publié.")
		check(changed.ID, false, true, false, "Опубликовано.")
		check(changed.ID, true, false, true, "Правка редактора.")
		check(embargoed.ID, true, false, true, "نص")
		// The kill notice is what readers would see of a killed story; the
		// desk keeps finding it by its working copy.
		check(killed.ID, true, false, true, "Texto.")
		if d := got[key{pub.ID, false}]; !d.Time.Equal(n.now) {
			t.Errorf("published doc time %v, want the first publication %v", d.Time, n.now)
		}

		// After the embargo, the same story is public.
		docs, _, err = search.Docs(ctx, db, []int64{embargoed.ID}, n.now.Add(2*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 1 || !docs[0].Public || !docs[0].Desk || docs[0].Working {
			t.Errorf("after the embargo: %+v", docs)
		}
	})
}
