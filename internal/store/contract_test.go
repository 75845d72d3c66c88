package store

import (
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// opener gives a test a fresh, migrated database of its own, and a way to
// open that same database again. reopen reports a failure with t.Errorf and
// returns nil, so that it may run on other goroutines.
type opener func(t *testing.T) (db *DB, reopen func(t *testing.T) *DB)

// runContract is the store's behaviour, checked the same way on every
// database.
// contractTest is one named test of the contract suite.
type contractTest struct {
	name string
	run  func(t *testing.T, db *DB, reopen func(t *testing.T) *DB)
}

func runContract(t *testing.T, open opener) {
	tests := []contractTest{
		{"migrations", testMigrations},
		{"agency", testAgency},
		{"sections", testSections},
		{"families", testFamilies},
		{"create story", testCreateStory},
		{"round trip", testRoundTrip},
		{"update story", testUpdateStory},
		{"stories by id", testStoriesByID},
		{"publish, correct, kill", testLifecycle},
		{"publish errors", testPublishErrors},
		{"concurrent publishing", testConcurrentPublish},
		{"concurrent corrections of one story", testConcurrentCorrections},
		{"published lists", testPublishedLists},
		{"untranslated", testUntranslated},
		{"changes", testChanges},
		{"hostile input", testHostileInput},
		// The newsroom: contract_newsroom_test.go.
		{"users", testUsers},
		{"sessions", testSessions},
		{"login failures", testLoginFailures},
		{"audit log", testAudit},
		{"audit in the same transaction", testAuditInTransaction},
		{"set status", testSetStatus},
		{"schedule", testSchedule},
		{"embargo", testEmbargo},
		{"many embargoes", testManyEmbargoes},
		{"author and times round trip", testAuthorAndTimesRoundTrip},
		{"desk stories", testDeskStories},
		{"search headlines", testSearchHeadlines},
		{"readers see the published version", testPublicVersion},
		// The translation desk: contract_translation_test.go.
		{"assignments", testAssignments},
		{"segment targets", testSegmentTargets},
		{"translation source", testTranslationSource},
		{"families published since", testFamiliesPublishedSince},
		{"memory units", testMemoryUnits},
		{"glossary", testGlossary},
		{"followers", testFollowers},
		{"edit changes", testEditChanges},
		{"leases", testLeases},
	}
	tests = append(tests, subscriberContract()...)
	tests = append(tests, deliveryContract()...)
	tests = append(tests, ingestContract()...)
	tests = append(tests, relatedContract()...)
	tests = append(tests, publicBatchContract()...)
	tests = append(tests, mediaContract()...)
	tests = append(tests, audioContract()...)
	tests = append(tests, sectionContract()...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db, reopen := open(t)
			tc.run(t, db, reopen)
		})
	}
}

// base is a fixed instant with nanoseconds the store must drop.
var base = time.Date(2026, 3, 14, 9, 26, 53, 589793238, time.UTC)

