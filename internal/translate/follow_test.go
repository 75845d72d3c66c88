package translate

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
)

// crashing is the store of a process that dies before it can save its
// position in the change log.
type crashing struct{ store.Store }

func (crashing) SetFollowerSeq(context.Context, string, int64) error {
	return errors.New("the process died")
}

func TestFollow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		d := e.start(t, src, "ur", "zh")
		if err := e.svc.Assign(e.ctx, as(e.editor), d["ur"].ID, e.urTr.ID, e.clock.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		// Nothing to learn yet: the source and the links are no translations.
		if n, err := e.svc.FollowOnce(e.ctx); err != nil || n != 0 {
			t.Fatalf("before any translation: %d, %v", n, err)
		}
		if _, err := e.svc.Save(e.ctx, as(e.urTr), d["ur"].ID, urduV1, false, true, false); err != nil {
			t.Fatal(err)
		}
		e.clock.Add(time.Minute)
		published, err := e.nr.Publish(e.ctx, as(e.editor), d["ur"].ID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}

		before, _ := db.FollowerSeq(e.ctx, FollowerName)
		// The process dies after adding the units, before saving its place.
		crashed := New(Options{Store: crashing{db}, Newsroom: e.nr, Now: e.clock.Now})
		if n, err := crashed.FollowOnce(e.ctx); err == nil || n != len(urduV1) {
			t.Fatalf("crashing pass: %d, %v; want %d units and an error", n, err, len(urduV1))
		}
		if seq, _ := db.FollowerSeq(e.ctx, FollowerName); seq != before {
			t.Fatalf("the crashed pass moved the position from %d to %d", before, seq)
		}
		// Restarted, the follower reads the same changes again and adds
		// nothing twice.
		restarted := New(Options{Store: db, Newsroom: e.nr, Now: e.clock.Now})
		if n, err := restarted.FollowOnce(e.ctx); err != nil || n != 0 {
			t.Errorf("after the restart: %d, %v; want nothing new", n, err)
		}
		last, _ := db.LastSeq(e.ctx)
		if seq, _ := db.FollowerSeq(e.ctx, FollowerName); seq != last {
			t.Errorf("position %d, want the end of the log %d", seq, last)
		}

		units, err := db.Units(e.ctx, "en", "ur")
		if err != nil {
			t.Fatal(err)
		}
		var pairs [][2]string
		for _, u := range units {
			pairs = append(pairs, [2]string{u.Source, u.Target})
			if u.StoryID != published.ID || !u.Created.Equal(published.PublishedAt.Truncate(time.Second)) {
				t.Errorf("unit %q: story %d, created %v", u.Source, u.StoryID, u.Created)
			}
		}
		want := [][2]string{
			{headline, urduV1[0]}, {place, urduV1[1]},
			{"The provincial government opened a desalination plant in Gwadar on Monday.", urduV1[2]},
			{"The plant will supply two million litres of water a day.", urduV1[3]},
			{"Why it matters", urduV1[4]},
			{"Residents have queued at water tankers for years.", urduV1[5]},
			{"Officials said the tankers would stop next month.", urduV1[6]},
		}
		if !slices.Equal(pairs, want) {
			t.Errorf("learned pairs\n got %q\nwant %q", pairs, want)
		}
		if as1, _ := db.Assignment(e.ctx, d["ur"].ID); as1.DoneAt.IsZero() {
			t.Error("the assignment of the published translation is still open")
		}

		// The memory now helps the next translation into Urdu.
		if m, _ := e.svc.Suggest(e.ctx, "en", "ur", "Officials said the tankers would stop next month."); len(m) != 1 || m[0].Score != 100 {
			t.Errorf("suggestion from the learned memory: %+v", m)
		}

		// A correction of the source and an update of the translation
		// teach only the new pairs.
		e.correct(t, src)
		w := e.workspace(t, d["ur"].ID)
		var targets []string
		for _, r := range w.Rows {
			targets = append(targets, r.Target)
		}
		targets[3] = "یہ پلانٹ روزانہ تیس لاکھ لیٹر پانی فراہم کرے گا۔"
		targets[6] = "پلانٹ پر چار کروڑ ڈالر لاگت آئی۔"
		if _, err := e.svc.Save(e.ctx, as(e.editor), d["ur"].ID, targets, true, false, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.nr.Correct(e.ctx, as(e.editor), d["ur"].ID, "Updated to the corrected source."); err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.FollowOnce(e.ctx); err != nil || n != 2 {
			t.Errorf("after the update: %d new units, %v; want 2", n, err)
		}
		if n, _ := e.svc.FollowOnce(e.ctx); n != 0 {
			t.Errorf("a second pass added %d", n)
		}
	})
}

