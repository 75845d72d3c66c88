package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/story"
)

// The section lists read the published version's section from the story
// row (public_section, migration 0013), kept in step by every write that
// makes a version.
func sectionContract() []contractTest {
	return []contractTest{
		{"sections: lists follow a correction that moves a story", testSectionMove},
		{"sections: a kill leaves the lists", testSectionKill},
		{"sections: scheduled and embargoed stories join on time", testSectionSchedule},
		{"sections: imported stories", testSectionImport},
		{"sections: deep pages", testSectionPages},
		{"sections: migration 0013 fills public_section", testSectionMigration},
		{"public families in one query", testPublicFamilies},
	}
}

// sectionIDs lists a section's stories in lang as readers see them at
// now, and checks that the count agrees with the list.
func sectionIDs(t *testing.T, db *DB, lang, section string, n int) []int64 {
	t.Helper()
	q := ListQuery{Now: at(n), Lang: lang, Section: section, Limit: maxList}
	list, err := db.PublishedStories(t.Context(), q)
	if err != nil {
		t.Fatalf("%s/%s at %d: %v", lang, section, n, err)
	}
	count, err := db.CountPublished(t.Context(), q)
	if err != nil {
		t.Fatalf("count %s/%s at %d: %v", lang, section, n, err)
	}
	if count != len(list) {
		t.Errorf("%s/%s at %d: count %d, list of %d", lang, section, n, count, len(list))
	}
	for _, s := range list {
		if s.Section != section {
			t.Errorf("%s/%s at %d: story %d shows section %q", lang, section, n, s.ID, s.Section)
		}
	}
	return ids(list)
}

func wantIDs(t *testing.T, what string, got []int64, want ...int64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

func testSectionMove(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	a := publish(t, db, draft(t, db, family(t, db), "en").ID, at(1))
	b := publish(t, db, draft(t, db, family(t, db), "en").ID, at(2))

	// Moving the working copy changes nothing readers see.
	edited, err := db.Story(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	edited.Section = "business"
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "world before the correction", sectionIDs(t, db, "en", "world", 3), b.ID, a.ID)
	wantIDs(t, "business before the correction", sectionIDs(t, db, "en", "business", 3))

	// The correction publishes the move: the story leaves world and joins
	// business, keeping its place by first publication.
	if _, err := db.PublishStory(ctx, a.ID, Publish{At: at(4), CorrectionNote: "Moved."}); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "world after the correction", sectionIDs(t, db, "en", "world", 5), b.ID)
	wantIDs(t, "business after the correction", sectionIDs(t, db, "en", "business", 5), a.ID)
	if pub, err := db.PublicStory(ctx, a.ID, at(5)); err != nil || pub.Section != "business" {
		t.Errorf("public story after the move: section %q, %v", pub.Section, err)
	}
	// The "from other languages" lists follow the move too.
	un, err := db.Untranslated(ctx, "fr", "world", 10, at(5))
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "untranslated into French, world", ids(un), b.ID)
	if un, err = db.Untranslated(ctx, "fr", "business", 10, at(5)); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "untranslated into French, business", ids(un), a.ID)

	// A correction that moves it back, then one that leaves the section
	// as it is.
	edited, _ = db.Story(ctx, a.ID)
	edited.Section = "world"
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(ctx, a.ID, Publish{At: at(6), CorrectionNote: "Back."}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishStory(ctx, a.ID, Publish{At: at(7), CorrectionNote: "Typo."}); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "world after moving back", sectionIDs(t, db, "en", "world", 8), b.ID, a.ID)
	wantIDs(t, "business after moving back", sectionIDs(t, db, "en", "business", 8))
}

func testSectionKill(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	a := publish(t, db, draft(t, db, family(t, db), "en").ID, at(1))
	b := publish(t, db, draft(t, db, family(t, db), "en").ID, at(2))
	// The working copy moved before the kill: the kill version takes the
	// working copy's section, and still lists nowhere.
	edited, _ := db.Story(ctx, b.ID)
	edited.Section = "business"
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	if _, err := db.KillStory(ctx, b.ID, Kill{Notice: "Withdrawn.", At: at(3)}); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "world after the kill", sectionIDs(t, db, "en", "world", 4), a.ID)
	wantIDs(t, "business after the kill", sectionIDs(t, db, "en", "business", 4))
	if n, err := db.CountPublished(ctx, ListQuery{Now: at(4)}); err != nil || n != 1 {
		t.Errorf("count of everything after the kill: %d, %v; want 1", n, err)
	}
}

