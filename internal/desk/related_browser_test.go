package desk_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/render"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/web/browsertest"
)

// TestRelatedInBrowser: before the editor types, the Also Read picker
// offers the story's related stories, and one click inserts a token; the
// panel's Pin button pins a story, which then leads the picker's list and
// the public page's "Related stories", right to left for Urdu.
func TestRelatedInBrowser(t *testing.T) {
	b := browsertest.New(t, "related")
	f := newRelatedFixture(t, storetest.SQLite(t))
	base := f.srv.URL
	_, login, _ := deskBrowser(t, b, f.fixture)
	login(auth.RoleEditor)
	ed := f.login(t, auth.RoleEditor)
	st := f.member(t, "09-glacier-monitoring-stations", "ur")
	id := strconv.FormatInt(st.ID, 10)

	// waitSuggestions waits until the picker lists something.
	waitSuggestions := func() {
		t.Helper()
		v := b.Eval(`new Promise(done => {
			const t0 = Date.now();
			const tick = () => {
				const items = [...document.querySelectorAll(".also-results li button")];
				if (items.length || Date.now() - t0 > 10000) done(items.length);
				else setTimeout(tick, 50);
			};
			tick();
		})`)
		if v == float64(0) {
			t.Fatal("the picker shows no suggestions")
		}
	}

	b.Open(base+"/desk/stories/"+id, "#q_also_q")
	waitSuggestions()
	want, _ := ed.relatedSuggestions(st.ID)
	caption, _ := b.Eval(`document.querySelector(".also-results .also-caption").textContent`).(string)
	if caption != f.cat.T("en", "related.suggested") {
		t.Errorf("picker caption %q", caption)
	}
	first, _ := b.Eval(`document.querySelector(".also-results li:not(.also-caption) span").textContent`).(string)
	if len(want) == 0 || first != want[0].Headline {
		t.Fatalf("picker's first suggestion %q, related.json says %+v", first, want)
	}
	if d := b.Eval(`document.querySelector(".also-results li:not(.also-caption) span").dir`); d != "rtl" {
		t.Errorf("Urdu suggestion dir %v", d)
	}
	b.Do(chromedp.Click(chromedp.CSS(`.also-results li:not(.also-caption) button`)))
	body, _ := b.Eval(`document.querySelector("#q_body").value`).(string)
	if !strings.Contains(body, want[0].Token) {
		t.Errorf("inserting the suggestion left no %s in the body", want[0].Token)
	}
	b.Shot("1-picker-suggestions.png")

	// Pin the last story shown; it leads everything afterwards.
	last := want[len(want)-1]
	b.Do(chromedp.Click(chromedp.CSS(`#q_related .related-shown input[value="` + strconv.FormatInt(last.ID, 10) + `"] ~ button[value=pin]`)))
	b.WaitURL("done=saved")
	if n := b.Eval(`document.querySelectorAll('#q_related .related-pins input[value="` + strconv.FormatInt(last.ID, 10) + `"]').length`); n != float64(1) {
		t.Errorf("the panel lists %v pins of %d", n, last.ID)
	}
	waitSuggestions()
	first, _ = b.Eval(`document.querySelector(".also-results li:not(.also-caption) span").textContent`).(string)
	if first != last.Headline {
		t.Errorf("after the pin, the picker's first suggestion is %q, want %q", first, last.Headline)
	}
	b.Shot("2-panel-pinned.png")

	b.Open(base+(&url.URL{Path: render.StoryPath(st)}).EscapedPath(), "#q_related")
	if dir := b.Eval(`getComputedStyle(document.querySelector("#q_related")).direction`); dir != "rtl" {
		t.Errorf("related block direction %v", dir)
	}
	href, _ := b.Eval(`document.querySelector("#q_related .card a").getAttribute("href")`).(string)
	if !strings.Contains(href, "/"+strconv.FormatInt(last.ID, 10)+"-") {
		t.Errorf("public related block starts with %q, want story %d", href, last.ID)
	}
	b.Shot("3-public-related.png")
}
