package store

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/story"
)

func ingestContract() []contractTest {
	return []contractTest{
		{"ingest: items round trip", testItemsRoundTrip},
		{"ingest: the same guid or url is stored once", testItemDuplicates},
		{"ingest: incoming list", testItemList},
		{"ingest: near-duplicate candidates", testNearItems},
		{"ingest: item states", testItemStates},
		{"ingest: hostile items", testHostileItems},
		{"ingest: import stories", testImportStories},
		{"ingest: import conflicts and refusals", testImportRefusals},
		{"ingest: feeds", testFeeds},
		{"ingest: feed leases", testFeedLeases},
		{"ingest: concurrent leases poll each feed once", testConcurrentFeedLeases},
	}
}

// item is a minimal new item from source src with guid g.
func item(src, g, lang string) IngestItem {
	return IngestItem{Source: src, GUID: g, Lang: lang, Headline: "Headline " + g, Body: "Body of " + g}
}

func addItems(t *testing.T, db *DB, items ...IngestItem) []AddResult {
	t.Helper()
	res, err := db.AddItems(t.Context(), items)
	if err != nil {
		t.Fatalf("add items: %v", err)
	}
	if len(res) != len(items) {
		t.Fatalf("%d results for %d items", len(res), len(items))
	}
	return res
}