func testSectionSchedule(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	clock(db, 0)
	sched := draft(t, db, family(t, db), "en", func(s *story.Story) { s.Section = "sport" })
	if _, err := db.ScheduleStory(ctx, sched.ID, at(10), audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	held := draft(t, db, family(t, db), "en", func(s *story.Story) { s.Section = "sport" })
	if _, err := db.PublishStory(ctx, held.ID, Publish{At: at(1), EmbargoUntil: at(20)}); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "sport before the schedule", sectionIDs(t, db, "en", "sport", 5))

	// The scheduler publishes what is due, as the newsroom does.
	due, err := db.DueStories(ctx, at(11), 10)
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "due at 11", ids(due), sched.ID)
	for _, s := range due {
		if _, err := db.PublishStory(ctx, s.ID, Publish{At: at(11)}); err != nil {
			t.Fatal(err)
		}
	}
	wantIDs(t, "sport after the schedule, under the embargo", sectionIDs(t, db, "en", "sport", 12), sched.ID)
	// The embargoed story joins when its embargo ends, lifted or not yet,
	// in its place by publication time.
	wantIDs(t, "sport after the embargo", sectionIDs(t, db, "en", "sport", 21), sched.ID, held.ID)
	clock(db, 21)
	if _, err := db.LiftEmbargoes(ctx, at(21)); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "sport after the lift", sectionIDs(t, db, "en", "sport", 22), sched.ID, held.ID)
}

func testSectionImport(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	mk := func(key, section string, status story.Status, minute int) ImportedStory {
		return ImportedStory{FamilyKey: key, PublishedAt: at(minute),
			Story: story.Story{Lang: "en", Headline: "Imported " + key, Section: section, Status: status}}
	}
	out, err := db.ImportStories(ctx, []ImportedStory{
		mk("sec:1", "world", story.StatusPublished, 1),
		mk("sec:2", "business", story.StatusPublished, 2),
		mk("sec:3", "world", story.StatusDraft, 3),
	})
	if err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "imported world", sectionIDs(t, db, "en", "world", 4), out[0].StoryID)
	wantIDs(t, "imported business", sectionIDs(t, db, "en", "business", 4), out[1].StoryID)
	// The imported draft, published later in another section, lists there.
	d, _ := db.Story(ctx, out[2].StoryID)
	d.Section = "culture"
	if err := db.UpdateStory(ctx, &d); err != nil {
		t.Fatal(err)
	}
	publish(t, db, d.ID, at(5))
	wantIDs(t, "world after publishing the draft", sectionIDs(t, db, "en", "world", 6), out[0].StoryID)
	wantIDs(t, "culture after publishing the draft", sectionIDs(t, db, "en", "culture", 6), d.ID)
}

