package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMemoryAndGlossaryCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := runIn(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	tmx := filepath.Join(t.TempDir(), "in.tmx")
	os.WriteFile(tmx, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" srclang="en" o-tmf="t"/>
<body><tu><tuv xml:lang="en"><seg>The summit ends on Friday.</seg></tuv><tuv xml:lang="zh-Hans"><seg>峰会于周五结束。</seg></tuv></tu></body></tmx>`), 0o644)
	code, out, errOut := runIn(t, "", "tm", "import", "--data", dir, tmx)
	if code != 0 || !strings.Contains(out, "imported 1 segment pairs") {
		t.Fatalf("tm import: %d %q %q", code, out, errOut)
	}
	code, out, _ = runIn(t, "", "tm", "export", "--data", dir, "--src", "en", "--tgt", "zh")
	if code != 0 || !strings.Contains(out, "峰会于周五结束。") || !strings.Contains(out, "<tmx version=\"1.4\">") {
		t.Errorf("tm export: %d %q", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.tmx")
	os.WriteFile(bad, []byte(`<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>x</seg></tuv>`), 0o644)
	if code, _, errOut := runIn(t, "", "tm", "import", "--data", dir, bad); code == 0 || !strings.Contains(errOut, "line") {
		t.Errorf("malformed TMX: exit %d %q", code, errOut)
	}
	code, out, errOut = runIn(t, "src_lang,tgt_lang,source,target,note\nen,ar,Shanghai Cooperation Organization,منظمة شنغهاي للتعاون,\n",
		"glossary", "import", "--data", dir, "-")
	if code != 0 || !strings.Contains(out, "imported 1 terms") {
		t.Fatalf("glossary import: %d %q %q", code, out, errOut)
	}
	outFile := filepath.Join(t.TempDir(), "g.csv")
	if code, _, errOut := runIn(t, "", "glossary", "export", "--data", dir, "--out", outFile); code != 0 {
		t.Fatalf("glossary export: %s", errOut)
	}
	if b, _ := os.ReadFile(outFile); !strings.Contains(string(b), "en,ar,Shanghai Cooperation Organization,منظمة شنغهاي للتعاون") {
		t.Errorf("exported glossary: %q", b)
	}
	if code, _, errOut := runIn(t, "src_lang,tgt_lang,source,target\nen,en,x,y\n", "glossary", "import", "--data", dir, "-"); code == 0 || !strings.Contains(errOut, "line 2") {
		t.Errorf("malformed CSV: exit %d %q", code, errOut)
	}
	if code, _, _ := runIn(t, "", "tm", "import", "--data", dir); code != 2 {
		t.Errorf("tm import without a file: exit %d, want 2", code)
	}
	if code, _, errOut := runIn(t, "", "tm", "export", "--data", dir, "--src", "de"); code == 0 || !strings.Contains(errOut, "unknown language") {
		t.Errorf("unknown language: %d %q", code, errOut)
	}
}
