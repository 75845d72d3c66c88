package desk_test

import (
	"context"
	"github.com/qasid/qasid/internal/render"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/web/browsertest"
)

// TestDeskInBrowser walks the newsroom in Chromium: a reporter writes an
// Urdu story and submits it; the reporter's attempt to publish is refused;
// an editor publishes it, it shows right to left on the Urdu home page, the
// editor corrects it and the note shows, the editor kills it and its URL
// answers 410. Screenshots of the desk are kept.
func TestDeskInBrowser(t *testing.T) {
	b := browsertest.New(t, "desk")
	f := newFixture(t, storetest.SQLite(t))
	base := f.srv.URL
	set, login, logout := deskBrowser(t, b, f)
	// The reporter writes in Urdu; the editor fields follow the story's direction.
	login(auth.RoleReporter)
	b.Open(base+"/desk/stories/new?lang=ur", "#q_headline")
	set("#q_headline", "لاہور میں کتاب میلہ شروع")
	set("#q_summary", "پانچ روزہ میلے میں دو سو ناشرین شریک ہیں۔")
	set("#q_place", "لاہور")
	set("#q_section", "culture")
	set("#q_body", "شہر میں آج سالانہ کتاب میلہ شروع ہو گیا۔\n\n## میلے کی جھلکیاں\n\n**نئی کتابیں** اس سال سب سے زیادہ نئی کتابیں پیش کی گئیں۔\n")
	if dir := b.Eval(`getComputedStyle(document.querySelector("#q_body")).direction`); dir != "rtl" {
		t.Errorf("Urdu body editor direction %v, want rtl", dir)
	}
	b.Do(chromedp.Click(chromedp.CSS(`button[value=save]`)))
	b.WaitURL("done=created")
	path, _ := b.Eval(`location.pathname`).(string)
	id := strings.TrimPrefix(path, "/desk/stories/")
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("after saving, at %q", path)
	}
	// The live preview renders the body right to left, with the dateline.
	b.Eval(`new Promise(r => setTimeout(r, 800))`)
	if got, _ := b.Eval(`document.querySelector("#q_preview .dateline") ? document.querySelector("#q_preview .dateline").textContent : ""`).(string); !strings.HasPrefix(got, "لاہور، ") {
		t.Errorf("preview dateline %q", got)
	}
	b.Do(chromedp.Click(chromedp.CSS(`button[formaction$="/submit"]`)))
	b.WaitURL("done=submitted")
	b.Shot("1-reporter-submitted.png")
	// The reporter has no publish button; a hand-made request is refused.
	if n := b.Eval(`document.querySelectorAll('button[formaction$="/publish"]').length`); n != float64(0) {
		t.Errorf("reporter sees %v publish buttons", n)
	}
	status := b.Eval(`fetch("/desk/stories/` + id + `/publish", {method: "POST", credentials: "same-origin"}).then(r => r.status)`)
	if status != float64(403) {
		t.Errorf("reporter's publish answered %v, want 403", status)
	}
	logout()

	// The editor publishes.
	login(auth.RoleEditor)
	b.Open(base+"/desk/stories/"+id, "#q_headline")
	b.Do(chromedp.Click(chromedp.CSS(`button[formaction$="/publish"]`)))
	b.WaitURL("done=published")
	b.Shot("2-editor-published.png")

	b.Open(base+"/ur/", "main")
	found := b.Eval(`[...document.querySelectorAll(".card h3 a")].find(a => a.textContent.includes("لاہور میں کتاب میلہ شروع")) ? true : false`)
	if found != true {
		t.Fatal("the published story is not on the Urdu home page")
	}
	if dir := b.Eval(`getComputedStyle(document.querySelector("main")).direction`); dir != "rtl" {
		t.Errorf("Urdu home page direction %v", dir)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	st, err := f.db.Story(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	public := base + (&url.URL{Path: render.StoryPath(st)}).EscapedPath()

	// A correction with a note.
	b.Open(base+"/desk/stories/"+id, "#q_note")
	set("#q_body", "شہر میں آج سالانہ کتاب میلہ شروع ہو گیا۔\n\n## میلے کی جھلکیاں\n\n**نئی کتابیں** اس سال ڈھائی سو ناشرین نے نئی کتابیں پیش کیں۔\n")
	set("#q_note", "ناشرین کی تعداد درست کی گئی۔")
	b.Do(chromedp.Click(chromedp.CSS(`button[formaction$="/correct"]`)))
	b.WaitURL("done=corrected")
	b.Open(public, "h1")
	if note, _ := b.Eval(`document.querySelector(".corrections") ? document.querySelector(".corrections").textContent : ""`).(string); !strings.Contains(note, "ناشرین کی تعداد درست کی گئی۔") {
		t.Errorf("public page correction note %q", note)
	}
	b.Shot("3-public-corrected.png")

	// Kill: the confirmation is accepted, and the URL is gone.
	b.Open(base+"/desk/stories/"+id, "#q_notice")
	set("#q_notice", "یہ خبر واپس لے لی گئی ہے۔")
	b.Eval(`window.confirm = () => true`)
	b.Do(chromedp.Click(chromedp.CSS(`.kill-form button`)))
	b.WaitURL("done=killed")
	b.Shot("4-editor-killed.png")
	if status := b.Eval(`fetch(` + strconv.Quote(public) + `).then(r => r.status)`); status != float64(410) {
		t.Errorf("killed story answered %v, want 410", status)
	}
	b.Open(base+"/desk/", "table.stories")
	b.Shot("5-desk-list.png")
}

// deskBrowser returns helpers for a browser test of the desk: set a field
// (firing its input event), sign in as a role, sign out.
func deskBrowser(t *testing.T, b *browsertest.Browser, f *fixture) (set func(sel, value string), login func(auth.Role), logout func()) {
	set = func(sel, value string) {
		t.Helper()
		b.Eval(`(() => { const e = document.querySelector(` + strconv.Quote(sel) + `); e.value = ` + strconv.Quote(value) + `;
			e.dispatchEvent(new Event("input", {bubbles: true})); return true })()`)
	}
	login = func(role auth.Role) {
		t.Helper()
		b.Open(f.srv.URL+"/desk/login", "#q_email")
		set("#q_email", f.users[role].Email)
		set("#q_password", password)
		b.Do(chromedp.Click(chromedp.CSS(`.login button[type=submit]`)))
		b.WaitURL("/desk/")
		b.Do(chromedp.WaitVisible(chromedp.CSS(`.desk-user`)))
	}
	logout = func() {
		t.Helper()
		b.Do(chromedp.Click(chromedp.CSS(`.desk-user button.link`)))
		b.WaitURL("/desk/login")
	}
	return set, login, logout
}
