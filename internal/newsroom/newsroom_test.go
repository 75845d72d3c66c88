package newsroom

import (
	"context"
	"fmt"
	"github.com/qasid/qasid/internal/clock"
	"reflect"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// env is one service over one fresh store, with a user of every role and a
// reporter, writer, whose stories are "someone else's" for the others.
type env struct {
	ctx   context.Context
	db    store.Store
	svc   *Service
	clock *clock.Fake
	users map[auth.Role]auth.User
	// writer is the author of other people's stories in the tests.
	writer auth.User
}

func newEnv(t *testing.T, db store.Store) *env {
	t.Helper()
	ctx := t.Context()
	// Whole seconds, because PostgreSQL keeps microseconds and SQLite
	// nanoseconds, and times read back must compare equal.
	c := clock.NewFake(time.Now().UTC().Truncate(time.Second))
	e := &env{ctx: ctx, db: db, clock: c, users: map[auth.Role]auth.User{},
		svc: New(Options{Store: db, Now: c.Now})}
	for i, key := range []string{"world", "business"} {
		err := db.SaveSection(ctx, story.Section{Key: key, Position: i, Names: map[string]string{"en": key}})
		if err != nil {
			t.Fatalf("save section: %v", err)
		}
	}
	for _, r := range auth.Roles() {
		u := auth.User{Email: string(r) + "@example.com", Name: string(r), Roles: []auth.Role{r}, UILang: "en"}
		if r == auth.RoleTranslator {
			u.Pairs = []auth.Pair{{From: "en", To: "ur"}}
		}
		e.users[r] = e.addUser(t, u)
	}
	e.writer = e.addUser(t, auth.User{Email: "writer@example.com", Name: "Writer", Roles: []auth.Role{auth.RoleReporter}, UILang: "en"})
	return e
}

// addUser stores a user without a password, straight through the store:
// most tests need people, not logins, and hashing costs time.
func (e *env) addUser(t *testing.T, u auth.User) auth.User {
	t.Helper()
	if err := e.db.CreateUser(e.ctx, &u, audit.Entry{At: e.clock.Now(), Actor: "system", Action: audit.UserCreate}); err != nil {
		t.Fatalf("create user %s: %v", u.Email, err)
	}
	return u
}

func (e *env) actor(r auth.Role) Actor { return Actor{User: e.users[r], IP: "192.0.2.1"} }

// storyAt puts a story by author in language code straight into the store
// and moves it to status, so that a test starts where it means to.
func (e *env) storyAt(t *testing.T, author auth.User, code string, status story.Status) story.Story {
	t.Helper()
	fam, err := e.db.CreateFamily(e.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	st := story.Story{FamilyID: fam, Lang: code, Headline: "Rain expected in " + code, Slug: "rain",
		Section: "world", Body: "Body.", Status: story.StatusDraft, AuthorID: author.ID}
	if err := e.db.CreateStory(e.ctx, &st); err != nil {
		t.Fatal(err)
	}
	sys := audit.Entry{At: e.clock.Now(), Actor: "system", Action: audit.StorySubmit, StoryID: st.ID}
	switch status {
	case story.StatusSubmitted:
		st, err = e.db.SetStatus(e.ctx, st.ID, story.StatusSubmitted, sys)
	case story.StatusPublished:
		st, err = e.db.PublishStory(e.ctx, st.ID, store.Publish{At: e.clock.Now()})
	case story.StatusKilled:
		if _, err = e.db.PublishStory(e.ctx, st.ID, store.Publish{At: e.clock.Now()}); err == nil {
			st, err = e.db.KillStory(e.ctx, st.ID, store.Kill{Notice: "Withdrawn.", At: e.clock.Now()})
		}
	}
	if err != nil {
		t.Fatalf("move story to %s: %v", status, err)
	}
	return st
}

func (e *env) story(t *testing.T, id int64) story.Story {
	t.Helper()
	st, err := e.db.Story(e.ctx, id)
	if err != nil {
		t.Fatalf("story %d: %v", id, err)
	}
	return st
}

// snapshot is everything a refused call must leave as it was.
type snapshot struct {
	story   story.Story
	stories int
	audit   []audit.Entry
	users   []auth.User
}

func (e *env) snapshot(t *testing.T, id int64) snapshot {
	t.Helper()
	var s snapshot
	var err error
	if id != 0 {
		s.story = e.story(t, id)
	}
	if s.stories, err = e.db.CountDeskStories(e.ctx, store.DeskQuery{}); err != nil {
		t.Fatal(err)
	}
	// The newest entries are enough: anything appended shows at the top.
	if s.audit, err = e.db.Audit(e.ctx, audit.Query{Limit: 5}); err != nil {
		t.Fatal(err)
	}
	if s.users, err = e.db.Users(e.ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) unchanged(t *testing.T, before snapshot, id int64) {
	t.Helper()
	after := e.snapshot(t, id)
	if !reflect.DeepEqual(before.story, after.story) {
		t.Errorf("story changed:\nbefore %+v\nafter  %+v", before.story, after.story)
	}
	if before.stories != after.stories {
		t.Errorf("story count went from %d to %d", before.stories, after.stories)
	}
	if !reflect.DeepEqual(before.audit, after.audit) {
		t.Errorf("audit log changed: newest entry now %+v", after.audit[0])
	}
	if !reflect.DeepEqual(before.users, after.users) {
		t.Errorf("users changed")
	}
}

// auditFor returns the story's audit entries, oldest first.
func (e *env) auditFor(t *testing.T, storyID int64) []audit.Entry {
	t.Helper()
	list, err := e.db.Audit(e.ctx, audit.Query{StoryID: storyID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list
}

func actions(list []audit.Entry) string {
	s := ""
	for i, a := range list {
		if i > 0 {
			s += " "
		}
		s += string(a.Action)
	}
	return s
}

func published(t *testing.T, e *env, id int64, now time.Time) bool {
	t.Helper()
	list, err := e.db.PublishedStories(e.ctx, store.ListQuery{Now: now, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list {
		if s.ID == id {
			return true
		}
	}
	return false
}

func changesOf(t *testing.T, e *env, id int64) []story.ChangeKind {
	t.Helper()
	list, err := e.db.Changes(e.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []story.ChangeKind
	for _, c := range list {
		if c.StoryID == id {
			out = append(out, c.Kind)
		}
	}
	return out
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		k    int
		want time.Duration
	}{
		{0, time.Second}, {1, 2 * time.Second}, {5, 32 * time.Second}, {9, 512 * time.Second},
		{10, 15 * time.Minute}, {63, 15 * time.Minute}, {1000, 15 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.k), func(t *testing.T) {
			if got := backoff(tt.k); got != tt.want {
				t.Errorf("backoff(%d) = %v, want %v", tt.k, got, tt.want)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"aé", 2, "a"}, // é is two bytes: never cut a rune in half
		{"a\xffb", 10, "a\uFFFDb"},
	}
	for _, tt := range tests {
		if got := truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
