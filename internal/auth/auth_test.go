package auth

import (
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	h, err := HashPassword("a long enough secret")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=4$") {
		t.Errorf("hash %q is not a PHC argon2id string", h)
	}
	h2, _ := HashPassword("a long enough secret")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if !CheckPassword(h, "a long enough secret") || CheckPassword(h, "a long enough secreT") || CheckPassword(h, "") {
		t.Error("CheckPassword accepts the wrong password or refuses the right one")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=65536,t=3,p=4$salt", "$argon2i$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=3,p=4$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", strings.Replace(h, "t=3", "t=99", 1)} {
		if CheckPassword(bad, "a long enough secret") {
			t.Errorf("malformed or hostile hash %q matched", bad)
		}
	}
	for _, pw := range []string{"short", strings.Repeat("x", MaxPassword+1)} {
		if _, err := HashPassword(pw); err == nil {
			t.Errorf("password of %d bytes accepted", len(pw))
		}
	}
	if CheckPassword(h, strings.Repeat("x", MaxPassword+1)) {
		t.Error("an oversized password was checked")
	}
}

func TestTokens(t *testing.T) {
	a, ha, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := NewToken()
	if a == b || len(a) < 40 || HashToken(a) != ha || ha == a {
		t.Errorf("tokens %q %q hash %q", a, b, ha)
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"admin", " Editor ", "REPORTER", "translator"} {
		if _, err := ParseRole(s); err != nil {
			t.Errorf("ParseRole(%q): %v", s, err)
		}
	}
	if _, err := ParseRole("owner"); err == nil {
		t.Error("unknown role accepted")
	}
	for in, want := range map[string]string{"en>ur": "en>ur", "en->zh": "en>zh", "en→ar": "en>ar", " ru : fr ": "ru>fr"} {
		p, err := ParsePair(in)
		if err != nil || p.String() != want {
			t.Errorf("ParsePair(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
	for _, bad := range []string{"", "en", "en>", ">ur", "en>en"} {
		if _, err := ParsePair(bad); err == nil {
			t.Errorf("ParsePair(%q) accepted", bad)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := User{Email: "a@b.example", Roles: []Role{RoleReporter}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		u    User
		want string
	}{
		{User{Email: "not an address", Roles: []Role{RoleEditor}}, "email"},
		{User{Email: "Name <a@b.example>", Roles: []Role{RoleEditor}}, "email"},
		{User{Email: "a@b.example"}, "at least one role"},
		{User{Email: "a@b.example", Roles: []Role{"owner"}}, "unknown"},
		{User{Email: "a@b.example", Roles: []Role{RoleTranslator}}, "language pair"},
		{User{Email: "a@b.example", Name: "\xff", Roles: []Role{RoleEditor}}, "UTF-8"},
	}
	for _, tt := range tests {
		if err := tt.u.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.u, err, tt.want)
		}
	}
}

// TestPermissionTable is the role-level table every desk page and action
// consults; story-level rules follow in TestStoryRules.
func TestPermissionTable(t *testing.T) {
	everyone := []Role{RoleAdmin, RoleEditor, RoleReporter, RoleTranslator}
	editors := []Role{RoleAdmin, RoleEditor}
	want := map[Action][]Role{
		ActionDeskView: everyone, ActionStoryCreate: everyone, ActionStoryView: everyone, ActionStoryEdit: everyone,
		ActionStorySubmit: everyone, ActionStoryReturn: editors, ActionStoryPublish: editors, ActionStorySchedule: editors,
		ActionStoryCorrect: editors, ActionStoryKill: editors, ActionAuditView: {RoleAdmin}, ActionUserManage: {RoleAdmin},
		ActionTranslateStart: editors, ActionTranslateMemory: editors, ActionStoryRelated: everyone,
		ActionIngestUse: {RoleAdmin, RoleEditor, RoleReporter}, ActionFeedManage: {RoleAdmin},
	}
	if len(want) != len(Actions()) {
		t.Fatalf("the table covers %d of %d actions", len(want), len(Actions()))
	}
	for _, a := range Actions() {
		for _, r := range Roles() {
			u := User{ID: 1, Roles: []Role{r}, Pairs: []Pair{{"en", "ur"}}}
			may := false
			for _, w := range want[a] {
				may = may || w == r
			}
			if Can(u, a) != may {
				t.Errorf("Can(%s, %s) = %v, want %v", r, a, !may, may)
			}
			u.Disabled = true
			if Can(u, a) {
				t.Errorf("a disabled %s may %s", r, a)
			}
		}
	}
}

func TestStoryRules(t *testing.T) {
	rep := User{ID: 7, Roles: []Role{RoleReporter}}
	tr := User{ID: 8, Roles: []Role{RoleTranslator}, Pairs: []Pair{{"en", "ur"}}}
	ed := User{ID: 9, Roles: []Role{RoleEditor}}
	own := StoryFacts{AuthorID: 7, Lang: "en", Status: "draft"}
	others := StoryFacts{AuthorID: 1, Lang: "en", Status: "draft"}
	urdu := StoryFacts{AuthorID: 1, Lang: "ur", Status: "draft"}
	french := StoryFacts{AuthorID: 1, Lang: "fr", Status: "draft"}
	tests := []struct {
		u    User
		a    Action
		f    StoryFacts
		want bool
	}{
		{rep, ActionStoryEdit, own, true},
		{rep, ActionStoryEdit, others, false},
		{rep, ActionStorySubmit, own, true},
		{rep, ActionStoryEdit, StoryFacts{AuthorID: 7, Lang: "en", Status: "published"}, false},
		{rep, ActionStoryView, others, true},
		{tr, ActionStoryEdit, urdu, true},
		{tr, ActionStoryEdit, french, false},
		{tr, ActionStoryEdit, StoryFacts{AuthorID: 1, Lang: "ur", Status: "published"}, true},
		{tr, ActionStoryEdit, StoryFacts{AuthorID: 8, Lang: "fr", Status: "published"}, false},
		{tr, ActionStoryEdit, StoryFacts{AuthorID: 1, Lang: "ur", Status: "killed"}, false},
		{tr, ActionStoryView, others, true}, // English is the translator's source
		{tr, ActionStoryView, french, false},
		{ed, ActionStoryPublish, StoryFacts{Status: "submitted"}, true},
		{ed, ActionStoryPublish, StoryFacts{Status: "killed"}, false},
		{ed, ActionStoryCorrect, StoryFacts{Status: "published"}, true},
		{ed, ActionStoryCorrect, StoryFacts{Status: "draft"}, false},
		{ed, ActionStoryKill, StoryFacts{Status: "published"}, true},
		{ed, ActionStoryEdit, StoryFacts{Status: "killed"}, false},
		{rep, ActionStoryRelated, own, true},
		{rep, ActionStoryRelated, others, false},
		{rep, ActionStoryRelated, StoryFacts{AuthorID: 7, Lang: "en", Status: "published"}, false},
		{tr, ActionStoryRelated, urdu, true},
		{tr, ActionStoryRelated, french, false},
		{tr, ActionStoryRelated, StoryFacts{AuthorID: 1, Lang: "ur", Status: "published"}, false},
		{ed, ActionStoryRelated, StoryFacts{Status: "published"}, true},
		{ed, ActionStoryRelated, StoryFacts{Status: "killed"}, false},
	}
	for _, tt := range tests {
		if got := CanOnStory(tt.u, tt.a, tt.f); got != tt.want {
			t.Errorf("CanOnStory(%v, %s, %+v) = %v, want %v", tt.u.Roles, tt.a, tt.f, got, tt.want)
		}
	}
	if !CanCreateIn(tr, "ur") || CanCreateIn(tr, "en") || !CanCreateIn(rep, "zh") {
		t.Error("CanCreateIn: translators only in the languages they translate into")
	}
}

func TestCoversPair(t *testing.T) {
	tr := User{ID: 8, Roles: []Role{RoleTranslator}, Pairs: []Pair{{"en", "ur"}, {"ar", "ur"}}}
	lapsed := User{ID: 9, Roles: []Role{RoleReporter}, Pairs: []Pair{{"en", "ur"}}} // pairs kept from an old role
	tests := []struct {
		u        User
		from, to string
		want     bool
	}{
		{tr, "en", "ur", true},
		{tr, "ar", "ur", true},
		{tr, "zh", "ur", false}, // translates into Urdu, but not from Chinese
		{tr, "ur", "en", false}, // a pair has a direction
		{tr, "en", "ar", false},
		{lapsed, "en", "ur", false},
	}
	for _, tt := range tests {
		if got := tt.u.CoversPair(tt.from, tt.to); got != tt.want {
			t.Errorf("%v %v CoversPair(%s, %s) = %v, want %v", tt.u.Roles, tt.u.Pairs, tt.from, tt.to, got, tt.want)
		}
	}
}
