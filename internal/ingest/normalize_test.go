package ingest

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var forms = []struct {
	name  string
	f     norm.Form
	inert func(rune) bool
	fast  func(string) string
}{
	{"NFC", norm.NFC, nfcInert, nfc},
	{"NFKC", norm.NFKC, nfkcInert, nfkc},
}

// TestNormalize checks nfc and nfkc against the norm package: every rune
// taken as inert is its own normal form and begins a segment, and texts
// mixing inert runes with marks, compatibility characters and decomposed
// letters come out as the norm package makes them.
func TestNormalize(t *testing.T) {
	var pool []rune
	for _, fm := range forms {
		n := 0
		for r := rune(0); r <= 0xFFFF; r++ {
			if !utf8.ValidRune(r) || !fm.inert(r) {
				continue
			}
			n++
			s := string(r)
			if !fm.f.IsNormalString(s) || !fm.f.PropertiesString(s).BoundaryBefore() {
				t.Errorf("%s: %U is taken as inert", fm.name, r)
			}
			if n%97 == 0 {
				pool = append(pool, r)
			}
		}
		if n < 20000 {
			t.Errorf("%s: only %d inert runes", fm.name, n)
		}
	}
	// Runes that normalisation changes or that change their neighbours.
	pool = append(pool, []rune{
		'\u0301', '\u0308', '\u0327', '\u0654', '\u0655', '\u0653', '\u064B', '\u0670', // combining marks
		'ﬁ', 'Ａ', '，', '１', '…', '\u00A0', '²', 'ﻻ', 'ﺍ', 'ھ', 'ۀ', 'ی', // compatibility and Arabic forms
		'e', 'a', 'o', 'и', 'е', 'ا', 'ه', 'ي', 'و', 'ك', // bases the marks compose with
		'\u1100', '\u1161', '\u11A8', '가', // Hangul jamo and a syllable
		'Å', 'Ω', 'K', '\u0344', '\u0F73', '\u2126', // singletons and discouraged forms
		' ', '\n', '中', '文',
	}...)
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(in string) {
		t.Helper()
		for _, fm := range forms {
			if got, want := fm.fast(in), fm.f.String(in); got != want {
				t.Fatalf("%s(%+q) = %+q, want %+q", fm.name, in, got, want)
			}
		}
	}
	for range 50000 {
		var b strings.Builder
		for range 1 + rng.IntN(20) {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		check(b.String())
	}
	for _, in := range []string{"", "plain", "\u0301", "e\u0301", "Ａ", "x\u0654\u0301ا\u0653", strings.Repeat("\u0301", 40) + "e"} {
		check(in)
	}
	// The corpus, where most texts are left as they are.
	dir := corpusDir(t)
	for _, code := range []string{"en", "ur", "zh", "ar", "ru", "fr", "es"} {
		f, err := os.Open(filepath.Join(dir, code+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 16<<20)
		for n := 0; sc.Scan() && n < 300; n++ {
			var a struct{ Headline, Body string }
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			check(a.Headline + "\n" + a.Body)
		}
		f.Close()
	}
}

// Unchanged text is not copied.
func TestNormalizeKeepsText(t *testing.T) {
	for _, in := range []string{"Премьер-министр «сказал»", "وزیر اعظم نے کہا۔", "北京周一下了暴雨、政府"} {
		if nfc(in) != in || nfkc(in) != in {
			t.Errorf("%q changed", in)
		}
		if got := testing.AllocsPerRun(10, func() { _, _ = nfc(in), nfkc(in) }); got != 0 {
			t.Errorf("%q: %v allocations", in, got)
		}
	}
}

// collapse and cleanBody leave clean text as it is without copying it,
// and do to any other text what they always did (the reference versions
// below are the code before the shortcut).
func TestCleanShortcuts(t *testing.T) {
	refCollapse := func(s string) string {
		var b strings.Builder
		space := false
		for _, r := range s {
			if collapsible(r) {
				space = true
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
		return strings.TrimFunc(b.String(), unicode.IsSpace)
	}
	refBody := func(s string) string {
		s = norm.NFC.String(dropControls(s))
		var b strings.Builder
		start := 0
		para := func(p string) {
			if p = refCollapse(p); p != "" {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(p)
			}
		}
		for i, r := range s {
			if r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' {
				para(s[start:i])
				start = i + utf8.RuneLen(r)
			}
		}
		para(s[start:])
		return b.String()
	}
	parts := []string{"a", "word", "слово", "كلمة", "字", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00A0", "\u2028", "\u3000", "\u0085", "\u202F", "e\u0301", "\x01"}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 50000 {
		var b strings.Builder
		for range rng.IntN(10) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		in := b.String()
		if got, want := collapse(in), refCollapse(in); got != want {
			t.Fatalf("collapse(%+q) = %+q, want %+q", in, got, want)
		}
		if got, want := cleanBody(in), refBody(in); got != want {
			t.Fatalf("cleanBody(%+q) = %+q, want %+q", in, got, want)
		}
	}
	clean := "Первый абзац.\nSecond paragraph, «quoted».\nفقرة ثالثة."
	if got := testing.AllocsPerRun(10, func() { _ = cleanBody(clean) }); got != 0 {
		t.Errorf("a clean body was copied: %v allocations", got)
	}
}

func TestIsSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isSpace(r) != unicode.IsSpace(r) {
			t.Errorf("%U: isSpace %v", r, isSpace(r))
		}
	}
}
