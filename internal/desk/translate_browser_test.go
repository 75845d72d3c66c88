package desk_test

import (
	"context"
	"github.com/qasid/qasid/internal/render"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web/browsertest"
)

// TestTranslationDeskInBrowser: an editor sends an English story to Urdu
// and Chinese; the translator opens the Urdu task, accepts a memory match,
// is warned that a glossary term is missing, fixes it and submits; an
// editor publishes; the English page now lists اردو among its languages.
func TestTranslationDeskInBrowser(t *testing.T) {
	b := browsertest.New(t, "translation-desk")
	f := newFixture(t, storetest.SQLite(t))
	ctx := context.Background()
	base := f.srv.URL
	ed := newsroom.Actor{User: f.users[auth.RoleEditor], IP: "127.0.0.1"}

	// A fresh English story, a memory that knows its first sentence, and a
	// glossary that knows the port's name.
	src := story.Story{Lang: "en", Section: "business", Headline: "Gwadar port opens a new fish market",
		Dateline: story.Dateline{Place: "Gwadar"}, Body: "The port opened a new fish market on Monday.\n\nGwadar Port Authority said the market would employ 400 people.\n"}
	if err := f.svc.Create(ctx, ed, &src); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Publish(ctx, ed, src.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddUnits(ctx, []memory.Unit{{SrcLang: "en", TgtLang: "ur", Source: "The port opened a new fish market on Monday.",
		Target: "بندرگاہ نے پیر کو مچھلی کی نئی منڈی کھول دی۔", Created: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := f.tr.AddTerm(ctx, ed, memory.Term{SrcLang: "en", TgtLang: "ur", Source: "Gwadar Port Authority", Target: "گوادر پورٹ اتھارٹی"}); err != nil {
		t.Fatal(err)
	}
	set, login, logout := deskBrowser(t, b, f)
	id := strconv.FormatInt(src.ID, 10)

	// The editor sends the story to Urdu and Chinese, assigned to the translator.
	login(auth.RoleEditor)
	b.Open(base+"/desk/stories/"+id, ".translate-to")
	b.Eval(`document.querySelector('.translate-to input[value="ur"]').checked = true`)
	b.Eval(`document.querySelector('.translate-to input[value="zh"]').checked = true`)
	set("#q_assignee", strconv.FormatInt(f.users[auth.RoleTranslator].ID, 10))
	b.Do(chromedp.Click(chromedp.CSS(`.translate-to button[type=submit]`)))
	b.WaitURL("done=translations")
	b.Shot("1-editor-started.png")
	logout()

	// The translator finds the Urdu task in the queue.
	login(auth.RoleTranslator)
	b.Open(base+"/desk/queue", "table.queue")
	if n := b.Eval(`document.querySelectorAll("table.queue tbody a").length`); n != float64(2) {
		t.Fatalf("queue shows %v tasks, want 2", n)
	}
	b.Shot("2-translator-queue.png")
	urdu := f.memberOf(t, src.FamilyID, "ur")
	b.Open(base+"/desk/stories/"+strconv.FormatInt(urdu.ID, 10)+"/translate", "form.workspace")
	if dir := b.Eval(`getComputedStyle(document.querySelector("form.workspace td.tgt textarea")).direction`); dir != "rtl" {
		t.Errorf("Urdu target direction %v", dir)
	}
	// Accept the memory's exact match for the first sentence.
	if n := b.Eval(`document.querySelectorAll("button.use-match").length`); n == float64(0) {
		t.Fatal("no memory match offered")
	}
	if score := b.Eval(`document.querySelector(".matches .score").textContent`); score != "100%" {
		t.Errorf("best match score %v, want 100%%", score)
	}
	b.Do(chromedp.Click(chromedp.CSS(`button.use-match`)))
	textareas := `[...document.querySelectorAll("form.workspace textarea")]`
	if used := b.Eval(textareas + `.some(t => t.value === "بندرگاہ نے پیر کو مچھلی کی نئی منڈی کھول دی۔")`); used != true {
		t.Error("the match did not fill its segment")
	}
	// Translate the rest, leaving out the approved term, and submit.
	b.Eval(`(() => { const ts = ` + textareas + `;
		const src = [...document.querySelectorAll("form.workspace td.src .src-text")].map(e => e.textContent);
		ts.forEach((t, i) => {
			if (t.value !== "") return;
			if (src[i].includes("Gwadar Port Authority")) t.value = "بندرگاہ کے حکام نے کہا کہ منڈی میں 400 افراد کو روزگار ملے گا۔";
			else if (src[i].startsWith("Gwadar port opens")) t.value = "گوادر بندرگاہ پر مچھلی کی نئی منڈی کھل گئی";
			else if (src[i] === "Gwadar") t.value = "گوادر";
		});
		return true })()`)
	b.Do(chromedp.Click(chromedp.CSS(`button[value=submit]`)))
	b.Do(chromedp.WaitVisible(chromedp.CSS(`.flash.error ul`)))
	if w := b.Eval(`document.querySelector(".flash.error").textContent`); !strings.Contains(w.(string), "گوادر پورٹ اتھارٹی") {
		t.Errorf("glossary warning %q does not name the approved term", w)
	}
	b.Shot("3-glossary-warning.png")
	// Fix it and submit.
	b.Eval(`(() => { for (const t of ` + textareas + `) { if (t.value.startsWith("بندرگاہ کے حکام")) t.value = "گوادر پورٹ اتھارٹی نے کہا کہ منڈی میں 400 افراد کو روزگار ملے گا۔"; } return true })()`)
	b.Do(chromedp.Click(chromedp.CSS(`button[value=submit]`)))
	b.WaitURL("done=submitted")
	logout()

	// The editor publishes the Urdu translation.
	login(auth.RoleEditor)
	b.Open(base+"/desk/stories/"+strconv.FormatInt(urdu.ID, 10), "#q_headline")
	b.Do(chromedp.Click(chromedp.CSS(`button[formaction$="/publish"]`)))
	b.WaitURL("done=published")

	// The English page now names Urdu among its languages.
	pub, err := f.db.PublicStory(ctx, src.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	b.Open(base+render.StoryPath(pub), "h1")
	if langs := b.Eval(`document.querySelector("#q_translations") ? document.querySelector("#q_translations").textContent : ""`); !strings.Contains(langs.(string), "اردو") {
		t.Errorf("the English page's languages %q lack اردو", langs)
	}
	b.Shot("4-english-with-urdu.png")
}

// memberOf finds a family's member in a language.
func (f *fixture) memberOf(t testing.TB, family int64, code string) story.Story {
	t.Helper()
	members, err := f.db.Family(context.Background(), family)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if m.Lang == code {
			return m
		}
	}
	t.Fatalf("family %d has no %s member", family, code)
	return story.Story{}
}
