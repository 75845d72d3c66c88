package app_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/store"
)

// corpusDir finds shared/corpus by walking up from the working directory;
// "" when it is not there.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		c := filepath.Join(dir, "shared", "corpus")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

var summaryLine = regexp.MustCompile(`imported (\d+), duplicates (\d+), near-duplicates (\d+), skipped (\d+), refused (\d+) \(from (\d+) items read`)

type counts struct{ imported, duplicates, near, skipped, refused, read int }

func parseSummary(t *testing.T, out string) counts {
	t.Helper()
	m := summaryLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no summary in %q", out)
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return counts{n[0], n[1], n[2], n[3], n[4], n[5]}
}

func TestImportCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	in := t.TempDir()
	good := filepath.Join(in, "good.jsonl")
	os.WriteFile(good, []byte(strings.Join([]string{
		`{"id":"t:1:en","lang":"en","headline":"Dam opens","body":"The dam opened on Monday after four years of building work.","source":"Test"}`,
		`{"id":"t:1:ur","lang":"ur","headline":"ڈیم کھل گیا","body":"ڈیم چار سال کی تعمیر کے بعد پیر کو کھل گیا۔","source":"Test"}`,
		`{"id":"t:2","headline":"No language","body":"Text."}`,
		`not json at all`,
	}, "\n")), 0o644)
	bad := filepath.Join(in, "notes.txt")
	os.WriteFile(bad, []byte("just words, no news format\n"), 0o644)

	code, out, errOut := runIn(t, "", "import", "--data", dir, good)
	if code != 0 {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}
	if c := parseSummary(t, out); c != (counts{imported: 2, refused: 2, read: 4}) {
		t.Errorf("summary %+v in %q", c, out)
	}
	if !strings.Contains(errOut, "line 3") || !strings.Contains(errOut, "line 4") || !strings.Contains(out, "stories/s") {
		t.Errorf("refused items and their positions, and the rate: %q %q", out, errOut)
	}
	// --lang names the language of items that do not; flags may follow
	// the files.
	code, out, _ = runIn(t, "", "import", "--data", dir, good, "--lang", "fr", "--publish")
	if c := parseSummary(t, out); code != 0 || c.imported != 1 || c.duplicates != 2 || c.refused != 1 {
		t.Errorf("second import with --lang: exit %d, %+v", code, c)
	}

	tests := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"unknown format", []string{bad}, 1, "unknown format"},
		{"missing file", []string{filepath.Join(in, "nope.jsonl")}, 1, "no such file"},
		{"no files", nil, 2, "want one or more files"},
		{"unknown language", []string{"--lang", "xx", good}, 1, "unknown language"},
		{"unknown default section", []string{"--section", "nowhere", good}, 1, "not one of the agency's"},
		{"one good file among bad ones", []string{bad, good}, 0, "unknown format"},
	}
	for _, tc := range tests {
		args := append([]string{"import", "--data", dir}, tc.args...)
		code, out, errOut := runIn(t, "", args...)
		if code != tc.exit || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%s: exit %d %q %q; want %d and %q", tc.name, code, out, errOut, tc.exit, tc.want)
		}
	}
}

func TestFeedCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := runIn(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	code, out, errOut := runIn(t, "", "feed", "add", "--data", dir, "https://news.example.com/rss.xml", "--lang", "ur", "--every", "30m")
	if code != 0 || !strings.Contains(out, "added feed 1: news.example.com, polled every 30m0s") {
		t.Fatalf("feed add: %d %q %q", code, out, errOut)
	}
	code, out, _ = runIn(t, "", "feed", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "1\tnews.example.com\thttps://news.example.com/rss.xml\tlang:ur\tsection:-\tevery:30m0s\tlast:never") {
		t.Errorf("feed list: %d %q", code, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ftp://x/feed"}, "http or https"},
		{[]string{"https://user:pw@x/feed"}, "user name or password"},
		{[]string{"https://news.example.com/rss.xml"}, "already polled"},
		{[]string{"https://x/feed", "--lang", "tlh"}, "not one of"},
		{[]string{"https://x/feed", "--every", "1s"}, "interval"},
		{[]string{"https://x/feed", "--section", "nowhere"}, "section"},
	} {
		args := append([]string{"feed", "add", "--data", dir}, tc.args...)
		if code, out, errOut := runIn(t, "", args...); code != 1 || !strings.Contains(errOut, tc.want) || strings.Contains(errOut, "pw@") {
			t.Errorf("feed add %v: exit %d %q %q; want 1 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
	if code, _, _ := runIn(t, "", "feed", "add", "--data", dir); code != 2 {
		t.Errorf("feed add without a URL: exit %d, want 2", code)
	}
}

// TestImportCorpus imports the whole shared corpus: every item is imported
// or explained, the NTREX translations land in 123 families of seven, and
// a second import finds every item already there.
func TestImportCorpus(t *testing.T) {
	corpus := corpusDir(t)
	if corpus == "" {
		t.Skip("shared/corpus not found")
	}
	if testing.Short() {
		t.Skip("the whole corpus takes a while")
	}
	files, err := filepath.Glob(filepath.Join(corpus, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Skip("no corpus files")
	}
	lines := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for l := range strings.SplitSeq(string(b), "\n") {
			if strings.TrimSpace(l) != "" {
				lines++
			}
		}
	}
	dir := filepath.Join(t.TempDir(), "data")
	// The index is left out: TestImportIndexes covers it, and indexing
	// the whole corpus under the race detector takes most of the package's
	// time budget.
	code, out, errOut := runIn(t, "", append([]string{"import", "--no-index", "--data", dir}, files...)...)
	if code != 0 {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}
	c := parseSummary(t, out)
	t.Logf("corpus import: %s", strings.TrimSpace(out))
	if c.read != lines {
		t.Errorf("%d items read of %d lines", c.read, lines)
	}
	if got := c.imported + c.duplicates + c.near + c.skipped + c.refused; got != lines {
		t.Errorf("%d of %d items imported or explained: %+v", got, lines, c)
	}

	db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	full := 0
	keys := map[string]bool{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for l := range strings.SplitSeq(string(b), "\n") {
			if strings.HasPrefix(l, `{"id": "ntrex:`) {
				id := strings.SplitN(strings.TrimPrefix(l, `{"id": "`), `"`, 2)[0]
				keys[id[:strings.LastIndexByte(id, ':')]] = true
			}
		}
	}
	for key := range keys {
		fam, err := db.FamilyByKey(context.Background(), key)
		if err != nil {
			t.Errorf("family %s: %v", key, err)
			continue
		}
		members, err := db.Family(context.Background(), fam)
		if err != nil {
			t.Fatal(err)
		}
		if len(members) == 7 {
			full++
		}
	}
	if len(keys) != 123 || full != 123 {
		t.Errorf("%d ntrex families, %d with 7 members; want 123 and 123", len(keys), full)
	}

	code, out, errOut = runIn(t, "", append([]string{"import", "--no-index", "--data", dir}, files...)...)
	if code != 0 {
		t.Fatalf("second import: exit %d %q", code, errOut)
	}
	again := parseSummary(t, out)
	if again.imported != 0 || again.near != 0 || again.skipped != 0 || again.duplicates != lines-c.refused || again.refused != c.refused {
		t.Errorf("second import %+v: want every readable item a duplicate (first: %+v)", again, c)
	}
}
