package lang

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{"urdu first", "ur-PK,ur;q=0.9,en;q=0.8", "ur"},
		{"mainland chinese", "zh-CN", "zh"},
		{"bare chinese", "zh", "zh"},
		{"singapore chinese is simplified", "zh-SG", "zh"},
		{"canadian french", "fr-CA", "fr"},
		{"latin american spanish", "es-419", "es"},
		{"egyptian arabic", "ar-EG,ar;q=0.9", "ar"},
		{"russian", "ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"},
		{"american english", "en-US,en;q=0.9", "en"},
		{"german only", "de", "en"},
		{"german then arabic", "de-DE,de;q=0.9,ar;q=0.5", "ar"},
		{"empty", "", "en"},
		{"spaces", "   ", "en"},
		{"star", "*", "en"},
		{"q weights reorder", "en;q=0.1,ur", "ur"},
		{"q zero refuses", "ur;q=0", "en"},
		// Traditional Chinese is a Low-confidence match for zh-Hans: refused.
		{"taiwan alone", "zh-TW", "en"},
		{"hong kong alone", "zh-HK", "en"},
		{"hant alone", "zh-Hant", "en"},
		{"taiwan then english", "zh-TW,en;q=0.5", "en"},
		{"taiwan then chinese", "zh-TW,zh;q=0.9,en;q=0.8", "zh"},
		{"taiwan then french", "zh-TW,fr;q=0.5", "fr"},
		// One bad entry must not spoil the rest.
		{"unknown subtag then urdu", "xx-YY,ur;q=0.5", "ur"},
		{"bad q then arabic", "fr;q=abc,ar;q=0.4", "ar"},
		{"junk", "!!@@##,,;;==", "en"},
		{"10 KB of junk", strings.Repeat("x-;q=,\x00\xff", 1250), "en"},
	}
	for _, tt := range tests {
		if got := Match(tt.header); got.Code != tt.want {
			t.Errorf("%s: Match(%.40q) = %s, want %s", tt.name, tt.header, got.Code, tt.want)
		}
	}
}

// TestMatchReadsOnlyTheStart documents the length limits: a language named
// after many entries, or after a kilobyte, is not seen.
func TestMatchReadsOnlyTheStart(t *testing.T) {
	many := strings.Repeat("de,", 40) + "ur"
	if got := Match(many); got.Code != "en" {
		t.Errorf("Match(40 entries then ur) = %s, want en (entry limit)", got.Code)
	}
	few := strings.Repeat("de,", 5) + "ur"
	if got := Match(few); got.Code != "ur" {
		t.Errorf("Match(5 entries then ur) = %s, want ur", got.Code)
	}
	long := "de-" + strings.Repeat("x", 2000) + ",ur"
	if got := Match(long); got.Code != "en" {
		t.Errorf("Match(2 KB entry then ur) = %s, want en (byte limit)", got.Code)
	}
}

func TestTruncateHeader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en,fr", "en,fr"},
		{strings.Repeat("a,", 20), strings.TrimSuffix(strings.Repeat("a,", maxAcceptLanguageEntries), ",")},
		// Ten 100-byte entries fit in the byte limit; the cut falls at a comma.
		{strings.Repeat(strings.Repeat("a", 99)+",", 12), strings.TrimSuffix(strings.Repeat(strings.Repeat("a", 99)+",", 10), ",")},
	}
	for _, tt := range tests {
		got := truncateHeader(tt.in)
		if got != tt.want {
			t.Errorf("truncateHeader(%.20q...) = %.20q... (len %d), want len %d", tt.in, got, len(got), len(tt.want))
		}
		if len(got) > maxAcceptLanguageBytes {
			t.Errorf("truncateHeader kept %d bytes, limit %d", len(got), maxAcceptLanguageBytes)
		}
	}
}

// TestMatchRandomBytes is a cheap stand-in for the fuzzer in ordinary runs:
// random headers must give one of our languages and never panic.
func TestMatchRandomBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abcdefghijklmnopqrstuvwxyzABCZ-_;,=.q0123456789 *\x00\xff")
	for i := 0; i < 2000; i++ {
		b := make([]byte, rng.IntN(200))
		for j := range b {
			b[j] = alphabet[rng.IntN(len(alphabet))]
		}
		if _, ok := Get(Match(string(b)).Code); !ok {
			t.Fatalf("Match(%q) returned a language that is not ours", b)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, seed := range []string{
		"", "en", "ur-PK,ur;q=0.9,en;q=0.8", "zh-TW,zh;q=0.9", "fr-CA", "es-419",
		"de;q=0.5,*;q=0.1", "x-private", "en-US;q=1.0000001", "i-klingon", "sgn-BE-FR",
		"zh-Hant-TW-u-nu-hanidec", "ar-u-nu-arab-x-foo,ru;q=.5",
	} {
		f.Add(seed)
	}
	// Match builds its matcher per call; the fuzzer shares one, which is
	// the same code path at a fraction of the cost.
	m := NewMatcher()
	f.Fuzz(func(t *testing.T, header string) {
		l := m.Match(header)
		if got, ok := Get(l.Code); !ok || got != l {
			t.Fatalf("Match(%q) = %+v, not one of our languages", header, l)
		}
	})
}

// TestMatcherConcurrent shares one Matcher between goroutines, as a server
// does; run with -race it checks that matching writes nothing.
func TestMatcherConcurrent(t *testing.T) {
	m := NewMatcher()
	headers := []string{"ur", "zh-CN", "fr-CA", "de", "es-419,en;q=0.5"}
	want := []string{"ur", "zh", "fr", "en", "es"}
	var wg sync.WaitGroup
	errs := make(chan string, len(headers)*50)
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, h := range headers {
				if got := m.Match(h).Code; got != want[i] {
					errs <- h + " gave " + got
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkMatcher(b *testing.B) {
	m := NewMatcher()
	for b.Loop() {
		_ = m.Match("ur-PK,ur;q=0.9,en;q=0.8")
	}
}
