package translate

import (
	"context"
	"errors"
	"github.com/qasid/qasid/internal/clock"
	"slices"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// env is the translation desk over one fresh store, with the newsroom it
// writes through and a person of each kind the desk meets.
type env struct {
	ctx    context.Context
	db     store.Store
	nr     *newsroom.Service
	svc    *Service
	clock  *clock.Fake
	editor auth.User
	admin  auth.User
	rep    auth.User // a reporter
	urTr   auth.User // translates en→ur
	zhTr   auth.User // translates en→zh and ar→zh
}

func newEnv(t *testing.T, db store.Store, mt Provider) *env {
	t.Helper()
	ctx := t.Context()
	// Whole seconds, so that times read back from either database compare
	// equal.
	c := clock.NewFake(time.Date(2026, 5, 4, 6, 0, 0, 0, time.UTC))
	nr := newsroom.New(newsroom.Options{Store: db, Now: c.Now})
	e := &env{ctx: ctx, db: db, nr: nr, clock: c,
		svc: New(Options{Store: db, Newsroom: nr, Now: c.Now, MT: mt})}
	if err := db.SaveSection(ctx, story.Section{Key: "world", Names: map[string]string{"en": "World"}}); err != nil {
		t.Fatalf("save section: %v", err)
	}
	add := func(email string, roles []auth.Role, pairs ...auth.Pair) auth.User {
		u := auth.User{Email: email, Name: email, Roles: roles, Pairs: pairs, UILang: "en"}
		if err := db.CreateUser(ctx, &u, audit.Entry{}); err != nil {
			t.Fatalf("create user %s: %v", email, err)
		}
		return u
	}
	e.editor = add("editor@example.com", []auth.Role{auth.RoleEditor})
	e.admin = add("admin@example.com", []auth.Role{auth.RoleAdmin})
	e.rep = add("reporter@example.com", []auth.Role{auth.RoleReporter})
	e.urTr = add("ur@example.com", []auth.Role{auth.RoleTranslator}, auth.Pair{From: "en", To: "ur"})
	e.zhTr = add("zh@example.com", []auth.Role{auth.RoleTranslator}, auth.Pair{From: "en", To: "zh"}, auth.Pair{From: "ar", To: "zh"})
	return e
}

func as(u auth.User) newsroom.Actor { return newsroom.Actor{User: u, IP: "192.0.2.7"} }

// The source story of most tests, in two versions. Version 2 edits the
// second sentence, drops the third and adds one at the end.
const (
	headline = "Gwadar opens its first desalination plant"
	place    = "GWADAR"
	bodyV1   = "The provincial government opened a desalination plant in Gwadar on Monday. " +
		"The plant will supply two million litres of water a day.\n\n" +
		"## Why it matters\n\n" +
		"Residents have queued at water tankers for years. Officials said the tankers would stop next month."
	bodyV2 = "The provincial government opened a desalination plant in Gwadar on Monday. " +
		"The plant will supply three million litres of water a day.\n\n" +
		"## Why it matters\n\n" +
		"Officials said the tankers would stop next month. The plant cost forty million dollars."
)

// Segment translations of version 1, by index: headline, place, the two
// sentences, the heading, the last two sentences.
var (
	urduV1 = []string{
		"گوادر میں پہلا کھارے پانی کو میٹھا کرنے کا پلانٹ کھل گیا",
		"گوادر",
		"صوبائی حکومت نے پیر کو گوادر میں کھارے پانی کو میٹھا کرنے کا پلانٹ کھولا۔",
		"یہ پلانٹ روزانہ بیس لاکھ لیٹر پانی فراہم کرے گا۔",
		"یہ کیوں اہم ہے",
		"مکین برسوں سے پانی کے ٹینکروں کے آگے قطاروں میں کھڑے رہے ہیں۔",
		"حکام نے کہا کہ ٹینکر اگلے ماہ بند ہو جائیں گے۔",
	}
	chineseV1 = []string{
		"瓜达尔首座海水淡化厂投入使用",
		"瓜达尔",
		"省政府周一在瓜达尔启用了一座海水淡化厂。",
		"该厂每天将供应两百万升水。",
		"为何重要",
		"多年来，居民一直在水车前排队。",
		"官员表示，水车将于下月停运。",
	}
)

// source creates and publishes the English source through the newsroom.
func (e *env) source(t *testing.T) story.Story {
	t.Helper()
	st := story.Story{Lang: "en", Headline: headline, Section: "world", Body: bodyV1,
		Dateline: story.Dateline{Place: place, Date: story.Date{Year: 2026, Month: 5, Day: 4}}}
	if err := e.nr.Create(e.ctx, as(e.editor), &st); err != nil {
		t.Fatalf("create source: %v", err)
	}
	pub, err := e.nr.Publish(e.ctx, as(e.editor), st.ID, time.Time{})
	if err != nil {
		t.Fatalf("publish source: %v", err)
	}
	return pub
}

// correct publishes version 2 of the source.
func (e *env) correct(t *testing.T, src story.Story) story.Story {
	t.Helper()
	e.clock.Add(time.Hour)
	st := e.story(t, src.ID)
	st.Body = bodyV2
	if err := e.nr.Save(e.ctx, as(e.editor), &st); err != nil {
		t.Fatalf("edit source: %v", err)
	}
	v2, err := e.nr.Correct(e.ctx, as(e.editor), src.ID, "The plant's capacity was corrected.")
	if err != nil {
		t.Fatalf("correct source: %v", err)
	}
	return v2
}

// start sends the source to langs, unassigned, as the editor.
func (e *env) start(t *testing.T, src story.Story, langs ...string) map[string]story.Story {
	t.Helper()
	drafts, err := e.svc.Start(e.ctx, as(e.editor), src.ID, langs, 0, time.Time{})
	if err != nil {
		t.Fatalf("start %v: %v", langs, err)
	}
	out := map[string]story.Story{}
	for _, d := range drafts {
		out[d.Lang] = d
	}
	return out
}

// translateAndPublish saves targets as the editor and publishes.
func (e *env) translateAndPublish(t *testing.T, id int64, targets []string) story.Story {
	t.Helper()
	if _, err := e.svc.Save(e.ctx, as(e.editor), id, targets, false, false, false); err != nil {
		t.Fatalf("save translation %d: %v", id, err)
	}
	pub, err := e.nr.Publish(e.ctx, as(e.editor), id, time.Time{})
	if err != nil {
		t.Fatalf("publish translation %d: %v", id, err)
	}
	return pub
}

func (e *env) story(t *testing.T, id int64) story.Story {
	t.Helper()
	st, err := e.db.Story(e.ctx, id)
	if err != nil {
		t.Fatalf("story %d: %v", id, err)
	}
	return st
}

func (e *env) familySize(t *testing.T, fam int64) int {
	t.Helper()
	members, err := e.db.Family(e.ctx, fam)
	if err != nil {
		t.Fatal(err)
	}
	return len(members)
}

func (e *env) units(t *testing.T) int {
	t.Helper()
	n, err := e.db.CountUnits(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: error %v, want %v", what, err, want)
	}
}

// changeKinds lists the change log's kinds for one story.
func (e *env) changeKinds(t *testing.T, id int64) []story.ChangeKind {
	t.Helper()
	chs, err := e.db.Changes(e.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []story.ChangeKind
	for _, ch := range chs {
		if ch.StoryID == id {
			out = append(out, ch.Kind)
		}
	}
	return out
}

func langs(drafts []story.Story) []string {
	var out []string
	for _, d := range drafts {
		out = append(out, d.Lang)
	}
	slices.Sort(out)
	return out
}
