package site_test

import (
	"github.com/qasid/qasid/internal/render"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qasid/qasid/internal/web/browsertest"
)

// TestBrowser opens the English and Urdu pages of one story in Debian's
// Chromium: direction, the Nastaliq web font and the language switcher are
// checked as a reader's browser computes them. Gated on QASID_E2E=1.
func TestBrowser(t *testing.T) {
	b := browsertest.New(t, "browser")
	f := newFixture(t)
	en := f.member(t, "01-xi-astana-state-visit", "en")
	ur := f.member(t, "01-xi-astana-state-visit", "ur")
	zh := f.member(t, "01-xi-astana-state-visit", "zh")

	// English: left to right.
	b.Open(f.srv.URL+render.StoryPath(en), "h1")
	if dir := b.Eval(`getComputedStyle(document.querySelector(".story-body")).direction`); dir != "ltr" {
		t.Errorf("English story body direction %v, want ltr", dir)
	}
	if l := b.Eval(`document.documentElement.lang`); l != "en" {
		t.Errorf("English page lang %v", l)
	}
	b.Shot("story-en.png")

	// Urdu: right to left, set in Noto Nastaliq Urdu served by the binary.
	b.Open(f.srv.URL+(&url.URL{Path: render.StoryPath(ur)}).EscapedPath(), "h1")
	if dir := b.Eval(`getComputedStyle(document.querySelector(".story-body")).direction`); dir != "rtl" {
		t.Errorf("Urdu story body direction %v, want rtl", dir)
	}
	loaded := b.Eval(`document.fonts.ready.then(() => document.fonts.load('16px "Noto Nastaliq Urdu"', 'پاکستان')).then(() =>
		[...document.fonts].some(f => f.family.replace(/"/g, '') === 'Noto Nastaliq Urdu' && f.status === 'loaded'))`)
	usable := b.Eval(`document.fonts.check('16px "Noto Nastaliq Urdu"', 'پاکستان')`)
	if loaded != true || usable != true {
		t.Errorf("Urdu page: Noto Nastaliq Urdu loaded=%v usable=%v", loaded, usable)
	}
	family, _ := b.Eval(`getComputedStyle(document.querySelector(".story-body p")).fontFamily`).(string)
	if !strings.HasPrefix(strings.Trim(family, `"`), "Noto Nastaliq Urdu") {
		t.Errorf("Urdu body font-family = %q, want Noto Nastaliq Urdu first", family)
	}
	b.Shot("story-ur.png")

	// The language switcher on the English page leads to the Chinese member.
	b.Open(f.srv.URL+render.StoryPath(en), `.languages a[data-lang="zh"]`)
	b.Do(chromedp.Click(chromedp.CSS(`.languages a[data-lang="zh"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hans"] h1`)))
	path := b.Eval(`decodeURIComponent(location.pathname)`)
	h1 := b.Eval(`document.querySelector("h1").textContent.trim()`)
	if path != render.StoryPath(zh) || h1 != zh.Headline {
		t.Errorf("after switching: path %v h1 %v, want %q %q", path, h1, render.StoryPath(zh), zh.Headline)
	}
	b.Shot("story-zh.png")

	// The choice is remembered: the bare root now sends this reader to Chinese.
	b.Open(f.srv.URL+"/", `html[lang="zh-Hans"] main`)
	if path := b.Eval(`location.pathname`); path != "/zh/" {
		t.Errorf("root after choosing Chinese went to %v, want /zh/", path)
	}
	t.Logf("screenshots in %s", b.Dir())
}
