package related_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/demo"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// base is when the test's newsroom publishes its first story.
var base = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

// fixture is a store with stories and an in-memory index holding a
// document for each story it was told about, as the search follower would
// have written it when the story was published.
type fixture struct {
	db  *store.DB
	ix  *search.Index
	svc *related.Service
	n   int // stories made, to space their publication times
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ix, err := search.OpenMemory()
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return &fixture{db: db, ix: ix, svc: related.New(related.Options{Store: db, Index: ix})}
}

// published makes and publishes a story a minute after the one before, and
// indexes it unless noIndex.
func (f *fixture) published(t *testing.T, code, headline, body string, tags ...string) story.Story {
	t.Helper()
	st := f.draft(t, code, headline, body, tags...)
	f.n++
	st, err := f.db.PublishStory(t.Context(), st.ID, store.Publish{At: base.Add(time.Duration(f.n) * time.Minute)})
	if err != nil {
		t.Fatalf("publish %q: %v", headline, err)
	}
	f.index(t, st)
	return st
}

func (f *fixture) draft(t *testing.T, code, headline, body string, tags ...string) story.Story {
	t.Helper()
	ctx := t.Context()
	fam, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	st := story.Story{FamilyID: fam, Lang: code, Headline: headline, Section: "world", Tags: tags, Body: body,
		Status: story.StatusDraft, AuthorID: 0}
	if err := f.db.CreateStory(ctx, &st); err != nil {
		t.Fatalf("create %q: %v", headline, err)
	}
	return st
}

// index writes the public document of st, whatever st's state: a test
// that kills or embargoes a story afterwards leaves the index behind, as a
// follower that has not caught up yet would.
func (f *fixture) index(t *testing.T, sts ...story.Story) {
	t.Helper()
	var docs []search.Doc
	for _, st := range sts {
		docs = append(docs, search.Doc{StoryID: st.ID, FamilyID: st.FamilyID, Lang: st.Lang, Headline: st.Headline,
			Summary: st.Summary, Body: story.PlainText(st.Body), Section: st.Section, Tags: st.Tags,
			Status: string(story.StatusPublished), Time: st.PublishedAt, Public: true, Desk: true})
	}
	if err := f.ix.Apply(t.Context(), docs, nil, 0); err != nil {
		t.Fatalf("index: %v", err)
	}
}

