package translate

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/segment"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

func (e *env) workspace(t *testing.T, id int64) Workspace {
	t.Helper()
	w, err := e.svc.Workspace(e.ctx, as(e.editor), id)
	if err != nil {
		t.Fatalf("workspace %d: %v", id, err)
	}
	return w
}

func TestWorkspaceRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		ur := e.start(t, src, "ur")["ur"]
		w := e.workspace(t, ur.ID)
		if w.BasedOn != 1 || w.SourceVersion != 1 || w.OutOfDate || w.MT || len(w.Removed) != 0 || w.Source.ID != src.ID {
			t.Errorf("workspace %+v", w)
		}
		wantKinds := []segment.Kind{segment.KindHeadline, segment.KindPlace, segment.KindSentence, segment.KindSentence,
			segment.KindH2, segment.KindSentence, segment.KindSentence}
		var kinds []segment.Kind
		for i, r := range w.Rows {
			kinds = append(kinds, r.Kind)
			if r.Index != i || r.Target != "" || r.Change != "" {
				t.Errorf("row %d of a new draft: %+v", i, r)
			}
		}
		if !slices.Equal(kinds, wantKinds) {
			t.Fatalf("row kinds %v, want %v", kinds, wantKinds)
		}
		if w.Rows[0].Source != headline || w.Rows[5].Source != "Residents have queued at water tankers for years." {
			t.Errorf("sources %q, %q", w.Rows[0].Source, w.Rows[5].Source)
		}

		// Half done: the saved segments come back, and the draft's text is
		// the translation in the source's structure.
		half := append(slices.Clone(urduV1[:5]), "")
		if _, err := e.svc.Save(e.ctx, as(e.urTr), ur.ID, half, false, false, false); err != nil {
			t.Fatal(err)
		}
		w = e.workspace(t, ur.ID)
		for i, r := range w.Rows {
			want := ""
			if i < 5 {
				want = urduV1[i]
			}
			if r.Target != want {
				t.Errorf("row %d target %q, want %q", i, r.Target, want)
			}
		}
		st := e.story(t, ur.ID)
		wantBody := urduV1[2] + " " + urduV1[3] + "\n\n## " + urduV1[4]
		if st.Headline != urduV1[0] || st.Dateline.Place != urduV1[1] || st.Body != wantBody {
			t.Errorf("draft after save: %q / %q / %q; want body %q", st.Headline, st.Dateline.Place, st.Body, wantBody)
		}
		// Line breaks typed into a segment do not break the structure.
		broken := slices.Clone(urduV1)
		broken[3] = "یہ پلانٹ روزانہ\n\n## بیس لاکھ لیٹر"
		if _, err := e.svc.Save(e.ctx, as(e.urTr), ur.ID, broken, false, false, false); err != nil {
			t.Fatal(err)
		}
		if st := e.story(t, ur.ID); strings.Count("\n"+st.Body, "\n## ") != 1 || strings.Count(st.Body, "\n\n") != 2 {
			t.Errorf("a line break in a segment made a heading: %q", st.Body)
		}
		_, err := e.svc.Save(e.ctx, as(e.urTr), ur.ID, append(slices.Clone(urduV1), "one too many"), false, false, false)
		wantErr(t, "more targets than segments", err, story.ErrInvalid)
		_, err = e.svc.Workspace(e.ctx, as(e.editor), src.ID)
		wantErr(t, "workspace of an original", err, story.ErrInvalid)
	})
}

