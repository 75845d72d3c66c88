package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/story"
)

// The newsroom's part of the contract: users, sessions, login throttling,
// the audit log, status moves, scheduling, embargoes and the desk's lists.
// runContract lists these tests with the others, so they run on both
// databases.

// clock pins the store's clock to base plus n minutes and returns that
// time, as stored.
func clock(db *DB, n int) time.Time {
	db.now = func() time.Time { return at(n) }
	return storeTime(at(n))
}

// staff creates a valid user with an email made from name.
func staff(t *testing.T, db *DB, name string, edit ...func(*auth.User)) auth.User {
	t.Helper()
	u := auth.User{Email: name + "@qasid.example", Name: name, Roles: []auth.Role{auth.RoleEditor}, UILang: "en"}
	for _, e := range edit {
		e(&u)
	}
	if err := db.CreateUser(t.Context(), &u, audit.Entry{}); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// auditLog returns every entry, newest first.
func auditLog(t *testing.T, db *DB, q audit.Query) []audit.Entry {
	t.Helper()
	q.Limit = maxAudit
	es, err := db.Audit(t.Context(), q)
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	return es
}

func actions(es []audit.Entry) []audit.Action {
	var out []audit.Action
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func testUsers(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	now := clock(db, 0)
	in := auth.User{
		Email: "  Amna.Khan@Qasid.Example ", Name: "آمنہ خان",
		Roles:  []auth.Role{auth.RoleTranslator, auth.RoleReporter},
		Pairs:  []auth.Pair{{From: "en", To: "ur"}, {From: "ar", To: "ur"}},
		UILang: "ur", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$a2V5",
	}
	err := db.CreateUser(ctx, &in, audit.Entry{Actor: "admin@qasid.example", ActorID: 99, Action: audit.UserCreate, IP: "10.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if in.ID == 0 || in.Email != "amna.khan@qasid.example" || !in.CreatedAt.Equal(now) || !in.UpdatedAt.Equal(now) {
		t.Errorf("created user: id %d, email %q, times %v %v", in.ID, in.Email, in.CreatedAt, in.UpdatedAt)
	}
	for how, get := range map[string]func() (auth.User, error){
		"User":                     func() (auth.User, error) { return db.User(ctx, in.ID) },
		"UserByEmail":              func() (auth.User, error) { return db.UserByEmail(ctx, "amna.khan@qasid.example") },
		"UserByEmail, typed oddly": func() (auth.User, error) { return db.UserByEmail(ctx, " AMNA.khan@QASID.example\t") },
	} {
		got, err := get()
		if err != nil || !reflect.DeepEqual(got, in) {
			t.Errorf("%s:\n got %+v, %v\nwant %+v", how, got, err, in)
		}
	}
	es := auditLog(t, db, audit.Query{UserID: in.ID})
	if len(es) != 1 || es[0].Action != audit.UserCreate || es[0].UserID != in.ID || !es[0].At.Equal(now) || es[0].ActorID != 99 {
		t.Errorf("audit of the creation: %+v", es)
	}

	// An email is one login however it is typed.
	dup := auth.User{Email: "AMNA.KHAN@qasid.example", Roles: []auth.Role{auth.RoleEditor}}
	wantErr(t, "duplicate email", db.CreateUser(ctx, &dup, audit.Entry{Action: audit.UserCreate}), ErrConflict)
	if dup.ID != 0 {
		t.Errorf("refused user got id %d", dup.ID)
	}

	for _, tc := range []struct {
		name string
		edit func(*auth.User)
	}{
		{"no roles", func(u *auth.User) { u.Roles = nil }},
		{"unknown role", func(u *auth.User) { u.Roles = []auth.Role{"owner"} }},
		{"translator without pairs", func(u *auth.User) { u.Roles = []auth.Role{auth.RoleTranslator} }},
		{"not an email", func(u *auth.User) { u.Email = "nobody" }},
		{"display name in the email", func(u *auth.User) { u.Email = "Bo <bo@qasid.example>" }},
		{"NUL in name", func(u *auth.User) { u.Name = "a\x00b" }},
		{"long UI language", func(u *auth.User) { u.UILang = strings.Repeat("x", maxLang+1) }},
		{"pair of one language", func(u *auth.User) {
			u.Roles = []auth.Role{auth.RoleTranslator}
			u.Pairs = []auth.Pair{{From: "ur", To: "ur"}}
		}},
		{"pair with no source", func(u *auth.User) {
			u.Roles = []auth.Role{auth.RoleTranslator}
			u.Pairs = []auth.Pair{{To: "ur"}}
		}},
	} {
		u := auth.User{Email: "new@qasid.example", Name: "New", Roles: []auth.Role{auth.RoleReporter}}
		tc.edit(&u)
		wantErr(t, tc.name, db.CreateUser(ctx, &u, audit.Entry{Action: audit.UserCreate}), auth.ErrInvalid)
	}
	if err := db.CreateUser(ctx, nil, audit.Entry{}); err == nil {
		t.Error("nil user accepted")
	}
	if n := len(auditLog(t, db, audit.Query{})); n != 1 {
		t.Errorf("refused creations left %d audit entries, want 1", n)
	}

	// Users come back ordered by email.
	staff(t, db, "zed")
	staff(t, db, "bilal")
	all, err := db.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range all {
		emails = append(emails, u.Email)
	}
	if want := []string{"amna.khan@qasid.example", "bilal@qasid.example", "zed@qasid.example"}; !slices.Equal(emails, want) {
		t.Errorf("users %v, want %v", emails, want)
	}

	// UpdateUser changes access, not the password or the email.
	later := clock(db, 5)
	edit := in
	edit.Email = "Amna.Khan@qasid.example" // the same login, typed differently
	edit.Name = "Amna Khan"
	edit.Roles = []auth.Role{auth.RoleTranslator}
	edit.Pairs = []auth.Pair{{From: "zh", To: "ur"}}
	edit.UILang = "en"
	edit.PasswordHash = "ignored"
	if err := db.UpdateUser(ctx, &edit, audit.Entry{Action: audit.UserRoles, Detail: "translator zh>ur"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.User(ctx, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.Name, want.Roles, want.Pairs, want.UILang, want.UpdatedAt = edit.Name, edit.Roles, edit.Pairs, "en", later
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(edit, want) {
		t.Errorf("after update:\n store %+v\ncaller %+v\n  want %+v", got, edit, want)
	}

	for _, tc := range []struct {
		name string
		edit func(*auth.User)
		want error
	}{
		{"missing", func(u *auth.User) { u.ID = 424242 }, ErrNotFound},
		{"new email", func(u *auth.User) { u.Email = "other@qasid.example" }, auth.ErrInvalid},
		{"invalid", func(u *auth.User) { u.Roles = nil }, auth.ErrInvalid},
	} {
		u := got
		tc.edit(&u)
		wantErr(t, tc.name, db.UpdateUser(ctx, &u, audit.Entry{Action: audit.UserRoles}), tc.want)
	}
	if again, _ := db.User(ctx, in.ID); !reflect.DeepEqual(again, got) {
		t.Errorf("refused updates changed the user: %+v", again)
	}

	if err := db.SetPassword(ctx, in.ID, "$argon2id$new", audit.Entry{Action: audit.UserPassword}); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.User(ctx, in.ID); u.PasswordHash != "$argon2id$new" {
		t.Errorf("password hash %q after SetPassword", u.PasswordHash)
	}
	wantErr(t, "password of a missing user", db.SetPassword(ctx, 424242, "h", audit.Entry{Action: audit.UserPassword}), ErrNotFound)
	wantErr(t, "NUL in a hash", db.SetPassword(ctx, in.ID, "h\x00", audit.Entry{}), auth.ErrInvalid)

	if _, err := db.User(ctx, 424242); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing user: %v, want ErrNotFound", err)
	}
	if _, err := db.UserByEmail(ctx, "nobody@qasid.example"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing email: %v, want ErrNotFound", err)
	}
	if got := actions(auditLog(t, db, audit.Query{UserID: in.ID})); !slices.Equal(got,
		[]audit.Action{audit.UserPassword, audit.UserRoles, audit.UserCreate}) {
		t.Errorf("audit of the user: %v", got)
	}
}

func testSessions(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	now := clock(db, 0)
	u := staff(t, db, "sana")
	other := staff(t, db, "omar")
	s := auth.Session{TokenHash: auth.HashToken("token-1"), UserID: u.ID,
		ExpiresAt: at(60), IP: "192.0.2.7", UserAgent: "Mozilla/5.0 \x00\xff" + strings.Repeat("x", 2000)}
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := db.Session(ctx, s.TokenHash, at(59))
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != u.ID || !got.CreatedAt.Equal(now) || !got.ExpiresAt.Equal(storeTime(at(60))) || got.IP != s.IP {
		t.Errorf("session = %+v", got)
	}
	if !strings.HasPrefix(got.UserAgent, "Mozilla/5.0 \uFFFD\uFFFD") || len([]rune(got.UserAgent)) != maxUserAgent {
		t.Errorf("user agent not cleaned and clipped: %d runes, %q...", len([]rune(got.UserAgent)), got.UserAgent[:20])
	}

	for _, tc := range []struct {
		name string
		hash string
		now  time.Time
	}{
		{"at expiry", s.TokenHash, at(60)},
		{"after expiry", s.TokenHash, at(61)},
		{"unknown", auth.HashToken("nope"), at(1)},
		{"NUL", "a\x00", at(1)},
	} {
		if _, err := db.Session(ctx, tc.hash, tc.now); !errors.Is(err, ErrNotFound) {
			t.Errorf("session %s: %v, want ErrNotFound", tc.name, err)
		}
	}

	for _, tc := range []struct {
		name string
		s    auth.Session
		want error
	}{
		{"same hash", s, ErrConflict},
		{"missing user", auth.Session{TokenHash: "h2", UserID: 424242, ExpiresAt: at(60)}, ErrNotFound},
		{"no hash", auth.Session{UserID: u.ID, ExpiresAt: at(60)}, auth.ErrInvalid},
		{"no expiry", auth.Session{TokenHash: "h3", UserID: u.ID}, auth.ErrInvalid},
	} {
		wantErr(t, tc.name, db.CreateSession(ctx, tc.s), tc.want)
	}

	// The janitor removes what has ended, and only that.
	for i, exp := range []int{10, 20, 90} {
		err := db.CreateSession(ctx, auth.Session{TokenHash: fmt.Sprintf("old-%d", i), UserID: other.ID, ExpiresAt: at(exp)})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.DeleteExpiredSessions(ctx, at(20)); err != nil || n != 2 {
		t.Errorf("expired sessions deleted: %d, %v; want 2", n, err)
	}
	if _, err := db.Session(ctx, "old-2", at(21)); err != nil {
		t.Errorf("a live session was deleted: %v", err)
	}

	// Logging out twice is fine.
	for range 2 {
		if err := db.DeleteSession(ctx, "old-2"); err != nil {
			t.Errorf("delete session: %v", err)
		}
	}
	if _, err := db.Session(ctx, "old-2", at(21)); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted session: %v, want ErrNotFound", err)
	}

	// Disabling a user ends their sessions, in the same transaction, and
	// stops new ones; other users are not touched.
	if err := db.CreateSession(ctx, auth.Session{TokenHash: "second", UserID: u.ID, ExpiresAt: at(60)}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, auth.Session{TokenHash: "omar", UserID: other.ID, ExpiresAt: at(60)}); err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	if err := db.UpdateUser(ctx, &u, audit.Entry{Action: audit.UserDisable}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{s.TokenHash, "second"} {
		if _, err := db.Session(ctx, h, at(1)); !errors.Is(err, ErrNotFound) {
			t.Errorf("session %s of a disabled user: %v, want ErrNotFound", h, err)
		}
	}
	if _, err := db.Session(ctx, "omar", at(1)); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	wantErr(t, "session for a disabled user",
		db.CreateSession(ctx, auth.Session{TokenHash: "third", UserID: u.ID, ExpiresAt: at(60)}), auth.ErrInvalid)
}

func testLoginFailures(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	long := "user:" + strings.Repeat("a", 5000) + "@qasid.example"
	keys := []string{"user:a@qasid.example", "ip:192.0.2.1", long, "user:\x00\xff"}
	for _, k := range keys {
		for _, m := range []int{0, 5, 10, 15} {
			if err := db.RecordLoginFailure(ctx, k, at(m)); err != nil {
				t.Fatalf("record %.20q: %v", k, err)
			}
		}
	}
	// The clock stands in for a zero time.
	clock(db, 20)
	if err := db.RecordLoginFailure(ctx, keys[0], time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key   string
		since time.Time
		want  int
	}{
		{keys[0], at(10), 3}, // at or after since
		{keys[0], at(11), 2},
		{keys[0], at(21), 0},
		{keys[0], time.Time{}, 5},
		{keys[1], at(5), 3},
		{long, at(5), 3},
		{long[:len(long)-1], at(0), 0}, // a long key is not confused with a near one
		{keys[3], at(0), 4},
		{"user:nobody", at(0), 0},
	} {
		if n, err := db.LoginFailures(ctx, tc.key, tc.since); err != nil || n != tc.want {
			t.Errorf("LoginFailures(%.20q, %v) = %d, %v; want %d", tc.key, tc.since, n, err, tc.want)
		}
	}
	for _, k := range []string{keys[0], long} {
		if err := db.ClearLoginFailures(ctx, k); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.LoginFailures(ctx, k, time.Time{}); n != 0 {
			t.Errorf("%.20q after clearing: %d failures", k, n)
		}
	}
	if n, _ := db.LoginFailures(ctx, keys[1], time.Time{}); n != 4 {
		t.Errorf("clearing one key touched another: %d failures, want 4", n)
	}

	// A failure a day after the others prunes them: the table holds only
	// what throttling can still ask about.
	if err := db.RecordLoginFailure(ctx, keys[1], at(0).Add(loginFailureKeep+10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.LoginFailures(ctx, keys[1], time.Time{}); n != 3 {
		t.Errorf("after pruning: %d failures, want 3 (at 10, 15 and the new one)", n)
	}
}

func testAudit(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	now := clock(db, 0)
	for i := range 60 {
		e := audit.Entry{ActorID: int64(i%3 + 1), Actor: fmt.Sprintf("u%d@x", i%3+1), Action: audit.StorySave,
			StoryID: int64(i%2 + 100), IP: "198.51.100.1", Detail: fmt.Sprint(i)}
		if i%5 == 0 {
			e.Action, e.StoryID, e.UserID = audit.UserRoles, 0, 3
		}
		if err := db.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AppendAudit(ctx, audit.Entry{Actor: "x"}); err == nil {
		t.Error("an entry without an action was accepted")
	}

	all := auditLog(t, db, audit.Query{})
	if len(all) != 60 {
		t.Fatalf("%d entries, want 60", len(all))
	}
	for i, e := range all {
		if e.Detail != fmt.Sprint(59-i) || !e.At.Equal(now) {
			t.Fatalf("entry %d = %+v: want newest first, detail %d, at %v", i, e, 59-i, now)
		}
	}
	count := func(keep func(i int) bool) int {
		n := 0
		for i := range 60 {
			if keep(i) {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		name string
		q    audit.Query
		want int
	}{
		{"default page", audit.Query{}, defaultAudit},
		{"limit", audit.Query{Limit: 7}, 7},
		{"past the end", audit.Query{Offset: 55, Limit: 10}, 5},
		{"story", audit.Query{StoryID: 100, Limit: 500}, count(func(i int) bool { return i%5 != 0 && i%2 == 0 })},
		// User 3 acted in every third entry and was acted on in every fifth.
		{"user as actor or subject", audit.Query{UserID: 3, Limit: 500}, count(func(i int) bool { return i%3 == 2 || i%5 == 0 })},
		{"user as actor only", audit.Query{UserID: 1, Limit: 500}, count(func(i int) bool { return i%3 == 0 })},
		{"story and user", audit.Query{StoryID: 101, UserID: 2, Limit: 500}, count(func(i int) bool { return i%5 != 0 && i%2 == 1 && i%3 == 1 })},
		{"nobody", audit.Query{UserID: 77}, 0},
	} {
		got, err := db.Audit(ctx, tc.q)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: %d entries, %v; want %d", tc.name, len(got), err, tc.want)
		}
		for i := 1; i < len(got); i++ {
			if got[i].ID >= got[i-1].ID {
				t.Errorf("%s: not newest first", tc.name)
			}
		}
	}
	for i := range 450 {
		if err := db.AppendAudit(ctx, audit.Entry{Action: audit.LoginFailed, Detail: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := db.Audit(ctx, audit.Query{Limit: 10000}); len(got) != maxAudit {
		t.Errorf("a huge limit read %d entries, want %d", len(got), maxAudit)
	}

	// Text from outside is cleaned and clipped, never refused: the log must
	// not be why an action fails.
	err := db.AppendAudit(ctx, audit.Entry{Action: audit.LoginFailed, Actor: "a\x00b", IP: "\xff", Detail: strings.Repeat("د", 5000)})
	if err != nil {
		t.Fatal(err)
	}
	e := auditLog(t, db, audit.Query{Limit: 1})[0]
	if e.Actor != "a\uFFFDb" || e.IP != "\uFFFD" || len([]rune(e.Detail)) != maxAuditDetail || !strings.HasSuffix(e.Detail, "…") {
		t.Errorf("cleaned entry: actor %q, ip %q, detail of %d runes", e.Actor, e.IP, len([]rune(e.Detail)))
	}
}

// testAuditInTransaction checks that every story move writes its audit
// entry with the change, and that a refused move writes none.
func testAuditInTransaction(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	ed := staff(t, db, "editor")
	actor := audit.Entry{ActorID: ed.ID, Actor: ed.Email, IP: "203.0.113.9"}
	with := func(a audit.Action) audit.Entry { e := actor; e.Action = a; return e }
	now := clock(db, 0)

	s := draft(t, db, family(t, db), "en")
	s.Body = "Saved."
	if err := db.SaveStory(ctx, &s, with(audit.StorySave)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(ctx, s.ID, Publish{At: at(3), Audit: with(audit.StoryPublish)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KillStory(ctx, s.ID, Kill{Notice: "Withdrawn.", At: at(4), Audit: with(audit.StoryKill)}); err != nil {
		t.Fatal(err)
	}
	es := auditLog(t, db, audit.Query{StoryID: s.ID})
	if got := actions(es); !slices.Equal(got, []audit.Action{audit.StoryKill, audit.StoryPublish, audit.StorySave}) {
		t.Fatalf("audit of the story: %v", got)
	}
	// The store fills the time and the story when the caller leaves them out.
	for i, when := range []time.Time{storeTime(at(4)), storeTime(at(3)), now} {
		if e := es[i]; !e.At.Equal(when) || e.StoryID != s.ID || e.ActorID != ed.ID || e.Actor != ed.Email || e.IP != actor.IP {
			t.Errorf("entry %s = %+v, want at %v by %d", e.Action, e, when, ed.ID)
		}
	}

	// Refused moves leave no entry.
	before := len(auditLog(t, db, audit.Query{}))
	other := draft(t, db, family(t, db), "ur")
	_, err := db.PublishStory(ctx, s.ID, Publish{At: at(5), CorrectionNote: "back", Audit: with(audit.StoryCorrect)})
	wantErr(t, "publish a killed story", err, ErrBadMove)
	_, err = db.KillStory(ctx, s.ID, Kill{Notice: "again", At: at(5), Audit: with(audit.StoryKill)})
	wantErr(t, "kill a killed story", err, ErrBadMove)
	_, err = db.KillStory(ctx, other.ID, Kill{Notice: "gone", At: at(5), Audit: with(audit.StoryKill)})
	wantErr(t, "kill a draft", err, ErrBadMove)
	bad := other
	bad.Headline = ""
	wantErr(t, "save an invalid story", db.SaveStory(ctx, &bad, with(audit.StorySave)), story.ErrInvalid)
	killed, _ := db.Story(ctx, s.ID)
	wantErr(t, "save a killed story", db.SaveStory(ctx, &killed, with(audit.StorySave)), ErrBadMove)
	_, err = db.SetStatus(ctx, s.ID, story.StatusDraft, with(audit.StoryReturn))
	wantErr(t, "return a killed story", err, ErrBadMove)
	_, err = db.ScheduleStory(ctx, s.ID, at(9), with(audit.StorySchedule))
	wantErr(t, "schedule a killed story", err, ErrBadMove)
	if after := len(auditLog(t, db, audit.Query{})); after != before {
		t.Errorf("refused moves wrote %d audit entries", after-before)
	}
	if err := db.SaveStory(ctx, nil, audit.Entry{}); err == nil {
		t.Error("nil story saved")
	}
}

func testSetStatus(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	s := draft(t, db, family(t, db), "ar")
	later := clock(db, 7)
	sub, err := db.SetStatus(ctx, s.ID, story.StatusSubmitted, audit.Entry{Action: audit.StorySubmit})
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status != story.StatusSubmitted || !sub.UpdatedAt.Equal(later) {
		t.Errorf("after submit: status %s, updated %v", sub.Status, sub.UpdatedAt)
	}
	if stored, _ := db.Story(ctx, s.ID); !reflect.DeepEqual(stored, sub) {
		t.Errorf("SetStatus returned %+v, store holds %+v", sub, stored)
	}
	back, err := db.SetStatus(ctx, s.ID, story.StatusDraft, audit.Entry{Action: audit.StoryReturn})
	if err != nil || back.Status != story.StatusDraft {
		t.Fatalf("return to draft: %s, %v", back.Status, err)
	}
	if got := actions(auditLog(t, db, audit.Query{StoryID: s.ID})); !slices.Equal(got, []audit.Action{audit.StoryReturn, audit.StorySubmit}) {
		t.Errorf("audit of the moves: %v", got)
	}

	pub := publish(t, db, draft(t, db, family(t, db), "en").ID, at(1))
	for _, tc := range []struct {
		name string
		id   int64
		to   story.Status
		want error
	}{
		{"draft to draft", s.ID, story.StatusDraft, ErrBadMove},
		{"draft to published", s.ID, story.StatusPublished, ErrBadMove},
		{"draft to killed", s.ID, story.StatusKilled, ErrBadMove},
		{"unknown status", s.ID, "lost", ErrBadMove},
		{"published to draft", pub.ID, story.StatusDraft, ErrBadMove},
		{"missing story", 424242, story.StatusSubmitted, ErrNotFound},
	} {
		_, err := db.SetStatus(ctx, tc.id, tc.to, audit.Entry{Action: audit.StorySubmit})
		wantErr(t, tc.name, err, tc.want)
	}
	if got, _ := db.Story(ctx, s.ID); got.Status != story.StatusDraft {
		t.Errorf("refused moves left the story %s", got.Status)
	}
}

func testSchedule(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	fam := family(t, db)
	a := draft(t, db, fam, "en")
	b := draft(t, db, fam, "ur", func(s *story.Story) { s.Status = story.StatusSubmitted })
	c := draft(t, db, fam, "ar", func(s *story.Story) { s.PublishAt = at(30) }) // scheduled from the start
	d := draft(t, db, fam, "zh")
	e := draft(t, db, fam, "fr")

	for _, tc := range []struct {
		s    story.Story
		when time.Time
	}{{a, at(20)}, {b, at(10)}, {d, at(20)}, {e, at(90)}} {
		got, err := db.ScheduleStory(ctx, tc.s.ID, tc.when, audit.Entry{Action: audit.StorySchedule})
		if err != nil {
			t.Fatal(err)
		}
		if !got.PublishAt.Equal(storeTime(tc.when)) || got.Status != tc.s.Status {
			t.Errorf("scheduled story: %+v", got)
		}
	}
	if got := auditLog(t, db, audit.Query{StoryID: a.ID}); len(got) != 1 || got[0].Action != audit.StorySchedule {
		t.Errorf("audit of scheduling: %+v", got)
	}
	// A zero time unschedules.
	if got, err := db.ScheduleStory(ctx, d.ID, time.Time{}, audit.Entry{}); err != nil || !got.PublishAt.IsZero() {
		t.Errorf("unschedule: %v, %v", got.PublishAt, err)
	}
	if got, _ := db.Story(ctx, d.ID); !got.PublishAt.IsZero() {
		t.Errorf("unscheduled story still due at %v", got.PublishAt)
	}

	for _, tc := range []struct {
		now   time.Time
		limit int
		want  []int64
	}{
		{at(9), 0, nil},
		{at(10), 0, []int64{b.ID}},
		{at(30), 0, []int64{b.ID, a.ID, c.ID}}, // the longest overdue first
		{at(30), 2, []int64{b.ID, a.ID}},
		{at(99), 0, []int64{b.ID, a.ID, c.ID, e.ID}},
	} {
		got, err := db.DueStories(ctx, tc.now, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("DueStories(%v, %d) = %v, want %v", tc.now, tc.limit, ids(got), tc.want)
		}
	}

	// Publishing ends the schedule; a published story has none to set.
	p, err := db.PublishStory(ctx, b.ID, Publish{At: at(10)})
	if err != nil {
		t.Fatal(err)
	}
	if !p.PublishAt.IsZero() {
		t.Errorf("published story still scheduled at %v", p.PublishAt)
	}
	if got, _ := db.DueStories(ctx, at(30), 0); !slices.Equal(ids(got), []int64{a.ID, c.ID}) {
		t.Errorf("due after publishing one: %v", ids(got))
	}
	_, err = db.ScheduleStory(ctx, b.ID, at(40), audit.Entry{Action: audit.StorySchedule})
	wantErr(t, "schedule a published story", err, ErrBadMove)
	_, err = db.ScheduleStory(ctx, 424242, at(40), audit.Entry{})
	wantErr(t, "schedule a missing story", err, ErrNotFound)

	// Editing the working copy keeps the schedule.
	a.Headline = "Edited"
	a.PublishAt = time.Time{}
	if err := db.UpdateStory(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if !a.PublishAt.Equal(storeTime(at(20))) {
		t.Errorf("update changed the schedule to %v", a.PublishAt)
	}
}

func testEmbargo(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	now := clock(db, 0)
	hour := at(60)

	fam := family(t, db)
	open := publish(t, db, draft(t, db, fam, "en").ID, at(-10))
	// The Urdu translation is published under embargo: until the hour, the
	// family has no Urdu member readers can see.
	held, err := db.PublishStory(ctx, draft(t, db, fam, "ur", func(s *story.Story) { s.TranslatedFromID = open.ID }).ID,
		Publish{At: now, EmbargoUntil: hour, Audit: audit.Entry{Action: audit.StoryPublish}})
	if err != nil {
		t.Fatal(err)
	}
	if !held.EmbargoUntil.Equal(storeTime(hour)) {
		t.Errorf("embargo %v, want %v", held.EmbargoUntil, storeTime(hour))
	}
	if got, _ := db.Story(ctx, held.ID); !reflect.DeepEqual(got, held) {
		t.Errorf("PublishStory returned %+v, store holds %+v", held, got)
	}
	// An Arabic original, embargoed, in a family of its own.
	solo := publish(t, db, draft(t, db, family(t, db), "ar").ID, at(-5))
	solo, err = db.PublishStory(ctx, solo.ID, Publish{At: now, CorrectionNote: "embargo added", EmbargoUntil: hour})
	if err != nil {
		t.Fatal(err)
	}

	// The version remembers its embargo, for the wire.
	var stored time.Time
	err = db.read().queryRow(ctx, `SELECT embargo_until FROM story_versions WHERE story_id = ? AND version = 1`, held.ID).Scan(scanTime{&stored})
	if err != nil || !stored.Equal(storeTime(hour)) {
		t.Errorf("version's embargo: %v, %v; want %v", stored, err, storeTime(hour))
	}

	for _, tc := range []struct {
		name string
		now  time.Time
		list []int64
		ur   []int64 // Untranslated into Urdu
		fr   []int64 // Untranslated into French
	}{
		{"before the hour", at(59), []int64{open.ID}, []int64{open.ID}, []int64{open.ID}},
		{"at the hour", hour, []int64{held.ID, solo.ID, open.ID}, []int64{solo.ID}, []int64{solo.ID, open.ID}},
	} {
		got, err := db.PublishedStories(ctx, ListQuery{Now: tc.now})
		if err != nil || !slices.Equal(ids(got), tc.list) {
			t.Errorf("%s: published %v, %v; want %v", tc.name, ids(got), err, tc.list)
		}
		if n, err := db.CountPublished(ctx, ListQuery{Now: tc.now}); err != nil || n != len(tc.list) {
			t.Errorf("%s: count %d, %v; want %d", tc.name, n, err, len(tc.list))
		}
		if got, err := db.Untranslated(ctx, "ur", "", 0, tc.now); err != nil || !slices.Equal(ids(got), tc.ur) {
			t.Errorf("%s: untranslated into ur %v, %v; want %v", tc.name, ids(got), err, tc.ur)
		}
		if got, err := db.Untranslated(ctx, "fr", "", 0, tc.now); err != nil || !slices.Equal(ids(got), tc.fr) {
			t.Errorf("%s: untranslated into fr %v, %v; want %v", tc.name, ids(got), err, tc.fr)
		}
	}
	// A zero Now is the store's clock, which is before the hour.
	if got, _ := db.PublishedStories(ctx, ListQuery{Lang: "ur"}); len(got) != 0 {
		t.Errorf("embargoed story listed at the store's clock: %v", ids(got))
	}

	// A killed story's embargo is never lifted.
	killedOne := publish(t, db, draft(t, db, family(t, db), "zh").ID, at(1))
	if _, err := db.PublishStory(ctx, killedOne.ID, Publish{At: at(2), CorrectionNote: "n", EmbargoUntil: at(30)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KillStory(ctx, killedOne.ID, Kill{Notice: "gone", At: at(3)}); err != nil {
		t.Fatal(err)
	}

	seq, _ := db.LastSeq(ctx)
	if got, err := db.LiftEmbargoes(ctx, at(59)); err != nil || len(got) != 0 {
		t.Errorf("lift before the hour: %v, %v; want none", ids(got), err)
	}
	lifted, err := db.LiftEmbargoes(ctx, at(61))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{held.ID, solo.ID}; !slices.Equal(ids(lifted), want) {
		t.Errorf("lifted %v, want %v", ids(lifted), want)
	}
	again, err := db.LiftEmbargoes(ctx, at(120))
	if err != nil || len(again) != 0 {
		t.Errorf("second lift: %v, %v; want nothing", ids(again), err)
	}
	chs, err := db.Changes(ctx, seq, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 2 {
		t.Fatalf("%d changes after lifting, want 2: %+v", len(chs), chs)
	}
	for i, want := range []story.Story{held, solo} {
		wantCh := story.Change{Seq: chs[i].Seq, Kind: story.ChangeEmbargoLift, StoryID: want.ID, FamilyID: want.FamilyID,
			Lang: want.Lang, Version: want.Version, At: storeTime(hour)}
		if chs[i] != wantCh {
			t.Errorf("change %d = %+v, want %+v", i, chs[i], wantCh)
		}
	}
	if es := auditLog(t, db, audit.Query{StoryID: solo.ID}); len(es) != 1 || es[0].Action != audit.StoryEmbargoLift ||
		es[0].Actor != "system" || es[0].ActorID != 0 || !es[0].At.Equal(storeTime(at(61))) {
		t.Errorf("audit of the lift: %+v", es)
	}

	// A correction under a new embargo is lifted again, once.
	if _, err := db.PublishStory(ctx, solo.ID, Publish{At: at(70), CorrectionNote: "again", EmbargoUntil: at(80)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.PublishedStories(ctx, ListQuery{Now: at(75), Lang: "ar"}); len(got) != 0 {
		t.Errorf("re-embargoed story listed: %v", ids(got))
	}
	for i, want := range [][]int64{{solo.ID}, nil} {
		if got, err := db.LiftEmbargoes(ctx, at(80)); err != nil || !slices.Equal(ids(got), want) {
			t.Errorf("lift %d of the new embargo: %v, %v; want %v", i+1, ids(got), err, want)
		}
	}
	// A correction without an embargo clears it.
	p, err := db.PublishStory(ctx, held.ID, Publish{At: at(90), CorrectionNote: "plain"})
	if err != nil || !p.EmbargoUntil.IsZero() {
		t.Errorf("correction without embargo: %v, %v", p.EmbargoUntil, err)
	}
}

// testManyEmbargoes lifts more stories than one batch reads, from four
// goroutines at once, as nodes sharing a database would: each story is
// lifted once between them.
func testManyEmbargoes(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	const n = liftBatch + 7
	for i := range n {
		s := draft(t, db, family(t, db), "en")
		if _, err := db.PublishStory(ctx, s.ID, Publish{At: at(0), EmbargoUntil: at(1 + i%3)}); err != nil {
			t.Fatal(err)
		}
	}
	seq, _ := db.LastSeq(ctx)
	const workers = 4
	var wg sync.WaitGroup
	counts := make(chan int, workers)
	for range workers {
		wg.Go(func() {
			lifted, err := db.LiftEmbargoes(ctx, at(5))
			if err != nil {
				t.Error(err)
			}
			counts <- len(lifted)
		})
	}
	wg.Wait()
	close(counts)
	total := 0
	for c := range counts {
		total += c
	}
	if total != n {
		t.Errorf("lifted %d in all, want %d", total, n)
	}
	chs, _ := db.Changes(ctx, seq, 1000)
	seen := map[int64]int{}
	for _, ch := range chs {
		seen[ch.StoryID]++
	}
	if len(chs) != n || len(seen) != n {
		t.Errorf("%d changes for %d stories, want one each for %d", len(chs), len(seen), n)
	}
}

func testAuthorAndTimesRoundTrip(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	author := staff(t, db, "reporter", func(u *auth.User) { u.Roles = []auth.Role{auth.RoleReporter} })
	fam := family(t, db)
	s := draft(t, db, fam, "ur", func(s *story.Story) {
		s.AuthorID = author.ID
		s.PublishAt = time.Date(2026, 6, 1, 12, 0, 0, 999, time.FixedZone("PKT", 5*3600))
		s.EmbargoUntil = at(120)
	})
	if s.PublishAt.Location() != time.UTC || s.PublishAt.Nanosecond() != 0 {
		t.Errorf("CreateStory left PublishAt %v, want it as stored", s.PublishAt)
	}
	byID, err := db.Stories(ctx, []int64{s.ID})
	if err != nil {
		t.Fatal(err)
	}
	members, err := db.Family(ctx, fam)
	if err != nil {
		t.Fatal(err)
	}
	one, err := db.Story(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for how, got := range map[string]story.Story{"Story": one, "Stories": byID[s.ID], "Family": members[0]} {
		if !reflect.DeepEqual(got, s) {
			t.Errorf("via %s:\n got %+v\nwant %+v", how, got, s)
		}
	}

	// UpdateStory leaves author, schedule and embargo alone.
	edit := s
	edit.AuthorID, edit.PublishAt, edit.EmbargoUntil = 0, time.Time{}, at(5)
	edit.Headline = "نئی سرخی"
	if err := db.UpdateStory(ctx, &edit); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Story(ctx, s.ID)
	if got.AuthorID != author.ID || !got.PublishAt.Equal(s.PublishAt) || !got.EmbargoUntil.Equal(s.EmbargoUntil) || got.Headline != "نئی سرخی" {
		t.Errorf("after update: %+v", got)
	}
	if !reflect.DeepEqual(edit, got) {
		t.Errorf("caller's story not refreshed:\n got %+v\nwant %+v", edit, got)
	}

	for _, tc := range []struct {
		name string
		edit func(*story.Story)
		want error
	}{
		{"missing author", func(s *story.Story) { s.AuthorID = 424242 }, ErrNotFound},
		{"negative author", func(s *story.Story) { s.AuthorID = -1 }, story.ErrInvalid},
		{"body of 1 MiB and a byte", func(s *story.Story) { s.Body = strings.Repeat("a", story.MaxBody+1) }, story.ErrInvalid},
	} {
		x := story.Story{FamilyID: fam, Lang: "fr", Headline: "Titre", Section: "world", Status: story.StatusDraft}
		tc.edit(&x)
		wantErr(t, tc.name, db.CreateStory(ctx, &x), tc.want)
	}
	// The largest body allowed, in one-byte runes, fits; one byte more is
	// refused on update too.
	big := draft(t, db, fam, "en", func(s *story.Story) { s.Body = strings.Repeat("a", story.MaxBody) })
	if got, err := db.Story(ctx, big.ID); err != nil || len(got.Body) != story.MaxBody {
		t.Errorf("1 MiB body: %d bytes back, %v", len(got.Body), err)
	}
	big.Body += "b"
	wantErr(t, "update to 1 MiB and a byte", db.UpdateStory(ctx, &big), story.ErrInvalid)
}

func testDeskStories(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	rep := staff(t, db, "rep", func(u *auth.User) { u.Roles = []auth.Role{auth.RoleReporter} })
	// Each story is created a minute after the one before, so the most
	// recently updated comes first in creation order reversed.
	var all []story.Story
	mk := func(lang, section string, author int64, status story.Status) story.Story {
		t.Helper()
		clock(db, len(all))
		s := draft(t, db, family(t, db), lang, func(s *story.Story) {
			s.Section, s.AuthorID = section, author
			if status == story.StatusSubmitted {
				s.Status = status
			}
		})
		if status == story.StatusPublished || status == story.StatusKilled {
			s = publish(t, db, s.ID, at(len(all)))
		}
		if status == story.StatusKilled {
			var err error
			if s, err = db.KillStory(ctx, s.ID, Kill{Notice: "gone", At: at(len(all))}); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, s)
		return s
	}
	a := mk("en", "world", rep.ID, story.StatusDraft)
	b := mk("ur", "world", 0, story.StatusSubmitted)
	c := mk("ar", "business", rep.ID, story.StatusPublished)
	d := mk("zh", "world", 0, story.StatusKilled)
	e := mk("ur", "business", rep.ID, story.StatusDraft)
	f := mk("en", "world", 0, story.StatusPublished)

	// Touching a story moves it to the top.
	clock(db, 100)
	if err := db.UpdateStory(ctx, &b); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		q    DeskQuery
		want []story.Story
	}{
		{"everything", DeskQuery{}, []story.Story{b, f, e, d, c, a}},
		{"status", DeskQuery{Status: story.StatusDraft}, []story.Story{e, a}},
		{"language", DeskQuery{Lang: "ur"}, []story.Story{b, e}},
		{"section", DeskQuery{Section: "business"}, []story.Story{e, c}},
		{"author", DeskQuery{AuthorID: rep.ID}, []story.Story{e, c, a}},
		{"languages", DeskQuery{Langs: []string{"ur", "zh"}}, []story.Story{b, e, d}},
		{"languages and status", DeskQuery{Langs: []string{"ur", "ar"}, Status: story.StatusDraft}, []story.Story{e}},
		{"all filters", DeskQuery{Status: story.StatusPublished, Lang: "ar", Section: "business", AuthorID: rep.ID, Langs: []string{"ar"}}, []story.Story{c}},
		{"nothing", DeskQuery{Lang: "fr"}, nil},
		{"hostile", DeskQuery{Lang: `' OR 1=1 --`, Langs: []string{`') OR ('1'='1`}}, nil},
		{"first page", DeskQuery{Limit: 4}, []story.Story{b, f, e, d}},
		{"second page", DeskQuery{Limit: 4, Offset: 4}, []story.Story{c, a}},
		{"negative offset", DeskQuery{Limit: 2, Offset: -3}, []story.Story{b, f}},
	} {
		got, err := db.DeskStories(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(ids(got), ids(tc.want)) {
			t.Errorf("%s: %v, want %v", tc.name, ids(got), ids(tc.want))
		}
		unpaged := tc.q
		unpaged.Limit, unpaged.Offset = maxDesk, 0
		all, _ := db.DeskStories(ctx, unpaged)
		if n, err := db.CountDeskStories(ctx, tc.q); err != nil || n != len(all) {
			t.Errorf("%s: count %d, %v; want %d", tc.name, n, err, len(all))
		}
	}
	if got, _ := db.DeskStories(ctx, DeskQuery{}); !reflect.DeepEqual(got[0], b) {
		t.Errorf("desk story reads back as %+v, want %+v", got[0], b)
	}

	// Without a limit a page holds 50, and never more than 200.
	for range defaultDesk {
		draft(t, db, family(t, db), "fr")
	}
	for _, tc := range []struct{ limit, want int }{{0, defaultDesk}, {1000, defaultDesk + 6}} {
		if got, err := db.DeskStories(ctx, DeskQuery{Limit: tc.limit}); err != nil || len(got) != tc.want {
			t.Errorf("limit %d: %d stories, %v; want %d", tc.limit, len(got), err, tc.want)
		}
	}
}

func testSearchHeadlines(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	n := 0
	mk := func(lang, headline string, status story.Status) story.Story {
		t.Helper()
		n++
		s := draft(t, db, family(t, db), lang, func(s *story.Story) { s.Headline = headline })
		switch status {
		case story.StatusPublished:
			s = publish(t, db, s.ID, at(n))
		case story.StatusKilled:
			publish(t, db, s.ID, at(n))
			if _, err := db.KillStory(ctx, s.ID, Kill{Notice: "gone", At: at(n)}); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	floods := mk("en", "Floods in SINDH displace thousands", story.StatusPublished)
	urdu := mk("ur", "سندھ میں سیلاب سے ہزاروں بے گھر", story.StatusPublished)
	chinese := mk("zh", "信德省洪灾致数千人流离失所", story.StatusPublished)
	rate := mk("en", "Inflation falls to 5% in March", story.StatusPublished)
	under := mk("en", "snake_case names for the new API", story.StatusPublished)
	plain := mk("en", "Rates fall to 50 in March; snake-case", story.StatusPublished)
	mk("en", "Floods draft", story.StatusDraft)
	mk("en", "Floods withdrawn", story.StatusKilled)
	embargoed := draft(t, db, family(t, db), "en", func(s *story.Story) { s.Headline = "Floods budget under embargo" })
	embargoed, err := db.PublishStory(ctx, embargoed.ID, Publish{At: at(50), EmbargoUntil: at(500)})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		q, lang string
		limit   int
		want    []story.Story
	}{
		{"floods", "", 0, []story.Story{embargoed, floods}}, // newest first; drafts and kills left out
		{"sindh", "en", 0, []story.Story{floods}},
		{"  SiNdH ", "", 0, []story.Story{floods}},
		{"سیلاب", "", 0, []story.Story{urdu}},
		{"سیلاب", "en", 0, nil},
		{"洪灾", "zh", 0, []story.Story{chinese}},
		{"5%", "", 0, []story.Story{rate}},    // % is a percent sign, not "anything"
		{"5% in", "", 0, []story.Story{rate}}, // and "Rates fall to 50 in" does not match it
		{"%", "", 0, []story.Story{rate}},
		{"snake_case", "", 0, []story.Story{under}}, // _ is an underscore, not "any one character"
		{"e_c", "", 0, []story.Story{under}},
		{`\`, "", 0, nil},
		{"fall", "", 1, []story.Story{plain}},
		{"", "", 3, []story.Story{embargoed, plain, under}},
	} {
		got, err := db.SearchHeadlines(ctx, tc.q, tc.lang, tc.limit)
		if err != nil {
			t.Fatalf("SearchHeadlines(%q, %q): %v", tc.q, tc.lang, err)
		}
		if !slices.Equal(ids(got), ids(tc.want)) {
			t.Errorf("SearchHeadlines(%q, %q, %d) = %v, want %v", tc.q, tc.lang, tc.limit, ids(got), ids(tc.want))
		}
	}
	for _, q := range []string{"a\x00", "\xff", strings.Repeat("x", story.MaxHeadline+1)} {
		if _, err := db.SearchHeadlines(ctx, q, "", 0); !errors.Is(err, story.ErrInvalid) {
			t.Errorf("SearchHeadlines(%.10q): %v, want ErrInvalid", q, err)
		}
	}
}
