package translate

import (
	"slices"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

func TestStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		drafts, err := e.svc.Start(e.ctx, as(e.editor), src.ID, []string{"zh", "ur", "zh"}, 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if got := langs(drafts); !slices.Equal(got, []string{"ur", "zh"}) {
			t.Fatalf("drafts in %v, want ur and zh once each", got)
		}
		for _, d := range drafts {
			st := e.story(t, d.ID)
			if st.FamilyID != src.FamilyID || st.TranslatedFromID != src.ID || st.TranslatedFromVersion != 1 {
				t.Errorf("%s: family %d from %d v%d; want family %d from %d v1", st.Lang, st.FamilyID, st.TranslatedFromID,
					st.TranslatedFromVersion, src.FamilyID, src.ID)
			}
			if st.Status != story.StatusDraft || st.Headline != headline || st.Body != "" || st.Section != "world" ||
				st.Dateline != src.Dateline || st.AuthorID != e.editor.ID {
				t.Errorf("%s draft: %+v", st.Lang, st)
			}
			if got := e.changeKinds(t, d.ID); !slices.Equal(got, []story.ChangeKind{story.ChangeEdit, story.ChangeTranslation}) {
				t.Errorf("%s: changes %v, want the draft's edit and one translation_link", st.Lang, got)
			}
			es, _ := db.Audit(e.ctx, audit.Query{StoryID: d.ID})
			var acts []audit.Action
			for _, a := range es {
				acts = append(acts, a.Action)
			}
			if !slices.Equal(acts, []audit.Action{AuditStart, audit.StoryCreate}) {
				t.Errorf("%s: audit %v, want the newsroom's create and the desk's start", st.Lang, acts)
			}
		}

		// Refusals make nothing.
		other := story.Story{Lang: "en", Headline: "An unpublished story", Section: "world"}
		if err := e.nr.Create(e.ctx, as(e.editor), &other); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			actor auth.User
			id    int64
			langs []string
			want  error
		}{
			{"reporter", e.rep, src.ID, []string{"fr"}, newsroom.ErrForbidden},
			{"translator", e.urTr, src.ID, []string{"fr"}, newsroom.ErrForbidden},
			{"unpublished source", e.editor, other.ID, []string{"fr"}, story.ErrInvalid},
			{"source's own language", e.editor, src.ID, []string{"fr", "en"}, story.ErrInvalid},
			{"language already there", e.editor, src.ID, []string{"fr", "ur"}, story.ErrInvalid},
			{"not our language", e.editor, src.ID, []string{"fr", "de"}, story.ErrInvalid},
			{"no language", e.editor, src.ID, nil, story.ErrInvalid},
			{"unknown story", e.editor, 99999, []string{"fr"}, store.ErrNotFound},
		} {
			_, err := e.svc.Start(e.ctx, as(tc.actor), tc.id, tc.langs, 0, time.Time{})
			wantErr(t, tc.name, err, tc.want)
		}
		if n := e.familySize(t, src.FamilyID); n != 3 {
			t.Errorf("family has %d members after refusals, want 3", n)
		}
		// An admin may start too.
		if _, err := e.svc.Start(e.ctx, as(e.admin), src.ID, []string{"fr"}, 0, time.Time{}); err != nil {
			t.Errorf("admin: %v", err)
		}
	})
}

func TestAssignmentRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		due := e.clock.Now().Add(6 * time.Hour)
		for _, tc := range []struct {
			name     string
			assignee int64
			langs    []string
		}{
			{"a reporter", e.rep.ID, []string{"ur"}},
			{"a translator without the pair", e.urTr.ID, []string{"zh"}},
			{"a translator with one of two pairs", e.urTr.ID, []string{"ur", "zh"}},
			{"nobody", 99999, []string{"ur"}},
		} {
			_, err := e.svc.Start(e.ctx, as(e.editor), src.ID, tc.langs, tc.assignee, due)
			wantErr(t, tc.name, err, auth.ErrInvalid)
		}
		if n := e.familySize(t, src.FamilyID); n != 1 {
			t.Fatalf("refused assignments left %d members, want the source alone", n)
		}

		drafts, err := e.svc.Start(e.ctx, as(e.editor), src.ID, []string{"ur"}, e.urTr.ID, due)
		if err != nil {
			t.Fatal(err)
		}
		ur := drafts[0]
		as1, err := db.Assignment(e.ctx, ur.ID)
		if err != nil {
			t.Fatal(err)
		}
		if as1.AssigneeID != e.urTr.ID || !as1.DueAt.Equal(due) || as1.AssignedBy != e.editor.ID {
			t.Errorf("assignment %+v", as1)
		}
		// Editors may be assignees too, of any pair.
		if _, err := e.svc.Start(e.ctx, as(e.editor), src.ID, []string{"ar"}, e.admin.ID, time.Time{}); err != nil {
			t.Errorf("assigning an admin: %v", err)
		}

		// Reassigning: by editors only, to someone with the pair.
		wantErr(t, "translator assigns", e.svc.Assign(e.ctx, as(e.urTr), ur.ID, e.urTr.ID, due), newsroom.ErrForbidden)
		wantErr(t, "wrong pair", e.svc.Assign(e.ctx, as(e.editor), ur.ID, e.zhTr.ID, due), auth.ErrInvalid)
		wantErr(t, "not a translation", e.svc.Assign(e.ctx, as(e.editor), src.ID, e.urTr.ID, due), story.ErrInvalid)
		if err := e.svc.Assign(e.ctx, as(e.editor), ur.ID, e.editor.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if as2, _ := db.Assignment(e.ctx, ur.ID); as2.AssigneeID != e.editor.ID || !as2.DueAt.IsZero() {
			t.Errorf("reassigned: %+v", as2)
		}
		// A published translation may be given back to its translator to
		// bring up to date; a translator of another pair still may not.
		e.translateAndPublish(t, ur.ID, urduV1)
		if err := e.svc.Assign(e.ctx, as(e.editor), ur.ID, e.urTr.ID, due); err != nil {
			t.Errorf("assigning a published translation for an update: %v", err)
		}
		wantErr(t, "published translation, wrong pair", e.svc.Assign(e.ctx, as(e.editor), ur.ID, e.zhTr.ID, due), auth.ErrInvalid)
	})
}

func TestQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		now := e.clock.Now()
		var ids []int64
		// Three sources, sent to Urdu with deadlines in 3, 1 and no hours.
		for _, due := range []time.Time{now.Add(3 * time.Hour), now.Add(time.Hour), {}} {
			src := e.source(t)
			d, err := e.svc.Start(e.ctx, as(e.editor), src.ID, []string{"ur"}, e.urTr.ID, due)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d[0].ID)
		}
		queue := func(u auth.User) []Task {
			t.Helper()
			tasks, err := e.svc.Queue(e.ctx, as(u))
			if err != nil {
				t.Fatal(err)
			}
			return tasks
		}
		tasks := queue(e.urTr)
		var got []int64
		for _, tk := range tasks {
			got = append(got, tk.Story.ID)
			if tk.Overdue || tk.OutOfDate || tk.Source.Lang != "en" || tk.Source.ID != tk.Story.TranslatedFromID {
				t.Errorf("task %d: %+v", tk.Story.ID, tk)
			}
		}
		if want := []int64{ids[1], ids[0], ids[2]}; !slices.Equal(got, want) {
			t.Errorf("queue %v, want %v (due first, no deadline last)", got, want)
		}
		if len(queue(e.zhTr)) != 0 {
			t.Error("another translator sees the Urdu tasks")
		}

		// Two hours on, the first deadline has passed.
		e.clock.Add(2 * time.Hour)
		tasks = queue(e.urTr)
		if !tasks[0].Overdue || tasks[1].Overdue || tasks[2].Overdue {
			t.Errorf("overdue flags %v %v %v, want only the first", tasks[0].Overdue, tasks[1].Overdue, tasks[2].Overdue)
		}
		if !tasks[0].Due.Equal(now.Add(time.Hour)) {
			t.Errorf("due %v", tasks[0].Due)
		}
		// A source corrected makes its task out of date.
		src := e.story(t, tasks[2].Story.TranslatedFromID)
		e.correct(t, src)
		if tasks = queue(e.urTr); !tasks[2].OutOfDate || tasks[0].OutOfDate {
			t.Errorf("out of date flags: %v, %v", tasks[0].OutOfDate, tasks[2].OutOfDate)
		}
		// A published translation leaves the queue while it is up to date.
		e.translateAndPublish(t, ids[1], urduV1)
		if len(queue(e.urTr)) != 2 {
			t.Errorf("queue after publishing one: %d tasks, want 2", len(queue(e.urTr)))
		}
	})
}