// TestStaleness is the scenario: a new version of the source marks
// its translations out of date, shows what changed, and updating one
// clears its mark while the other stays.
func TestStaleness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		d := e.start(t, src, "ur", "zh")
		ur := e.translateAndPublish(t, d["ur"].ID, urduV1)
		zh := e.translateAndPublish(t, d["zh"].ID, chineseV1)
		e.correct(t, src)

		state := func(code string) string {
			t.Helper()
			states, err := e.svc.Overview(e.ctx, as(e.editor), src.FamilyID)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range states {
				if s.Lang == code {
					return s.State
				}
			}
			return ""
		}
		if state("ur") != StateOutOfDate || state("zh") != StateOutOfDate || state("en") != StatePublished {
			t.Fatalf("after v2: en %s, ur %s, zh %s", state("en"), state("ur"), state("zh"))
		}

		for code, id := range map[string]int64{"ur": ur.ID, "zh": zh.ID} {
			w := e.workspace(t, id)
			if !w.OutOfDate || w.BasedOn != 1 || w.SourceVersion != 2 {
				t.Errorf("%s: out of date %v, based on %d, source version %d", code, w.OutOfDate, w.BasedOn, w.SourceVersion)
			}
			targets := urduV1
			if code == "zh" {
				targets = chineseV1
			}
			// v2's segments: headline, place, same sentence, edited one,
			// heading, the kept sentence (moved up), the added one.
			want := []struct {
				change segment.ChangeKind
				target string
			}{
				{segment.ChangeSame, targets[0]}, {segment.ChangeSame, targets[1]}, {segment.ChangeSame, targets[2]},
				{segment.ChangeEdited, targets[3]}, {segment.ChangeSame, targets[4]}, {segment.ChangeSame, targets[6]},
				{segment.ChangeAdded, ""},
			}
			if len(w.Rows) != len(want) {
				t.Fatalf("%s: %d rows, want %d", code, len(w.Rows), len(want))
			}
			for i, r := range w.Rows {
				if r.Change != want[i].change || r.Target != want[i].target {
					t.Errorf("%s row %d (%q): %s %q, want %s %q", code, i, r.Source, r.Change, r.Target, want[i].change, want[i].target)
				}
			}
			if len(w.Removed) != 1 || w.Removed[0].Text != "Residents have queued at water tankers for years." {
				t.Errorf("%s: removed %+v", code, w.Removed)
			}
		}

		// The Urdu translation is updated and marked current.
		w := e.workspace(t, ur.ID)
		var targets []string
		for _, r := range w.Rows {
			targets = append(targets, r.Target)
		}
		targets[3] = "یہ پلانٹ روزانہ تیس لاکھ لیٹر پانی فراہم کرے گا۔"
		targets[6] = "پلانٹ پر چار کروڑ ڈالر لاگت آئی۔"
		if _, err := e.svc.Save(e.ctx, as(e.editor), ur.ID, targets, true, false, false); err != nil {
			t.Fatal(err)
		}
		if state("ur") != StatePublished || state("zh") != StateOutOfDate {
			t.Errorf("after updating ur: ur %s, zh %s; want published and out_of_date", state("ur"), state("zh"))
		}
		w = e.workspace(t, ur.ID)
		if w.OutOfDate || w.BasedOn != 2 || len(w.Removed) != 0 {
			t.Errorf("updated workspace: out of date %v, based on %d, removed %d", w.OutOfDate, w.BasedOn, len(w.Removed))
		}
		for i, r := range w.Rows {
			if r.Change != "" || r.Target != targets[i] {
				t.Errorf("updated row %d: %s %q, want no change and %q", i, r.Change, r.Target, targets[i])
			}
		}
		// The public page of the out-of-date translation stays up.
		if _, err := db.PublicStory(e.ctx, zh.ID, e.clock.Now()); err != nil {
			t.Errorf("out-of-date translation left the site: %v", err)
		}
		if st := e.story(t, zh.ID); st.TranslatedFromVersion != 1 {
			t.Errorf("zh based on v%d, want 1", st.TranslatedFromVersion)
		}
	})
}

func TestWorkspaceMatches(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		older := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		_, err := db.AddUnits(e.ctx, []memory.Unit{
			{SrcLang: "en", TgtLang: "ur", Source: "The provincial government opened a water plant in Gwadar on Friday.",
				Target: "صوبائی حکومت نے جمعے کو گوادر میں پانی کا پلانٹ کھولا۔", Created: older},
			{SrcLang: "en", TgtLang: "ur", Source: "The provincial government opened a desalination plant in Gwadar on Monday.",
				Target: "صوبائی حکومت نے پیر کو گوادر میں کھارے پانی کا پلانٹ کھولا۔", Created: older},
			{SrcLang: "en", TgtLang: "ur", Source: "The federal cabinet met in Islamabad.", Target: "وفاقی کابینہ کا اجلاس اسلام آباد میں ہوا۔"},
			{SrcLang: "en", TgtLang: "zh", Source: "The provincial government opened a desalination plant in Gwadar on Monday.",
				Target: "省政府周一在瓜达尔启用了一座海水淡化厂。"},
		})
		if err != nil {
			t.Fatal(err)
		}
		src := e.source(t)
		ur := e.start(t, src, "ur")["ur"]
		w := e.workspace(t, ur.ID)
		m := w.Rows[2].Matches
		if len(m) != 2 {
			t.Fatalf("matches for %q: %+v, want an exact and a fuzzy one", w.Rows[2].Source, m)
		}
		if m[0].Score != 100 || m[0].Target != "صوبائی حکومت نے پیر کو گوادر میں کھارے پانی کا پلانٹ کھولا۔" || m[0].UnitID == 0 {
			t.Errorf("first match %+v, want the exact one", m[0])
		}
		if m[1].Score < memory.MinFuzzy || m[1].Score >= 100 || !strings.Contains(m[1].Target, "جمعے") {
			t.Errorf("second match %+v, want the fuzzy one", m[1])
		}
		for i, r := range w.Rows {
			if i != 2 && len(r.Matches) != 0 {
				t.Errorf("row %d (%q) has matches %+v", i, r.Source, r.Matches)
			}
		}

		// Suggest on its own: a segment of few shared words finds nothing.
		if got, err := e.svc.Suggest(e.ctx, "en", "ur", "The cabinet met."); err != nil || len(got) != 0 {
			t.Errorf("a far segment: %+v, %v", got, err)
		}
		if got, _ := e.svc.Suggest(e.ctx, "en", "ur", "  "); len(got) != 0 {
			t.Errorf("an empty segment: %+v", got)
		}
		// Case and spacing do not stop an exact match.
		if got, _ := e.svc.Suggest(e.ctx, "en", "ur", "the FEDERAL cabinet  met in Islamabad."); len(got) != 1 || got[0].Score != 100 {
			t.Errorf("normalised exact: %+v", got)
		}
	})
}

