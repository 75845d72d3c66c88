package store

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/story"
)

// The translation desk's part of the contract: assignments, segment work,
// translation sources, the memory, the glossary and change-log followers.
// runContract lists these tests with the others, so they run on both
// databases.

func translator(t *testing.T, db *DB, name string) auth.User {
	t.Helper()
	return staff(t, db, name, func(u *auth.User) {
		u.Roles, u.Pairs = []auth.Role{auth.RoleTranslator}, []auth.Pair{{From: "en", To: "ur"}}
	})
}

func testAssignments(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	ed := staff(t, db, "editor")
	amna, bilal := translator(t, db, "amna"), translator(t, db, "bilal")
	fam := family(t, db)
	publish(t, db, draft(t, db, fam, "en").ID, at(1))
	ur, zh, ar, fr := draft(t, db, fam, "ur"), draft(t, db, fam, "zh"), draft(t, db, fam, "ar"), draft(t, db, fam, "fr")

	if _, err := db.Assignment(ctx, ur.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("assignment before assigning: %v, want ErrNotFound", err)
	}
	// Assigned in an order that differs from the queue's: no deadline
	// last, then by deadline.
	for _, as := range []Assignment{
		{StoryID: ar.ID, AssigneeID: amna.ID, AssignedBy: ed.ID, AssignedAt: at(2)},
		{StoryID: ur.ID, AssigneeID: amna.ID, DueAt: at(300), AssignedBy: ed.ID, AssignedAt: at(3)},
		{StoryID: zh.ID, AssigneeID: amna.ID, DueAt: at(60), AssignedBy: ed.ID, AssignedAt: at(4)},
		{StoryID: fr.ID, AssigneeID: bilal.ID, DueAt: at(30)},
	} {
		e := audit.Entry{ActorID: ed.ID, Actor: ed.Email, Action: "translation.assign"}
		if err := db.Assign(ctx, as, e); err != nil {
			t.Fatalf("assign %d: %v", as.StoryID, err)
		}
	}
	queue := func(q AssignmentQuery) []int64 {
		t.Helper()
		list, err := db.Assignments(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, as := range list {
			out = append(out, as.StoryID)
		}
		return out
	}
	if got, want := queue(AssignmentQuery{AssigneeID: amna.ID, Open: true}), []int64{zh.ID, ur.ID, ar.ID}; !slices.Equal(got, want) {
		t.Errorf("amna's queue %v, want %v (due first, no deadline last)", got, want)
	}
	if got, want := queue(AssignmentQuery{}), []int64{fr.ID, zh.ID, ur.ID, ar.ID}; !slices.Equal(got, want) {
		t.Errorf("all assignments %v, want %v", got, want)
	}
	if got := queue(AssignmentQuery{AssigneeID: amna.ID, Limit: 1}); len(got) != 1 {
		t.Errorf("limit 1 gave %v", got)
	}

	got, err := db.Assignment(ctx, ur.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := Assignment{StoryID: ur.ID, AssigneeID: amna.ID, DueAt: storeTime(at(300)), AssignedBy: ed.ID, AssignedAt: storeTime(at(3))}
	if got != want {
		t.Errorf("assignment\n got %+v\nwant %+v", got, want)
	}
	if fr, _ := db.Assignment(ctx, fr.ID); !fr.AssignedAt.Equal(storeTime(at(0))) || fr.AssignedBy != 0 {
		t.Errorf("defaults: assigned at %v by %d, want the store's clock and the system", fr.AssignedAt, fr.AssignedBy)
	}
	if es := auditLog(t, db, audit.Query{StoryID: ur.ID}); len(es) != 1 || es[0].UserID != amna.ID || es[0].Action != "translation.assign" {
		t.Errorf("audit of the assignment: %+v", es)
	}

	// Done: off the open queue; completing again keeps the first time.
	if err := db.CompleteAssignment(ctx, zh.ID, at(50)); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteAssignment(ctx, zh.ID, at(70)); err != nil {
		t.Fatal(err)
	}
	if done, _ := db.Assignment(ctx, zh.ID); !done.DoneAt.Equal(storeTime(at(50))) {
		t.Errorf("done at %v, want the first completion %v", done.DoneAt, storeTime(at(50)))
	}
	if got, want := queue(AssignmentQuery{AssigneeID: amna.ID, Open: true}), []int64{ur.ID, ar.ID}; !slices.Equal(got, want) {
		t.Errorf("open queue after completing zh: %v, want %v", got, want)
	}
	// Assigning again replaces the assignee and opens it again.
	if err := db.Assign(ctx, Assignment{StoryID: zh.ID, AssigneeID: bilal.ID, DueAt: at(10)}, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.Assignment(ctx, zh.ID); again.AssigneeID != bilal.ID || !again.DoneAt.IsZero() || !again.DueAt.Equal(storeTime(at(10))) {
		t.Errorf("reassigned: %+v", again)
	}
	if got, want := queue(AssignmentQuery{AssigneeID: bilal.ID, Open: true}), []int64{zh.ID, fr.ID}; !slices.Equal(got, want) {
		t.Errorf("bilal's queue %v, want %v", got, want)
	}

	for name, err := range map[string]error{
		"unknown story":    db.Assign(ctx, Assignment{StoryID: 99999, AssigneeID: amna.ID}, audit.Entry{}),
		"unknown assignee": db.Assign(ctx, Assignment{StoryID: ur.ID, AssigneeID: 99999}, audit.Entry{}),
		"unknown assigner": db.Assign(ctx, Assignment{StoryID: ur.ID, AssigneeID: amna.ID, AssignedBy: 99999}, audit.Entry{}),
		"complete nothing": db.CompleteAssignment(ctx, fam*1000, at(1)),
	} {
		wantErr(t, name, err, ErrNotFound)
	}
	wantErr(t, "no assignee", db.Assign(ctx, Assignment{StoryID: ur.ID}, audit.Entry{}), story.ErrInvalid)
	if still, _ := db.Assignment(ctx, ur.ID); still != want {
		t.Errorf("a refused assignment changed the old one: %+v", still)
	}
}

func testSegmentTargets(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	ur := draft(t, db, fam, "ur")
	if texts, v, err := db.SegmentTargets(ctx, ur.ID); err != nil || texts != nil || v != 0 {
		t.Errorf("no work yet: %q, v%d, %v", texts, v, err)
	}
	first := []string{"سرخی", "", "پہلا جملہ۔", "'; DELETE FROM translation_units; --", ""}
	if err := db.SaveSegmentTargets(ctx, ur.ID, 2, first); err != nil {
		t.Fatal(err)
	}
	texts, v, err := db.SegmentTargets(ctx, ur.ID)
	if err != nil || v != 2 || !slices.Equal(texts, first) {
		t.Errorf("round trip: %q v%d %v; want %q v2", texts, v, err, first)
	}
	// Saving replaces all: a shorter list leaves nothing of the longer one.
	if err := db.SaveSegmentTargets(ctx, ur.ID, 3, []string{"نئی سرخی"}); err != nil {
		t.Fatal(err)
	}
	if texts, v, _ := db.SegmentTargets(ctx, ur.ID); v != 3 || !slices.Equal(texts, []string{"نئی سرخی"}) {
		t.Errorf("after replacing: %q v%d", texts, v)
	}
	// Many segments go in several INSERTs.
	many := make([]string, 450)
	for i := range many {
		many[i] = strings.Repeat("ج", i%7)
	}
	if err := db.SaveSegmentTargets(ctx, ur.ID, 3, many); err != nil {
		t.Fatal(err)
	}
	if texts, _, _ := db.SegmentTargets(ctx, ur.ID); !slices.Equal(texts, many) {
		t.Errorf("450 segments came back as %d", len(texts))
	}

	for name, tc := range map[string]struct {
		id      int64
		version int
		targets []string
		want    error
	}{
		"unknown story":    {99999, 1, []string{"x"}, ErrNotFound},
		"NUL byte":         {ur.ID, 1, []string{"ok", "bad\x00"}, story.ErrInvalid},
		"invalid UTF-8":    {ur.ID, 1, []string{"\xff"}, story.ErrInvalid},
		"negative version": {ur.ID, -1, []string{"x"}, story.ErrInvalid},
		"too many":         {ur.ID, 1, make([]string, maxSegments+1), story.ErrInvalid},
		"too large":        {ur.ID, 1, []string{strings.Repeat("x", story.MaxBody), "y"}, story.ErrInvalid},
	} {
		wantErr(t, name, db.SaveSegmentTargets(ctx, tc.id, tc.version, tc.targets), tc.want)
	}
	if texts, _, _ := db.SegmentTargets(ctx, ur.ID); !slices.Equal(texts, many) {
		t.Error("a refused save changed the saved work")
	}
	if _, _, err := db.SegmentTargets(ctx, 99999); !errors.Is(err, ErrNotFound) {
		t.Errorf("targets of an unknown story: %v, want ErrNotFound", err)
	}
}

func testTranslationSource(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	fam := family(t, db)
	en := draft(t, db, fam, "en")
	publish(t, db, en.ID, at(1))
	fr := draft(t, db, fam, "fr")
	publish(t, db, fr.ID, at(2))
	ur := draft(t, db, fam, "ur")
	other := draft(t, db, family(t, db), "en")
	unpublished := draft(t, db, fam, "ar")
	before, _ := db.LastSeq(ctx)

	e := audit.Entry{ActorID: 5, Actor: "ed@qasid.example", Action: "translation.link"}
	got, err := db.SetTranslationSource(ctx, ur.ID, en.ID, 1, e)
	if err != nil {
		t.Fatal(err)
	}
	if got.TranslatedFromID != en.ID || got.TranslatedFromVersion != 1 {
		t.Errorf("returned story from %d v%d", got.TranslatedFromID, got.TranslatedFromVersion)
	}
	if s, _ := db.Story(ctx, ur.ID); s.TranslatedFromID != en.ID || s.TranslatedFromVersion != 1 || !s.UpdatedAt.Equal(storeTime(at(0))) {
		t.Errorf("stored story from %d v%d updated %v", s.TranslatedFromID, s.TranslatedFromVersion, s.UpdatedAt)
	}
	chs, _ := db.Changes(ctx, before, 10)
	if len(chs) != 1 || chs[0].Kind != story.ChangeTranslation || chs[0].StoryID != ur.ID || chs[0].FamilyID != fam || chs[0].Lang != "ur" {
		t.Fatalf("changes after linking: %+v, want one translation_link of the Urdu story", chs)
	}
	if es := auditLog(t, db, audit.Query{StoryID: ur.ID}); len(es) != 1 || es[0].Action != "translation.link" {
		t.Errorf("audit: %+v", es)
	}

	// A newer version of the same source is an update, not a new link.
	edited := en
	edited.Body = "Second version."
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	publish(t, db, en.ID, at(3))
	if _, err := db.SetTranslationSource(ctx, ur.ID, en.ID, 2, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	mid, _ := db.LastSeq(ctx)
	if chs, _ := db.Changes(ctx, chs[0].Seq, 10); len(withoutEdits(chs)) != 1 || withoutEdits(chs)[0].Kind != story.ChangeCorrect {
		t.Errorf("updating the version appended %+v, want only the correction", chs)
	}
	// Another source is a new link.
	if _, err := db.SetTranslationSource(ctx, ur.ID, fr.ID, 1, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	if chs, _ := db.Changes(ctx, mid, 10); len(chs) != 1 || chs[0].Kind != story.ChangeTranslation {
		t.Errorf("changing the source appended %+v, want one translation_link", chs)
	}

	last, _ := db.LastSeq(ctx)
	for name, tc := range map[string]struct {
		id, from int64
		version  int
		want     error
	}{
		"unknown story":        {99999, en.ID, 1, ErrNotFound},
		"unknown source":       {ur.ID, 99999, 1, ErrNotFound},
		"no source":            {ur.ID, 0, 0, story.ErrInvalid},
		"version not yet":      {ur.ID, en.ID, 3, story.ErrInvalid},
		"negative version":     {ur.ID, en.ID, -1, story.ErrInvalid},
		"itself":               {ur.ID, ur.ID, 0, story.ErrInvalid},
		"another family":       {ur.ID, other.ID, 0, story.ErrInvalid},
		"draft source version": {ur.ID, unpublished.ID, 1, story.ErrInvalid},
	} {
		_, err := db.SetTranslationSource(ctx, tc.id, tc.from, tc.version, audit.Entry{Action: "translation.link"})
		wantErr(t, name, err, tc.want)
	}
	if s, _ := db.Story(ctx, ur.ID); s.TranslatedFromID != fr.ID || s.TranslatedFromVersion != 1 {
		t.Errorf("a refused link changed the story: from %d v%d", s.TranslatedFromID, s.TranslatedFromVersion)
	}
	if now, _ := db.LastSeq(ctx); now != last {
		t.Error("a refused link appended a change")
	}
	if _, err := db.KillStory(ctx, fr.ID, Kill{Notice: "withdrawn", At: at(4)}); err != nil {
		t.Fatal(err)
	}
	_, err = db.SetTranslationSource(ctx, fr.ID, en.ID, 1, audit.Entry{})
	wantErr(t, "killed story", err, ErrBadMove)
}

func testFamiliesPublishedSince(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	old, recent, corrected, unpublished := family(t, db), family(t, db), family(t, db), family(t, db)
	publish(t, db, draft(t, db, old, "en").ID, at(1))
	publish(t, db, draft(t, db, recent, "fr").ID, at(50))
	draft(t, db, recent, "ar")
	c := draft(t, db, corrected, "en")
	publish(t, db, c.ID, at(2))
	publish(t, db, c.ID, at(40)) // a correction counts as publishing
	draft(t, db, unpublished, "en")

	list, err := db.FamiliesPublishedSince(ctx, at(10), 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range list {
		got = append(got, s.Lang)
	}
	if want := []string{"ar", "fr", "en"}; !slices.Equal(got, want) {
		t.Errorf("members %v, want %v (newest family first, members by language)", got, want)
	}
	if list, _ := db.FamiliesPublishedSince(ctx, at(10), 1); len(list) != 2 || list[0].FamilyID != recent {
		t.Errorf("limit 1 family gave %d members", len(list))
	}
	if list, _ := db.FamiliesPublishedSince(ctx, at(60), 0); len(list) != 0 {
		t.Errorf("nothing published since: %d members", len(list))
	}
}

func unit(src, tgt, source, target string) memory.Unit {
	return memory.Unit{SrcLang: src, TgtLang: tgt, Source: source, Target: target}
}

func unitTexts(list []MemoryUnit) []string {
	var out []string
	for _, u := range list {
		out = append(out, u.Source)
	}
	return out
}

func testMemoryUnits(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	created := time.Date(2025, 11, 3, 8, 0, 0, 0, time.UTC)
	units := []memory.Unit{
		{SrcLang: "en", TgtLang: "ur", Source: "The minister opened the new port in Gwadar.", Target: "وزیر نے گوادر میں نئی بندرگاہ کا افتتاح کیا۔",
			StoryID: 424242, Created: created, Note: "from an old story"}, // a story this database never had
		unit("en", "ur", "Heavy rain closed the coastal highway.", "شدید بارش نے ساحلی شاہراہ بند کر دی۔"),
		unit("en", "zh", "Heavy rain closed the coastal highway.", "暴雨导致沿海公路关闭。"),
		unit("en", "ur", "The port handles ships from three countries.", "بندرگاہ تین ملکوں کے جہاز سنبھالتی ہے۔"),
	}
	n, err := db.AddUnits(ctx, units)
	if err != nil || n != 4 {
		t.Fatalf("AddUnits = %d, %v; want 4", n, err)
	}
	// The same units again, and one whose source differs only in case and
	// spacing: all duplicates.
	again := append(slices.Clone(units), unit("en", "ur", "  heavy RAIN closed   the coastal highway. ", "شدید بارش نے ساحلی شاہراہ بند کر دی۔"))
	if n, err := db.AddUnits(ctx, again); err != nil || n != 0 {
		t.Errorf("adding duplicates = %d, %v; want 0", n, err)
	}
	// The same source with another target is a unit of its own.
	if n, _ := db.AddUnits(ctx, []memory.Unit{unit("en", "ur", "Heavy rain closed the coastal highway.", "موسلا دھار بارش سے ساحلی شاہراہ بند ہو گئی۔")}); n != 1 {
		t.Errorf("a second target for one source added %d", n)
	}

	all, err := db.Units(ctx, "en", "ur")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 || all[0].Source != units[0].Source || all[3].Target != "موسلا دھار بارش سے ساحلی شاہراہ بند ہو گئی۔" {
		t.Fatalf("en→ur units %q, want four, oldest first", unitTexts(all))
	}
	first := all[0]
	if first.StoryID != 424242 || !first.Created.Equal(created) || first.Note != "from an old story" || first.ID == 0 {
		t.Errorf("first unit kept story %d, created %v, note %q, id %d", first.StoryID, first.Created, first.Note, first.ID)
	}
	if !all[1].Created.Equal(storeTime(at(0))) || all[1].StoryID != 0 {
		t.Errorf("defaults: created %v, story %d", all[1].Created, all[1].StoryID)
	}
	for _, tc := range []struct {
		src, tgt string
		want     int
	}{{"en", "ur", 4}, {"en", "zh", 1}, {"", "", 5}, {"en", "", 5}, {"", "zh", 1}, {"ur", "en", 0}} {
		if list, err := db.Units(ctx, tc.src, tc.tgt); err != nil || len(list) != tc.want {
			t.Errorf("Units(%q, %q) = %d, %v; want %d", tc.src, tc.tgt, len(list), err, tc.want)
		}
	}
	if n, err := db.CountUnits(ctx); err != nil || n != 5 {
		t.Errorf("CountUnits = %d, %v; want 5", n, err)
	}

	// Exact: by the hash of the normalised source, newest first, in the pair.
	exact, err := db.ExactUnits(ctx, "en", "ur", memory.Hash("en", "HEAVY rain closed the coastal highway."), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(exact) != 2 || exact[0].ID <= exact[1].ID {
		t.Errorf("exact units %+v, want the two Urdu targets, newest first", exact)
	}
	if exact, _ := db.ExactUnits(ctx, "en", "zh", memory.Hash("en", "Heavy rain closed the coastal highway."), 0); len(exact) != 1 || exact[0].Target != "暴雨导致沿海公路关闭。" {
		t.Errorf("exact en→zh: %+v", exact)
	}

	// Candidates: the units sharing most of the segment's grams come first,
	// and only from the pair asked for.
	seg := "The minister opened a new port near Gwadar."
	cands, err := db.CandidateUnits(ctx, "en", "ur", memory.Grams("en", seg), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) == 0 || cands[0].Source != units[0].Source {
		t.Errorf("candidates for %q: %q, want the Gwadar port unit first", seg, unitTexts(cands))
	}
	for _, c := range cands {
		if c.SrcLang != "en" || c.TgtLang != "ur" {
			t.Errorf("candidate from pair %s→%s", c.SrcLang, c.TgtLang)
		}
	}
	if cands, _ := db.CandidateUnits(ctx, "en", "ur", memory.Grams("en", "Zebras yodel quietly."), 10); len(cands) != 0 {
		t.Errorf("a segment sharing nothing found %q", unitTexts(cands))
	}
	if cands, _ := db.CandidateUnits(ctx, "en", "ur", nil, 10); len(cands) != 0 {
		t.Errorf("no grams found %d", len(cands))
	}

	// One bad unit refuses the whole batch.
	before, _ := db.CountUnits(ctx)
	for name, bad := range map[string]memory.Unit{
		"empty target":   unit("en", "ur", "A sentence.", "  "),
		"no language":    unit("", "ur", "A sentence.", "ایک جملہ۔"),
		"same languages": unit("ur", "ur", "جملہ", "جملہ"),
		"NUL":            unit("en", "ur", "A\x00 sentence.", "ایک جملہ۔"),
		"too long":       unit("en", "ur", strings.Repeat("word ", maxUnitText), "ایک"),
	} {
		_, err := db.AddUnits(ctx, []memory.Unit{unit("en", "fr", "A fresh sentence.", "Une phrase neuve."), bad})
		wantErr(t, name, err, story.ErrInvalid)
		if err != nil && !strings.Contains(err.Error(), "unit 2") {
			t.Errorf("%s: error %q does not name unit 2", name, err)
		}
	}
	if after, _ := db.CountUnits(ctx); after != before {
		t.Errorf("refused batches left %d units behind", after-before)
	}
}

func testGlossary(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	terms := []memory.Term{
		{SrcLang: "en", TgtLang: "ur", Source: "Gwadar Port", Target: "گوادر بندرگاہ", Note: "the port, not the town"},
		{SrcLang: "en", TgtLang: "zh", Source: "Gwadar Port", Target: "瓜达尔港"},
		{SrcLang: "en", TgtLang: "ur", Source: "Finance Ministry", Target: "وزارت خزانہ"},
	}
	if n, err := db.AddTerms(ctx, terms); err != nil || n != 3 {
		t.Fatalf("AddTerms = %d, %v", n, err)
	}
	got, err := db.Terms(ctx, "en", "ur")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Source != "Finance Ministry" || got[1].Note != "the port, not the town" || got[0].ID == 0 {
		t.Fatalf("en→ur terms %+v", got)
	}
	// The same source, spelled differently, changes the term.
	if _, err := db.AddTerms(ctx, []memory.Term{{SrcLang: "en", TgtLang: "ur", Source: "GWADAR  port", Target: "گوادر پورٹ"}}); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Terms(ctx, "en", "ur")
	if len(got) != 2 || got[1].Target != "گوادر پورٹ" || got[1].Source != "GWADAR  port" || got[1].Note != "" {
		t.Errorf("after the upsert: %+v", got)
	}
	for _, tc := range []struct {
		src, tgt string
		want     int
	}{{"", "", 3}, {"en", "", 3}, {"", "zh", 1}, {"zh", "en", 0}} {
		if list, err := db.Terms(ctx, tc.src, tc.tgt); err != nil || len(list) != tc.want {
			t.Errorf("Terms(%q, %q) = %d, %v; want %d", tc.src, tc.tgt, len(list), err, tc.want)
		}
	}

	for name, bad := range map[string]memory.Term{
		"no target":      {SrcLang: "en", TgtLang: "ur", Source: "Senate"},
		"same languages": {SrcLang: "en", TgtLang: "en", Source: "Senate", Target: "Senate"},
		"punctuation":    {SrcLang: "en", TgtLang: "ur", Source: "  ", Target: "سینیٹ"},
		"too long":       {SrcLang: "en", TgtLang: "ur", Source: strings.Repeat("x", maxTermText+1), Target: "ایکس"},
	} {
		_, err := db.AddTerms(ctx, []memory.Term{{SrcLang: "en", TgtLang: "fr", Source: "Senate", Target: "Sénat"}, bad})
		wantErr(t, name, err, story.ErrInvalid)
	}
	if list, _ := db.Terms(ctx, "", ""); len(list) != 3 {
		t.Errorf("refused batches left %d terms, want 3", len(list))
	}

	if err := db.DeleteTerm(ctx, got[0].ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := db.Terms(ctx, "en", "ur"); len(list) != 1 || list[0].Source != "GWADAR  port" {
		t.Errorf("after delete: %+v", list)
	}
	wantErr(t, "delete again", db.DeleteTerm(ctx, got[0].ID), ErrNotFound)
}

func testFollowers(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	if seq, err := db.FollowerSeq(ctx, "search"); err != nil || seq != 0 {
		t.Errorf("a new follower at %d, %v; want 0", seq, err)
	}
	for _, seq := range []int64{5, 12, 7} {
		if err := db.SetFollowerSeq(ctx, "search", seq); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetFollowerSeq(ctx, "webhooks", 3); err != nil {
		t.Fatal(err)
	}
	again := reopen(t)
	if again == nil {
		t.FailNow()
	}
	if seq, _ := again.FollowerSeq(ctx, "search"); seq != 12 {
		t.Errorf("search at %d after reopening, want 12 (never back)", seq)
	}
	if seq, _ := again.FollowerSeq(ctx, "webhooks"); seq != 3 {
		t.Errorf("webhooks at %d, want 3", seq)
	}
	for name, tc := range map[string]struct {
		name string
		seq  int64
	}{"empty name": {"", 1}, "negative": {"x", -1}, "long name": {strings.Repeat("n", maxFollowerName+1), 1}} {
		wantErr(t, name, db.SetFollowerSeq(ctx, tc.name, tc.seq), story.ErrInvalid)
	}
}
