package newsroom

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

func TestCreateInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		reporter := e.actor(auth.RoleReporter)
		tests := []struct {
			name    string
			st      story.Story
			wantErr string // empty: accepted
			check   func(t *testing.T, got story.Story)
		}{
			{
				name: "script in headline is kept as text",
				st:   story.Story{Lang: "en", Headline: "<script>alert(1)</script> Budget", Section: "world"},
				check: func(t *testing.T, got story.Story) {
					// Escaping is the renderer's job; the desk must show what was typed.
					if got.Headline != "<script>alert(1)</script> Budget" || got.Slug != "script-alert-1-script-budget" {
						t.Errorf("headline %q slug %q", got.Headline, got.Slug)
					}
				},
			},
			{
				name:    "invalid UTF-8 headline",
				st:      story.Story{Lang: "en", Headline: "Budget \xff\xfe passed", Section: "world"},
				wantErr: "headline is not valid UTF-8",
			},
			{
				name:    "invalid UTF-8 body",
				st:      story.Story{Lang: "en", Headline: "Budget", Section: "world", Body: "ok \xc3"},
				wantErr: "body is not valid UTF-8",
			},
			{
				name:    "body of 1 MiB and a byte",
				st:      story.Story{Lang: "en", Headline: "Budget", Section: "world", Body: strings.Repeat("a", story.MaxBody+1)},
				wantErr: "body is larger than 1048576 bytes",
			},
			{
				name: "body of exactly 1 MiB",
				st:   story.Story{Lang: "en", Headline: "Budget", Section: "world", Body: strings.Repeat("a", story.MaxBody)},
				check: func(t *testing.T, got story.Story) {
					if len(got.Body) != story.MaxBody {
						t.Errorf("body of %d bytes stored, want %d", len(got.Body), story.MaxBody)
					}
				},
			},
			{
				name:    "NUL in headline",
				st:      story.Story{Lang: "en", Headline: "Bud\x00get", Section: "world"},
				wantErr: "headline contains a control character",
			},
			{
				name:    "line break in headline",
				st:      story.Story{Lang: "en", Headline: "Budget\npassed", Section: "world"},
				wantErr: "headline contains a control character",
			},
			{
				name:    "empty headline",
				st:      story.Story{Lang: "en", Headline: "   ", Section: "world"},
				wantErr: "headline is required",
			},
			{
				name:    "unknown language",
				st:      story.Story{Lang: "de", Headline: "Haushalt", Section: "world"},
				wantErr: `language "de" is not one of`,
			},
			{
				name:    "unknown section",
				st:      story.Story{Lang: "en", Headline: "Budget", Section: "weather"},
				wantErr: `section "weather" does not exist`,
			},
			{
				name:    "every problem named",
				st:      story.Story{Lang: "en", Headline: "", Section: "nowhere"},
				wantErr: `headline is required; section "nowhere" does not exist`,
			},
			{
				name: "text is NFC and tags are cleaned",
				st: story.Story{Lang: "fr", Headline: "E\u0301tat d'urgence", Section: "world", Byline: " Anne ",
					Tags: []string{"Santé", "sante\u0301", " ", "SANTÉ", "Paris"}},
				check: func(t *testing.T, got story.Story) {
					if got.Headline != "\u00c9tat d'urgence" || got.Byline != "Anne" || got.Slug != "etat-d-urgence" {
						t.Errorf("headline %q byline %q slug %q", got.Headline, got.Byline, got.Slug)
					}
					if !slices.Equal(got.Tags, []string{"Santé", "Paris"}) {
						t.Errorf("tags %q, want [Santé Paris]", got.Tags)
					}
				},
			},
			{
				name: "status and author come from the service",
				st: story.Story{Lang: "en", Headline: "Budget", Section: "world", Status: story.StatusPublished,
					AuthorID: 999, Version: 7},
				check: func(t *testing.T, got story.Story) {
					if got.Status != story.StatusDraft || got.AuthorID != reporter.User.ID || got.Version != 0 {
						t.Errorf("status %s author %d version %d", got.Status, got.AuthorID, got.Version)
					}
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := e.snapshot(t, 0)
				st := tt.st
				err := e.svc.Create(e.ctx, reporter, &st)
				if tt.wantErr != "" {
					if !errors.Is(err, story.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("got %v, want story.ErrInvalid saying %q", err, tt.wantErr)
					}
					e.unchanged(t, before, 0)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				tt.check(t, e.story(t, st.ID))
			})
		}
	})
}

// A refused save leaves the stored story as it was.
func TestSaveInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.actor(auth.RoleEditor)
		tests := []struct {
			name    string
			edit    func(st *story.Story)
			wantErr string
		}{
			{"body of 1 MiB and a byte", func(st *story.Story) { st.Body = strings.Repeat("ü", story.MaxBody/2) + "a" }, "body is larger"},
			{"invalid UTF-8 summary", func(st *story.Story) { st.Summary = "\xed\xa0\x80" }, "summary is not valid UTF-8"},
			{"unknown section", func(st *story.Story) { st.Section = "weather" }, `section "weather" does not exist`},
			{"too many tags", func(st *story.Story) {
				st.Tags = nil
				for i := range story.MaxTags + 1 {
					st.Tags = append(st.Tags, strings.Repeat("t", i+1))
				}
			}, "more than 30 tags"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st := e.storyAt(t, e.writer, "en", story.StatusDraft)
				before := e.snapshot(t, st.ID)
				tt.edit(&st)
				err := e.svc.Save(e.ctx, editor, &st)
				if !errors.Is(err, story.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want story.ErrInvalid saying %q", err, tt.wantErr)
				}
				e.unchanged(t, before, st.ID)
			})
		}
	})
}

// Save copies only the editable fields: status, author, family and
// language stay as stored whatever the caller sends.
func TestSaveKeepsWhatIsNotEditable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		st := e.storyAt(t, e.writer, "ur", story.StatusDraft)
		sent := st
		sent.Headline = "بارش کا امکان"
		sent.Status, sent.AuthorID, sent.Lang, sent.Version = story.StatusPublished, 1, "en", 5
		if err := e.svc.Save(e.ctx, e.actor(auth.RoleTranslator), &sent); err != nil {
			t.Fatal(err)
		}
		got := e.story(t, st.ID)
		if got.Status != story.StatusDraft || got.AuthorID != e.writer.ID || got.Lang != "ur" || got.Version != 0 {
			t.Errorf("stored %+v: want status, author, language and version unchanged", got)
		}
		if got.Headline != "بارش کا امکان" || got.Slug != "بارش-کا-امکان" {
			t.Errorf("headline %q slug %q", got.Headline, got.Slug)
		}
	})
}