func TestGlossaryWarning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		term := memory.Term{SrcLang: "en", TgtLang: "ur", Source: "desalination plant", Target: "کھارے پانی کو میٹھا کرنے کا پلانٹ"}
		wantErr(t, "translator adds a term", e.svc.AddTerm(e.ctx, as(e.urTr), term), newsroom.ErrForbidden)
		if err := e.svc.AddTerm(e.ctx, as(e.editor), term); err != nil {
			t.Fatal(err)
		}
		src := e.source(t)
		ur := e.start(t, src, "ur")["ur"]

		w := e.workspace(t, ur.ID)
		if len(w.Rows[2].Terms) != 1 || w.Rows[2].Terms[0].Missing || w.Rows[2].Terms[0].Term.Target != term.Target {
			t.Errorf("terms of an empty target: %+v", w.Rows[2].Terms)
		}

		loose := slices.Clone(urduV1)
		loose[2] = "صوبائی حکومت نے پیر کو گوادر میں پانی صاف کرنے کا کارخانہ کھولا۔"
		warnings, err := e.svc.Save(e.ctx, as(e.urTr), ur.ID, loose, false, true, false)
		if !errors.Is(err, ErrGlossary) {
			t.Fatalf("submit with a missing term: %v, want ErrGlossary", err)
		}
		if len(warnings) != 1 || warnings[0].Term.Source != term.Source || !warnings[0].Missing {
			t.Errorf("warnings %+v", warnings)
		}
		st := e.story(t, ur.ID)
		if st.Status != story.StatusDraft || !strings.Contains(st.Body, "کارخانہ") {
			t.Errorf("after the held submit: %s, body %q; want a saved draft", st.Status, st.Body)
		}
		if w := e.workspace(t, ur.ID); w.Rows[2].Target != loose[2] || !w.Rows[2].Terms[0].Missing {
			t.Errorf("workspace after the held submit: %+v", w.Rows[2])
		}
		// Confirmed, it goes.
		if _, err := e.svc.Save(e.ctx, as(e.urTr), ur.ID, loose, false, true, true); err != nil {
			t.Fatal(err)
		}
		if st := e.story(t, ur.ID); st.Status != story.StatusSubmitted {
			t.Errorf("confirmed submit left the story %s", st.Status)
		}

		// With the term in place there is nothing to confirm.
		zhTerm := memory.Term{SrcLang: "en", TgtLang: "zh", Source: "Gwadar", Target: "瓜达尔"}
		if err := e.svc.AddTerm(e.ctx, as(e.admin), zhTerm); err != nil {
			t.Fatal(err)
		}
		zh := e.start(t, src, "zh")["zh"]
		warnings, err = e.svc.Save(e.ctx, as(e.zhTr), zh.ID, chineseV1, false, true, false)
		if err != nil || len(warnings) != 0 {
			t.Errorf("clean submit: %+v, %v", warnings, err)
		}
		if st := e.story(t, zh.ID); st.Status != story.StatusSubmitted {
			t.Errorf("clean submit left the story %s", st.Status)
		}
	})
}