// testSectionPages: pages of a long section never overlap or skip, in the
// newest-first order (ties by id), whatever else the table holds.
func testSectionPages(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	var batch []ImportedStory
	for i := range 57 {
		section := "world"
		if i%3 == 0 {
			section = "business"
		}
		lang := "en"
		if i%5 == 0 {
			lang = "fr"
		}
		batch = append(batch, ImportedStory{FamilyKey: fmt.Sprintf("page:%d", i), PublishedAt: at(i / 2), // pairs share a time
			Story: story.Story{Lang: lang, Headline: fmt.Sprintf("Story %d", i), Section: section, Status: story.StatusPublished,
				Body: fmt.Sprintf("Body of story %d.", i)}})
	}
	if _, err := db.ImportStories(ctx, batch); err != nil {
		t.Fatal(err)
	}
	all := sectionIDs(t, db, "en", "world", 100)
	if len(all) == 0 {
		t.Fatal("no stories in en/world")
	}
	for i := 1; i < len(all); i++ {
		a, _ := db.PublicStory(ctx, all[i-1], at(100))
		b, _ := db.PublicStory(ctx, all[i], at(100))
		if a.PublishedAt.Before(b.PublishedAt) || (a.PublishedAt.Equal(b.PublishedAt) && a.ID < b.ID) {
			t.Errorf("story %d listed before %d", a.ID, b.ID)
		}
	}
	var paged []int64
	for off := 0; off < len(all)+7; off += 7 {
		list, err := db.PublishedStories(ctx, ListQuery{Now: at(100), Lang: "en", Section: "world", Limit: 7, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(list)...)
	}
	wantIDs(t, "pages of 7 joined", paged, all...)

	// Keyset pages: the cursors end every full page, and the pages they
	// start are the pages by offset, ties on the time broken by id.
	for _, now := range []int{100, 10} {
		q := ListQuery{Now: at(now), Lang: "en", Section: "world", Limit: 7}
		want := sectionIDs(t, db, "en", "world", now)
		ends, err := db.PageEnds(ctx, q, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(ends) != len(want)/7 {
			t.Fatalf("at %d: %d page ends for %d stories, want %d", now, len(ends), len(want), len(want)/7)
		}
		first, err := db.PublishedStories(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		paged := ids(first)
		for i, c := range ends {
			if c.ID != want[7*i+6] {
				t.Errorf("at %d: page %d ends with %d, want %d", now, i+1, c.ID, want[7*i+6])
			}
			q.After = &ends[i]
			list, err := db.PublishedStories(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, ids(list)...)
		}
		wantIDs(t, fmt.Sprintf("keyset pages of 7 at %d joined", now), paged, want...)
	}
	if _, err := db.PageEnds(ctx, ListQuery{}, 0); !errors.Is(err, story.ErrInvalid) {
		t.Errorf("page ends of 0 stories a page: %v, want ErrInvalid", err)
	}

	// Without bodies, the same stories otherwise.
	q := ListQuery{Now: at(100), Lang: "en", Section: "world", Limit: maxList}
	full, err := db.PublishedStories(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	q.NoBody = true
	bare, err := db.PublishedStories(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(bare) != len(full) {
		t.Fatalf("%d stories without bodies, %d with", len(bare), len(full))
	}
	for i := range full {
		if full[i].Body == "" {
			t.Errorf("story %d has no body in the full list", full[i].ID)
		}
		want := full[i]
		want.Body = ""
		if !reflect.DeepEqual(bare[i], want) {
			t.Errorf("without the body, story %d reads %+v, want %+v", want.ID, bare[i], want)
		}
	}
}

// testSectionMigration: a database made before migration 0013, holding
// stories whose working copy has moved away from the published section,
// gets public_section from the published versions when it is migrated.
func testSectionMigration(t *testing.T, db *DB, reopen func(*testing.T) *DB) {
	ctx := t.Context()
	moved := publish(t, db, draft(t, db, family(t, db), "en").ID, at(1))
	edited, _ := db.Story(ctx, moved.ID)
	edited.Section = "business"
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	corrected := publish(t, db, draft(t, db, family(t, db), "en", func(s *story.Story) { s.Section = "sport" }).ID, at(2))
	edited, _ = db.Story(ctx, corrected.ID)
	edited.Section = "culture"
	if err := db.UpdateStory(ctx, &edited); err != nil {
		t.Fatal(err)
	}
	publish(t, db, corrected.ID, at(3)) // version 2, in culture
	unpublished := draft(t, db, family(t, db), "en")

	// Take the database back to before 0013: the view of 0003, no column,
	// no index, 0013 not recorded.
	ms, err := migrations(db.d.migrationsDir())
	if err != nil {
		t.Fatal(err)
	}
	var view string
	for _, m := range ms {
		if m.version == 3 {
			view = m.sql
		}
	}
	if !strings.Contains(view, "CREATE VIEW public_stories") {
		t.Fatalf("migration 3 is not the view: %q", view)
	}
	for _, q := range []string{
		`DROP VIEW public_stories`,
		`DROP INDEX stories_public_section`,
		`ALTER TABLE stories DROP COLUMN public_section`,
		view,
		`DELETE FROM schema_migrations WHERE version = 13`,
	} {
		if _, err := db.writer.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	db = reopen(t)
	if db == nil {
		t.FailNow()
	}
	defer db.Close()
	for _, tc := range []struct {
		id   int64
		want string
	}{{moved.ID, "world"}, {corrected.ID, "culture"}, {unpublished.ID, ""}} {
		var got string
		if err := db.read().queryRow(ctx, `SELECT public_section FROM stories WHERE id = ?`, tc.id).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("story %d: public_section %q, want %q", tc.id, got, tc.want)
		}
	}
	wantIDs(t, "world after migrating", sectionIDs(t, db, "en", "world", 4), moved.ID)
	wantIDs(t, "culture after migrating", sectionIDs(t, db, "en", "culture", 4), corrected.ID)
	wantIDs(t, "business after migrating", sectionIDs(t, db, "en", "business", 4))
	wantIDs(t, "sport after migrating", sectionIDs(t, db, "en", "sport", 4))
}

// testPublicFamilies: the batch family reads answer what PublicFamily
// answers one family at a time, embargo, drafts and kills included.
func testPublicFamilies(t *testing.T, db *DB, _ func(*testing.T) *DB) {
	ctx := t.Context()
	fam := family(t, db)
	en := publish(t, db, draft(t, db, fam, "en", func(s *story.Story) { s.Body = "English text." }).ID, at(1))
	ur := publish(t, db, draft(t, db, fam, "ur", func(s *story.Story) { s.TranslatedFromID = en.ID; s.Body = "Urdu text." }).ID, at(2))
	fr := draft(t, db, fam, "fr") // a draft: never listed
	ar := draft(t, db, fam, "ar")
	if _, err := db.PublishStory(ctx, ar.ID, Publish{At: at(2), EmbargoUntil: at(30)}); err != nil {
		t.Fatal(err)
	}
	other := family(t, db)
	zh := publish(t, db, draft(t, db, other, "zh").ID, at(3))
	if _, err := db.KillStory(ctx, zh.ID, Kill{Notice: "Gone.", At: at(4)}); err != nil {
		t.Fatal(err)
	}
	solo := publish(t, db, draft(t, db, family(t, db), "es").ID, at(5))
	empty := family(t, db)

	for _, n := range []int{10, 31} {
		want := map[int64][]int64{}
		for _, f := range []int64{fam, other, solo.FamilyID, empty, 987654} {
			list, err := db.PublicFamily(ctx, f, at(n))
			if err != nil {
				t.Fatal(err)
			}
			if len(list) > 0 {
				want[f] = ids(list)
			}
		}
		// Duplicates and unknown ids are harmless.
		got, err := db.PublicFamilies(ctx, []int64{fam, other, solo.FamilyID, fam, empty, 987654}, at(n))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("at %d: %d families, want %d", n, len(got), len(want))
		}
		for f, w := range want {
			wantIDs(t, fmt.Sprintf("family %d at %d", f, n), ids(got[f]), w...)
			for _, m := range got[f] {
				if m.Body != "" || m.Headline == "" || m.Status != story.StatusPublished {
					t.Errorf("family %d member %d: body %q, headline %q, %s; want no body", f, m.ID, m.Body, m.Headline, m.Status)
				}
			}
		}
		// Of a story: its family, the story among the members when public.
		for _, id := range []int64{en.ID, ur.ID, fr.ID, ar.ID} {
			of, err := db.PublicFamilyOf(ctx, id, at(n))
			if err != nil {
				t.Fatal(err)
			}
			wantIDs(t, fmt.Sprintf("family of %d at %d", id, n), ids(of), want[fam]...)
			for _, m := range of {
				if m.ID == en.ID && m.Body != "English text." {
					t.Errorf("family of %d: the English body is %q", id, m.Body)
				}
			}
		}
	}
	if got, _ := db.PublicFamilies(ctx, []int64{fam}, at(10)); !slices.Equal(ids(got[fam]), []int64{en.ID, ur.ID}) {
		t.Errorf("family at 10: %v, want en and ur in language order", ids(got[fam]))
	}
	if got, _ := db.PublicFamilies(ctx, []int64{fam}, at(31)); len(got[fam]) != 3 {
		t.Errorf("family after the embargo: %v, want ar, en, ur", ids(got[fam]))
	}
	if of, err := db.PublicFamilyOf(ctx, 987654, at(10)); err != nil || len(of) != 0 {
		t.Errorf("family of a missing story: %v, %v", ids(of), err)
	}
	if got, err := db.PublicFamilies(ctx, nil, at(10)); err != nil || len(got) != 0 {
		t.Errorf("no families: %v, %v", got, err)
	}
	// More families than one query takes.
	var many []int64
	var last int64
	for range familiesChunk + 3 {
		f := family(t, db)
		many = append(many, f)
		last = f
	}
	res, err := db.ImportStories(ctx, []ImportedStory{{Story: story.Story{Lang: "en", Headline: "Last", Section: "world", Status: story.StatusPublished}, PublishedAt: at(6)}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := db.PublicFamilies(ctx, append(many, fam, res[0].FamilyID), at(10))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[fam]) != 2 || len(got[res[0].FamilyID]) != 1 || got[last] != nil {
		t.Errorf("past one chunk: %d families", len(got))
	}
}
