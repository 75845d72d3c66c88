package store

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

func relatedContract() []contractTest {
	return []contractTest{
		{"related: pins and exclusions round trip", testRelatedRoundTrip},
		{"related: pin order", testRelatedPinOrder},
		{"related: refused choices", testRelatedRefused},
		{"related: audit in the same transaction", testRelatedAudit},
		{"related: concurrent pins", testRelatedConcurrentPins},
		{"related: stored lists", testRelatedLists},
	}
}

// relatedStories makes n English drafts in families of their own.
func relatedStories(t *testing.T, db *DB, n int) []int64 {
	t.Helper()
	var out []int64
	for range n {
		out = append(out, draft(t, db, family(t, db), "en").ID)
	}
	return out
}

// choiceList reads a story's choices as "pin:ID@POS" and "exclude:ID"
// strings, the order the store gives them in.
func choiceList(t *testing.T, db *DB, storyID int64) []string {
	t.Helper()
	cs, err := db.RelatedChoices(t.Context(), storyID)
	if err != nil {
		t.Fatalf("related choices of %d: %v", storyID, err)
	}
	var out []string
	for _, c := range cs {
		if c.StoryID != storyID {
			t.Errorf("choice %+v listed for story %d", c, storyID)
		}
		s := string(c.Kind) + ":" + itoa64(c.OtherID)
		if c.Kind == RelatedPin {
			s += "@" + itoa64(int64(c.Position))
		}
		out = append(out, s)
	}
	return out
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func pin(id int64, pos int64) string { return "pin:" + itoa64(id) + "@" + itoa64(pos) }
func excl(id int64) string           { return "exclude:" + itoa64(id) }

func setChoice(t *testing.T, db *DB, c RelatedChoice) {
	t.Helper()
	if err := db.SetRelatedChoice(t.Context(), c, audit.Entry{}); err != nil {
		t.Fatalf("set %+v: %v", c, err)
	}
}

func testRelatedRoundTrip(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	ed := staff(t, db, "editor")
	s := relatedStories(t, db, 5)
	main, b, c, d, e := s[0], s[1], s[2], s[3], s[4]

	if got := choiceList(t, db, main); len(got) != 0 {
		t.Fatalf("a fresh story has choices %v", got)
	}
	if got := choiceList(t, db, 1<<40); len(got) != 0 {
		t.Fatalf("an unknown story has choices %v", got)
	}
	now := clock(db, 7)
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: d, Kind: RelatedExclude, SetBy: ed.ID})
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: b, Kind: RelatedPin, SetBy: ed.ID})
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: c, Kind: RelatedPin})
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: e, Kind: RelatedExclude})
	// Another story's choices are its own.
	setChoice(t, db, RelatedChoice{StoryID: b, OtherID: main, Kind: RelatedPin})

	want := []string{pin(b, 1), pin(c, 2), excl(d), excl(e)}
	if got := choiceList(t, db, main); !slices.Equal(got, want) {
		t.Fatalf("choices %v, want %v", got, want)
	}
	if got := choiceList(t, db, b); !slices.Equal(got, []string{pin(main, 1)}) {
		t.Errorf("the other story's choices %v", got)
	}
	cs, err := db.RelatedChoices(ctx, main)
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].SetBy != ed.ID || !cs[0].SetAt.Equal(now) || cs[1].SetBy != 0 || !cs[2].SetAt.Equal(now) {
		t.Errorf("who and when: %+v", cs)
	}

	// A pin becomes an exclusion and back; one choice per pair. Exclusions
	// list oldest first.
	clock(db, 8)
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: b, Kind: RelatedExclude})
	if got, want := choiceList(t, db, main), []string{pin(c, 1), excl(d), excl(e), excl(b)}; !slices.Equal(got, want) {
		t.Errorf("after excluding a pin: %v, want %v", got, want)
	}
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: d, Kind: RelatedPin})
	if got, want := choiceList(t, db, main), []string{pin(c, 1), pin(d, 2), excl(e), excl(b)}; !slices.Equal(got, want) {
		t.Errorf("after pinning an exclusion: %v, want %v", got, want)
	}

	// Unpin and un-exclude; a second removal finds nothing.
	if err := db.DeleteRelatedChoice(ctx, main, c, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteRelatedChoice(ctx, main, e, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "delete twice", db.DeleteRelatedChoice(ctx, main, e, audit.Entry{}), ErrNotFound)
	wantErr(t, "delete from an unknown story", db.DeleteRelatedChoice(ctx, 1<<40, e, audit.Entry{}), ErrNotFound)
	want = []string{pin(d, 1), excl(b)}
	if got := choiceList(t, db, main); !slices.Equal(got, want) {
		t.Errorf("after removals: %v, want %v", got, want)
	}

	// Choices outlive the connection, and survive the stories' publication
	// and kill (the service decides what a killed pin means).
	publish(t, db, d, at(9))
	if _, err := db.KillStory(ctx, d, Kill{Notice: "Withdrawn.", At: at(10)}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db2 := reopen(t)
	if db2 == nil {
		t.FailNow()
	}
	defer db2.Close()
	if got := choiceList(t, db2, main); !slices.Equal(got, want) {
		t.Errorf("after reopening: %v, want %v", got, want)
	}
}

func testRelatedPinOrder(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	s := relatedStories(t, db, 6)
	main, p := s[0], s[1:]
	for _, id := range p[:4] {
		setChoice(t, db, RelatedChoice{StoryID: main, OtherID: id, Kind: RelatedPin})
	}
	steps := []struct {
		name string
		c    RelatedChoice
		want []string
	}{
		{"pinned again without a place: stays", RelatedChoice{Kind: RelatedPin, OtherID: p[1]},
			[]string{pin(p[0], 1), pin(p[1], 2), pin(p[2], 3), pin(p[3], 4)}},
		{"moved to the top", RelatedChoice{Kind: RelatedPin, OtherID: p[2], Position: 1},
			[]string{pin(p[2], 1), pin(p[0], 2), pin(p[1], 3), pin(p[3], 4)}},
		{"moved past the end: last", RelatedChoice{Kind: RelatedPin, OtherID: p[2], Position: 99},
			[]string{pin(p[0], 1), pin(p[1], 2), pin(p[3], 3), pin(p[2], 4)}},
		{"new pin at a place", RelatedChoice{Kind: RelatedPin, OtherID: p[4], Position: 2},
			[]string{pin(p[0], 1), pin(p[4], 2), pin(p[1], 3), pin(p[3], 4), pin(p[2], 5)}},
		{"a pin in the middle excluded: the rest close up", RelatedChoice{Kind: RelatedExclude, OtherID: p[1]},
			[]string{pin(p[0], 1), pin(p[4], 2), pin(p[3], 3), pin(p[2], 4), excl(p[1])}},
	}
	for _, st := range steps {
		c := st.c
		c.StoryID = main
		setChoice(t, db, c)
		if got := choiceList(t, db, main); !slices.Equal(got, st.want) {
			t.Errorf("%s: %v, want %v", st.name, got, st.want)
		}
	}
	if err := db.DeleteRelatedChoice(t.Context(), main, p[0], audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	want := []string{pin(p[4], 1), pin(p[3], 2), pin(p[2], 3), excl(p[1])}
	if got := choiceList(t, db, main); !slices.Equal(got, want) {
		t.Errorf("after unpinning the first: %v, want %v", got, want)
	}
}

func testRelatedRefused(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	s := relatedStories(t, db, 2)
	main, other := s[0], s[1]
	setChoice(t, db, RelatedChoice{StoryID: main, OtherID: other, Kind: RelatedPin})
	before := choiceList(t, db, main)
	tests := []struct {
		name string
		c    RelatedChoice
		want error
	}{
		{"itself", RelatedChoice{StoryID: main, OtherID: main, Kind: RelatedPin}, story.ErrInvalid},
		{"unknown kind", RelatedChoice{StoryID: main, OtherID: other, Kind: "boost"}, story.ErrInvalid},
		{"empty kind", RelatedChoice{StoryID: main, OtherID: other}, story.ErrInvalid},
		{"exclusion with a place", RelatedChoice{StoryID: main, OtherID: other, Kind: RelatedExclude, Position: 2}, story.ErrInvalid},
		{"negative place", RelatedChoice{StoryID: main, OtherID: other, Kind: RelatedPin, Position: -1}, story.ErrInvalid},
		{"zero story", RelatedChoice{OtherID: other, Kind: RelatedPin}, story.ErrInvalid},
		{"negative other", RelatedChoice{StoryID: main, OtherID: -other, Kind: RelatedPin}, story.ErrInvalid},
		{"negative user", RelatedChoice{StoryID: main, OtherID: other, Kind: RelatedPin, SetBy: -3}, story.ErrInvalid},
		{"unknown story", RelatedChoice{StoryID: math.MaxInt64, OtherID: other, Kind: RelatedPin}, ErrNotFound},
		{"unknown other", RelatedChoice{StoryID: main, OtherID: math.MaxInt64, Kind: RelatedExclude}, ErrNotFound},
		{"unknown user", RelatedChoice{StoryID: main, OtherID: other, Kind: RelatedExclude, SetBy: 1 << 50}, ErrNotFound},
		{"hostile kind", RelatedChoice{StoryID: main, OtherID: other, Kind: "pin'; DROP TABLE related_choices; --"}, story.ErrInvalid},
	}
	for _, tt := range tests {
		err := db.SetRelatedChoice(ctx, tt.c, audit.Entry{Action: "related.pin"})
		wantErr(t, tt.name, err, tt.want)
	}
	if got := choiceList(t, db, main); !slices.Equal(got, before) {
		t.Errorf("refused choices changed the list: %v, want %v", got, before)
	}
	if es := auditLog(t, db, audit.Query{}); len(es) != 0 {
		t.Errorf("refused choices wrote audit entries: %v", actions(es))
	}
}

func testRelatedAudit(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	ed := staff(t, db, "editor")
	s := relatedStories(t, db, 3)
	main, b, c := s[0], s[1], s[2]
	now := clock(db, 3)
	entry := func(a audit.Action) audit.Entry {
		return audit.Entry{ActorID: ed.ID, Actor: ed.Email, Action: a, IP: "203.0.113.4", Detail: "story " + itoa64(b)}
	}
	if err := db.SetRelatedChoice(ctx, RelatedChoice{StoryID: main, OtherID: b, Kind: RelatedPin, SetBy: ed.ID}, entry("related.pin")); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRelatedChoice(ctx, RelatedChoice{StoryID: main, OtherID: c, Kind: RelatedExclude, SetBy: ed.ID}, entry("related.exclude")); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteRelatedChoice(ctx, main, b, entry("related.remove")); err != nil {
		t.Fatal(err)
	}
	// Refused: nothing is written, no entry either.
	err := db.SetRelatedChoice(ctx, RelatedChoice{StoryID: main, OtherID: math.MaxInt64, Kind: RelatedPin}, entry("related.pin"))
	wantErr(t, "pin an unknown story", err, ErrNotFound)
	wantErr(t, "remove a missing choice", db.DeleteRelatedChoice(ctx, main, b, entry("related.remove")), ErrNotFound)

	es := auditLog(t, db, audit.Query{StoryID: main})
	if got := actions(es); !slices.Equal(got, []audit.Action{"related.remove", "related.exclude", "related.pin"}) {
		t.Fatalf("audit of the story: %v", got)
	}
	for _, e := range es {
		if e.StoryID != main || !e.At.Equal(now) || e.ActorID != ed.ID || e.IP != "203.0.113.4" || e.Detail != "story "+itoa64(b) {
			t.Errorf("entry %+v: want story %d at %v by %d", e, main, now, ed.ID)
		}
	}
	if all := auditLog(t, db, audit.Query{}); len(all) != 3 {
		t.Errorf("%d entries in all, want 3", len(all))
	}
}

// testRelatedConcurrentPins: editors pinning at the same moment each get a
// place of their own; none is lost or doubled.
func testRelatedConcurrentPins(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	const n = 8
	s := relatedStories(t, db, n+1)
	main := s[0]
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = db.SetRelatedChoice(t.Context(), RelatedChoice{StoryID: main, OtherID: s[i+1], Kind: RelatedPin}, audit.Entry{Action: "related.pin"})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("pin %d: %v", i, err)
		}
	}
	cs, err := db.RelatedChoices(t.Context(), main)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != n {
		t.Fatalf("%d choices, want %d", len(cs), n)
	}
	seen := map[int64]bool{}
	for i, c := range cs {
		if c.Kind != RelatedPin || c.Position != i+1 || seen[c.OtherID] {
			t.Errorf("choice %d: %+v", i, c)
		}
		seen[c.OtherID] = true
	}
	if es := auditLog(t, db, audit.Query{StoryID: main}); len(es) != n {
		t.Errorf("%d audit entries, want %d", len(es), n)
	}
}

