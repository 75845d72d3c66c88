package newsroom

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

func TestWorkflow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		reporter, editor := e.actor(auth.RoleReporter), e.actor(auth.RoleEditor)

		st := story.Story{Lang: "en", Headline: "  Floods close the Karakoram Highway ", Section: "world",
			Summary: "Landslides cut the road.", Body: "Rain fell for three days.",
			Tags: []string{" floods ", "Floods", "", "roads"}}
		if err := e.svc.Create(e.ctx, reporter, &st); err != nil {
			t.Fatalf("create: %v", err)
		}
		if st.ID == 0 || st.FamilyID == 0 || st.Status != story.StatusDraft || st.AuthorID != reporter.User.ID {
			t.Fatalf("created %+v: want an id, a family, draft and the reporter as author", st)
		}
		if st.Headline != "Floods close the Karakoram Highway" || st.Slug != "floods-close-the-karakoram-highway" {
			t.Errorf("headline %q slug %q: want trimmed and slugged", st.Headline, st.Slug)
		}
		if !slices.Equal(st.Tags, []string{"floods", "roads"}) {
			t.Errorf("tags %q: want trimmed, de-duplicated, without empties", st.Tags)
		}
		if got := e.story(t, st.ID); got.AuthorID != reporter.User.ID || got.Headline != st.Headline {
			t.Errorf("stored %+v: want author and headline kept", got)
		}

		if got, err := e.svc.Submit(e.ctx, reporter, st.ID); err != nil || got.Status != story.StatusSubmitted {
			t.Fatalf("submit: %v, status %s", err, got.Status)
		}
		got, err := e.svc.Publish(e.ctx, editor, st.ID, time.Time{})
		if err != nil || got.Status != story.StatusPublished || got.Version != 1 {
			t.Fatalf("publish: %v, status %s version %d", err, got.Status, got.Version)
		}
		if !published(t, e, st.ID, e.clock.Now()) {
			t.Errorf("published story missing from the public list")
		}

		e.clock.Add(time.Minute)
		edit := got
		edit.Headline = "Floods close the Karakoram Highway for a week"
		edit.Body = "Rain fell for four days."
		if err := e.svc.Save(e.ctx, editor, &edit); err != nil {
			t.Fatalf("save: %v", err)
		}
		if edit.Slug != st.Slug {
			t.Errorf("slug %q after saving a published story: want %q kept", edit.Slug, st.Slug)
		}
		if v1, err := e.db.StoryVersion(e.ctx, st.ID, 1); err != nil || v1.Headline != st.Headline {
			t.Errorf("version 1 after save: %q, %v; want the published headline %q", v1.Headline, err, st.Headline)
		}

		got, err = e.svc.Correct(e.ctx, editor, st.ID, "  Corrects the number of days of rain. ")
		if err != nil || got.Version != 2 || got.Status != story.StatusPublished {
			t.Fatalf("correct: %v, version %d status %s", err, got.Version, got.Status)
		}
		v2, err := e.db.StoryVersion(e.ctx, st.ID, 2)
		if err != nil || v2.CorrectionNote != "Corrects the number of days of rain." || v2.Headline != edit.Headline {
			t.Errorf("version 2: %+v, %v; want the note and the new headline", v2, err)
		}
		if !published(t, e, st.ID, e.clock.Now()) {
			t.Errorf("corrected story missing from the public list")
		}
		if got.Slug != st.Slug {
			t.Errorf("slug %q after correction: want %q kept", got.Slug, st.Slug)
		}

		got, err = e.svc.Kill(e.ctx, editor, st.ID, "Withdrawn: the report was wrong.")
		if err != nil || got.Status != story.StatusKilled {
			t.Fatalf("kill: %v, status %s", err, got.Status)
		}
		if published(t, e, st.ID, e.clock.Now()) {
			t.Errorf("killed story still in the public list")
		}
		if v3, err := e.db.StoryVersion(e.ctx, st.ID, 3); err != nil || !v3.Killed || v3.Body != "Withdrawn: the report was wrong." {
			t.Errorf("version 3: %+v, %v; want a kill notice", v3, err)
		}

		log := e.auditFor(t, st.ID)
		want := "story.create story.submit story.publish story.save story.correct story.kill"
		if actions(log) != want {
			t.Errorf("audit: %q, want %q", actions(log), want)
		}
		for _, a := range log {
			if a.ActorID == 0 || a.IP != "192.0.2.1" {
				t.Errorf("audit entry %+v: want the actor and address", a)
			}
		}
		// Create and submit change the working copy (edit), as does the save
		// before the correction; readers see only publish, correct, kill.
		wantKinds := []story.ChangeKind{story.ChangeEdit, story.ChangeEdit, story.ChangePublish, story.ChangeEdit, story.ChangeCorrect, story.ChangeKill}
		if kinds := changesOf(t, e, st.ID); !slices.Equal(kinds, wantKinds) {
			t.Errorf("changes %v: want %v", kinds, wantKinds)
		}
	})
}

