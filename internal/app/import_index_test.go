package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/search"
	"github.com/qasid/qasid/internal/store"
)

// TestImportIndexes: qasid import writes the search index as it stores
// the stories, and leaves it at the change log's end, so that a server
// started afterwards finds it caught up; --no-index and an index held by
// another process leave it to the server.
func TestImportIndexes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	in := filepath.Join(t.TempDir(), "wire.jsonl")
	// write puts n stories in the input, numbered from first, saying who.
	write := func(first, n int, who string) {
		t.Helper()
		var lines []string
		for i := first; i < first+n; i++ {
			// Texts far apart, so that none is taken for a near-duplicate
			// (which reads every digit as 0: the words are letters).
			var words []string
			for j := range 24 {
				k := i*1000 + j*37
				words = append(words, string([]byte{'a' + byte(k%26), 'a' + byte(k/26%26), 'a' + byte(k/676%26), 'q'}))
			}
			lines = append(lines, fmt.Sprintf(`{"id":"t:%d:en","lang":"en","headline":"Dam report %d","body":"%s said %s.","source":"Test"}`,
				i, i, who, strings.Join(words, " ")))
		}
		if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(0, 30, "Engineers")
	code, out, errOut := runIn(t, "", "import", "--publish", "--data", dir, in)
	if code != 0 || !strings.Contains(out, "search index up to date: 30 documents") {
		t.Fatalf("import: exit %d %q %q", code, out, errOut)
	}
	check := func(wantDocs uint64, query string, wantHits uint64) {
		t.Helper()
		db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "qasid.db"), nil)
		if err != nil {
			t.Fatal(err)
		}
		last, err := db.LastSeq(context.Background())
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		ix, err := search.Open(filepath.Join(dir, "search"))
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		pos, _ := ix.Position()
		n, _ := ix.Count()
		res, err := ix.Search(context.Background(), search.Request{Query: query})
		if err != nil || pos != last || n != wantDocs || res.Total != wantHits {
			t.Errorf("index at %d of %d with %d documents, %q found %d (%v); want %d documents, %d found",
				pos, last, n, query, res.Total, err, wantDocs, wantHits)
		}
	}
	check(30, "engineers", 30)

	// --no-index leaves the index where it was.
	write(30, 5, "Divers")
	if code, out, errOut := runIn(t, "", "import", "--publish", "--no-index", "--data", dir, in); code != 0 || strings.Contains(out, "search index") {
		t.Fatalf("import --no-index: exit %d %q %q", code, out, errOut)
	}
	db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "qasid.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ix, err := search.Open(filepath.Join(dir, "search"))
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := ix.Search(context.Background(), search.Request{Query: "divers"}); res.Total != 0 {
		t.Errorf("--no-index indexed %d stories", res.Total)
	}
	// While another process holds the index the import still stores,
	// and says who will index.
	write(35, 5, "Divers")
	start := time.Now()
	code, out, errOut = runIn(t, "", "import", "--publish", "--data", dir, in)
	if code != 0 || !strings.Contains(out, "imported 5") || !strings.Contains(errOut, "search index not updated") {
		t.Errorf("import beside a held index: exit %d %q %q", code, out, errOut)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the import waited %v for the held index", d)
	}
	ix.Close()

	// The next import catches the index up with everything before it.
	write(40, 5, "Divers")
	if code, out, errOut := runIn(t, "", "import", "--publish", "--data", dir, in); code != 0 || !strings.Contains(out, "search index up to date: 45 documents") {
		t.Fatalf("import after: exit %d %q %q", code, out, errOut)
	}
	check(45, "divers", 15)
}
