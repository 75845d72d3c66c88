package site_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qasid/qasid/internal/site"
)

// TestBrowser opens the English and Urdu pages of one story in Debian's
// Chromium: direction, the Nastaliq web font and the language switcher are
// checked as a reader's browser computes them. Gated on QASID_E2E=1.
func TestBrowser(t *testing.T) {
	if os.Getenv("QASID_E2E") != "1" {
		t.Skip("set QASID_E2E=1 to run browser tests (needs chromium)")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("QASID_E2E=1 but no chromium on PATH: %v", err)
	}
	artifacts := os.Getenv("QASID_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	artifacts = filepath.Join(artifacts, "browser")
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}

	f := newFixture(t)
	en := f.member(t, "01-xi-astana-state-visit", "en")
	ur := f.member(t, "01-xi-astana-state-visit", "ur")
	zh := f.member(t, "01-xi-astana-state-visit", "zh")

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()

	shot := func(name string) {
		t.Helper()
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(artifacts, name), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open := func(path, waitFor string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(f.srv.URL+path), chromedp.WaitVisible(chromedp.CSS(waitFor))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}
	eval := func(expr string, opts ...chromedp.EvaluateOption) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr, opts...))
		if err != nil {
			t.Fatalf("evaluate %s: %v", expr, err)
		}
		return v
	}

	// English: left to right.
	open(site.StoryPath(en), "h1")
	if dir := eval(`getComputedStyle(document.querySelector(".story-body")).direction`); dir != "ltr" {
		t.Errorf("English story body direction %v, want ltr", dir)
	}
	if l := eval(`document.documentElement.lang`); l != "en" {
		t.Errorf("English page lang %v", l)
	}
	shot("story-en.png")

	// Urdu: right to left, set in Noto Nastaliq Urdu served by the binary.
	open((&url.URL{Path: site.StoryPath(ur)}).EscapedPath(), "h1")
	if dir := eval(`getComputedStyle(document.querySelector(".story-body")).direction`); dir != "rtl" {
		t.Errorf("Urdu story body direction %v, want rtl", dir)
	}
	loaded := eval(`document.fonts.ready.then(() => document.fonts.load('16px "Noto Nastaliq Urdu"', 'پاکستان')).then(() =>
		[...document.fonts].some(f => f.family.replace(/"/g, '') === 'Noto Nastaliq Urdu' && f.status === 'loaded'))`, chromedp.EvalAwaitPromise)
	usable := eval(`document.fonts.check('16px "Noto Nastaliq Urdu"', 'پاکستان')`)
	if loaded != true || usable != true {
		t.Errorf("Urdu page: Noto Nastaliq Urdu loaded=%v usable=%v", loaded, usable)
	}
	family, _ := eval(`getComputedStyle(document.querySelector(".story-body p")).fontFamily`).(string)
	if !strings.HasPrefix(strings.Trim(family, `"`), "Noto Nastaliq Urdu") {
		t.Errorf("Urdu body font-family = %q, want Noto Nastaliq Urdu first", family)
	}
	shot("story-ur.png")

	// The language switcher on the English page leads to the Chinese member.
	open(site.StoryPath(en), `.languages a[data-lang="zh"]`)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.languages a[data-lang="zh"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-Hans"] h1`)),
	); err != nil {
		t.Fatal(err)
	}
	path := eval(`decodeURIComponent(location.pathname)`)
	h1 := eval(`document.querySelector("h1").textContent.trim()`)
	if path != site.StoryPath(zh) || h1 != zh.Headline {
		t.Errorf("after switching: path %v h1 %v, want %q %q", path, h1, site.StoryPath(zh), zh.Headline)
	}
	shot("story-zh.png")

	// The choice is remembered: the bare root now sends this reader to Chinese.
	open("/", `html[lang="zh-Hans"] main`)
	if path := eval(`location.pathname`); path != "/zh/" {
		t.Errorf("root after choosing Chinese went to %v, want /zh/", path)
	}
	t.Logf("screenshots in %s", artifacts)
}