// at returns base plus n minutes.
func at(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

func family(t *testing.T, db *DB) int64 {
	t.Helper()
	id, err := db.CreateFamily(t.Context(), "")
	if err != nil {
		t.Fatalf("create family: %v", err)
	}
	return id
}

// draft creates a minimal draft; edit, if given, changes it first.
func draft(t *testing.T, db *DB, fam int64, lang string, edit ...func(*story.Story)) story.Story {
	t.Helper()
	s := story.Story{
		FamilyID: fam,
		Lang:     lang,
		Headline: "Headline " + lang,
		Section:  "world",
		Status:   story.StatusDraft,
	}
	for _, e := range edit {
		e(&s)
	}
	if err := db.CreateStory(t.Context(), &s); err != nil {
		t.Fatalf("create %s story: %v", lang, err)
	}
	return s
}

func publish(t *testing.T, db *DB, id int64, when time.Time) story.Story {
	t.Helper()
	s, err := db.PublishStory(t.Context(), id, Publish{At: when, CorrectionNote: "fixed"})
	if err != nil {
		t.Fatalf("publish %d: %v", id, err)
	}
	return s
}

func ids(list []story.Story) []int64 {
	var out []int64
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

func testMigrations(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	ms, err := migrations(db.d.migrationsDir())
	if err != nil {
		t.Fatal(err)
	}
	newest := ms[len(ms)-1].version
	if v, err := db.SchemaVersion(ctx); err != nil || v != newest {
		t.Fatalf("schema version %d, %v; want %d", v, err, newest)
	}
	fam, err := db.CreateFamily(ctx, "kept")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Two processes starting at once both open, and neither applies a
	// migration twice.
	var wg sync.WaitGroup
	dbs := make([]*DB, 3)
	for i := range dbs {
		wg.Go(func() { dbs[i] = reopen(t) })
	}
	wg.Wait()
	for i, db := range dbs {
		if db == nil {
			t.Fatalf("open %d failed", i)
		}
		var n int
		if err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(ms) {
			t.Errorf("open %d: %d migrations recorded, want %d", i, n, len(ms))
		}
		if v, err := db.SchemaVersion(ctx); err != nil || v != newest {
			t.Errorf("open %d: schema version %d, %v; want %d", i, v, err, newest)
		}
		if got, err := db.FamilyByKey(ctx, "kept"); err != nil || got != fam {
			t.Errorf("open %d: family %d, %v after reopening; want %d", i, got, err, fam)
		}
	}

	// A database from a newer program is refused.
	err = dbs[0].write(ctx, func(c conn, _ *sql.Tx) error {
		_, err := c.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, newest+1, dbs[0].timeArg(at(0)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := dbs[0].migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("migrating a newer database: %v, want a refusal", err)
	}
}

func testAgency(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	if _, err := db.Agency(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("agency before saving: %v, want ErrNotFound", err)
	}
	first := story.Agency{
		TimeZone: "Asia/Karachi",
		Text: map[string]story.AgencyText{
			"en": {Name: "Qasid News", Tagline: "News, first", Credit: "QNA"},
			"ur": {Name: "قاصد نیوز", Tagline: "خبر، سب سے پہلے", Credit: "قنا"},
			"ar": {Name: "قاصد للأنباء", Tagline: "الخبر أولاً", Credit: "قنا"},
			"zh": {Name: "信使通讯社", Tagline: "新闻第一", Credit: "信使社"},
		},
	}
	second := story.Agency{
		TimeZone: "Europe/Paris",
		Text:     map[string]story.AgencyText{"fr": {Name: "Qasid Presse", Credit: "QP"}},
	}
	for _, want := range []story.Agency{first, second} {
		if err := db.SaveAgency(ctx, want); err != nil {
			t.Fatalf("save agency: %v", err)
		}
		got, err := db.Agency(ctx)
		if err != nil {
			t.Fatalf("agency: %v", err)
		}
		// Saving replaces: the second save drops the first's languages.
		if !reflect.DeepEqual(got, want) {
			t.Errorf("agency = %+v, want %+v", got, want)
		}
	}

	for _, tc := range []struct {
		name string
		a    story.Agency
	}{
		{"no time zone", story.Agency{}},
		{"unknown time zone", story.Agency{TimeZone: "Mars/Olympus"}},
		{"empty language", story.Agency{TimeZone: "UTC", Text: map[string]story.AgencyText{"": {Name: "x"}}}},
		{"NUL in name", story.Agency{TimeZone: "UTC", Text: map[string]story.AgencyText{"en": {Name: "a\x00b"}}}},
		{"bad UTF-8", story.Agency{TimeZone: "UTC", Text: map[string]story.AgencyText{"en": {Credit: "\xff"}}}},
	} {
		err := db.SaveAgency(ctx, tc.a)
		wantErr(t, tc.name, err, story.ErrInvalid)
	}
	if got, _ := db.Agency(ctx); got.TimeZone != second.TimeZone {
		t.Errorf("a refused save changed the agency: %+v", got)
	}
}

func testSections(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	if got, err := db.Sections(ctx); err != nil || len(got) != 0 {
		t.Fatalf("sections of a new store: %v, %v; want none", got, err)
	}
	saves := []story.Section{
		{Key: "world", Position: 2, Names: map[string]string{"en": "World", "ur": "دنیا"}},
		{Key: "business", Position: 1, Names: map[string]string{"en": "Business", "zh": "商业"}},
		{Key: "sport", Position: 2, Names: map[string]string{}},
		// Saving again replaces the position and every name.
		{Key: "world", Position: 3, Names: map[string]string{"ar": "العالم", "en": "World news"}},
	}
	for _, s := range saves {
		if err := db.SaveSection(ctx, s); err != nil {
			t.Fatalf("save section %q: %v", s.Key, err)
		}
	}
	got, err := db.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []story.Section{saves[1], saves[2], saves[3]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sections = %+v\nwant %+v", got, want)
	}

	for _, tc := range []struct {
		name string
		s    story.Section
	}{
		{"empty key", story.Section{}},
		{"upper case", story.Section{Key: "World"}},
		{"slash", story.Section{Key: "a/b"}},
		{"too long", story.Section{Key: strings.Repeat("a", 41)}},
		{"empty name", story.Section{Key: "ok", Names: map[string]string{"en": " "}}},
		{"NUL in name", story.Section{Key: "ok", Names: map[string]string{"en": "a\x00"}}},
	} {
		wantErr(t, tc.name, db.SaveSection(ctx, tc.s), story.ErrInvalid)
	}
	if got, _ := db.Sections(ctx); len(got) != 3 {
		t.Errorf("refused saves left %d sections, want 3", len(got))
	}
}

func testFamilies(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	a, err := db.CreateFamily(ctx, "import:42")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateFamily(ctx, "import:42"); !errors.Is(err, ErrConflict) {
		t.Errorf("second family with one key: %v, want ErrConflict", err)
	}
	// Families without a key never collide.
	b, err1 := db.CreateFamily(ctx, "")
	c, err2 := db.CreateFamily(ctx, "")
	if err1 != nil || err2 != nil || b == c || b == a {
		t.Errorf("keyless families: %d, %v; %d, %v", b, err1, c, err2)
	}

	for _, tc := range []struct {
		key  string
		want int64
		err  error
	}{
		{"import:42", a, nil},
		{"import:43", 0, ErrNotFound},
		{"", 0, ErrNotFound},
	} {
		got, err := db.FamilyByKey(ctx, tc.key)
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("FamilyByKey(%q) = %d, %v; want %d, %v", tc.key, got, err, tc.want, tc.err)
		}
	}
	if _, err := db.CreateFamily(ctx, "bad\x00key"); !errors.Is(err, story.ErrInvalid) {
		t.Errorf("key with NUL: %v, want ErrInvalid", err)
	}

	// Members come back ordered by language code, whatever their status.
	for _, l := range []string{"zh", "ar", "ur", "en"} {
		draft(t, db, a, l)
	}
	members, err := db.Family(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, m := range members {
		langs = append(langs, m.Lang)
	}
	if want := []string{"ar", "en", "ur", "zh"}; !slices.Equal(langs, want) {
		t.Errorf("family languages %v, want %v", langs, want)
	}
	if got, err := db.Family(ctx, b); err != nil || len(got) != 0 {
		t.Errorf("empty family: %v, %v; want no members, no error", got, err)
	}
	if _, err := db.Family(ctx, 987654); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing family: %v, want ErrNotFound", err)
	}
}

func testCreateStory(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	other := family(t, db)
	src := draft(t, db, fam, "en")
	foreign := draft(t, db, other, "en")

	for _, tc := range []struct {
		name string
		edit func(*story.Story)
		want error
	}{
		{"no headline", func(s *story.Story) { s.Headline = " " }, story.ErrInvalid},
		{"no section", func(s *story.Story) { s.Section = "" }, story.ErrInvalid},
		{"unknown status", func(s *story.Story) { s.Status = "lost" }, story.ErrInvalid},
		{"headline too long", func(s *story.Story) { s.Headline = strings.Repeat("خ", story.MaxHeadline+1) }, story.ErrInvalid},
		{"not a calendar day", func(s *story.Story) { s.Dateline.Date = story.Date{Year: 2026, Month: 2, Day: 30} }, story.ErrInvalid},
		{"five-digit year", func(s *story.Story) { s.Dateline.Date = story.Date{Year: 10000, Month: 1, Day: 1} }, story.ErrInvalid},
		{"NUL in body", func(s *story.Story) { s.Body = "one\x00two" }, story.ErrInvalid},
		{"NUL in tag", func(s *story.Story) { s.Tags = []string{"ok", "b\x00d"} }, story.ErrInvalid},
		{"bad UTF-8 slug", func(s *story.Story) { s.Slug = "\xc3\x28" }, story.ErrInvalid},
		{"version without source", func(s *story.Story) { s.TranslatedFromVersion = 2 }, story.ErrInvalid},
		{"source in another family", func(s *story.Story) { s.TranslatedFromID = foreign.ID }, story.ErrInvalid},
		{"missing source", func(s *story.Story) { s.TranslatedFromID = 424242 }, ErrNotFound},
		{"missing family", func(s *story.Story) { s.FamilyID = 424242 }, ErrNotFound},
		{"second story in a language", func(s *story.Story) { s.Lang = "en" }, ErrConflict},
		{"born published", func(s *story.Story) { s.Status = story.StatusPublished }, ErrBadMove},
		{"born killed", func(s *story.Story) { s.Status = story.StatusKilled }, ErrBadMove},
	} {
		s := story.Story{FamilyID: fam, Lang: "fr", Headline: "Titre", Section: "world", Status: story.StatusDraft}
		tc.edit(&s)
		err := db.CreateStory(ctx, &s)
		wantErr(t, tc.name, err, tc.want)
		if s.ID != 0 {
			t.Errorf("%s: refused story got id %d", tc.name, s.ID)
		}
	}
	if err := db.CreateStory(ctx, nil); err == nil {
		t.Error("nil story accepted")
	}

	// The refusals left the family as it was.
	members, err := db.Family(ctx, fam)
	if err != nil || len(members) != 1 || members[0].ID != src.ID {
		t.Errorf("family after refusals: %v, %v; want only story %d", ids(members), err, src.ID)
	}

	// A submitted translation of a member is fine, and Version and
	// PublishedAt a caller sets are ignored.
	tr := draft(t, db, fam, "ur", func(s *story.Story) {
		s.Status = story.StatusSubmitted
		s.TranslatedFromID = src.ID
		s.Version = 7
		s.PublishedAt = at(5)
	})
	got, err := db.Story(ctx, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != story.StatusSubmitted || got.Version != 0 || !got.PublishedAt.IsZero() || got.TranslatedFromID != src.ID {
		t.Errorf("created story = %+v", got)
	}
	if tr.Version != 0 || !tr.PublishedAt.IsZero() {
		t.Errorf("CreateStory left Version %d, PublishedAt %v on the caller's story", tr.Version, tr.PublishedAt)
	}
	if _, err := db.Story(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing story: %v, want ErrNotFound", err)
	}
}

// testRoundTrip writes every field in several scripts and reads it back
// through each way of reading a story.
func testRoundTrip(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	now := time.Date(2026, 5, 1, 4, 5, 6, 123456789, time.FixedZone("PKT", 5*3600))
	db.now = func() time.Time { return now }
	wantNow := time.Date(2026, 4, 30, 23, 5, 6, 123456000, time.UTC) // UTC, to the microsecond

	fam := family(t, db)
	cases := []story.Story{
		{
			Lang: "en", Headline: `Floods "worst in decades" in Sindh`, Slug: "floods-sindh",
			Summary: "Rivers burst their banks.", Byline: "A. Reporter",
			Dateline: story.Dateline{Place: "KARACHI", Date: story.Date{Year: 2026, Month: 4, Day: 30}},
			Section:  "world", Tags: []string{"floods", "Sindh", "<weather> & climate"},
			Body: "First para.\n\n## Heading\n\n[[also:12]]", Status: story.StatusDraft,
		},
		{
			Lang: "ur", Headline: "سندھ میں دہائیوں کا بدترین سیلاب", Slug: "سندھ-سیلاب",
			Summary: "دریا کناروں سے باہر۔", Byline: "نامہ نگار",
			Dateline: story.Dateline{Place: "کراچی", Date: story.Date{Year: 2026, Month: 4, Day: 30}},
			Section:  "world", Tags: []string{"سیلاب"}, Body: "پہلا پیراگراف۔", Status: story.StatusSubmitted,
		},
		{
			Lang: "ar", Headline: "فيضانات هي الأسوأ منذ عقود في السند", Summary: "فاضت الأنهار.",
			Dateline: story.Dateline{Place: "كراتشي", Date: story.Date{Year: 1, Month: 1, Day: 1}},
			Section:  "world", Body: "الفقرة الأولى.", Status: story.StatusDraft,
		},
		{
			Lang: "zh", Headline: "信德省遭遇数十年来最严重洪灾", Byline: "记者",
			Section: "world", Tags: []string{}, Body: "第一段。", Status: story.StatusDraft,
		},
	}
	for i := range cases {
		in := cases[i]
		in.FamilyID = fam
		if i > 0 {
			in.TranslatedFromID, in.TranslatedFromVersion = cases[0].ID, 0
		}
		if err := db.CreateStory(ctx, &in); err != nil {
			t.Fatalf("create %s: %v", in.Lang, err)
		}
		if in.ID == 0 || !in.CreatedAt.Equal(wantNow) || !in.UpdatedAt.Equal(wantNow) {
			t.Errorf("%s: id %d, created %v, updated %v; want an id and %v", in.Lang, in.ID, in.CreatedAt, in.UpdatedAt, wantNow)
		}
		if len(in.Tags) == 0 {
			in.Tags = nil // no tags read back as nil, however they were written
		}
		cases[i] = in
	}

	byID, err := db.Stories(ctx, ids(cases))
	if err != nil {
		t.Fatal(err)
	}
	members, err := db.Family(ctx, fam)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range cases {
		one, err := db.Story(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		var member story.Story
		for _, m := range members {
			if m.ID == want.ID {
				member = m
			}
		}
		for how, got := range map[string]story.Story{"Story": one, "Stories": byID[want.ID], "Family": member} {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s via %s:\n got %+v\nwant %+v", want.Lang, how, got, want)
			}
			if got.CreatedAt.Location() != time.UTC {
				t.Errorf("%s via %s: time in %v, want UTC", want.Lang, how, got.CreatedAt.Location())
			}
		}
	}

	// The published version carries the same fields.
	p, err := db.PublishStory(ctx, cases[1].ID, Publish{At: now})
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.StoryVersion(ctx, p.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := story.Version{
		StoryID: p.ID, Version: 1, Headline: cases[1].Headline, Summary: cases[1].Summary,
		Byline: cases[1].Byline, Dateline: cases[1].Dateline, Section: cases[1].Section,
		Tags: cases[1].Tags, Body: cases[1].Body, PublishedAt: wantNow,
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("version:\n got %+v\nwant %+v", v, want)
	}
}

func testUpdateStory(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	s := draft(t, db, fam, "en")
	fr := draft(t, db, fam, "fr")

	edit := s
	edit.Headline = "New headline"
	edit.Body = "New body"
	edit.Tags = []string{"a", "b"}
	edit.Dateline = story.Dateline{Place: "PARIS", Date: story.Date{Year: 2026, Month: 12, Day: 31}}
	// What UpdateStory must not touch, even when the caller says otherwise.
	edit.Status = story.StatusSubmitted
	edit.Version = 9
	edit.PublishedAt = at(3)
	if err := db.UpdateStory(ctx, &edit); err != nil {
		t.Fatal(err)
	}
	got, err := db.Story(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Headline != "New headline" || got.Body != "New body" || !slices.Equal(got.Tags, edit.Tags) || got.Dateline != edit.Dateline {
		t.Errorf("working copy not saved: %+v", got)
	}
	if got.Status != story.StatusDraft || got.Version != 0 || !got.PublishedAt.IsZero() {
		t.Errorf("update moved status, version or publication: %+v", got)
	}
	if !reflect.DeepEqual(edit, got) {
		t.Errorf("caller's story not refreshed:\n got %+v\nwant %+v", edit, got)
	}

	// A published story's working copy can change; its version cannot.
	publish(t, db, s.ID, at(1))
	edit.Headline = "After publication"
	if err := db.UpdateStory(ctx, &edit); err != nil {
		t.Fatal(err)
	}
	if edit.Version != 1 || edit.Status != story.StatusPublished {
		t.Errorf("after update of a published story: version %d, status %s", edit.Version, edit.Status)
	}
	if v, _ := db.StoryVersion(ctx, s.ID, 1); v.Headline != "New headline" {
		t.Errorf("editing the working copy changed version 1: %q", v.Headline)
	}

	killed := draft(t, db, fam, "ar")
	publish(t, db, killed.ID, at(2))
	if _, err := db.KillStory(ctx, killed.ID, Kill{Notice: "Withdrawn.", At: at(3)}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		s    story.Story
		want error
	}{
		{"missing", func() story.Story { x := fr; x.ID = 777777; return x }(), ErrNotFound},
		{"killed", func() story.Story { x, _ := db.Story(ctx, killed.ID); x.Headline = "again"; return x }(), ErrBadMove},
		{"new language", func() story.Story { x := fr; x.Lang = "es"; return x }(), story.ErrInvalid},
		{"new family", func() story.Story { x := fr; x.FamilyID = family(t, db); return x }(), story.ErrInvalid},
		{"invalid", func() story.Story { x := fr; x.Headline = ""; return x }(), story.ErrInvalid},
		{"from itself", func() story.Story { x := fr; x.TranslatedFromID = fr.ID; return x }(), story.ErrInvalid},
		{"from nowhere", func() story.Story { x := fr; x.TranslatedFromID = 555555; return x }(), ErrNotFound},
	} {
		s := tc.s
		wantErr(t, tc.name, db.UpdateStory(ctx, &s), tc.want)
	}
	if got, _ := db.Story(ctx, fr.ID); !reflect.DeepEqual(got, fr) {
		t.Errorf("refused updates changed the story:\n got %+v\nwant %+v", got, fr)
	}
	if err := db.UpdateStory(ctx, nil); err == nil {
		t.Error("nil story accepted")
	}
}

func testStoriesByID(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	var all []int64
	for range 3 {
		fam := family(t, db)
		all = append(all, draft(t, db, fam, "en").ID)
	}
	for _, tc := range []struct {
		name string
		ids  []int64
		want []int64
	}{
		{"none", nil, nil},
		{"all", all, all},
		{"missing and repeated", []int64{all[0], -1, 0, 999999, all[0], all[2]}, []int64{all[0], all[2]}},
	} {
		got, err := db.Stories(ctx, tc.ids)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got == nil {
			t.Errorf("%s: nil map", tc.name)
		}
		var keys []int64
		for id, s := range got {
			if s.ID != id {
				t.Errorf("%s: story %d filed under %d", tc.name, s.ID, id)
			}
			keys = append(keys, id)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, tc.want) {
			t.Errorf("%s: ids %v, want %v", tc.name, keys, tc.want)
		}
	}

	// More ids than one IN list holds.
	many := make([]int64, 0, 2*storiesChunk+10)
	for i := range 2*storiesChunk + 7 {
		many = append(many, int64(100000+i))
	}
	many = append(many, all...)
	got, err := db.Stories(ctx, many)
	if err != nil || len(got) != len(all) {
		t.Errorf("%d ids: %d stories, %v; want %d", len(many), len(got), err, len(all))
	}
}

// testLifecycle follows one story from draft to kill, checking the story,
// its versions and the change log at each step.
func testLifecycle(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	s := draft(t, db, fam, "en", func(s *story.Story) {
		s.Summary = "First summary"
		s.Body = "First body"
		s.Tags = []string{"t1"}
	})
	if vs, err := db.StoryVersions(ctx, s.ID); err != nil || len(vs) != 0 {
		t.Errorf("versions of a draft: %v, %v; want none", vs, err)
	}

	// Publish: version 1, first publication time, a publish change.
	p1, err := db.PublishStory(ctx, s.ID, Publish{At: at(10), CorrectionNote: "ignored the first time"})
	if err != nil {
		t.Fatal(err)
	}
	if p1.Version != 1 || p1.Status != story.StatusPublished || !p1.PublishedAt.Equal(storeTime(at(10))) {
		t.Errorf("after publish: version %d, status %s, published %v", p1.Version, p1.Status, p1.PublishedAt)
	}
	if stored, _ := db.Story(ctx, s.ID); !reflect.DeepEqual(stored, p1) {
		t.Errorf("PublishStory returned %+v, store holds %+v", p1, stored)
	}

	// Correct: edit the working copy, publish again with a note.
	p1.Body = "Corrected body"
	if err := db.UpdateStory(ctx, &p1); err != nil {
		t.Fatal(err)
	}
	p2, err := db.PublishStory(ctx, s.ID, Publish{At: at(20), CorrectionNote: "An earlier version misspelt a name."})
	if err != nil {
		t.Fatal(err)
	}
	if p2.Version != 2 || !p2.PublishedAt.Equal(storeTime(at(10))) {
		t.Errorf("after correction: version %d, published %v; want 2 and the first publication time", p2.Version, p2.PublishedAt)
	}

	// Kill: a final version, the working copy kept.
	k, err := db.KillStory(ctx, s.ID, Kill{Notice: "This story has been withdrawn.", At: at(30)})
	if err != nil {
		t.Fatal(err)
	}
	if k.Version != 3 || k.Status != story.StatusKilled || k.Body != "Corrected body" {
		t.Errorf("after kill: version %d, status %s, body %q", k.Version, k.Status, k.Body)
	}

	vs, err := db.StoryVersions(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		version       int
		summary, body string
		note          string
		killed        bool
		at            time.Time
	}
	want := []row{
		{1, "First summary", "First body", "", false, storeTime(at(10))},
		{2, "First summary", "Corrected body", "An earlier version misspelt a name.", false, storeTime(at(20))},
		{3, "", "This story has been withdrawn.", "", true, storeTime(at(30))},
	}
	if len(vs) != len(want) {
		t.Fatalf("%d versions, want %d", len(vs), len(want))
	}
	for i, v := range vs {
		got := row{v.Version, v.Summary, v.Body, v.CorrectionNote, v.Killed, v.PublishedAt}
		if got != want[i] {
			t.Errorf("version %d = %+v, want %+v", i+1, got, want[i])
		}
		if v.Headline != s.Headline || !slices.Equal(v.Tags, []string{"t1"}) {
			t.Errorf("version %d: headline %q, tags %v", i+1, v.Headline, v.Tags)
		}
		one, err := db.StoryVersion(ctx, s.ID, v.Version)
		if err != nil || !reflect.DeepEqual(one, v) {
			t.Errorf("StoryVersion(%d) = %+v, %v; want %+v", v.Version, one, err, v)
		}
	}

	chs, err := db.Changes(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	chs = withoutEdits(chs)
	wantKinds := []story.ChangeKind{story.ChangePublish, story.ChangeCorrect, story.ChangeKill}
	if len(chs) != len(wantKinds) {
		t.Fatalf("%d changes, want %d: %+v", len(chs), len(wantKinds), chs)
	}
	for i, ch := range chs {
		wantCh := story.Change{Seq: ch.Seq, Kind: wantKinds[i], StoryID: s.ID, FamilyID: fam, Lang: "en", Version: i + 1, At: want[i].at}
		if ch != wantCh {
			t.Errorf("change %d = %+v, want %+v", i, ch, wantCh)
		}
		if i > 0 && ch.Seq <= chs[i-1].Seq {
			t.Errorf("seq %d after %d: not increasing", ch.Seq, chs[i-1].Seq)
		}
	}
	if last, err := db.LastSeq(ctx); err != nil || last != chs[len(chs)-1].Seq {
		t.Errorf("LastSeq = %d, %v; want %d", last, err, chs[len(chs)-1].Seq)
	}

	// Nothing moves a killed story.
	_, err = db.PublishStory(ctx, s.ID, Publish{At: at(40), CorrectionNote: "back"})
	wantErr(t, "publish a killed story", err, ErrBadMove)
	_, err = db.KillStory(ctx, s.ID, Kill{Notice: "again", At: at(40)})
	wantErr(t, "kill a killed story", err, ErrBadMove)
	if vs, _ := db.StoryVersions(ctx, s.ID); len(vs) != 3 {
		t.Errorf("refused moves added versions: %d", len(vs))
	}
}

func testPublishErrors(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	d := draft(t, db, fam, "en")
	pub := draft(t, db, fam, "ur")
	publish(t, db, pub.ID, at(1))
	seq, _ := db.LastSeq(ctx)

	for _, tc := range []struct {
		name string
		id   int64
		p    Publish
		want error
	}{
		{"missing story", 888888, Publish{At: at(2)}, ErrNotFound},
		{"no time", d.ID, Publish{}, story.ErrInvalid},
		{"correction without note", pub.ID, Publish{At: at(2)}, story.ErrInvalid},
		{"correction with a blank note", pub.ID, Publish{At: at(2), CorrectionNote: " \n\t"}, story.ErrInvalid},
		{"note too long", pub.ID, Publish{At: at(2), CorrectionNote: strings.Repeat("x", maxNote+1)}, story.ErrInvalid},
		{"NUL in note", pub.ID, Publish{At: at(2), CorrectionNote: "a\x00"}, story.ErrInvalid},
	} {
		_, err := db.PublishStory(ctx, tc.id, tc.p)
		wantErr(t, tc.name, err, tc.want)
	}
	for _, tc := range []struct {
		name   string
		id     int64
		notice string
		at     time.Time
		want   error
	}{
		{"kill a draft", d.ID, "gone", at(2), ErrBadMove},
		{"kill a missing story", 888888, "gone", at(2), ErrNotFound},
		{"kill without notice", pub.ID, "  ", at(2), story.ErrInvalid},
		{"kill without time", pub.ID, "gone", time.Time{}, story.ErrInvalid},
		{"kill with a NUL", pub.ID, "go\x00ne", at(2), story.ErrInvalid},
	} {
		_, err := db.KillStory(ctx, tc.id, Kill{Notice: tc.notice, At: tc.at})
		wantErr(t, tc.name, err, tc.want)
	}
	// No refusal left a trace.
	if got, _ := db.LastSeq(ctx); got != seq {
		t.Errorf("refusals appended changes: last seq %d, want %d", got, seq)
	}
	if got, _ := db.Story(ctx, pub.ID); got.Version != 1 || got.Status != story.StatusPublished {
		t.Errorf("refusals changed the story: version %d, status %s", got.Version, got.Status)
	}
	if got, _ := db.Story(ctx, d.ID); got.Version != 0 || got.Status != story.StatusDraft {
		t.Errorf("refusals changed the draft: version %d, status %s", got.Version, got.Status)
	}
	if _, err := db.StoryVersion(ctx, pub.ID, 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing version: %v, want ErrNotFound", err)
	}
	if _, err := db.StoryVersions(ctx, 888888); !errors.Is(err, ErrNotFound) {
		t.Errorf("versions of a missing story: %v, want ErrNotFound", err)
	}
}

// testConcurrentPublish publishes different stories from 8 goroutines:
// every publication has its change, and the seqs of the run follow each
// other without a gap.
func testConcurrentPublish(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	const workers, each = 8, 6
	var stories [workers][each]int64
	for w := range workers {
		for i := range each {
			stories[w][i] = draft(t, db, family(t, db), "en").ID
		}
	}
	before, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i, id := range stories[w] {
				if _, err := db.PublishStory(ctx, id, Publish{At: at(w*each + i)}); err != nil {
					errs <- fmt.Errorf("worker %d story %d: %w", w, id, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	chs, err := db.Changes(ctx, before, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != workers*each {
		t.Fatalf("%d changes, want %d", len(chs), workers*each)
	}
	seen := make(map[int64]bool)
	for i, ch := range chs {
		if ch.Seq != before+int64(i)+1 {
			t.Errorf("change %d has seq %d, want %d (gap-free)", i, ch.Seq, before+int64(i)+1)
		}
		if ch.Kind != story.ChangePublish || ch.Version != 1 || seen[ch.StoryID] {
			t.Errorf("change %+v: want one publish of version 1 per story", ch)
		}
		seen[ch.StoryID] = true
	}
	for w := range workers {
		for _, id := range stories[w] {
			if !seen[id] {
				t.Errorf("story %d has no change", id)
			}
		}
	}
}

// testConcurrentCorrections publishes one story from 8 goroutines at once:
// one publication and seven corrections, no version number twice.
func testConcurrentCorrections(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	s := draft(t, db, family(t, db), "zh")
	const workers = 8
	var wg sync.WaitGroup
	versions := make(chan int, workers)
	for w := range workers {
		wg.Go(func() {
			p, err := db.PublishStory(ctx, s.ID, Publish{At: at(w), CorrectionNote: fmt.Sprintf("note %d", w)})
			if err != nil {
				t.Errorf("worker %d: %v", w, err)
				return
			}
			versions <- p.Version
		})
	}
	wg.Wait()
	close(versions)
	var got []int
	for v := range versions {
		got = append(got, v)
	}
	slices.Sort(got)
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(got, want) {
		t.Errorf("versions handed out %v, want %v", got, want)
	}
	vs, err := db.StoryVersions(ctx, s.ID)
	if err != nil || len(vs) != workers {
		t.Fatalf("%d versions, %v; want %d", len(vs), err, workers)
	}
	if vs[0].CorrectionNote != "" {
		t.Errorf("version 1 has a correction note %q", vs[0].CorrectionNote)
	}
	for _, v := range vs[1:] {
		if v.CorrectionNote == "" {
			t.Errorf("correction %d without its note", v.Version)
		}
	}
	chs, _ := db.Changes(ctx, 0, 100)
	kinds := map[story.ChangeKind]int{}
	for _, ch := range chs {
		kinds[ch.Kind]++
	}
	if kinds[story.ChangePublish] != 1 || kinds[story.ChangeCorrect] != workers-1 {
		t.Errorf("change kinds %v, want 1 publish and %d corrections", kinds, workers-1)
	}
}

func testPublishedLists(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	mk := func(lang, section string, when int) story.Story {
		t.Helper()
		s := draft(t, db, family(t, db), lang, func(s *story.Story) { s.Section = section })
		if when > 0 {
			return publish(t, db, s.ID, at(when))
		}
		return s
	}
	a := mk("en", "world", 1)
	b := mk("en", "business", 2)
	c := mk("en", "world", 3)
	d := mk("en", "world", 3) // same time as c: the higher id comes first
	e := mk("ur", "world", 4)
	mk("en", "world", 0) // a draft
	g := mk("en", "world", 5)
	if _, err := db.KillStory(ctx, g.ID, Kill{Notice: "withdrawn", At: at(6)}); err != nil {
		t.Fatal(err)
	}
	// A correction does not move a story up: lists go by first publication.
	if _, err := db.PublishStory(ctx, a.ID, Publish{At: at(9), CorrectionNote: "typo"}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		q    ListQuery
		want []story.Story
	}{
		{"everything", ListQuery{}, []story.Story{e, d, c, b, a}},
		{"one language", ListQuery{Lang: "en"}, []story.Story{d, c, b, a}},
		{"language and section", ListQuery{Lang: "en", Section: "world"}, []story.Story{d, c, a}},
		{"section only", ListQuery{Section: "world"}, []story.Story{e, d, c, a}},
		{"nothing there", ListQuery{Lang: "ur", Section: "business"}, nil},
		{"first page", ListQuery{Lang: "en", Limit: 2}, []story.Story{d, c}},
		{"second page", ListQuery{Lang: "en", Limit: 2, Offset: 2}, []story.Story{b, a}},
		{"past the end", ListQuery{Lang: "en", Limit: 2, Offset: 4}, nil},
		{"negative offset reads the first page", ListQuery{Lang: "en", Limit: 2, Offset: -5}, []story.Story{d, c}},
		{"all, paging ignored", ListQuery{Lang: "en", Limit: 1, Offset: 1, All: true}, []story.Story{d, c, b, a}},
	} {
		got, err := db.PublishedStories(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(ids(got), ids(tc.want)) {
			t.Errorf("%s: ids %v, want %v", tc.name, ids(got), ids(tc.want))
		}
		for _, s := range got {
			if s.Status != story.StatusPublished {
				t.Errorf("%s: story %d is %s", tc.name, s.ID, s.Status)
			}
		}
		n, err := db.CountPublished(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: count: %v", tc.name, err)
		}
		all, _ := db.PublishedStories(ctx, ListQuery{Lang: tc.q.Lang, Section: tc.q.Section, Limit: maxList})
		if n != len(all) {
			t.Errorf("%s: count %d, list of %d", tc.name, n, len(all))
		}
	}

	// Without a limit a page holds 20.
	for i := range defaultList + 1 {
		mk("fr", "world", 10+i)
	}
	for _, tc := range []struct{ limit, want int }{{0, defaultList}, {50, defaultList + 1}, {3, 3}} {
		got, err := db.PublishedStories(ctx, ListQuery{Lang: "fr", Limit: tc.limit})
		if err != nil || len(got) != tc.want {
			t.Errorf("limit %d: %d stories, %v; want %d", tc.limit, len(got), err, tc.want)
		}
	}
	// All is not bound by the page size, nor by the largest page.
	for i := range maxList + 1 {
		mk("es", "world", 40+i)
	}
	if got, err := db.PublishedStories(ctx, ListQuery{Lang: "es", All: true, NoBody: true}); err != nil || len(got) != maxList+1 {
		t.Errorf("all: %d stories, %v; want %d", len(got), err, maxList+1)
	}
}

func testUntranslated(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	from := func(src story.Story) func(*story.Story) {
		return func(s *story.Story) { s.TranslatedFromID = src.ID }
	}
	published := func(s story.Story, when int) story.Story { return publish(t, db, s.ID, at(when)) }

	// 1: translated into Urdu.
	f1 := family(t, db)
	en1 := published(draft(t, db, f1, "en"), 1)
	published(draft(t, db, f1, "ur", from(en1)), 2)
	// 2: the original is a draft; Arabic then Chinese translations are out.
	f2 := family(t, db)
	en2 := draft(t, db, f2, "en")
	ar2 := published(draft(t, db, f2, "ar", from(en2)), 3)
	published(draft(t, db, f2, "zh", from(en2)), 4)
	// 3: Urdu translation still a draft; business section.
	f3 := family(t, db)
	en3 := published(draft(t, db, f3, "en", func(s *story.Story) { s.Section = "business" }), 5)
	draft(t, db, f3, "ur", from(en3))
	// 4: nothing published.
	draft(t, db, family(t, db), "en")
	// 5: an Urdu original.
	f5 := family(t, db)
	ur5 := published(draft(t, db, f5, "ur"), 6)
	// 6: the original was killed.
	en6 := published(draft(t, db, family(t, db), "en"), 7)
	if _, err := db.KillStory(ctx, en6.ID, Kill{Notice: "withdrawn", At: at(8)}); err != nil {
		t.Fatal(err)
	}
	// 7: the Urdu translation was killed, so there is none published.
	f7 := family(t, db)
	en7 := published(draft(t, db, f7, "en"), 9)
	ur7 := published(draft(t, db, f7, "ur", from(en7)), 10)
	if _, err := db.KillStory(ctx, ur7.ID, Kill{Notice: "withdrawn", At: at(11)}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		lang, section string
		limit         int
		want          []story.Story
	}{
		{"ur", "", 0, []story.Story{en7, en3, ar2}},
		{"ur", "business", 0, []story.Story{en3}},
		{"ur", "sport", 0, nil},
		{"ur", "", 2, []story.Story{en7, en3}},
		{"en", "", 0, []story.Story{ur5, ar2}},
		{"fr", "", 0, []story.Story{en7, ur5, en3, ar2, en1}},
	} {
		got, err := db.Untranslated(ctx, tc.lang, tc.section, tc.limit, time.Time{})
		if err != nil {
			t.Fatalf("%s/%s: %v", tc.lang, tc.section, err)
		}
		if !slices.Equal(ids(got), ids(tc.want)) {
			t.Errorf("Untranslated(%q, %q, %d) = %v, want %v", tc.lang, tc.section, tc.limit, ids(got), ids(tc.want))
		}
		for i := range min(len(got), len(tc.want)) {
			if !reflect.DeepEqual(got[i], tc.want[i]) {
				t.Errorf("Untranslated(%q): story %d reads back as %+v, want %+v", tc.lang, got[i].ID, got[i], tc.want[i])
			}
		}
	}
	if _, err := db.Untranslated(ctx, "", "", 0, time.Time{}); !errors.Is(err, story.ErrInvalid) {
		t.Errorf("no language: %v, want ErrInvalid", err)
	}
}

func testChanges(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	if last, err := db.LastSeq(ctx); err != nil || last != 0 {
		t.Errorf("LastSeq of an empty log = %d, %v; want 0", last, err)
	}
	if chs, err := db.Changes(ctx, 0, 10); err != nil || len(chs) != 0 {
		t.Errorf("Changes of an empty log = %v, %v", chs, err)
	}
	var want []int64
	for i := range 5 {
		s := draft(t, db, family(t, db), "ru")
		publish(t, db, s.ID, at(i))
		want = append(want, s.ID)
	}
	// A follower reading two at a time sees every entry once, in order.
	var got []int64
	after := int64(-5)
	for range 10 {
		page, err := db.Changes(ctx, after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > 2 {
			t.Fatalf("page of %d, limit 2", len(page))
		}
		if len(page) == 0 {
			break
		}
		for _, ch := range page {
			if ch.Seq <= after {
				t.Errorf("seq %d not after %d", ch.Seq, after)
			}
			after = ch.Seq
			if ch.Kind != story.ChangeEdit {
				got = append(got, ch.StoryID)
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("follower saw stories %v, want %v", got, want)
	}
	if last, _ := db.LastSeq(ctx); last != after {
		t.Errorf("LastSeq %d, follower ended at %d", last, after)
	}
}

// testHostileInput stores text that would break SQL built by pasting
// strings, and checks it comes back verbatim and harms nothing.
func testHostileInput(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	nasty := []string{
		`'; DROP TABLE stories; --`,
		`Robert'); DELETE FROM changes; --`,
		`"quoted" 'single' \backslash\ \' \"`,
		`? ?? $1 $2 %s %d _ % :name @p1`,
		"ٹیسٹ\u200f\u202e RTL override \u2066isolate\u2069",
		"tab\tnew\nline\r\n",
	}
	var made []story.Story
	for i, text := range nasty {
		s := draft(t, db, fam, fmt.Sprintf("x%d", i), func(s *story.Story) {
			s.Headline, s.Summary, s.Body, s.Slug = text, text, text, text
			s.Byline, s.Dateline.Place = text, text
			s.Tags = []string{text, text}
		})
		p := publish(t, db, s.ID, at(i))
		made = append(made, p)
	}
	for _, want := range made {
		got, err := db.Story(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("hostile story came back changed:\n got %+v\nwant %+v", got, want)
		}
		v, err := db.StoryVersion(ctx, want.ID, 1)
		if err != nil || v.Headline != want.Headline || !slices.Equal(v.Tags, want.Tags) {
			t.Errorf("hostile version: %+v, %v", v, err)
		}
	}

	// Hostile filters match nothing and break nothing.
	for _, q := range []ListQuery{
		{Lang: `' OR '1'='1`},
		{Section: `world' --`},
		{Lang: "?", Section: "$1"},
	} {
		got, err := db.PublishedStories(ctx, q)
		if err != nil || len(got) != 0 {
			t.Errorf("PublishedStories(%+v) = %d stories, %v; want none", q, len(got), err)
		}
	}
	if _, err := db.FamilyByKey(ctx, `' OR '1'='1`); !errors.Is(err, ErrNotFound) {
		t.Errorf("hostile family key: %v, want ErrNotFound", err)
	}
	if _, err := db.Untranslated(ctx, `') OR 1=1 --`, `'`, 5, time.Time{}); err != nil {
		t.Errorf("hostile Untranslated: %v", err)
	}

	// Text a database would refuse or mangle is refused, clearly.
	for _, tc := range []struct {
		name string
		edit func(*story.Story)
		want string
	}{
		{"NUL in headline", func(s *story.Story) { s.Headline = "a\x00b" }, "headline contains a NUL byte"},
		{"NUL in language", func(s *story.Story) { s.Lang = "e\x00" }, "language contains a NUL byte"},
		{"invalid UTF-8", func(s *story.Story) { s.Headline = "\xff\xfe" }, "headline is not valid UTF-8"},
	} {
		s := story.Story{FamilyID: fam, Lang: "yy", Headline: "h", Section: "world", Status: story.StatusDraft}
		tc.edit(&s)
		err := db.CreateStory(ctx, &s)
		if !errors.Is(err, story.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want ErrInvalid saying %q", tc.name, err, tc.want)
		}
	}

	// The largest body allowed (MaxBody bytes), in a script of two-byte runes, fits.
	big := draft(t, db, fam, "ur", func(s *story.Story) { s.Body = strings.Repeat("ب", story.MaxBody/2) })
	if got, err := db.Story(ctx, big.ID); err != nil || got.Body != big.Body {
		t.Errorf("largest body: %d bytes back, %v; want %d", len(got.Body), err, len(big.Body))
	}

	// Every table is still there and whole.
	if n, err := db.CountPublished(ctx, ListQuery{}); err != nil || n != len(nasty) {
		t.Errorf("after hostile input: %d published, %v; want %d", n, err, len(nasty))
	}
	if last, err := db.LastSeq(ctx); err != nil || last == 0 {
		t.Errorf("after hostile input: last seq %d, %v", last, err)
	}
}

// withoutEdits drops the working-copy entries from a change log page, for
// tests about publications.
func withoutEdits(chs []story.Change) []story.Change {
	var out []story.Change
	for _, ch := range chs {
		if ch.Kind != story.ChangeEdit {
			out = append(out, ch)
		}
	}
	return out
}

// testEditChanges: every change to a working copy that publishes nothing
// appends one edit entry in its transaction, so that each node's desk
// search index hears of drafts; publications append only their own kind.
func testEditChanges(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	s := draft(t, db, family(t, db), "ur")
	// The create itself.
	if chs, _ := db.Changes(ctx, 0, 10); len(chs) != 1 || chs[0].Kind != story.ChangeEdit || chs[0].StoryID != s.ID || chs[0].Version != 0 || chs[0].Lang != "ur" {
		t.Fatalf("after create: %+v, want one edit of story %d", chs, s.ID)
	}
	steps := []struct {
		name string
		do   func() error
		want story.ChangeKind
	}{
		{"save", func() error { s.Body = "Changed."; return db.SaveStory(ctx, &s, audit.Entry{}) }, story.ChangeEdit},
		{"submit", func() error { _, err := db.SetStatus(ctx, s.ID, story.StatusSubmitted, audit.Entry{}); return err }, story.ChangeEdit},
		{"schedule", func() error { _, err := db.ScheduleStory(ctx, s.ID, at(9), audit.Entry{}); return err }, story.ChangeEdit},
		{"publish", func() error { _, err := db.PublishStory(ctx, s.ID, Publish{At: at(1)}); return err }, story.ChangePublish},
		{"edit after publish", func() error { s.Body = "Again."; return db.UpdateStory(ctx, &s) }, story.ChangeEdit},
	}
	for _, step := range steps {
		last, _ := db.LastSeq(ctx)
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		chs, err := db.Changes(ctx, last, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(chs) != 1 || chs[0].Kind != step.want || chs[0].StoryID != s.ID {
			t.Errorf("%s appended %+v, want one %s", step.name, chs, step.want)
		}
	}
	// A refused save appends nothing.
	last, _ := db.LastSeq(ctx)
	bad := s
	bad.Lang = "en"
	if err := db.UpdateStory(ctx, &bad); err == nil {
		t.Fatal("changing the language was accepted")
	}
	if now, _ := db.LastSeq(ctx); now != last {
		t.Errorf("a refused save moved the log from %d to %d", last, now)
	}
}

// testLeases: one holder at a time; the holder renews; a lapsed lease goes
// to whoever asks; many nodes asking at once, exactly one wins.
func testLeases(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	ok := func(name, owner string, now time.Time, d time.Duration) bool {
		t.Helper()
		got, err := db.TryLease(ctx, name, owner, now, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if !ok("scheduler", "a", at(0), time.Minute) {
		t.Fatal("a free lease was refused")
	}
	if ok("scheduler", "b", at(0).Add(30*time.Second), time.Minute) {
		t.Error("b took a lease a holds")
	}
	if !ok("scheduler", "a", at(0).Add(50*time.Second), time.Minute) {
		t.Error("a could not renew its own lease")
	}
	if !ok("other", "b", at(0), time.Minute) {
		t.Error("leases of other names are independent")
	}
	if ok("scheduler", "b", at(0).Add(100*time.Second), time.Minute) {
		t.Error("b took a's renewed lease before it ran out")
	}
	if !ok("scheduler", "b", at(0).Add(111*time.Second), time.Minute) {
		t.Error("b could not take a lapsed lease")
	}
	if err := db.ReleaseLease(ctx, "scheduler", "a"); err != nil { // a no longer holds it: nothing happens
		t.Fatal(err)
	}
	if ok("scheduler", "a", at(0).Add(112*time.Second), time.Minute) {
		t.Error("a's release took b's lease away")
	}
	if err := db.ReleaseLease(ctx, "scheduler", "b"); err != nil {
		t.Fatal(err)
	}
	if !ok("scheduler", "a", at(0).Add(113*time.Second), time.Minute) {
		t.Error("a released lease was refused")
	}
	if _, err := db.TryLease(ctx, "x", "a", at(0), at(0)); err == nil {
		t.Error("a lease ending now was accepted")
	}

	// Eight nodes at once: one winner.
	var wg sync.WaitGroup
	wins := make(chan string, 8)
	for i := range 8 {
		wg.Go(func() {
			owner := fmt.Sprintf("node-%d", i)
			got, err := db.TryLease(ctx, "race", owner, at(5), at(6))
			if err != nil {
				t.Error(err)
			}
			if got {
				wins <- owner
			}
		})
	}
	wg.Wait()
	close(wins)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Errorf("winners %v, want exactly one", winners)
	}
}