// testRelatedLists stores, replaces and reads lists: the follower moves
// with them, a changed list appends a related change for its story and an
// unchanged or first list does not, a deleted story's list is left out,
// and bad lists are refused whole.
func testRelatedLists(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	ss := relatedStories(t, db, 4)
	a, b, c, d := ss[0], ss[1], ss[2], ss[3]
	pa := publish(t, db, a, at(1))

	if _, ok, err := db.RelatedList(ctx, a); err != nil || ok {
		t.Fatalf("list before any: ok %v, err %v", ok, err)
	}
	last := func() int64 {
		seq, err := db.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return seq
	}
	start := last()
	n, err := db.SaveRelatedLists(ctx, "related", 7, []RelatedList{
		{StoryID: a, Version: pa.Version, IDs: []int64{c, b}},
		{StoryID: b, Version: 1, IDs: nil},
	})
	if err != nil || n != 0 {
		t.Fatalf("first lists: %d changed, %v; want 0 (a first list changes no page)", n, err)
	}
	if last() != start {
		t.Errorf("first lists appended changes")
	}
	l, ok, err := db.RelatedList(ctx, a)
	if err != nil || !ok || l.StoryID != a || l.Version != pa.Version || !slices.Equal(l.IDs, []int64{c, b}) {
		t.Errorf("list of %d: %+v ok %v err %v; want version %d ids [%d %d]", a, l, ok, err, pa.Version, c, b)
	}
	if l, ok, err := db.RelatedList(ctx, b); err != nil || !ok || len(l.IDs) != 0 {
		t.Errorf("empty list of %d: %+v ok %v err %v", b, l, ok, err)
	}
	if seq, err := db.FollowerSeq(ctx, "related"); err != nil || seq != 7 {
		t.Errorf("follower at %d (%v), want 7", seq, err)
	}

	// The same list again changes nothing; a new order does, once.
	if n, err := db.SaveRelatedLists(ctx, "related", 5, []RelatedList{{StoryID: a, Version: pa.Version, IDs: []int64{c, b}}}); err != nil || n != 0 {
		t.Fatalf("same list: %d changed, %v", n, err)
	}
	if seq, _ := db.FollowerSeq(ctx, "related"); seq != 7 {
		t.Errorf("follower moved back to %d", seq)
	}
	if n, err := db.SaveRelatedLists(ctx, "related", 9, []RelatedList{{StoryID: a, Version: pa.Version, IDs: []int64{b, c, d}}}); err != nil || n != 1 {
		t.Fatalf("new list: %d changed, %v; want 1", n, err)
	}
	chs, err := db.Changes(ctx, start, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 1 || chs[0].Kind != story.ChangeRelated || chs[0].StoryID != a || chs[0].Version != pa.Version {
		t.Errorf("changes after a new list: %+v; want one related change of story %d", chs, a)
	}
	if l, _, _ := db.RelatedList(ctx, a); !slices.Equal(l.IDs, []int64{b, c, d}) {
		t.Errorf("list of %d now %v", a, l.IDs)
	}

	// Refused whole: nothing of the good list lands, the follower stays.
	bad := [][]RelatedList{
		{{StoryID: 0, Version: 1}},
		{{StoryID: a, Version: 0}},
		{{StoryID: a, Version: 1, IDs: make([]int64, maxRelatedIDs+1)}},
	}
	for _, lists := range bad {
		all := append([]RelatedList{{StoryID: c, Version: 1, IDs: []int64{a}}}, lists...)
		if _, err := db.SaveRelatedLists(ctx, "related", 99, all); !errors.Is(err, story.ErrInvalid) {
			t.Errorf("save %+v: %v, want story.ErrInvalid", lists, err)
		}
	}
	if _, err := db.SaveRelatedLists(ctx, "", 99, nil); !errors.Is(err, story.ErrInvalid) {
		t.Errorf("no follower name: %v", err)
	}
	if _, ok, _ := db.RelatedList(ctx, c); ok {
		t.Errorf("a refused save stored a list")
	}
	if seq, _ := db.FollowerSeq(ctx, "related"); seq != 9 {
		t.Errorf("follower at %d after refused saves, want 9", seq)
	}

	// A story deleted meanwhile is passed over.
	if n, err := db.SaveRelatedLists(ctx, "related", 10, []RelatedList{{StoryID: 1 << 40, Version: 1, IDs: []int64{a}}}); err != nil || n != 0 {
		t.Errorf("list of a missing story: %d, %v", n, err)
	}
	if _, ok, _ := db.RelatedList(ctx, 1<<40); ok {
		t.Errorf("a missing story's list was stored")
	}
}
