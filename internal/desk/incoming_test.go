package desk_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// addItems stores items as a feed would, and returns their ids.
func (f *fixture) addItems(t testing.TB, items ...store.IngestItem) []int64 {
	t.Helper()
	res, err := f.db.AddItems(context.Background(), items)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, r := range res {
		ids = append(ids, r.ID)
	}
	return ids
}

func storyIDFrom(t testing.TB, location string) int64 {
	t.Helper()
	path, _, _ := strings.Cut(strings.TrimPrefix(location, "/desk/stories/"), "?")
	id, err := strconv.ParseInt(path, 10, 64)
	if err != nil {
		t.Fatalf("redirect to %q, want a story", location)
	}
	return id
}

func TestIncomingPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ids := f.addItems(t,
			store.IngestItem{Source: "Gulf Wire", GUID: "g1", Lang: "ar", Headline: "عنوان الخبر", Body: "الفقرة الأولى\nالفقرة الثانية", Section: "world"},
			store.IngestItem{Source: "Asia Wire", GUID: "a1", Lang: "en", Headline: "<script>alert(1)</script> Dam opens", Body: "Text [[also:1]]", FamilyKey: "k1"},
		)
		near := f.addItems(t, store.IngestItem{Source: "Asia Wire", GUID: "a2", Lang: "en", Headline: "Dam opens again", Body: "Text", DuplicateOf: ids[1]})[0]

		// Who may see it: not translators, not strangers.
		if r := f.login(t, auth.RoleTranslator).get("/desk/incoming"); r.status != http.StatusForbidden {
			t.Errorf("translator: %d", r.status)
		}
		if r := f.client(t).get("/desk/incoming"); r.status != http.StatusSeeOther {
			t.Errorf("anonymous: %d", r.status)
		}
		rep := f.login(t, auth.RoleReporter)
		r := rep.get("/desk/incoming")
		if r.status != 200 || !strings.Contains(r.body, `href="/desk/incoming"`) || !strings.Contains(r.body, "2 items") {
			t.Fatalf("incoming list: %d %s", r.status, r.body)
		}
		if strings.Contains(r.body, "<script>alert") || !strings.Contains(r.body, "&lt;script&gt;") {
			t.Error("an item's headline is not escaped")
		}
		if strings.Contains(r.body, "/desk/feeds") {
			t.Error("a reporter is shown the feeds page")
		}
		// Filters; the near-duplicate links to the earlier item.
		if r := rep.get("/desk/incoming?state=duplicate"); !strings.Contains(r.body, "Dam opens again") || !strings.Contains(r.body, fmt.Sprintf(`href="/desk/incoming/%d"`, ids[1])) || strings.Contains(r.body, "عنوان") {
			t.Errorf("near-duplicates: %s", r.body)
		}
		if r := rep.get("/desk/incoming?lang=ar"); !strings.Contains(r.body, "1 item") || !strings.Contains(r.body, "عنوان الخبر") {
			t.Errorf("by language: %s", r.body)
		}
		if r := rep.get("/desk/incoming?source=Gulf+Wire&state=all"); !strings.Contains(r.body, "1 item") {
			t.Errorf("by source: %s", r.body)
		}
		// The item's text carries its own language and direction.
		r = rep.get(fmt.Sprintf("/desk/incoming/%d", ids[0]))
		if r.status != 200 || !strings.Contains(r.body, `lang="ar" dir="rtl"`) || !strings.Contains(r.body, "<p>الفقرة الثانية</p>") {
			t.Errorf("item page: %d %s", r.status, r.body)
		}
		if strings.Contains(r.body, "/translation") {
			t.Error("a reporter is offered to start a translation")
		}

		// Bad input.
		for path, want := range map[string]int{
			"/desk/incoming?state=lost":       http.StatusUnprocessableEntity,
			"/desk/incoming?page=99999999999": http.StatusUnprocessableEntity,
			"/desk/incoming/abc":              http.StatusNotFound,
			"/desk/incoming/-3":               http.StatusNotFound,
			"/desk/incoming/999999":           http.StatusNotFound,
			"/desk/incoming?source=%ff":       http.StatusUnprocessableEntity,
			"/desk/incoming?source=a%00b":     http.StatusUnprocessableEntity,
			"/desk/incoming?lang=%00":         http.StatusOK,
		} {
			if r := rep.get(path); r.status != want {
				t.Errorf("GET %s: %d, want %d", path, r.status, want)
			}
		}

		// Start a story: a draft by the reporter, in the item's language;
		// the item is used; a second press is a conflict.
		r = rep.post(fmt.Sprintf("/desk/incoming/%d/story", ids[0]), nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("start a story: %d %s", r.status, r.body)
		}
		st, err := db.Story(ctx, storyIDFrom(t, r.header.Get("Location")))
		if err != nil {
			t.Fatal(err)
		}
		if st.Lang != "ar" || st.Status != story.StatusDraft || st.AuthorID != f.users[auth.RoleReporter].ID || st.Headline != "عنوان الخبر" ||
			st.Body != "الفقرة الأولى\n\nالفقرة الثانية" || st.Section != "world" {
			t.Errorf("story from the item: %+v", st)
		}
		if it, _ := db.Item(ctx, ids[0]); it.State != store.ItemUsed || it.StoryID != st.ID {
			t.Errorf("item after the story: %s, story %d", it.State, it.StoryID)
		}
		if r := rep.post(fmt.Sprintf("/desk/incoming/%d/story", ids[0]), nil); r.status != http.StatusConflict {
			t.Errorf("second start: %d", r.status)
		}
		if r := rep.post(fmt.Sprintf("/desk/incoming/%d/dismiss", ids[0]), nil); r.status != http.StatusConflict {
			t.Errorf("dismissing a used item: %d", r.status)
		}

		// Only editors start translations.
		if r := rep.post(fmt.Sprintf("/desk/incoming/%d/translation", ids[1]), url.Values{"lang": {"ur"}}); r.status != http.StatusForbidden {
			t.Errorf("reporter starts a translation: %d", r.status)
		}
		ed := f.login(t, auth.RoleEditor)
		if r := ed.get(fmt.Sprintf("/desk/incoming/%d", ids[1])); !strings.Contains(r.body, "/translation") {
			t.Error("an editor is not offered to start a translation")
		}
		for _, form := range []url.Values{{}, {"lang": {"xx"}}, {"lang": {"en"}}, {"lang": {"ur"}, "assignee": {"abc"}}, {"lang": {"ur"}, "due": {"soon"}}} {
			if r := ed.post(fmt.Sprintf("/desk/incoming/%d/translation", ids[1]), form); r.status != http.StatusUnprocessableEntity {
				t.Errorf("translation form %v: %d", form, r.status)
			}
		}
		if it, _ := db.Item(ctx, ids[1]); it.State != store.ItemIncoming {
			t.Errorf("refused translations changed the item: %s", it.State)
		}
		translator := f.users[auth.RoleTranslator]
		r = ed.post(fmt.Sprintf("/desk/incoming/%d/translation", ids[1]), url.Values{"lang": {"ur"}, "assignee": {strconv.FormatInt(translator.ID, 10)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("start a translation: %d %s", r.status, r.body)
		}
		tr, err := db.Story(ctx, storyIDFrom(t, r.header.Get("Location")))
		if err != nil {
			t.Fatal(err)
		}
		orig, err := db.Story(ctx, tr.TranslatedFromID)
		if err != nil {
			t.Fatalf("the translation's source: %v", err)
		}
		if tr.Lang != "ur" || tr.Status != story.StatusDraft || orig.Lang != "en" || orig.FamilyID != tr.FamilyID || orig.Status != story.StatusDraft ||
			orig.Body != `Text \[\[also:1\]\]` {
			t.Errorf("translation %+v of %+v", tr, orig)
		}
		if fam, err := db.FamilyByKey(ctx, "k1"); err != nil || fam != orig.FamilyID {
			t.Errorf("the item's family key: %d, %v; want %d", fam, err, orig.FamilyID)
		}
		if as, err := db.Assignment(ctx, tr.ID); err != nil || as.AssigneeID != translator.ID {
			t.Errorf("assignment: %+v, %v", as, err)
		}
		if it, _ := db.Item(ctx, ids[1]); it.StoryID != orig.ID {
			t.Errorf("item story %d, want the original %d", it.StoryID, orig.ID)
		}
		// The same target again is a conflict; another works from the
		// story already made.
		if r := ed.post(fmt.Sprintf("/desk/incoming/%d/translation", ids[1]), url.Values{"lang": {"ur"}}); r.status != http.StatusConflict {
			t.Errorf("second ur translation: %d", r.status)
		}
		if r := ed.post(fmt.Sprintf("/desk/incoming/%d/translation", ids[1]), url.Values{"lang": {"zh"}}); r.status != http.StatusSeeOther {
			t.Errorf("zh translation of a used item: %d %s", r.status, r.body)
		}

		// Dismiss and restore; a restored near-duplicate stays one.
		if r := rep.post(fmt.Sprintf("/desk/incoming/%d/dismiss", near), nil); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=dismissed") {
			t.Fatalf("dismiss: %d", r.status)
		}
		if r := rep.get("/desk/incoming?done=dismissed"); !strings.Contains(r.body, "The item was dismissed.") {
			t.Error("no flash after dismissing")
		}
		if it, _ := db.Item(ctx, near); it.State != store.ItemDismissed {
			t.Errorf("after dismiss: %s", it.State)
		}
		if r := rep.post(fmt.Sprintf("/desk/incoming/%d/restore", near), nil); r.status != http.StatusSeeOther {
			t.Fatalf("restore: %d", r.status)
		}
		if it, _ := db.Item(ctx, near); it.State != store.ItemDuplicate {
			t.Errorf("after restore: %s", it.State)
		}
	})
}

