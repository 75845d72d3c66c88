package newsroom

import (
	"errors"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

const (
	yes = true
	no  = false
)

// permRow is one operation of the permission matrix. The story it acts on
// is made fresh for every role: by the actor itself ("own", in English) or
// by another reporter in English, Urdu or French. The translator
// translates en→ur.
type permRow struct {
	op      string
	owner   string       // "own" or "other"; empty when the operation takes no story
	lang    string       // the story's language
	status  story.Status // where the story stands before the call
	call    func(e *env, a Actor, st story.Story) error
	allowed [4]bool // admin, editor, reporter, translator
}

func create(code string) func(e *env, a Actor, _ story.Story) error {
	return func(e *env, a Actor, _ story.Story) error {
		return e.svc.Create(e.ctx, a, &story.Story{Lang: code, Headline: "New story", Section: "world"})
	}
}

func view(e *env, a Actor, st story.Story) error { _, err := e.svc.Story(e.ctx, a, st.ID); return err }

func save(e *env, a Actor, st story.Story) error {
	st.Headline += " (edited)"
	return e.svc.Save(e.ctx, a, &st)
}

func submit(e *env, a Actor, st story.Story) error {
	_, err := e.svc.Submit(e.ctx, a, st.ID)
	return err
}
func ret(e *env, a Actor, st story.Story) error { _, err := e.svc.Return(e.ctx, a, st.ID); return err }
func publish(e *env, a Actor, st story.Story) error {
	_, err := e.svc.Publish(e.ctx, a, st.ID, time.Time{})
	return err
}

func schedule(e *env, a Actor, st story.Story) error {
	_, err := e.svc.Schedule(e.ctx, a, st.ID, e.clock.Now().Add(time.Hour))
	return err
}

func correct(e *env, a Actor, st story.Story) error {
	_, err := e.svc.Correct(e.ctx, a, st.ID, "Corrects the date.")
	return err
}

func kill(e *env, a Actor, st story.Story) error {
	_, err := e.svc.Kill(e.ctx, a, st.ID, "Withdrawn.")
	return err
}

func permRows() []permRow {
	const d, s, p = story.StatusDraft, story.StatusSubmitted, story.StatusPublished
	return []permRow{
		{"create en", "", "", "", create("en"), [4]bool{yes, yes, yes, no}},
		{"create ur", "", "", "", create("ur"), [4]bool{yes, yes, yes, yes}},
		{"create fr", "", "", "", create("fr"), [4]bool{yes, yes, yes, no}},
		{"view own", "own", "en", d, view, [4]bool{yes, yes, yes, yes}},
		{"view other en", "other", "en", d, view, [4]bool{yes, yes, yes, yes}}, // the translator's source language
		{"view other ur", "other", "ur", d, view, [4]bool{yes, yes, yes, yes}},
		{"view other fr", "other", "fr", d, view, [4]bool{yes, yes, yes, no}},
		{"save own draft", "own", "en", d, save, [4]bool{yes, yes, yes, yes}},
		{"save other en draft", "other", "en", d, save, [4]bool{yes, yes, no, no}},
		{"save other ur draft", "other", "ur", d, save, [4]bool{yes, yes, no, yes}},
		{"save other fr draft", "other", "fr", d, save, [4]bool{yes, yes, no, no}},
		{"save own published", "own", "en", p, save, [4]bool{yes, yes, no, no}},
		{"submit own draft", "own", "en", d, submit, [4]bool{yes, yes, yes, yes}},
		{"submit other en draft", "other", "en", d, submit, [4]bool{yes, yes, no, no}},
		{"submit other ur draft", "other", "ur", d, submit, [4]bool{yes, yes, no, yes}},
		{"submit other fr draft", "other", "fr", d, submit, [4]bool{yes, yes, no, no}},
		{"return own submitted", "own", "en", s, ret, [4]bool{yes, yes, no, no}},
		{"return other submitted", "other", "en", s, ret, [4]bool{yes, yes, no, no}},
		{"publish own draft", "own", "en", d, publish, [4]bool{yes, yes, no, no}},
		{"publish other submitted", "other", "en", s, publish, [4]bool{yes, yes, no, no}},
		{"publish other ur draft", "other", "ur", d, publish, [4]bool{yes, yes, no, no}},
		{"schedule own draft", "own", "en", d, schedule, [4]bool{yes, yes, no, no}},
		{"schedule other submitted", "other", "en", s, schedule, [4]bool{yes, yes, no, no}},
		{"correct own published", "own", "en", p, correct, [4]bool{yes, yes, no, no}},
		{"correct other published", "other", "en", p, correct, [4]bool{yes, yes, no, no}},
		{"kill own published", "own", "en", p, kill, [4]bool{yes, yes, no, no}},
		{"kill other ur published", "other", "ur", p, kill, [4]bool{yes, yes, no, no}},
		{"add user", "", "", "", func(e *env, a Actor, _ story.Story) error {
			u := auth.User{Email: "new-" + a.User.Name + "@example.com", Roles: []auth.Role{auth.RoleReporter}}
			return e.svc.AddUser(e.ctx, a, &u, "correct horse battery")
		}, [4]bool{yes, no, no, no}},
		{"update other user", "", "", "", func(e *env, a Actor, _ story.Story) error {
			u := e.writer
			u.Name = "Renamed by " + a.User.Name
			return e.svc.UpdateUser(e.ctx, a, &u)
		}, [4]bool{yes, no, no, no}},
		{"disable other user", "", "", "", func(e *env, a Actor, _ story.Story) error {
			u := e.writer
			u.Disabled = true
			err := e.svc.UpdateUser(e.ctx, a, &u)
			if err == nil { // enable again, so later rows still have a writer
				u.Disabled = false
				err = e.svc.UpdateUser(e.ctx, a, &u)
			}
			return err
		}, [4]bool{yes, no, no, no}},
		{"list users", "", "", "", func(e *env, a Actor, _ story.Story) error {
			_, err := e.svc.Users(e.ctx, a)
			return err
		}, [4]bool{yes, no, no, no}},
		{"set own language", "", "", "", func(e *env, a Actor, _ story.Story) error {
			return e.svc.SetOwnLanguage(e.ctx, a, "ur")
		}, [4]bool{yes, yes, yes, yes}},
	}
}

func TestPermissionMatrix(t *testing.T) {
	// The roles of the matrix, in the order of permRow.allowed.
	roles := [4]auth.Role{auth.RoleAdmin, auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, row := range permRows() {
			for i, role := range roles {
				t.Run(row.op+"/"+string(role), func(t *testing.T) {
					a := e.actor(role)
					var st story.Story
					switch row.owner {
					case "own":
						st = e.storyAt(t, a.User, row.lang, row.status)
					case "other":
						st = e.storyAt(t, e.writer, row.lang, row.status)
					}
					before := e.snapshot(t, st.ID)
					err := row.call(e, a, st)
					switch {
					case row.allowed[i] && err != nil:
						t.Fatalf("want allowed, got %v", err)
					case !row.allowed[i] && !errors.Is(err, ErrForbidden):
						t.Fatalf("want ErrForbidden, got %v", err)
					case !row.allowed[i]:
						e.unchanged(t, before, st.ID)
					}
				})
			}
		}
	})
}

// A disabled user may do nothing at all, whatever their roles.
func TestDisabledActorIsForbidden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.actor(auth.RoleAdmin)
		a.User.Disabled = true
		for _, row := range permRows() {
			t.Run(row.op, func(t *testing.T) {
				var st story.Story
				if row.owner != "" {
					st = e.storyAt(t, a.User, row.lang, row.status)
				}
				before := e.snapshot(t, st.ID)
				if err := row.call(e, a, st); !errors.Is(err, ErrForbidden) {
					t.Fatalf("want ErrForbidden, got %v", err)
				}
				e.unchanged(t, before, st.ID)
			})
		}
	})
}