// An editor who rewrites a published translation in the ordinary editor
// leaves the saved segments behind; the follower then pairs what was
// published, segment by segment.
func TestFollowPublishedText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		fr := e.start(t, src, "fr")["fr"]
		st := e.story(t, fr.ID)
		st.Headline = "Gwadar inaugure sa première usine de dessalement"
		st.Dateline.Place = "GWADAR"
		st.Body = "Le gouvernement provincial a inauguré lundi une usine de dessalement à Gwadar. " +
			"L'usine fournira deux millions de litres d'eau par jour.\n\n## Pourquoi c'est important\n\n" +
			"Les habitants font la queue devant les camions-citernes depuis des années. " +
			"Les responsables ont annoncé la fin des camions-citernes le mois prochain."
		if err := e.nr.Save(e.ctx, as(e.editor), &st); err != nil {
			t.Fatal(err)
		}
		if _, err := e.nr.Publish(e.ctx, as(e.editor), fr.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		// The workspace reads the same text, segment by segment.
		if w := e.workspace(t, fr.ID); w.Rows[3].Target != "L'usine fournira deux millions de litres d'eau par jour." {
			t.Errorf("workspace of a translation written outside the desk: %q", w.Rows[3].Target)
		}
		n, err := e.svc.FollowOnce(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The place is the same in both languages, so it teaches nothing.
		if n != 6 {
			t.Errorf("learned %d units, want 6", n)
		}
		m, _ := e.svc.Suggest(e.ctx, "en", "fr", "Why it matters")
		if len(m) != 1 || m[0].Target != "Pourquoi c'est important" {
			t.Errorf("suggestion: %+v", m)
		}

		// A translation whose sentences do not line up with the source
		// teaches nothing rather than wrong pairs.
		es := e.start(t, src, "es")["es"]
		st = e.story(t, es.ID)
		st.Headline = "Gwadar abre su primera desaladora"
		st.Body = "El gobierno provincial abrió el lunes una desaladora en Gwadar, que dará dos millones de litros al día."
		if err := e.nr.Save(e.ctx, as(e.editor), &st); err != nil {
			t.Fatal(err)
		}
		if _, err := e.nr.Publish(e.ctx, as(e.editor), es.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.FollowOnce(e.ctx); err != nil || n != 0 {
			t.Errorf("a translation that does not line up: %d, %v", n, err)
		}
		if list, _ := db.Units(e.ctx, "en", "es"); len(list) != 0 {
			t.Errorf("%d Spanish units", len(list))
		}
	})
}

func TestFollowLoop(t *testing.T) {
	db := storetest.SQLite(t)
	e := newEnv(t, db, nil)
	src := e.source(t)
	ur := e.start(t, src, "ur")["ur"]
	e.translateAndPublish(t, ur.ID, urduV1)
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() {
		e.svc.Follow(ctx, 10*time.Millisecond)
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for e.units(t) != len(urduV1) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if n := e.units(t); n != len(urduV1) {
		t.Errorf("Follow learned %d units, want %d", n, len(urduV1))
	}
	if _, err := db.AddUnits(e.ctx, []memory.Unit{{SrcLang: "en", TgtLang: "ur", Source: "x", Target: "y"}}); err != nil {
		t.Errorf("the store is unusable after Follow stopped: %v", err)
	}
}