func TestTranslationPermissions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, nil)
		src := e.source(t)
		d := e.start(t, src, "ur", "zh")
		for _, tc := range []struct {
			name string
			err  error
			want error
		}{
			{"urdu translator saves chinese", func() error {
				_, err := e.svc.Save(e.ctx, as(e.urTr), d["zh"].ID, chineseV1, false, false, false)
				return err
			}(), newsroom.ErrForbidden},
			{"urdu translator opens chinese", func() error { _, err := e.svc.Workspace(e.ctx, as(e.urTr), d["zh"].ID); return err }(), newsroom.ErrForbidden},
			{"reporter saves urdu", func() error {
				_, err := e.svc.Save(e.ctx, as(e.rep), d["ur"].ID, urduV1, false, false, false)
				return err
			}(), newsroom.ErrForbidden},
			{"translator imports TMX", func() error {
				_, err := e.svc.ImportTMX(e.ctx, as(e.urTr), strings.NewReader("<tmx/>"))
				return err
			}(), newsroom.ErrForbidden},
			{"reporter imports a glossary", func() error {
				_, err := e.svc.ImportGlossary(e.ctx, as(e.rep), strings.NewReader("src_lang,tgt_lang,source,target\n"))
				return err
			}(), newsroom.ErrForbidden},
			{"translator deletes a term", e.svc.DeleteTerm(e.ctx, as(e.urTr), 1), newsroom.ErrForbidden},
		} {
			wantErr(t, tc.name, tc.err, tc.want)
		}
		if texts, _, _ := db.SegmentTargets(e.ctx, d["zh"].ID); len(texts) != 0 {
			t.Error("a refused save stored segments")
		}
		// Each translator works on their own language.
		if _, err := e.svc.Save(e.ctx, as(e.urTr), d["ur"].ID, urduV1, false, false, false); err != nil {
			t.Errorf("urdu translator on urdu: %v", err)
		}
		if _, err := e.svc.Workspace(e.ctx, as(e.zhTr), d["zh"].ID); err != nil {
			t.Errorf("chinese translator opens chinese: %v", err)
		}
		// Once published, the translator may update the working copy (for a
		// correction an editor publishes); readers still see version 1.
		pub := e.translateAndPublish(t, d["ur"].ID, urduV1)
		changed := append([]string{"نئی سرخی"}, urduV1[1:]...)
		if _, err := e.svc.Save(e.ctx, as(e.urTr), d["ur"].ID, changed, true, false, false); err != nil {
			t.Errorf("translator updates a published translation: %v", err)
		}
		if p, err := db.PublicStory(e.ctx, d["ur"].ID, e.clock.Now()); err != nil || p.Headline != pub.Headline || p.Version != pub.Version {
			t.Errorf("readers see %q v%d (%v), want the published %q v%d", p.Headline, p.Version, err, pub.Headline, pub.Version)
		}
	})
}

// echo is a machine translation provider that marks what it was given,
// standing in for an outside service.
type echo struct{ calls int }

func (p *echo) Name() string { return "Echo" }
func (p *echo) Translate(_ context.Context, text, from, to string) (string, error) {
	p.calls++
	return "[" + from + ">" + to + "] " + text, nil
}

func TestMachineTranslate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		plain := newEnv(t, db, nil)
		src := plain.source(t)
		ur := plain.start(t, src, "ur")["ur"]
		_, err := plain.svc.MachineTranslate(plain.ctx, as(plain.urTr), ur.ID, 2)
		wantErr(t, "no provider", err, ErrNoProvider)

		p := &echo{}
		e := &env{ctx: plain.ctx, db: db, nr: plain.nr, clock: plain.clock, urTr: plain.urTr, zhTr: plain.zhTr,
			svc: New(Options{Store: db, Newsroom: plain.nr, Now: plain.clock.Now, MT: p})}
		if w, _ := e.svc.Workspace(e.ctx, as(e.urTr), ur.ID); !w.MT {
			t.Error("workspace does not offer machine translation")
		}
		got, err := e.svc.MachineTranslate(e.ctx, as(e.urTr), ur.ID, 3)
		if err != nil || got != "[en>ur] The plant will supply two million litres of water a day." || p.calls != 1 {
			t.Errorf("machine: %q, %v, %d calls", got, err, p.calls)
		}
		// The memory wins over the machine.
		if _, err := db.AddUnits(e.ctx, []memory.Unit{{SrcLang: "en", TgtLang: "ur", Source: "Why it matters", Target: "یہ کیوں اہم ہے"}}); err != nil {
			t.Fatal(err)
		}
		if got, err := e.svc.MachineTranslate(e.ctx, as(e.urTr), ur.ID, 4); err != nil || got != "یہ کیوں اہم ہے" || p.calls != 1 {
			t.Errorf("with an exact match: %q, %v, %d calls", got, err, p.calls)
		}
		_, err = e.svc.MachineTranslate(e.ctx, as(e.urTr), ur.ID, 99)
		wantErr(t, "no such segment", err, story.ErrInvalid)
		_, err = e.svc.MachineTranslate(e.ctx, as(e.zhTr), ur.ID, 2)
		wantErr(t, "another language's translator", err, newsroom.ErrForbidden)
	})
}
