package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBakeCommand bakes the demo agency and bakes again since: the second
// writes nothing. (That every file is what serve answers is tested in
// internal/bake.)
func TestBakeCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	out := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runIn(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	code, stdout, errOut := runIn(t, "", "bake", "--data", dir, out)
	if code != 0 || !strings.Contains(stdout, "baked ") {
		t.Fatalf("bake: %d %q %q", code, stdout, errOut)
	}
	for _, f := range []string{"en/index.html", "ur/index.html", "robots.txt", "sitemap.xml", "feeds/zh.rss"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s not baked: %v", f, err)
		}
	}
	code, stdout, _ = runIn(t, "", "bake", "--since", "--data", dir, out)
	if code != 0 || !strings.Contains(stdout, "baked 0 files") {
		t.Errorf("bake --since with nothing changed: %d %q", code, stdout)
	}
	if code, _, errOut := runIn(t, "", "bake", "--data", dir); code == 0 || !strings.Contains(errOut, "output folder") {
		t.Errorf("bake without OUTDIR: %d %q", code, errOut)
	}
	if code, _, errOut := runIn(t, "", "bake", "--data", filepath.Join(t.TempDir(), "none"), out); code == 0 || !strings.Contains(errOut, "no Qasid data") {
		t.Errorf("bake of nothing: %d %q", code, errOut)
	}
}