func TestFeedsPage(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	for _, role := range []auth.Role{auth.RoleEditor, auth.RoleReporter, auth.RoleTranslator} {
		c := f.login(t, role)
		if r := c.get("/desk/feeds"); r.status != http.StatusForbidden {
			t.Errorf("%s sees feeds: %d", role, r.status)
		}
		if r := c.post("/desk/feeds", url.Values{"url": {"https://x.example/rss"}}); r.status != http.StatusForbidden {
			t.Errorf("%s adds a feed: %d", role, r.status)
		}
	}
	admin := f.login(t, auth.RoleAdmin)
	if r := admin.get("/desk/incoming"); !strings.Contains(r.body, `href="/desk/feeds"`) {
		t.Error("no link to the feeds page for an admin")
	}
	r := admin.get("/desk/feeds")
	if r.status != 200 || !strings.Contains(r.body, "No feeds yet.") {
		t.Fatalf("empty feeds: %d %s", r.status, r.body)
	}
	r = admin.post("/desk/feeds", url.Values{"url": {"https://wire.example.com/rss"}, "name": {"Example Wire"}, "lang": {"ur"}, "section": {"world"}, "every": {"30m"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.status, r.body)
	}
	r = admin.get("/desk/feeds?done=feed_added")
	if !strings.Contains(r.body, "Example Wire") || !strings.Contains(r.body, "https://wire.example.com/rss") || !strings.Contains(r.body, "The feed was added") {
		t.Errorf("feeds after adding: %s", r.body)
	}
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"url": {"ftp://wire.example.com/rss"}}, "http or https"},
		{url.Values{"url": {"javascript:alert(1)"}}, "http or https"},
		{url.Values{"url": {"https://me:secret@wire.example.com/rss"}}, "user name or password"},
		{url.Values{"url": {"https://wire.example.com/" + strings.Repeat("a", 2100)}}, "at most"},
		{url.Values{"url": {""}}, "required"},
		{url.Values{"url": {"https://wire.example.com/rss"}}, "already polled"},
		{url.Values{"url": {"https://b.example.com/"}, "every": {"often"}}, "15m or 1h"},
		{url.Values{"url": {"https://b.example.com/"}, "every": {"2s"}}, "interval"},
		{url.Values{"url": {"https://b.example.com/"}, "lang": {"tlh"}}, "not one of"},
		{url.Values{"url": {"https://b.example.com/"}, "name": {"a\x00b"}}, "one line"},
	} {
		r := admin.post("/desk/feeds", tc.form)
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, tc.want) {
			t.Errorf("add %v: %d, want 422 with %q", tc.form, r.status, tc.want)
		}
		if strings.Contains(r.body, "secret@") {
			t.Errorf("add %v: the credentials are shown back", tc.form)
		}
	}
	if r := admin.post("/desk/feeds", url.Values{"url": {"https://b.example.com/"}, "name": {"Kept Name"}, "every": {"nope"}}); !strings.Contains(r.body, `value="Kept Name"`) {
		t.Error("a refused form loses what was typed")
	}
	feeds, err := f.db.Feeds(context.Background())
	if err != nil || len(feeds) != 1 {
		t.Fatalf("feeds stored: %d, %v", len(feeds), err)
	}
	if r := admin.post(fmt.Sprintf("/desk/feeds/%d/remove", feeds[0].ID), nil); r.status != http.StatusSeeOther {
		t.Errorf("remove: %d", r.status)
	}
	if r := admin.post(fmt.Sprintf("/desk/feeds/%d/remove", feeds[0].ID), nil); r.status != http.StatusNotFound {
		t.Errorf("remove twice: %d", r.status)
	}
}