func TestOverviewAndDashboard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		// An old family, published before the dashboard's window.
		old := e.source(t)
		e.start(t, old, "fr")
		e.clock.Add(48 * time.Hour)
		since := e.clock.Now().Add(-time.Hour)

		src := e.source(t)
		d := e.start(t, src, "ur", "zh", "ar", "ru")
		e.translateAndPublish(t, d["ur"].ID, urduV1)
		e.translateAndPublish(t, d["zh"].ID, chineseV1)
		e.translateAndPublish(t, d["ru"].ID, []string{"Опреснительный завод в Гвадаре"})
		e.correct(t, src)
		// Russian is brought up to date; Chinese stays behind.
		if _, err := e.svc.Save(e.ctx, as(e.editor), d["ru"].ID, []string{"Опреснительный завод в Гвадаре"}, true, false, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.nr.Correct(e.ctx, as(e.editor), d["ru"].ID, "Updated to the new source."); err != nil {
			t.Fatal(err)
		}

		// French starts from version 2: in progress and current.
		e.start(t, src, "fr")

		states, err := e.svc.Overview(e.ctx, as(e.urTr), src.FamilyID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		var order []string
		for _, s := range states {
			got[s.Lang] = s.State
			order = append(order, s.Lang)
		}
		// A draft made from version 1 needs the update as much as a
		// published translation does.
		want := map[string]string{"en": StatePublished, "ur": StateOutOfDate, "zh": StateOutOfDate, "ar": StateOutOfDate,
			"ru": StatePublished, "fr": StateInProgress, "es": StateMissing}
		if len(states) != 7 {
			t.Fatalf("%d languages, want 7", len(states))
		}
		for code, w := range want {
			if got[code] != w {
				t.Errorf("%s: %s, want %s", code, got[code], w)
			}
		}
		if !slices.Equal(order, lang.Codes()) {
			t.Errorf("languages in order %v, want %v", order, lang.Codes())
		}
		for _, s := range states {
			switch s.Lang {
			case "en":
				if s.Version != 2 || s.SourceVersion != 0 || s.StoryID != src.ID {
					t.Errorf("en: %+v", s)
				}
			case "ru":
				if s.Version != 2 || s.SourceVersion != 2 {
					t.Errorf("ru: %+v", s)
				}
			case "zh":
				if s.Version != 1 || s.SourceVersion != 1 {
					t.Errorf("zh: %+v", s)
				}
			case "es":
				if s.StoryID != 0 || s.Version != 0 {
					t.Errorf("es: %+v", s)
				}
			}
		}

		counts, err := e.svc.Dashboard(e.ctx, as(e.editor), since)
		if err != nil {
			t.Fatal(err)
		}
		wantCounts := map[string]Counts{
			"en": {Published: 1}, "ur": {OutOfDate: 1}, "zh": {OutOfDate: 1}, "ar": {OutOfDate: 1},
			"ru": {Published: 1}, "fr": {InProgress: 1}, "es": {Missing: 1},
		}
		for code, w := range wantCounts {
			if counts[code] != w {
				t.Errorf("dashboard %s: %+v, want %+v", code, counts[code], w)
			}
		}
		// With the old family in the window (a zero time is all time), its
		// French draft and missing Urdu count too.
		counts, _ = e.svc.Dashboard(e.ctx, as(e.editor), time.Time{})
		if c := counts["fr"]; c != (Counts{InProgress: 2}) {
			t.Errorf("dashboard fr over all time: %+v", c)
		}
		if c := counts["ur"]; c != (Counts{Missing: 1, OutOfDate: 1}) {
			t.Errorf("dashboard ur over all time: %+v", c)
		}
		if c := counts["en"]; c != (Counts{Published: 2}) {
			t.Errorf("dashboard en over all time: %+v", c)
		}

		_, err = e.svc.Overview(e.ctx, as(e.editor), 99999)
		wantErr(t, "unknown family", err, store.ErrNotFound)
		disabled := e.rep
		disabled.Disabled = true
		_, err = e.svc.Dashboard(e.ctx, as(disabled), since)
		wantErr(t, "disabled user", err, newsroom.ErrForbidden)
	})
}