func (f *fixture) kill(t *testing.T, id int64) {
	t.Helper()
	if _, err := f.db.KillStory(t.Context(), id, store.Kill{Notice: "Withdrawn.", At: base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// choose writes a choice straight into the store, past the service's
// rules, as an older Qasid or another tool might have left it.
func (f *fixture) choose(t *testing.T, id, other int64, kind store.RelatedKind) {
	t.Helper()
	if err := f.db.SetRelatedChoice(t.Context(), store.RelatedChoice{StoryID: id, OtherID: other, Kind: kind}, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) forIDs(t *testing.T, st story.Story, now time.Time) []int64 {
	t.Helper()
	list, err := f.svc.For(t.Context(), st, now)
	if err != nil {
		t.Fatalf("related to %d: %v", st.ID, err)
	}
	return storyIDs(list)
}

func storyIDs(list []story.Story) []int64 {
	out := []int64{}
	for _, s := range list {
		out = append(out, s.ID)
	}
	return out
}

// filler is unrelated news, so that the words of the glacier stories are
// rare enough in the index to count.
func (f *fixture) filler(t *testing.T) {
	t.Helper()
	for i, s := range []struct{ h, b, tag string }{
		{"Women's cricket series opens in Lahore", "The national women's team won the toss and chose to bat at the Gaddafi Stadium.", "cricket"},
		{"Squash open draws record entries in Islamabad", "Players from twelve countries entered the squash open this week.", "squash"},
		{"Karachi port handles more containers", "Container traffic through the port rose as shipping lines added routes.", "trade"},
		{"Textile exports rise for a third quarter", "Mills reported more orders for cotton yarn and garments from Europe.", "textiles"},
		{"Literature festival returns to Lahore", "Writers and poets gathered for readings in Urdu, Punjabi and English.", "books"},
		{"Electric buses join the Islamabad fleet", "The city added electric buses on three routes to cut fuel costs.", "transport"},
		{"Mosque restoration reopens to visitors", "Craftsmen restored the tile work and wooden ceilings over four years.", "heritage"},
		{"Urdu speech dataset released for researchers", "Volunteers recorded thousands of hours of read Urdu speech.", "technology"},
		{"Smog shortens school hours in Lahore", "Schools will open later while the air quality stays poor.", "health"},
		{"Summit leaders meet in Astana", "Foreign ministers prepared the agenda for the regional summit.", "diplomacy"},
	} {
		f.published(t, "en", s.h, s.b+" Filler "+strconv.Itoa(i)+".", s.tag)
	}
}

func contains(ids []int64, id int64) bool { return slices.Contains(ids, id) }

// TestFor: pins first, in order; then the index's best matches in its own
// order; never the story itself, a story of another language, a killed or
// embargoed one, an excluded one, or more than five.
func TestFor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := t.Context()
		f.filler(t)
		main := f.published(t, "en", "Glacier monitoring stations open in the Karakoram",
			"Scientists opened glacier monitoring stations to measure melting ice and the risk of floods.", "glaciers", "climate")
		var glacier []story.Story
		for i, s := range []struct{ h, b string }{
			{"Glacier melt speeds up in the Karakoram", "Melting ice in Karakoram glacier valleys raises the risk of floods, scientists say."},
			{"Glacier lake floods threaten mountain villages", "Floods from glacier lakes threaten villages as the ice melts."},
			{"Scientists warn of a hotter summer", "Climate scientists warn the heat will speed up melting ice."},
			{"Monitoring stations to track glacier ice", "New stations will measure how fast the ice of each glacier melts."},
			{"Flood warnings issued for northern valleys", "Melting glacier ice swells rivers; the floods may reach villages."},
			{"Karakoram glaciers surge while others melt", "Some glaciers of the Karakoram grow as scientists measure the ice."},
			{"Villagers move away from glacier lakes", "Families leave villages below glacier lakes before the floods."},
		} {
			tags := []string{"glaciers"}
			if i%2 == 0 {
				tags = append(tags, "climate")
			}
			glacier = append(glacier, f.published(t, "en", s.h, s.b, tags...))
		}
		urdu := f.published(t, "ur", "قراقرم میں گلیشیئر پگھلنے لگے", "سائنس دانوں کے مطابق گلیشیئر تیزی سے پگھل رہے ہیں۔", "glaciers", "climate")
		now := base.Add(2 * time.Hour)
		// Under embargo until an hour from now, yet already in the index.
		embargoed := f.draft(t, "en", "Glacier ice and floods: scientists measure melting in the Karakoram",
			"Scientists measure glacier ice melting in the Karakoram; floods threaten villages.", "glaciers", "climate")
		embargoed, err := db.PublishStory(ctx, embargoed.ID, store.Publish{At: base.Add(time.Hour), EmbargoUntil: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f.index(t, embargoed)

		// The index's own order, for the story's words and tags, less the
		// story readers cannot see yet.
		hits, err := f.ix.Related(ctx, search.RelatedRequest{StoryID: main.ID, Lang: "en", Tags: main.Tags,
			Text: main.Headline + "\n\n" + main.Summary + "\n\n" + story.PlainText(main.Body), Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var order []int64
		for _, h := range hits {
			if h.StoryID != embargoed.ID {
				order = append(order, h.StoryID)
			}
		}
		if len(order) < 6 {
			t.Fatalf("the index finds only %v like the story; the test needs more", order)
		}
		inOrder := func(ids []int64) bool {
			last := -1
			for _, id := range ids {
				i := slices.Index(order, id)
				if i <= last {
					return false
				}
				last = i
			}
			return true
		}

		got := f.forIDs(t, main, now)
		if len(got) != related.Limit || !inOrder(got) || !slices.Equal(got, order[:related.Limit]) {
			t.Fatalf("related %v, want the index's first five %v", got, order)
		}
		if contains(got, main.ID) || contains(got, urdu.ID) {
			t.Fatalf("related %v holds the story itself or the Urdu one", got)
		}
		best := order[0]

		// Killed and excluded stories are left out, even while the index
		// still holds them, and the list stays full.
		f.kill(t, order[1])
		f.choose(t, main.ID, order[2], store.RelatedExclude)
		got = f.forIDs(t, main, now)
		if len(got) != related.Limit || !inOrder(got) {
			t.Errorf("related %v: want five, in the index's order %v", got, order)
		}
		for _, bad := range []int64{main.ID, urdu.ID, order[1], order[2], embargoed.ID} {
			if contains(got, bad) {
				t.Errorf("related %v holds %d (self, Urdu, killed, excluded or embargoed)", got, bad)
			}
		}
		// Once the embargo ends, readers may be sent to it.
		if later := f.forIDs(t, main, now.Add(2*time.Hour)); !contains(later, embargoed.ID) {
			t.Errorf("after the embargo, related %v lacks %d", later, embargoed.ID)
		}

		// Pins come first, in their order, whatever their score; a pinned
		// story is not repeated.
		cricket := storyWith(t, db, "Women's cricket series opens in Lahore")
		f.choose(t, main.ID, cricket.ID, store.RelatedPin)
		f.choose(t, main.ID, best, store.RelatedPin)
		got = f.forIDs(t, main, now)
		if len(got) != related.Limit || got[0] != cricket.ID || got[1] != best || !inOrder(got[2:]) {
			t.Errorf("related %v: want pins %d, %d first, then the index's order", got, cricket.ID, best)
		}
		if n := countOf(got, best); n != 1 {
			t.Errorf("pinned story %d listed %d times", best, n)
		}

		// A pin readers cannot see, or in another language (left by an
		// older rule), is skipped; the list is filled from the index.
		f.choose(t, main.ID, order[1], store.RelatedPin) // killed above
		f.choose(t, main.ID, urdu.ID, store.RelatedPin)
		got = f.forIDs(t, main, now)
		if len(got) != related.Limit || contains(got, order[1]) || contains(got, urdu.ID) || got[0] != cricket.ID {
			t.Errorf("related %v: killed pin or Urdu pin shown", got)
		}

		// More than five pins: five are shown, the first five.
		var pins []int64
		for _, g := range glacier {
			if g.ID != order[1] && !contains(pins, g.ID) && len(pins) < 6 {
				pins = append(pins, g.ID)
			}
		}
		other := f.published(t, "en", "Fresh main story about glaciers", "Glacier ice melting.", "glaciers")
		for _, id := range pins {
			f.choose(t, other.ID, id, store.RelatedPin)
		}
		if got := f.forIDs(t, other, now); !slices.Equal(got, pins[:5]) {
			t.Errorf("six pins: related %v, want the first five %v", got, pins[:5])
		}

		// Without an index, the pins alone.
		bare := related.New(related.Options{Store: db})
		list, err := bare.For(ctx, main, now)
		if err != nil {
			t.Fatal(err)
		}
		if got := storyIDs(list); !slices.Equal(got, []int64{cricket.ID, best}) {
			t.Errorf("without an index: %v, want the pins %d, %d", got, cricket.ID, best)
		}
		// Stories are as readers see them: the published version.
		if list[0].Headline != cricket.Headline || list[0].Status != story.StatusPublished {
			t.Errorf("pin loaded as %+v", list[0])
		}
	})
}

func storyWith(t *testing.T, db *store.DB, headline string) story.Story {
	t.Helper()
	list, err := db.SearchHeadlines(t.Context(), headline, "en", 5)
	if err != nil || len(list) == 0 {
		t.Fatalf("no story %q: %v", headline, err)
	}
	return list[0]
}

func countOf(ids []int64, id int64) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

// TestNewestFirstAmongEquals: stories that match equally are listed newest
// first, and a story killed after the index saw it gives its place to the
// next one, however many of the best were killed.
func TestNewestFirstAmongEquals(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFixture(t, db)
	f.filler(t)
	// Every word of the story is in most of the index's stories, so that
	// only the shared tag counts and the twelve below score the same.
	main := f.published(t, "en", "Baltoro survey", "Baltoro survey team.", "baltoro-survey")
	// Twelve stories alike in every word and tag, published a minute apart.
	var twins []story.Story
	for range 12 {
		twins = append(twins, f.published(t, "en", "Baltoro survey team reports", "The Baltoro survey team sent its report.", "baltoro-survey"))
	}
	now := base.Add(3 * time.Hour)
	newest := func(list []story.Story) []int64 {
		ids := storyIDs(list)
		slices.Reverse(ids)
		return ids
	}
	if got := f.forIDs(t, main, now); !slices.Equal(got, newest(twins)[:5]) {
		t.Fatalf("related %v, want the five newest twins %v", got, newest(twins)[:5])
	}
	// The eight newest are killed after indexing: the index still ranks
	// them first, ten at a time, and the list goes on past them.
	for _, s := range twins[4:] {
		f.kill(t, s.ID)
	}
	alive := newest(twins[:4])
	got := f.forIDs(t, main, now)
	if len(got) < 4 || !slices.Equal(got[:4], alive) {
		t.Errorf("related %v, want the four live twins %v first", got, alive)
	}
	for _, s := range twins[4:] {
		if contains(got, s.ID) {
			t.Errorf("related %v holds killed %d", got, s.ID)
		}
	}
}

// TestBodyLinksAndBrokenIndex: stories the body already links are not
// suggested again (a pin stays), and an index that fails leaves the pins.
func TestBodyLinksAndBrokenIndex(t *testing.T) {
	db := storetest.SQLite(t)
	f := newFixture(t, db)
	f.filler(t)
	a := f.published(t, "en", "Baltoro survey team reports", "The Baltoro survey team sent its report.", "baltoro-survey")
	b := f.published(t, "en", "Baltoro survey team returns", "The Baltoro survey team came back.", "baltoro-survey")
	c := f.published(t, "en", "Baltoro survey maps the glacier", "The Baltoro survey mapped the glacier.", "baltoro-survey")
	d := f.published(t, "en", "Baltoro survey ends", "The Baltoro survey team ended its work.", "baltoro-survey")
	// The body links a directly, and d through its Urdu member, which the
	// English page shows as d.
	dUrdu := story.Story{FamilyID: d.FamilyID, Lang: "ur", Headline: "بلتورو سروے ختم", Section: "world", Status: story.StatusDraft}
	if err := db.CreateStory(t.Context(), &dUrdu); err != nil {
		t.Fatal(err)
	}
	main := f.published(t, "en", "Survey of the Baltoro", "A survey team reached the Baltoro.\n\n[[also:"+strconv.FormatInt(a.ID, 10)+"]]\n\n[[also:"+strconv.FormatInt(dUrdu.ID, 10)+"]]\n", "baltoro-survey")
	now := base.Add(time.Hour)
	got := f.forIDs(t, main, now)
	if contains(got, a.ID) || contains(got, d.ID) || !contains(got, b.ID) || !contains(got, c.ID) {
		t.Errorf("related %v: want %d and %d, not %d and %d, which the body links", got, b.ID, c.ID, a.ID, d.ID)
	}
	f.choose(t, main.ID, a.ID, store.RelatedPin)
	if got := f.forIDs(t, main, now); len(got) == 0 || got[0] != a.ID {
		t.Errorf("related %v: a pinned story the body links is still shown first", got)
	}
	if err := f.ix.Close(); err != nil {
		t.Fatal(err)
	}
	if got := f.forIDs(t, main, now); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("with a closed index: %v, want the pin %d alone", got, a.ID)
	}
	// A cancelled request is an error, not a short list.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := related.New(related.Options{Store: db, Index: f.ix}).For(ctx, main, now); err == nil {
		t.Error("a cancelled request gave a list")
	}
}

// TestChoices: who may pin and exclude, which stories may be chosen, and
// the audit entry of each change.
func TestChoices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		f := newFixture(t, db)
		users := map[auth.Role]auth.User{}
		for _, r := range auth.Roles() {
			u := auth.User{Email: string(r) + "@test.example", Roles: []auth.Role{r}, UILang: "en",
				Pairs: []auth.Pair{{From: "en", To: "ur"}}}
			if err := db.CreateUser(ctx, &u, audit.Entry{}); err != nil {
				t.Fatal(err)
			}
			users[r] = u
		}
		actor := func(r auth.Role) newsroom.Actor { return newsroom.Actor{User: users[r], IP: "198.51.100.7"} }
		ed := actor(auth.RoleEditor)
		main := f.published(t, "en", "Main story", "Text.", "x")
		var others []story.Story
		for i := range 7 {
			others = append(others, f.published(t, "en", fmt.Sprintf("Other story %d", i), "Text.", "x"))
		}
		urdu := f.published(t, "ur", "اردو خبر", "متن۔", "x")
		killed := f.published(t, "en", "Killed story", "Text.", "x")
		f.kill(t, killed.ID)
		draft := f.draft(t, "en", "A draft to link", "Text.")

		check := func(what string, err, want error) {
			t.Helper()
			if !errors.Is(err, want) {
				t.Errorf("%s: %v, want %v", what, err, want)
			}
		}
		check("pin", f.svc.Pin(ctx, ed, main.ID, others[0].ID, 0), nil)
		check("pin a draft", f.svc.Pin(ctx, ed, main.ID, draft.ID, 0), nil)
		check("pin another language", f.svc.Pin(ctx, ed, main.ID, urdu.ID, 0), story.ErrInvalid)
		check("exclude another language", f.svc.Exclude(ctx, ed, main.ID, urdu.ID), story.ErrInvalid)
		check("pin a killed story", f.svc.Pin(ctx, ed, main.ID, killed.ID, 0), story.ErrInvalid)
		check("pin itself", f.svc.Pin(ctx, ed, main.ID, main.ID, 0), story.ErrInvalid)
		check("pin no story", f.svc.Pin(ctx, ed, main.ID, 1<<40, 0), story.ErrInvalid)
		check("pin at a negative place", f.svc.Pin(ctx, ed, main.ID, others[1].ID, -1), story.ErrInvalid)
		check("pin to no story", f.svc.Pin(ctx, ed, 1<<40, others[1].ID, 0), store.ErrNotFound)
		check("exclude a killed story", f.svc.Exclude(ctx, ed, main.ID, killed.ID), nil)
		for _, o := range others[1:4] {
			check("pin more", f.svc.Pin(ctx, ed, main.ID, o.ID, 0), nil)
		}
		check("sixth pin", f.svc.Pin(ctx, ed, main.ID, others[4].ID, 0), story.ErrInvalid)
		check("pin a pinned story again, to the top", f.svc.Pin(ctx, ed, main.ID, others[3].ID, 1), nil)
		check("exclude a pinned story", f.svc.Exclude(ctx, ed, main.ID, others[0].ID), nil)
		check("then pin another", f.svc.Pin(ctx, ed, main.ID, others[4].ID, 0), nil)
		check("clear an exclusion", f.svc.Clear(ctx, ed, main.ID, killed.ID), nil)
		check("clear it twice", f.svc.Clear(ctx, ed, main.ID, killed.ID), store.ErrNotFound)

		ch, err := f.svc.Choices(ctx, ed, main.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantPins := []int64{others[3].ID, draft.ID, others[1].ID, others[2].ID, others[4].ID}
		if got := storyIDs(ch.Pins); !slices.Equal(got, wantPins) {
			t.Errorf("pins %v, want %v", got, wantPins)
		}
		if got := storyIDs(ch.Excluded); !slices.Equal(got, []int64{others[0].ID}) {
			t.Errorf("excluded %v, want %d", got, others[0].ID)
		}
		// The draft is pinned but not shown until it is published.
		if got := f.forIDs(t, main, base.Add(time.Hour)); contains(got, draft.ID) || got[0] != others[3].ID {
			t.Errorf("related %v: want pins in order without the draft", got)
		}

		es, err := db.Audit(ctx, audit.Query{StoryID: main.ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, e := range es {
			acts = append(acts, string(e.Action))
			if e.ActorID != ed.User.ID || e.Actor != ed.User.Email || e.IP != "198.51.100.7" || !strings.HasPrefix(e.Detail, "story ") {
				t.Errorf("audit entry %+v", e)
			}
		}
		// Newest first: ten changes were made, none of the refusals.
		want := []string{"related.clear", "related.pin", "related.exclude", "related.pin", "related.pin", "related.pin",
			"related.pin", "related.exclude", "related.pin", "related.pin"}
		if !slices.Equal(acts, want) {
			t.Errorf("audit %v, want %v", acts, want)
		}

		// Roles: a reporter on another's story, a translator out of their
		// languages, anyone but an editor on a published story: refused,
		// and nothing changes. A killed story's list is closed to all.
		before, _ := db.RelatedChoices(ctx, main.ID)
		check("reporter on a published story", f.svc.Pin(ctx, actor(auth.RoleReporter), main.ID, others[5].ID, 0), newsroom.ErrForbidden)
		check("translator on a published story", f.svc.Exclude(ctx, actor(auth.RoleTranslator), main.ID, others[5].ID), newsroom.ErrForbidden)
		check("reporter clears", f.svc.Clear(ctx, actor(auth.RoleReporter), main.ID, others[1].ID), newsroom.ErrForbidden)
		check("admin", f.svc.Exclude(ctx, actor(auth.RoleAdmin), main.ID, others[5].ID), nil)
		if err := f.svc.Clear(ctx, actor(auth.RoleAdmin), main.ID, others[5].ID); err != nil {
			t.Fatal(err)
		}
		after, _ := db.RelatedChoices(ctx, main.ID)
		if !slices.EqualFunc(before, after, func(a, b store.RelatedChoice) bool {
			return a.OtherID == b.OtherID && a.Kind == b.Kind && a.Position == b.Position
		}) {
			t.Errorf("refused changes changed the choices: %v -> %v", before, after)
		}
		check("editor on a killed story", f.svc.Pin(ctx, ed, killed.ID, others[5].ID, 0), store.ErrBadMove)
		check("reporter on a killed story", f.svc.Pin(ctx, actor(auth.RoleReporter), killed.ID, others[5].ID, 0), newsroom.ErrForbidden)

		// A reporter's own draft, a translator's Urdu draft: theirs to set.
		rep := actor(auth.RoleReporter)
		own := story.Story{Lang: "en", Headline: "Reporter's draft", Section: "world", Status: story.StatusDraft,
			AuthorID: rep.User.ID}
		own.FamilyID, _ = db.CreateFamily(ctx, "")
		if err := db.CreateStory(ctx, &own); err != nil {
			t.Fatal(err)
		}
		check("reporter on own draft", f.svc.Pin(ctx, rep, own.ID, others[5].ID, 0), nil)
		check("another reporter's draft", f.svc.Pin(ctx, rep, draft.ID, others[5].ID, 0), newsroom.ErrForbidden)
		urDraft := f.draft(t, "ur", "اردو مسودہ", "متن۔")
		check("translator on an Urdu draft", f.svc.Pin(ctx, actor(auth.RoleTranslator), urDraft.ID, urdu.ID, 0), nil)
		urdu2 := f.published(t, "ur", "دوسری اردو خبر", "متن۔", "x")
		check("translator on a published Urdu story", f.svc.Pin(ctx, actor(auth.RoleTranslator), urdu2.ID, urdu.ID, 0), newsroom.ErrForbidden)
		check("editor on a published Urdu story", f.svc.Pin(ctx, ed, urdu2.ID, urdu.ID, 0), nil)
		check("translator on an English draft", f.svc.Pin(ctx, actor(auth.RoleTranslator), draft.ID, others[5].ID, 0), newsroom.ErrForbidden)
		if _, err := f.svc.Choices(ctx, actor(auth.RoleTranslator), f.draft(t, "fr", "Brouillon", "Texte.").ID); !errors.Is(err, newsroom.ErrForbidden) {
			t.Errorf("a translator reads a French story's choices: %v", err)
		}
	})
}

// TestExcludedBound: a story keeps at most MaxExcluded exclusions.
func TestExcludedBound(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := t.Context()
	f := newFixture(t, db)
	ed := auth.User{Email: "ed@test.example", Roles: []auth.Role{auth.RoleEditor}}
	if err := db.CreateUser(ctx, &ed, audit.Entry{}); err != nil {
		t.Fatal(err)
	}
	a := newsroom.Actor{User: ed}
	main := f.draft(t, "en", "Main", "Text.")
	for i := range related.MaxExcluded + 1 {
		other := f.draft(t, "en", "Other "+strconv.Itoa(i), "Text.")
		err := f.svc.Exclude(ctx, a, main.ID, other.ID)
		if i < related.MaxExcluded && err != nil {
			t.Fatalf("exclusion %d: %v", i+1, err)
		}
		if i == related.MaxExcluded && !errors.Is(err, story.ErrInvalid) {
			t.Fatalf("exclusion %d: %v, want a refusal", i+1, err)
		}
	}
}

// BenchmarkRelatedFor measures the related list of a demo story: the
// store's choices, the index's query and loading five stories.
func BenchmarkRelatedFor(b *testing.B) {
	db := storetest.SQLite(b)
	ctx := context.Background()
	if _, err := demo.Load(ctx, db); err != nil {
		b.Fatal(err)
	}
	ix, err := search.OpenMemory()
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	fl, err := search.NewFollower(search.FollowerOptions{Store: db, Index: ix})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := fl.FollowOnce(ctx); err != nil {
		b.Fatal(err)
	}
	fid, err := db.FamilyByKey(ctx, "demo:09-glacier-monitoring-stations")
	if err != nil {
		b.Fatal(err)
	}
	fam, err := db.Family(ctx, fid)
	if err != nil {
		b.Fatal(err)
	}
	svc := related.New(related.Options{Store: db, Index: ix})
	now := time.Now()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		st := fam[i%len(fam)]
		if _, err := svc.For(ctx, st, now); err != nil {
			b.Fatal(err)
		}
	}
}