// The slug follows the headline until the first publication.
func TestSaveSlug(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.actor(auth.RoleEditor)
		tests := []struct {
			status   story.Status
			wantSlug string
		}{
			{story.StatusDraft, "a-new-headline"},
			{story.StatusSubmitted, "a-new-headline"},
			{story.StatusPublished, "rain"},
		}
		for _, tt := range tests {
			t.Run(string(tt.status), func(t *testing.T) {
				st := e.storyAt(t, e.writer, "en", tt.status)
				st.Headline = "A new headline"
				if err := e.svc.Save(e.ctx, editor, &st); err != nil {
					t.Fatal(err)
				}
				if got := e.story(t, st.ID); got.Slug != tt.wantSlug || got.Headline != "A new headline" {
					t.Errorf("slug %q headline %q, want %q", got.Slug, got.Headline, tt.wantSlug)
				}
			})
		}
	})
}

func TestBadMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tests := []struct {
			name   string
			role   auth.Role
			status story.Status
			call   func(e *env, a Actor, st story.Story) error
			want   error
		}{
			{"publish killed", auth.RoleEditor, story.StatusKilled, publish, store.ErrBadMove},
			{"publish published", auth.RoleEditor, story.StatusPublished, publish, store.ErrBadMove},
			{"submit published", auth.RoleEditor, story.StatusPublished, submit, store.ErrBadMove},
			{"submit submitted", auth.RoleEditor, story.StatusSubmitted, submit, store.ErrBadMove},
			{"return draft", auth.RoleEditor, story.StatusDraft, ret, store.ErrBadMove},
			{"correct draft", auth.RoleEditor, story.StatusDraft, correct, store.ErrBadMove},
			{"kill draft", auth.RoleEditor, story.StatusDraft, kill, store.ErrBadMove},
			{"kill killed", auth.RoleAdmin, story.StatusKilled, kill, store.ErrBadMove},
			{"schedule published", auth.RoleEditor, story.StatusPublished, schedule, store.ErrBadMove},
			{"save killed", auth.RoleEditor, story.StatusKilled, save, store.ErrBadMove},
			// A move the user could never make stays a 403, whatever the status.
			{"reporter publishes killed", auth.RoleReporter, story.StatusKilled, publish, ErrForbidden},
			{"reporter submits other's published", auth.RoleReporter, story.StatusPublished, submit, ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st := e.storyAt(t, e.writer, "en", tt.status)
				before := e.snapshot(t, st.ID)
				err := tt.call(e, e.actor(tt.role), st)
				if !errors.Is(err, tt.want) {
					t.Fatalf("got %v, want %v", err, tt.want)
				}
				e.unchanged(t, before, st.ID)
			})
		}
	})
}

func TestMoveValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.actor(auth.RoleEditor)
		tests := []struct {
			name   string
			status story.Status
			call   func(st story.Story) error
			want   string
		}{
			{"schedule in the past", story.StatusDraft, func(st story.Story) error {
				_, err := e.svc.Schedule(e.ctx, editor, st.ID, e.clock.Now().Add(-time.Minute))
				return err
			}, "in the future"},
			{"schedule now", story.StatusDraft, func(st story.Story) error {
				_, err := e.svc.Schedule(e.ctx, editor, st.ID, e.clock.Now())
				return err
			}, "in the future"},
			{"embargo in the past", story.StatusSubmitted, func(st story.Story) error {
				_, err := e.svc.Publish(e.ctx, editor, st.ID, e.clock.Now().Add(-time.Hour))
				return err
			}, "embargo"},
			{"correction without note", story.StatusPublished, func(st story.Story) error {
				_, err := e.svc.Correct(e.ctx, editor, st.ID, "   ")
				return err
			}, "correction note is required"},
			{"correction note too long", story.StatusPublished, func(st story.Story) error {
				_, err := e.svc.Correct(e.ctx, editor, st.ID, strings.Repeat("ب", MaxNote+1))
				return err
			}, "longer than 1000"},
			{"correction note not UTF-8", story.StatusPublished, func(st story.Story) error {
				_, err := e.svc.Correct(e.ctx, editor, st.ID, "bad \xff note")
				return err
			}, "UTF-8"},
			{"kill without notice", story.StatusPublished, func(st story.Story) error {
				_, err := e.svc.Kill(e.ctx, editor, st.ID, "")
				return err
			}, "kill notice is required"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st := e.storyAt(t, e.writer, "en", tt.status)
				before := e.snapshot(t, st.ID)
				err := tt.call(st)
				if !errors.Is(err, story.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("got %v, want story.ErrInvalid saying %q", err, tt.want)
				}
				e.unchanged(t, before, st.ID)
			})
		}
		// A note of exactly the limit is fine.
		st := e.storyAt(t, e.writer, "en", story.StatusPublished)
		if _, err := e.svc.Correct(e.ctx, editor, st.ID, strings.Repeat("ب", MaxNote)); err != nil {
			t.Errorf("note of %d characters: %v", MaxNote, err)
		}
	})
}

func TestScheduleAndTick(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.actor(auth.RoleEditor)
		start := e.clock.Now()
		st := e.storyAt(t, e.writer, "en", story.StatusSubmitted)
		cleared := e.storyAt(t, e.writer, "ur", story.StatusDraft)

		at := start.Add(time.Hour)
		got, err := e.svc.Schedule(e.ctx, editor, st.ID, at)
		if err != nil || !got.PublishAt.Equal(at) {
			t.Fatalf("schedule: %v, PublishAt %v; want %v", err, got.PublishAt, at)
		}
		log := e.auditFor(t, st.ID)
		if last := log[len(log)-1]; last.Action != audit.StorySchedule || last.Detail != at.Format(time.RFC3339) {
			t.Errorf("audit %+v: want story.schedule with the time in RFC 3339", last)
		}
		if _, err := e.svc.Schedule(e.ctx, editor, cleared.ID, at); err != nil {
			t.Fatal(err)
		}
		if got, err := e.svc.Schedule(e.ctx, editor, cleared.ID, time.Time{}); err != nil || !got.PublishAt.IsZero() {
			t.Fatalf("clear schedule: %v, PublishAt %v", err, got.PublishAt)
		}

		steps := []struct {
			after         time.Duration
			wantPublished int
			wantStatus    story.Status
		}{
			{30 * time.Minute, 0, story.StatusSubmitted},
			{2 * time.Hour, 1, story.StatusPublished},
			{3 * time.Hour, 0, story.StatusPublished}, // already done: nothing twice
		}
		for _, step := range steps {
			e.clock.Set(start.Add(step.after))
			n, _, err := e.svc.Tick(e.ctx)
			if err != nil || n != step.wantPublished {
				t.Fatalf("tick at +%v: published %d, %v; want %d", step.after, n, err, step.wantPublished)
			}
			if got := e.story(t, st.ID); got.Status != step.wantStatus {
				t.Fatalf("at +%v: status %s, want %s", step.after, got.Status, step.wantStatus)
			}
		}
		if got := e.story(t, cleared.ID); got.Status != story.StatusDraft {
			t.Errorf("story whose schedule was cleared is %s, want draft", got.Status)
		}
		log = e.auditFor(t, st.ID)
		last := log[len(log)-1]
		if last.Action != audit.StoryPublish || last.ActorID != 0 || last.Actor != "system" || last.Detail != "scheduled" {
			t.Errorf("audit %+v: want a publish by system, detail scheduled", last)
		}
		if v1, err := e.db.StoryVersion(e.ctx, st.ID, 1); err != nil || !v1.PublishedAt.Equal(start.Add(2*time.Hour)) {
			t.Errorf("version 1 published at %v (%v), want the tick's time %v", v1.PublishedAt, err, start.Add(2*time.Hour))
		}
	})
}

