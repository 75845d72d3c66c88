// Package browsertest starts Debian's Chromium for browser tests, gated on
// QASID_E2E=1, and saves screenshots where CI keeps them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium tab.
type Browser struct {
	t         testing.TB
	Ctx       context.Context
	artifacts string
}

// New starts Chromium, or skips the test when QASID_E2E is not 1. The
// browser is stopped when the test ends. Screenshots go to
// $QASID_ARTIFACTS/NAME (a temporary folder when unset).
func New(t testing.TB, name string) *Browser {
	t.Helper()
	if os.Getenv("QASID_E2E") != "1" {
		t.Skip("set QASID_E2E=1 to run browser tests (needs chromium)")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("QASID_E2E=1 but no chromium on PATH: %v", err)
	}
	dir := os.Getenv("QASID_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	dir = filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
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
	ctx, cancel := chromedp.NewContext(actx)
	// One bound for the whole test: a hung page fails the test, not CI.
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return &Browser{t: t, Ctx: ctx, artifacts: dir}
}

// Open navigates to url and waits until the CSS selector is visible.
func (b *Browser) Open(url, waitFor string) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(waitFor))); err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
}

// Eval evaluates a JavaScript expression (awaiting a promise) and returns
// its JSON value.
func (b *Browser) Eval(expr string) any {
	b.t.Helper()
	v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[any](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// WaitURL waits until the page's address contains substr and the page has
// loaded: the way to wait for a form post's redirect, since the old page's
// elements are still there while the new one loads.
func (b *Browser) WaitURL(substr string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		// Errors are expected while a navigation replaces the page.
		v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.href : ""`))
		if err == nil && strings.Contains(v, substr) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("waited 30 s for an address with %q", substr)
}

// Do runs chromedp steps, failing the test on error.
func (b *Browser) Do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.Ctx, steps...); err != nil {
		b.t.Fatal(err)
	}
}

// Shot saves a full-page PNG screenshot under the artifacts folder.
func (b *Browser) Shot(name string) {
	b.t.Helper()
	buf, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.artifacts, name), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Dir is where the screenshots go.
func (b *Browser) Dir() string { return b.artifacts }
