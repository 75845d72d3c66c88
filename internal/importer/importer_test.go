package importer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/clock"
	"github.com/qasid/qasid/internal/ingest"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

var start = time.Date(2026, 5, 4, 6, 0, 0, 0, time.UTC)

// text is a paragraph of n words made from seed: different seeds give
// unrelated texts, the same seed the same text. Words are letters only:
// the fingerprint reads every digit as 0.
func text(seed, n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = letters(seed*1000+i) + "q" + letters((i*7+seed*13)%997)
	}
	return strings.Join(words, " ")
}

func letters(n int) string {
	var b []byte
	for {
		b = append(b, byte('a'+n%26))
		n /= 26
		if n == 0 {
			return string(b)
		}
	}
}

// line is one corpus-format JSON line.
func line(id, code, headline, body, section string) string {
	m := map[string]any{"id": id, "lang": code, "headline": headline, "body": body, "source": "Test Wire", "published": nil, "section": nil}
	if section != "" {
		m["section"] = section
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func newService(t *testing.T, db store.Store, o Options) *Service {
	t.Helper()
	o.Store = db
	if o.Now == nil {
		o.Now = clock.NewFake(start).Now
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func world(t *testing.T, db store.Store) {
	t.Helper()
	for i, key := range []string{"world", "sport"} {
		if err := db.SaveSection(t.Context(), story.Section{Key: key, Position: i, Names: map[string]string{"en": key}}); err != nil {
			t.Fatal(err)
		}
	}
}

// file is an input with every case an import meets.
func file() string {
	near := strings.Replace(text(1, 80), "q", " changed ", 1) // one word of eighty
	return strings.Join([]string{
		line("ntrex:a:en", "en", "Family story", text(1, 80), "sport"),
		line("ntrex:a:ur", "ur", "خاندانی خبر", text(2, 80), ""),
		line("ntrex:a:zh", "zh", "家庭新闻", text(3, 80), "economy"),
		line("ntrex:a:en2", "en", "A second English", text(4, 80), ""),  // own family: ids end in en2
		line("other:1:en", "en", "Near copy", near, ""),                 // near-duplicate of the first
		line("ntrex:a:en", "en", "Family story again", text(5, 80), ""), // the same id: duplicate
		`{"id": "broken", "lang": "en", "headline": `,                   // line 7: malformed
		line("bad:1:xx", "xx", "Klingon", text(6, 80), ""),              // line 8: unknown language
		"", // blank lines are skipped
		line("md:1:en", "en", "Markup", "# Not a heading\nSee [[also:1]]", "world"),
	}, "\n")
}

func TestImport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		world(t, db)
		s := newService(t, db, Options{})
		var calls int
		sum, err := s.Import(ctx, strings.NewReader(file()), "wire.jsonl", ImportOptions{BatchSize: 3, Progress: func(Summary) { calls++ }})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Format != ingest.JSONL || sum.Read != 7 || sum.Imported != 5 || sum.Duplicates != 1 || sum.NearDuplicates != 1 || sum.Skipped != 0 || sum.ErrorCount != 2 {
			t.Fatalf("summary %+v", sum)
		}
		if calls < 3 {
			t.Errorf("progress called %d times for 7 items in batches of 3", calls)
		}
		if len(sum.Errors) != 2 || sum.Errors[0].Pos != "line 7" || sum.Errors[1].Pos != "line 8" || !errors.Is(sum.Errors[1].Err, ingest.ErrLanguage) {
			t.Errorf("errors %v: want lines 7 and 8, the second a language error", sum.Errors)
		}

		// The three ntrex members are one family.
		fam, err := db.FamilyByKey(ctx, "ntrex:a")
		if err != nil {
			t.Fatal(err)
		}
		members, err := db.Family(ctx, fam)
		if err != nil || len(members) != 3 {
			t.Fatalf("family ntrex:a: %d members, %v", len(members), err)
		}
		for _, m := range members {
			if m.Status != story.StatusDraft || m.AuthorID != 0 {
				t.Errorf("%s member: %s by %d, want an imported draft", m.Lang, m.Status, m.AuthorID)
			}
			want := "world" // no section, or one the agency lacks ("economy")
			if m.Lang == "en" {
				want = "sport"
			}
			if m.Section != want {
				t.Errorf("%s member in section %q, want %q", m.Lang, m.Section, want)
			}
			if m.Slug != lang.Slug(m.Lang, m.Headline) {
				t.Errorf("%s member slug %q", m.Lang, m.Slug)
			}
		}

		// The near-duplicate is stored, flagged with the first item, and
		// no story is made from it.
		near, err := db.Items(ctx, store.ItemQuery{State: store.ItemDuplicate})
		if err != nil || len(near) != 1 || near[0].GUID != "other:1:en" {
			t.Fatalf("near-duplicates: %+v, %v", near, err)
		}
		first, err := db.Item(ctx, near[0].DuplicateOf)
		if err != nil || first.GUID != "ntrex:a:en" || near[0].StoryID != 0 {
			t.Errorf("near-duplicate of %q (%v), story %d; want of ntrex:a:en, no story", first.GUID, err, near[0].StoryID)
		}

		// Outside markup stays text.
		md, err := db.Items(ctx, store.ItemQuery{Source: "Test Wire", Lang: "en", State: store.ItemUsed})
		if err != nil {
			t.Fatal(err)
		}
		var body string
		for _, it := range md {
			if it.GUID == "md:1:en" {
				st, err := db.Story(ctx, it.StoryID)
				if err != nil {
					t.Fatal(err)
				}
				body = st.Body
			}
		}
		if body != `\# Not a heading`+"\n\n"+`See \[\[also:1\]\]` || len(story.AlsoRefs(body)) != 0 {
			t.Errorf("markup item body %q", body)
		}

		// Importing again makes nothing: every item is a duplicate.
		again, err := s.Import(ctx, strings.NewReader(file()), "wire.jsonl", ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if again.Imported != 0 || again.Duplicates != 7 || again.NearDuplicates != 0 || again.ErrorCount != 2 {
			t.Errorf("second import %+v: want 7 duplicates and nothing else", again)
		}
	})
}

func TestImportPublish(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	world(t, db)
	s := newService(t, db, Options{})
	in := line("p:1:en", "en", "Published one", text(7, 40), "") + "\n" +
		`{"id":"p:2:fr","lang":"fr","headline":"Daté","body":"` + text(8, 40) + `","published":"2026-04-01","source":"S","url":"https://example.com/2"}`
	sum, err := s.Import(ctx, strings.NewReader(in), "p.jsonl", ImportOptions{Publish: true})
	if err != nil || sum.Imported != 2 {
		t.Fatalf("%+v, %v", sum, err)
	}
	list, err := db.PublishedStories(ctx, store.ListQuery{Now: start.Add(time.Hour)})
	if err != nil || len(list) != 2 {
		t.Fatalf("published: %d, %v", len(list), err)
	}
	for _, st := range list {
		if st.Version != 1 {
			t.Errorf("story %d version %d", st.ID, st.Version)
		}
		switch st.Lang {
		case "fr":
			// Published when the source says, filed on that day.
			if !st.PublishedAt.Equal(time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)) || st.Dateline.Date.String() != "2026-04-01" {
				t.Errorf("dated story published %v, dateline %v", st.PublishedAt, st.Dateline.Date)
			}
		case "en":
			if !st.PublishedAt.Equal(start) {
				t.Errorf("undated story published %v, want the import's time", st.PublishedAt)
			}
		}
		it, err := db.ItemByStory(ctx, st.ID)
		if err != nil || it.State != store.ItemUsed {
			t.Errorf("item of story %d: %+v, %v", st.ID, it, err)
		}
	}
}

func TestImportRefusesUnknownFormats(t *testing.T) {
	db := storetest.SQLite(t)
	s := newService(t, db, Options{})
	for name, in := range map[string]string{
		"empty.jsonl": "",
		"text.txt":    "just some words\n",
		"bin.dat":     "\x00\x01\x02",
		"utf16.xml":   "\xff\xfe<\x00r\x00",
	} {
		sum, err := s.Import(t.Context(), strings.NewReader(in), name, ImportOptions{})
		if !errors.Is(err, ingest.ErrUnknownFormat) || sum.Read != 0 {
			t.Errorf("%s: %+v, %v; want ErrUnknownFormat, nothing read", name, sum, err)
		}
	}
	// A known format with no good item reads nothing, and says why.
	sum, err := s.Import(t.Context(), strings.NewReader(`{"hello": "world"}`), "obj.json", ImportOptions{})
	if err != nil || sum.Read != 0 || sum.ErrorCount != 1 || !errors.Is(sum.Errors[0].Err, ingest.ErrNoGUID) {
		t.Errorf("an item without an id: %+v, %v", sum, err)
	}
	if n, err := db.CountItems(t.Context(), store.ItemQuery{}); err != nil || n != 0 {
		t.Errorf("%d items stored, %v", n, err)
	}
}

// A document that breaks off keeps what was read before the break.
func TestImportKeepsWhatWasRead(t *testing.T) {
	db := storetest.SQLite(t)
	world(t, db)
	s := newService(t, db, Options{})
	in := line("k:1:en", "en", "Kept", text(9, 30), "") + "\n" + strings.Repeat("x", ingest.DefaultMaxLine+10)
	sum, err := s.Import(t.Context(), strings.NewReader(in), "k.jsonl", ImportOptions{})
	if sum.Imported != 1 {
		t.Errorf("%+v, %v: want the first item imported", sum, err)
	}
	if err == nil && sum.ErrorCount == 0 {
		t.Errorf("an over-long line was neither an error nor counted")
	}
}

// An agency without "imported" or "world" gets an "imported" section,
// named in every language; a configured default that does not exist is
// refused before anything is read.
func TestImportSections(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	cat, err := lang.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	s := newService(t, db, Options{Catalog: cat})
	if _, err := s.Import(ctx, strings.NewReader(line("s:1:ar", "ar", "عنوان", text(10, 30), "")), "s.jsonl", ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	secs, err := db.Sections(ctx)
	if err != nil || len(secs) != 1 || secs[0].Key != ImportedSection || secs[0].Names["ar"] != cat.T("ar", "ingest.section_imported") || len(secs[0].Names) != 7 {
		t.Fatalf("sections %+v, %v", secs, err)
	}
	bad := newService(t, db, Options{DefaultSection: "nowhere"})
	if _, err := bad.Import(ctx, strings.NewReader(line("s:2:ar", "ar", "عنوان", text(11, 30), "")), "s.jsonl", ImportOptions{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown default section: %v, want ErrInvalid", err)
	}
	if n, _ := db.CountItems(ctx, store.ItemQuery{}); n != 1 {
		t.Errorf("%d items after the refused import, want 1", n)
	}
}

// The second item of a language in one family is stored and explained,
// not made a story; near-duplicates are found across batches and within
// one, against the right language only.
func TestImportSkipsAndNearDuplicates(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	world(t, db)
	s := newService(t, db, Options{})
	nearA := strings.Replace(text(20, 80), "q", " other ", 1)
	in := strings.Join([]string{
		`{"id":"f:1","lang":"en","headline":"One","body":"` + text(21, 50) + `"}`,
		line("x:1:en", "en", "A", text(20, 80), ""),
		line("x:2:en", "en", "A again", nearA, ""),            // same batch as x:1
		line("x:3:fr", "fr", "A in French", text(20, 80), ""), // same words, other language: not a duplicate
		line("x:4:en", "en", "A once more", nearA, ""),        // next batch
	}, "\n")
	sum, err := s.Import(ctx, strings.NewReader(in), "n.jsonl", ImportOptions{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 3 || sum.NearDuplicates != 2 {
		t.Errorf("summary %+v: want 3 imported, 2 near-duplicates", sum)
	}

	// Two English items in one family (ninjs families are keyed by the
	// sender; in JSON Lines by the id without its language).
	fam := strings.Join([]string{
		line("g:1:en", "en", "First", text(30, 40), ""),
		`{"id":"g:1:en","lang":"en","headline":"dup","body":"x","source":"Other Wire"}`, // another source: a new item
	}, "\n")
	sum, err = s.Import(ctx, strings.NewReader(fam), "g.jsonl", ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Imported != 1 || sum.Skipped != 1 || len(sum.Skips) != 1 || !strings.Contains(sum.Skips[0].Err.Error(), "already has a en story") {
		t.Fatalf("summary %+v: want one imported, one skipped with its reason", sum)
	}
	left, err := db.Items(ctx, store.ItemQuery{State: store.ItemIncoming})
	if err != nil || len(left) != 1 || left[0].Source != "Other Wire" {
		t.Errorf("the skipped item waits on the incoming list: %+v, %v", left, err)
	}
}