// A story that fell due while the server was down goes out on the first
// tick of RunScheduler, not one interval later.
func TestRunSchedulerCatchesUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		st := e.storyAt(t, e.writer, "en", story.StatusDraft)
		if _, err := e.svc.Schedule(e.ctx, e.actor(auth.RoleEditor), st.ID, e.clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(6 * time.Hour) // the server was down

		ctx, cancel := context.WithCancel(e.ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.svc.RunScheduler(ctx, time.Hour, "node-a") // the second tick is far away
		}()
		deadline := time.Now().Add(10 * time.Second)
		for e.story(t, st.ID).Status != story.StatusPublished {
			if time.Now().After(deadline) {
				cancel()
				t.Fatal("story not published by the first tick")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("RunScheduler did not return after its context ended")
		}
	})
}

// With several nodes, only the node holding the scheduler lease ticks; when
// it stops, another takes over.
func TestRunSchedulerOneNode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		due := func() story.Story {
			st := e.storyAt(t, e.writer, "en", story.StatusDraft)
			if _, err := e.svc.Schedule(e.ctx, e.actor(auth.RoleEditor), st.ID, e.clock.Now().Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			e.clock.Add(2 * time.Minute) // due, and well inside a lease of three hours
			return st
		}
		waitPublished := func(id int64) {
			t.Helper()
			deadline := time.Now().Add(10 * time.Second)
			for e.story(t, id).Status != story.StatusPublished {
				if time.Now().After(deadline) {
					t.Fatalf("story %d not published", id)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		run := func(node string) (stop func()) {
			ctx, cancel := context.WithCancel(e.ctx)
			done := make(chan struct{})
			go func() {
				defer close(done)
				e.svc.RunScheduler(ctx, time.Hour, node)
			}()
			return func() { cancel(); <-done }
		}
		first := due()
		stopA := run("node-a")
		waitPublished(first.ID)

		second := due()
		stopB := run("node-b")
		time.Sleep(300 * time.Millisecond) // node B's first pass has run by now
		if got := e.story(t, second.ID).Status; got != story.StatusDraft {
			t.Fatalf("node B ticked while node A held the lease: story is %s", got)
		}
		stopB()
		stopA() // releases the lease
		stopB = run("node-b")
		defer stopB()
		waitPublished(second.ID)
	})
}

func TestEmbargo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		editor := e.actor(auth.RoleEditor)
		start := e.clock.Now()
		tests := []struct {
			name    string
			correct bool // correct the story while it is still under embargo
		}{
			{"publish", false},
			{"publish and correct under embargo", true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e.clock.Set(start)
				st := e.storyAt(t, e.writer, "en", story.StatusSubmitted)
				until := start.Add(time.Hour)
				got, err := e.svc.Publish(e.ctx, editor, st.ID, until)
				if err != nil || !got.EmbargoUntil.Equal(until) {
					t.Fatalf("publish: %v, embargo %v; want %v", err, got.EmbargoUntil, until)
				}
				if published(t, e, st.ID, start) {
					t.Errorf("embargoed story in the public list before the embargo ends")
				}
				if tt.correct {
					if _, err := e.svc.Correct(e.ctx, editor, st.ID, "Adds a quote."); err != nil {
						t.Fatal(err)
					}
					if published(t, e, st.ID, start.Add(10*time.Minute)) {
						t.Errorf("a correction lifted the embargo early")
					}
				}
				later := start.Add(2 * time.Hour)
				e.clock.Set(later)
				_, lifted, err := e.svc.Tick(e.ctx)
				if err != nil || lifted != 1 {
					t.Fatalf("tick: lifted %d, %v; want 1", lifted, err)
				}
				if !published(t, e, st.ID, later) {
					t.Errorf("story missing from the public list after its embargo")
				}
				if _, lifted, err := e.svc.Tick(e.ctx); err != nil || lifted != 0 {
					t.Errorf("second tick: lifted %d, %v; want 0", lifted, err)
				}
				var lifts int
				for _, k := range changesOf(t, e, st.ID) {
					if k == story.ChangeEmbargoLift {
						lifts++
					}
				}
				if lifts != 1 {
					t.Errorf("%d embargo_lift changes, want exactly 1", lifts)
				}
			})
		}
	})
}