func testItemsRoundTrip(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	in := IngestItem{
		Source: "Example Wire", GUID: "urn:example:1", URL: "https://example.com/a/1", Lang: "ur",
		Headline: "سرخی", Summary: "خلاصہ", Body: "پہلا پیراگراف\nدوسرا", Byline: "Staff",
		Section: "politics", Tags: []string{"one", "two"}, FamilyKey: "fam-1", Published: at(-60),
		ReceivedAt: at(0), SimHash: 1<<63 | 12345, Bands: []uint64{1, 2<<16 | 7}, FeedID: 9,
	}
	res := addItems(t, db, in)
	if res[0].Status != AddNew || res[0].ID == 0 {
		t.Fatalf("result %+v, want new with an id", res[0])
	}
	got, err := db.Item(ctx, res[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want := in
	want.ID, want.State, want.Bands = res[0].ID, ItemIncoming, nil
	want.Published, want.ReceivedAt = storeTime(in.Published), storeTime(in.ReceivedAt)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("item read back\n got %+v\nwant %+v", got, want)
	}

	// Defaults: the store's clock for the arrival, no URL, no tags, and
	// duplicate for an item that names the one it repeats.
	db.now = func() time.Time { return at(5) }
	res = addItems(t, db, item("s", "g2", "en"), IngestItem{Source: "s", GUID: "g3", Lang: "en", DuplicateOf: res[0].ID})
	plain, err := db.Item(ctx, res[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !plain.ReceivedAt.Equal(storeTime(at(5))) || plain.URL != "" || plain.Tags != nil || plain.State != ItemIncoming || !plain.Published.IsZero() {
		t.Errorf("defaults: %+v", plain)
	}
	near, err := db.Item(ctx, res[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if near.State != ItemDuplicate || near.DuplicateOf != want.ID {
		t.Errorf("near-duplicate stored as %s of %d, want duplicate of %d", near.State, near.DuplicateOf, want.ID)
	}
	if _, err := db.Item(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown item: %v, want ErrNotFound", err)
	}
	if _, err := db.ItemByStory(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("item of an unknown story: %v, want ErrNotFound", err)
	}
}

func testItemDuplicates(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	a := item("wire", "1", "en")
	a.URL = "https://example.com/1"
	first := addItems(t, db, a)[0]

	sameGUID := item("wire", "1", "en")
	sameGUID.Headline = "another headline"
	sameURL := item("other", "x", "fr")
	sameURL.URL = a.URL
	otherSource := item("other", "1", "en") // a guid is unique per source only
	inBatch := item("new", "n", "en")
	inBatchAgain := item("new", "n", "en")
	res := addItems(t, db, sameGUID, sameURL, otherSource, inBatch, inBatchAgain)
	want := []AddStatus{AddDuplicate, AddDuplicate, AddNew, AddNew, AddDuplicate}
	for i, r := range res {
		if r.Status != want[i] {
			t.Errorf("item %d: %s, want %s", i+1, r.Status, want[i])
		}
	}
	if res[0].ID != first.ID || res[1].ID != first.ID || res[4].ID != res[3].ID {
		t.Errorf("duplicates name %d, %d, %d; want %d, %d, %d", res[0].ID, res[1].ID, res[4].ID, first.ID, first.ID, res[3].ID)
	}
	if n, err := db.CountItems(ctx, ItemQuery{}); err != nil || n != 3 {
		t.Errorf("%d items stored, %v; want 3", n, err)
	}
	got, err := db.Item(ctx, first.ID)
	if err != nil || got.Headline != a.Headline {
		t.Errorf("the first item was changed by its duplicate: %q, %v", got.Headline, err)
	}

	// Items without a URL never collide on it.
	res = addItems(t, db, item("x", "1", "en"), item("x", "2", "en"))
	if res[0].Status != AddNew || res[1].Status != AddNew {
		t.Errorf("items without URLs: %+v", res)
	}
}

func testItemList(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	var items []IngestItem
	for i := range 12 {
		src, lang := "alpha", "en"
		if i%3 == 0 {
			src = "beta"
		}
		if i%2 == 0 {
			lang = "ar"
		}
		items = append(items, item(src, fmt.Sprint(i), lang))
	}
	res := addItems(t, db, items...)
	if err := db.SetItemState(ctx, res[11].ID, ItemIncoming, ItemDismissed, 0); err != nil {
		t.Fatal(err)
	}
	all, err := db.Items(ctx, ItemQuery{})
	if err != nil || len(all) != 12 || all[0].ID != res[11].ID || all[11].ID != res[0].ID {
		t.Fatalf("all items: %d, %v; want 12 newest first", len(all), err)
	}
	check := func(q ItemQuery, want int) {
		t.Helper()
		got, err := db.Items(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		n, err := db.CountItems(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if n != want || (q.Limit == 0 && len(got) != want) {
			t.Errorf("%+v: %d listed, %d counted; want %d", q, len(got), n, want)
		}
		for _, it := range got {
			if (q.State != "" && it.State != q.State) || (q.Lang != "" && it.Lang != q.Lang) || (q.Source != "" && it.Source != q.Source) {
				t.Errorf("%+v listed %+v", q, it)
			}
		}
	}
	check(ItemQuery{State: ItemIncoming}, 11)
	check(ItemQuery{State: ItemDismissed}, 1)
	check(ItemQuery{Lang: "ar"}, 6)
	check(ItemQuery{Source: "beta"}, 4)
	check(ItemQuery{Source: "beta", Lang: "ar", State: ItemIncoming}, 2)
	page, err := db.Items(ctx, ItemQuery{Limit: 5, Offset: 10})
	if err != nil || len(page) != 2 || page[1].ID != res[0].ID {
		t.Errorf("last page: %d items, %v", len(page), err)
	}
	srcs, err := db.ItemSources(ctx)
	if err != nil || !slices.Equal(srcs, []string{"alpha", "beta"}) {
		t.Errorf("sources %v, %v", srcs, err)
	}
}

func testNearItems(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	a, b, c := item("s", "a", "en"), item("s", "b", "en"), item("s", "c", "fr")
	a.SimHash, a.Bands = 0xF0F0, []uint64{1, 2, 3}
	b.SimHash, b.Bands = 1<<63|5, []uint64{3, 4, 1<<63 | 9}
	c.SimHash, c.Bands = 7, []uint64{1, 2, 3} // same bands, another language
	res := addItems(t, db, a, b, c)
	got, err := db.NearItems(ctx, "en", []uint64{3, 99}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []NearItem{{ID: res[0].ID, SimHash: 0xF0F0}, {ID: res[1].ID, SimHash: 1<<63 | 5}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("candidates %+v, want %+v", got, want)
	}
	if got, err := db.NearItems(ctx, "en", []uint64{1<<63 | 9}, 0); err != nil || len(got) != 1 || got[0].ID != res[1].ID {
		t.Errorf("high band: %+v, %v", got, err)
	}
	if got, err := db.NearItems(ctx, "en", []uint64{42}, 0); err != nil || len(got) != 0 {
		t.Errorf("no shared band: %+v, %v", got, err)
	}
	if got, err := db.NearItems(ctx, "en", nil, 0); err != nil || len(got) != 0 {
		t.Errorf("no bands: %+v, %v", got, err)
	}
	if got, err := db.NearItems(ctx, "en", []uint64{1, 2, 3, 4}, 1); err != nil || len(got) != 1 || got[0].ID != res[0].ID {
		t.Errorf("limit 1: %+v, %v", got, err)
	}
}

func testItemStates(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	res := addItems(t, db, item("s", "1", "en"), item("s", "2", "en"))
	id := res[0].ID
	if err := db.SetItemState(ctx, id, ItemIncoming, ItemDismissed, 0); err != nil {
		t.Fatal(err)
	}
	// The second of two editors acting on one item finds it moved.
	wantErr(t, "dismiss twice", db.SetItemState(ctx, id, ItemIncoming, ItemDismissed, 0), ErrConflict)
	if err := db.SetItemState(ctx, id, ItemDismissed, ItemIncoming, 0); err != nil {
		t.Fatalf("restore: %v", err)
	}
	// Claim, then link the story made from it.
	if err := db.SetItemState(ctx, id, ItemIncoming, ItemUsed, 0); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "a second claim", db.SetItemState(ctx, id, ItemIncoming, ItemUsed, 0), ErrConflict)
	st := draft(t, db, family(t, db), "en")
	if err := db.SetItemState(ctx, id, ItemUsed, ItemUsed, st.ID); err != nil {
		t.Fatalf("link: %v", err)
	}
	got, err := db.ItemByStory(ctx, st.ID)
	if err != nil || got.ID != id || got.State != ItemUsed || got.StoryID != st.ID {
		t.Errorf("item of story %d: %+v, %v", st.ID, got, err)
	}
	// An item with a story stays used, and a story has one item.
	wantErr(t, "move a linked item", db.SetItemState(ctx, id, ItemUsed, ItemIncoming, 0), ErrConflict)
	wantErr(t, "link a linked item", db.SetItemState(ctx, id, ItemUsed, ItemUsed, st.ID), ErrConflict)
	other := res[1].ID
	wantErr(t, "one story for two items", db.SetItemState(ctx, other, ItemIncoming, ItemUsed, st.ID), ErrConflict)
	wantErr(t, "unknown story", db.SetItemState(ctx, other, ItemIncoming, ItemUsed, 999999), ErrNotFound)
	wantErr(t, "unknown item", db.SetItemState(ctx, 999999, ItemIncoming, ItemDismissed, 0), ErrNotFound)
	wantErr(t, "unknown state", db.SetItemState(ctx, other, ItemIncoming, "gone", 0), story.ErrInvalid)
	wantErr(t, "a story on a dismissed item", db.SetItemState(ctx, other, ItemIncoming, ItemDismissed, st.ID), story.ErrInvalid)
	if got, err := db.Item(ctx, other); err != nil || got.State != ItemIncoming || got.StoryID != 0 {
		t.Errorf("refused moves changed item %d: %+v, %v", other, got, err)
	}
}

func testHostileItems(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	long := strings.Repeat("x", MaxItemURL+1)
	cases := []struct {
		name string
		edit func(*IngestItem)
	}{
		{"no source", func(it *IngestItem) { it.Source = " " }},
		{"no guid", func(it *IngestItem) { it.GUID = "" }},
		{"no language", func(it *IngestItem) { it.Lang = "" }},
		{"NUL in body", func(it *IngestItem) { it.Body = "a\x00b" }},
		{"NUL in tag", func(it *IngestItem) { it.Tags = []string{"\x00"} }},
		{"bad UTF-8", func(it *IngestItem) { it.Headline = "\xff\xfe" }},
		{"long guid", func(it *IngestItem) { it.GUID = long }},
		{"long url", func(it *IngestItem) { it.URL = long }},
		{"long headline", func(it *IngestItem) { it.Headline = strings.Repeat("ح", MaxItemHeadline+1) }},
		{"huge body", func(it *IngestItem) { it.Body = strings.Repeat("a", story.MaxBody+1) }},
		{"too many tags", func(it *IngestItem) { it.Tags = make([]string, MaxItemTags+1) }},
		{"too many bands", func(it *IngestItem) { it.Bands = make([]uint64, 65) }},
		{"unknown state", func(it *IngestItem) { it.State = "lost" }},
		{"already used", func(it *IngestItem) { it.State = ItemUsed }},
		{"with an id", func(it *IngestItem) { it.ID = 5 }},
	}
	for _, tc := range cases {
		bad := item("s", "bad", "en")
		tc.edit(&bad)
		if err := CheckItem(bad); !errors.Is(err, story.ErrInvalid) {
			t.Errorf("%s: CheckItem %v, want ErrInvalid", tc.name, err)
		}
		// A batch with a bad item stores nothing.
		if _, err := db.AddItems(ctx, []IngestItem{item("s", "good-"+tc.name, "en"), bad}); !errors.Is(err, story.ErrInvalid) {
			t.Errorf("%s: AddItems %v, want ErrInvalid", tc.name, err)
		}
	}
	if n, err := db.CountItems(ctx, ItemQuery{}); err != nil || n != 0 {
		t.Errorf("%d items stored from refused batches, %v", n, err)
	}
	// Quotes, SQL and markup are only text.
	evil := item("s'; DROP TABLE ingest_items; --", `"><script>`, "en")
	evil.Headline = "Robert'); DROP TABLE stories;--"
	res := addItems(t, db, evil)
	got, err := db.Item(ctx, res[0].ID)
	if err != nil || got.Source != evil.Source || got.GUID != evil.GUID || got.Headline != evil.Headline {
		t.Errorf("hostile text read back as %+v, %v", got, err)
	}
}

// imported is a story to import in lang, from item itemID.
func imported(itemID int64, key, lang string, status story.Status) ImportedStory {
	return ImportedStory{ItemID: itemID, FamilyKey: key, Story: story.Story{
		Lang: lang, Headline: "Imported " + lang, Slug: "imported-" + lang, Summary: "Summary", Section: "world",
		Tags: []string{"t1"}, Body: "First.\n\nSecond.", Status: status,
		Dateline: story.Dateline{Date: story.Date{Year: 2026, Month: 3, Day: 1}},
	}}
}

func testImportStories(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	res := addItems(t, db, item("s", "1", "en"), item("s", "2", "ur"), item("s", "3", "fr"))
	before, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pub := imported(res[1].ID, "ntrex:1", "ur", story.StatusPublished)
	pub.PublishedAt = at(-30)
	out, err := db.ImportStories(ctx, []ImportedStory{
		imported(res[0].ID, "ntrex:1", "en", story.StatusDraft),
		pub,
		imported(res[2].ID, "", "fr", story.StatusDraft),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].FamilyID != out[1].FamilyID || out[2].FamilyID == out[0].FamilyID || out[0].Conflict || out[0].StoryID == 0 {
		t.Fatalf("results %+v: want the two ntrex members in one family, the third alone", out)
	}
	if id, err := db.FamilyByKey(ctx, "ntrex:1"); err != nil || id != out[0].FamilyID {
		t.Errorf("family by key: %d, %v; want %d", id, err, out[0].FamilyID)
	}
	members, err := db.Family(ctx, out[0].FamilyID)
	if err != nil || len(members) != 2 {
		t.Fatalf("family: %d members, %v", len(members), err)
	}

	d, err := db.Story(ctx, out[0].StoryID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != story.StatusDraft || d.Version != 0 || d.Headline != "Imported en" || d.Slug != "imported-en" ||
		!slices.Equal(d.Tags, []string{"t1"}) || d.Dateline.Date.Day != 1 || d.AuthorID != 0 || !d.PublishedAt.IsZero() {
		t.Errorf("draft: %+v", d)
	}
	if _, err := db.PublicStory(ctx, d.ID, at(0)); !errors.Is(err, ErrNotFound) {
		t.Errorf("an imported draft is public: %v", err)
	}

	// A published import is as PublishStory leaves a story: version 1,
	// public, with its publish change.
	p, err := db.PublicStory(ctx, out[1].StoryID, at(0))
	if err != nil {
		t.Fatalf("published import is not public: %v", err)
	}
	if p.Version != 1 || p.Status != story.StatusPublished || !p.PublishedAt.Equal(storeTime(at(-30))) || p.Body != "First.\n\nSecond." {
		t.Errorf("published: %+v", p)
	}
	vs, err := db.StoryVersions(ctx, p.ID)
	if err != nil || len(vs) != 1 || vs[0].Version != 1 || vs[0].Headline != p.Headline || !vs[0].PublishedAt.Equal(p.PublishedAt) {
		t.Errorf("versions: %+v, %v", vs, err)
	}
	list, err := db.PublishedStories(ctx, ListQuery{Now: at(0), Lang: "ur"})
	if err != nil || len(list) != 1 || list[0].ID != p.ID {
		t.Errorf("published list: %v, %v", ids(list), err)
	}
	changes, err := db.Changes(ctx, before, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ch := range changes {
		kinds = append(kinds, fmt.Sprintf("%s:%d:%d", ch.Kind, ch.StoryID, ch.Version))
	}
	wantKinds := []string{
		fmt.Sprintf("edit:%d:0", out[0].StoryID),
		fmt.Sprintf("edit:%d:0", out[1].StoryID), fmt.Sprintf("publish:%d:1", out[1].StoryID),
		fmt.Sprintf("edit:%d:0", out[2].StoryID),
	}
	if !slices.Equal(kinds, wantKinds) {
		t.Errorf("changes %v, want %v", kinds, wantKinds)
	}

	// Each item is used and names its story.
	for i, r := range res {
		it, err := db.Item(ctx, r.ID)
		if err != nil || it.State != ItemUsed || it.StoryID != out[i].StoryID {
			t.Errorf("item %d: %s, story %d, %v; want used, story %d", i, it.State, it.StoryID, err, out[i].StoryID)
		}
		if got, err := db.ItemByStory(ctx, out[i].StoryID); err != nil || got.ID != r.ID {
			t.Errorf("item of story %d: %d, %v", out[i].StoryID, got.ID, err)
		}
	}

	// A later batch joins the family made before, by key.
	more := addItems(t, db, item("s", "4", "zh"))
	out2, err := db.ImportStories(ctx, []ImportedStory{imported(more[0].ID, "ntrex:1", "zh", story.StatusDraft)})
	if err != nil || out2[0].FamilyID != out[0].FamilyID || out2[0].StoryID == 0 {
		t.Errorf("a later batch: %+v, %v", out2, err)
	}
}

func testImportRefusals(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	res := addItems(t, db, item("s", "1", "en"), item("s", "2", "en"), item("s", "3", "ur"))
	// The second English story of one family is left out; the rest go on.
	out, err := db.ImportStories(ctx, []ImportedStory{
		imported(res[0].ID, "k", "en", story.StatusDraft),
		imported(res[1].ID, "k", "en", story.StatusPublished),
		imported(res[2].ID, "k", "ur", story.StatusDraft),
	})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].StoryID == 0 || !out[1].Conflict || out[1].StoryID != 0 || out[2].StoryID == 0 {
		t.Errorf("results %+v: want the second English story left out", out)
	}
	if it, err := db.Item(ctx, res[1].ID); err != nil || it.State != ItemIncoming || it.StoryID != 0 {
		t.Errorf("the left-out item: %+v, %v; want it still incoming", it, err)
	}

	seq, err := db.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		var n int
		if err := db.read().queryRow(ctx, `SELECT COUNT(*) FROM stories`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	stories := count()
	bad := []struct {
		name string
		s    ImportedStory
		want error
	}{
		{"no headline", func() ImportedStory { s := imported(0, "", "en", story.StatusDraft); s.Story.Headline = " "; return s }(), story.ErrInvalid},
		{"submitted", imported(0, "", "en", story.StatusSubmitted), story.ErrInvalid},
		{"killed", imported(0, "", "en", story.StatusKilled), story.ErrInvalid},
		{"NUL", func() ImportedStory { s := imported(0, "", "en", story.StatusDraft); s.Story.Body = "\x00"; return s }(), story.ErrInvalid},
		{"long key", imported(0, strings.Repeat("k", maxFamilyKey+1), "en", story.StatusDraft), story.ErrInvalid},
		{"a translation", func() ImportedStory {
			s := imported(0, "", "en", story.StatusDraft)
			s.Story.TranslatedFromID = 1
			return s
		}(), story.ErrInvalid},
		// An item that already has a story undoes the whole batch.
		{"item used", imported(res[0].ID, "", "fr", story.StatusDraft), ErrConflict},
		{"unknown item", imported(999999, "", "fr", story.StatusDraft), ErrConflict},
	}
	for _, tc := range bad {
		_, err := db.ImportStories(ctx, []ImportedStory{imported(0, "fresh-"+tc.name, "ar", story.StatusPublished), tc.s})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if n := count(); n != stories {
		t.Errorf("refused batches left %d stories", n-stories)
	}
	if s, err := db.LastSeq(ctx); err != nil || s != seq {
		t.Errorf("refused batches appended changes: %d, %v; want %d", s, err, seq)
	}
	if _, err := db.FamilyByKey(ctx, "fresh-item used"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a refused batch left its family: %v", err)
	}
}

func testFeeds(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	db.now = func() time.Time { return at(0) }
	f := Feed{URL: "https://example.com/feed.xml", Name: "Example", Lang: "en", Section: "world", Every: 15 * time.Minute}
	if err := db.CreateFeed(ctx, &f); err != nil {
		t.Fatal(err)
	}
	if f.ID == 0 || !f.NextPollAt.Equal(storeTime(at(0))) || !f.CreatedAt.Equal(storeTime(at(0))) {
		t.Errorf("created %+v: want an id, due now", f)
	}
	got, err := db.Feed(ctx, f.ID)
	if err != nil || !reflect.DeepEqual(got, f) {
		t.Errorf("read back\n got %+v, %v\nwant %+v", got, err, f)
	}
	dup := Feed{URL: f.URL, Name: "Again", Every: time.Hour}
	wantErr(t, "same URL", db.CreateFeed(ctx, &dup), ErrConflict)
	a := Feed{URL: "https://example.org/atom", Name: "Another", Every: time.Hour, NextPollAt: at(30)}
	if err := db.CreateFeed(ctx, &a); err != nil {
		t.Fatal(err)
	}
	list, err := db.Feeds(ctx)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || !list[0].NextPollAt.Equal(storeTime(at(30))) {
		t.Errorf("feeds by name: %+v, %v", list, err)
	}
	for _, bad := range []Feed{
		{URL: "", Name: "n", Every: time.Hour},
		{URL: "https://x/" + strings.Repeat("a", MaxFeedURL), Name: "n", Every: time.Hour},
		{URL: "https://x/", Name: "", Every: time.Hour},
		{URL: "https://x/", Name: "n\x00", Every: time.Hour},
		{URL: "https://x/", Name: "n", Every: time.Second},
		{URL: "https://x/", Name: "n", Every: 30 * 24 * time.Hour},
		{URL: "https://x/", Name: "n", Every: time.Hour + time.Millisecond},
		{URL: "https://x/\xff", Name: "n", Every: time.Hour},
	} {
		if err := db.CreateFeed(ctx, &bad); !errors.Is(err, story.ErrInvalid) {
			t.Errorf("feed %+v: %v, want ErrInvalid", bad, err)
		}
	}
	// Removing a feed keeps its items.
	it := item("Example", "1", "en")
	it.FeedID = f.ID
	res := addItems(t, db, it)
	if err := db.DeleteFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "delete twice", db.DeleteFeed(ctx, f.ID), ErrNotFound)
	if _, err := db.Feed(ctx, f.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted feed: %v", err)
	}
	if got, err := db.Item(ctx, res[0].ID); err != nil || got.FeedID != f.ID {
		t.Errorf("the feed's item after removal: %+v, %v", got, err)
	}
}

func testFeedLeases(t *testing.T, db *DB, _ func(t *testing.T) *DB) {
	ctx := t.Context()
	db.now = func() time.Time { return at(0) }
	due := Feed{URL: "https://a/", Name: "A", Every: time.Hour}
	later := Feed{URL: "https://b/", Name: "B", Every: time.Hour, NextPollAt: at(60)}
	for _, f := range []*Feed{&due, &later} {
		if err := db.CreateFeed(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.LeaseDueFeeds(ctx, at(1), "node-1", 5*time.Minute, 10)
	if err != nil || len(got) != 1 || got[0].ID != due.ID || got[0].LeaseOwner != "node-1" || !got[0].LeaseUntil.Equal(storeTime(at(6))) {
		t.Fatalf("lease: %+v, %v; want feed A leased to node-1 until +6m", got, err)
	}
	// Held: nobody else gets it, not even the same owner.
	if again, err := db.LeaseDueFeeds(ctx, at(2), "node-2", 5*time.Minute, 10); err != nil || len(again) != 0 {
		t.Errorf("a held lease was given again: %+v, %v", again, err)
	}
	// A lease that ran out (the poller died) is taken by the next poller,
	// and the dead poller can no longer record over it.
	taken, err := db.LeaseDueFeeds(ctx, at(7), "node-2", 5*time.Minute, 10)
	if err != nil || len(taken) != 1 || taken[0].LeaseOwner != "node-2" {
		t.Fatalf("expired lease: %+v, %v", taken, err)
	}
	wantErr(t, "finish by the old owner", db.FinishFeedPoll(ctx, FeedPoll{ID: due.ID, Owner: "node-1", At: at(8), NextPollAt: at(68)}), ErrConflict)

	ok := FeedPoll{ID: due.ID, Owner: "node-2", At: at(8), NextPollAt: at(68), ETag: `"v1"`, LastModified: "Sat, 14 Mar 2026 09:00:00 GMT", New: 3}
	if err := db.FinishFeedPoll(ctx, ok); err != nil {
		t.Fatal(err)
	}
	f, err := db.Feed(ctx, due.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.ETag != ok.ETag || f.LastModified != ok.LastModified || f.LastNew != 3 || f.LastError != "" || f.Failures != 0 ||
		!f.LastPolledAt.Equal(storeTime(at(8))) || !f.NextPollAt.Equal(storeTime(at(68))) || !f.LeaseUntil.IsZero() || f.LeaseOwner != "" {
		t.Errorf("after a good poll: %+v", f)
	}
	if got, err := db.LeaseDueFeeds(ctx, at(30), "node-1", time.Minute, 10); err != nil || len(got) != 0 {
		t.Errorf("a feed polled at +8m is due again at +30m: %+v, %v", got, err)
	}

	// Failures keep the validators, count up, and clip the error.
	for i := range 2 {
		leased, err := db.LeaseDueFeeds(ctx, at(70+i*100), "node-1", time.Minute, 10)
		if err != nil || len(leased) != 2 {
			t.Fatalf("lease %d: %d feeds, %v", i, len(leased), err)
		}
		if leased[0].NextPollAt.After(leased[1].NextPollAt) {
			t.Errorf("lease %d: not the most overdue first", i)
		}
		for _, l := range leased {
			p := FeedPoll{ID: l.ID, Owner: "node-1", At: at(71 + i*100), NextPollAt: at(160 + i*100), Err: strings.Repeat("bad\x00", 1000)}
			if err := db.FinishFeedPoll(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	f, err = db.Feed(ctx, due.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.ETag != ok.ETag || f.Failures != 2 || f.LastNew != 0 || !strings.HasPrefix(f.LastError, "bad") ||
		strings.Contains(f.LastError, "\x00") || len([]rune(f.LastError)) > maxFeedError {
		t.Errorf("after two failures: etag %q, failures %d, error %d runes", f.ETag, f.Failures, len([]rune(f.LastError)))
	}

	for _, bad := range []struct {
		owner string
		lease time.Duration
	}{{"", time.Minute}, {"n", 0}, {strings.Repeat("n", 201), time.Minute}, {"n\x00", time.Minute}} {
		if _, err := db.LeaseDueFeeds(ctx, at(0), bad.owner, bad.lease, 1); !errors.Is(err, story.ErrInvalid) {
			t.Errorf("lease by %q for %v: %v, want ErrInvalid", bad.owner, bad.lease, err)
		}
	}
	wantErr(t, "finish without times", db.FinishFeedPoll(ctx, FeedPoll{ID: due.ID, Owner: "x"}), story.ErrInvalid)
	wantErr(t, "finish with a huge etag", db.FinishFeedPoll(ctx, FeedPoll{ID: due.ID, Owner: "x", At: at(1), NextPollAt: at(2), ETag: strings.Repeat("e", 1001)}), story.ErrInvalid)
}

func testConcurrentFeedLeases(t *testing.T, db *DB, reopen func(t *testing.T) *DB) {
	ctx := t.Context()
	const n = 40
	db.now = func() time.Time { return at(0) }
	for i := range n {
		f := Feed{URL: fmt.Sprintf("https://example.com/%d", i), Name: "F", Every: time.Hour}
		if err := db.CreateFeed(ctx, &f); err != nil {
			t.Fatal(err)
		}
	}
	other := reopen(t)
	if other == nil {
		t.FailNow()
	}
	claimEachOnce(t, db, other, n, "feeds", func(node *DB, w int) ([]int64, error) {
		got, err := node.LeaseDueFeeds(ctx, at(1), fmt.Sprintf("node-%d", w), time.Hour, 2)
		ids := make([]int64, len(got))
		for i, f := range got {
			ids[i] = f.ID
		}
		return ids, err
	})
}
