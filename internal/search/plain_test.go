package search

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/story"
)

// TestPlainMarkdown checks BodyText's shortcut against story.PlainText:
// whatever it takes as plain reads in Markdown as exactly itself.
func TestPlainMarkdown(t *testing.T) {
	pieces := []string{
		"word", "слово", "كلمة", "字", "1", "2.", "3)", " ", " ", "  ", "\n", "\n\n", "\n\n\n", "\t",
		"\\", "`", "*", "_", "[", "]", "[[also:1]]", "<", ">", "&", "&amp;", "!", "#", "-", "+", "=", "~", "|", ":",
		"\u00A0", "\u3000", "\u200B", "\u0301", "\x00", "\uFFFD", "http://x.y", "www.x.y", ".", ",", "'", "\"", "(", ")", "%",
	}
	rng := rand.New(rand.NewPCG(7, 8))
	plain := 0
	for range 100000 {
		var b strings.Builder
		for range 1 + rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		src := b.String()
		if !plainMarkdown(src) {
			continue
		}
		plain++
		if got := story.PlainText(src); got != src {
			t.Fatalf("%+q is taken as plain, but Markdown reads it as %+q", src, got)
		}
	}
	if plain < 1000 {
		t.Errorf("only %d random texts taken as plain", plain)
	}
	for _, src := range []string{"", "\\# Heading", "a\n\nb", "a\nb", "1. one", "2024 was", "- item", "a  b", "a ", " a", "x [[also:3]]"} {
		if got, want := BodyText(src), story.PlainText(src); got != want {
			t.Errorf("BodyText(%q) = %q, want %q", src, got, want)
		}
	}
}

// Most corpus bodies, as an import writes them, are plain.
func TestPlainMarkdownCorpus(t *testing.T) {
	dir := corpusDir(t)
	for _, code := range searchLangs {
		f, err := os.Open(filepath.Join(dir, code+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		n, plain := 0, 0
		for ; sc.Scan() && n < 300; n++ {
			var a struct{ Body string }
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			src := strings.Join(strings.Fields(strings.ReplaceAll(a.Body, "\n", " \x00 ")), " ")
			src = strings.ReplaceAll(src, " \x00 ", "\n\n")
			if plainMarkdown(src) {
				plain++
				if got := story.PlainText(src); got != src {
					t.Fatalf("%s: %+q is taken as plain, but Markdown reads it as %+q", code, src, got)
				}
			}
		}
		f.Close()
		t.Logf("%s: %d of %d bodies plain", code, plain, n)
	}
}
