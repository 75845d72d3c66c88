package lang

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestSlug(t *testing.T) {
	tests := []struct {
		name, code, headline, want string
	}{
		{"french accents and apostrophe", "fr", "État d'urgence à Paris", "etat-d-urgence-a-paris"},
		{"same headline in english rules", "en", "État d'urgence à Paris", "etat-d-urgence-a-paris"},
		{"spanish eñe", "es", "El niño y la señora de España", "el-nino-y-la-senora-de-espana"},
		{"english with digits", "en", "Pakistan, China sign 5 agreements", "pakistan-china-sign-5-agreements"},
		{"punctuation runs collapse", "en", "  --Hello!!   World--  ", "hello-world"},
		{"letters without decomposition", "en", "Straße to Øresund: Æble Œuvre", "strasse-to-oresund-aeble-oeuvre"},
		{"decomposed accents", "fr", "E\u0301te\u0301 a\u0300 Lyon", "ete-a-lyon"},
		{"typographic apostrophe", "fr", "L’Élysée répond", "l-elysee-repond"},
		{"full-width latin", "en", "ＡＰＥＣ ２０２４", "apec-2024"},
		{"ligature", "en", "ﬁnal ofﬁce", "final-office"},
		{"other scripts separate english words", "en", "Interview: 习近平 visits", "interview-visits"},
		{"soft hyphen and zero-width space inside a word", "en", "news\u00adroom zero\u200bwidth", "newsroom-zerowidth"},

		{"russian", "ru", "Визит в Астану", "визит-в-астану"},
		{"russian yo folds to ye", "ru", "Ёлки и ёжики", "елки-и-ежики"},
		{"russian short i kept", "ru", "Йошкар-Ола: ЙОД", "йошкар-ола-йод"},
		{"russian decomposed short i", "ru", "И\u0306ошкар", "йошкар"},
		{"russian stress mark removed", "ru", "за́мок", "замок"},
		{"russian with latin", "ru", "Саммит G20 в Москве", "саммит-g20-в-москве"},
		{"russian guillemets", "ru", "«Газпром» — итоги", "газпром-итоги"},

		{"urdu with zer", "ur", "وزیرِ اعظم کا دورۂ چین", "وزیر-اعظم-کا-دورۂ-چین"},
		{"urdu heh goal composed", "ur", "دور\u06c1\u0654 چین", "دورۂ-چین"},
		{"urdu digits", "ur", "بجٹ ۲۰۲۴ پیش", "بجٹ-2024-پیش"},
		{"urdu full stop and question mark", "ur", "کیا ہوا؟ سب ٹھیک۔", "کیا-ہوا-سب-ٹھیک"},
		{"urdu zero-width non-joiner", "ur", "پارلیمان\u200cی", "پارلیمانی"},
		{"arabic diacritics", "ar", "الرئيسُ يزورُ القاهرةَ", "الرئيس-يزور-القاهرة"},
		{"arabic tatweel", "ar", "مـــصر والسودان", "مصر-والسودان"},
		{"arabic-indic digits", "ar", "انتخابات ٢٠٢٤", "انتخابات-2024"},
		{"arabic comma and question mark", "ar", "لماذا، ومتى؟", "لماذا-ومتى"},
		{"arabic presentation forms", "ar", "\ufee3\ufebc\ufeae", "مصر"},
		{"arabic in an english slug", "en", "Al Jazeera الجزيرة report", "al-jazeera-report"},

		{"chinese punctuation", "zh", "【快讯】中国经济增长5%，超出预期。", "快讯-中国经济增长5-超出预期"},
		{"chinese with full-width latin", "zh", "ＡＰＥＣ峰会在北京开幕", "apec峰会在北京开幕"},
		{"chinese enumeration comma", "zh", "中国、俄罗斯、巴西", "中国-俄罗斯-巴西"},
		{"chinese middle dot in a name", "zh", "唐纳德·特朗普", "唐纳德-特朗普"},
		{"chinese ling", "zh", "二〇二四年", "二〇二四年"},

		{"empty", "en", "", "story"},
		{"only punctuation", "en", "!!! ??? ...", "story"},
		{"only chinese punctuation", "zh", "。。。【】", "story"},
		{"only non-latin in english", "en", "Москва", "story"},
		{"unknown code acts like english", "de", "Grüße aus Berlin", "grusse-aus-berlin"},
		{"invalid utf-8 separates", "en", "abc\xffdef", "abc-def"},
		{"url characters", "en", "a/b?c#d%e&f=g", "a-b-c-d-e-f-g"},
	}
	for _, tt := range tests {
		got := Slug(tt.code, tt.headline)
		if got != tt.want {
			t.Errorf("%s: Slug(%q, %q) = %q, want %q", tt.name, tt.code, tt.headline, got, tt.want)
		}
		if again := Slug(tt.code, got); again != got {
			t.Errorf("%s: Slug of the slug %q = %q, not idempotent", tt.name, got, again)
		}
	}
}

func TestSlugLength(t *testing.T) {
	word := "aaaaaaaaa" // nine letters; with its dash, ten runes
	han := strings.Repeat("新闻", 60)
	tests := []struct {
		name, code, headline, want string
	}{
		{"cut at the last dash", "en", strings.Repeat(word+" ", 12), strings.TrimSuffix(strings.Repeat(word+"-", 8), "-")},
		{"dash exactly at the limit", "en", strings.Repeat("a", 80) + " tail", strings.Repeat("a", 80)},
		{"no dash: hard cut", "en", strings.Repeat("b", 200), strings.Repeat("b", 80)},
		{"chinese has no dashes", "zh", han, string([]rune(han)[:80])},
		{"early dash is not used", "en", "ab " + strings.Repeat("c", 100), "ab-" + strings.Repeat("c", 77)},
		{"exactly 80 is kept", "en", strings.Repeat("d", 80), strings.Repeat("d", 80)},
	}
	for _, tt := range tests {
		got := Slug(tt.code, tt.headline)
		if got != tt.want {
			t.Errorf("%s: got %q (%d runes), want %q", tt.name, got, utf8.RuneCountInString(got), tt.want)
		}
		if n := utf8.RuneCountInString(got); n > maxSlugRunes {
			t.Errorf("%s: %d runes, limit %d", tt.name, n, maxSlugRunes)
		}
	}
}

// checkSlug asserts everything a slug promises, so the table tests, the
// random test and the fuzzer share one definition.
func checkSlug(t *testing.T, code, headline string) {
	t.Helper()
	s := Slug(code, headline)
	switch {
	case s == "":
		t.Fatalf("Slug(%q, %q) is empty", code, headline)
	case !utf8.ValidString(s):
		t.Fatalf("Slug(%q, %q) = %q is not valid UTF-8", code, headline, s)
	case utf8.RuneCountInString(s) > maxSlugRunes:
		t.Fatalf("Slug(%q, %q) = %q is longer than %d runes", code, headline, s, maxSlugRunes)
	case strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--"):
		t.Fatalf("Slug(%q, %q) = %q has a stray dash", code, headline, s)
	case strings.ContainsAny(s, "/?#%"):
		t.Fatalf("Slug(%q, %q) = %q contains a URL delimiter", code, headline, s)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsUpper(r) {
			t.Fatalf("Slug(%q, %q) = %q contains %U", code, headline, s, r)
		}
	}
	if NormalizeText(s) != s {
		t.Fatalf("Slug(%q, %q) = %q is not NFC", code, headline, s)
	}
	if again := Slug(code, s); again != s {
		t.Fatalf("Slug(%q, %q) = %q, but its slug is %q", code, headline, s, again)
	}
}

// slugCodes are the codes the fuzzer chooses from, one unknown included.
var slugCodes = []string{"en", "ur", "zh", "ar", "ru", "fr", "es", "xx"}

func FuzzSlug(f *testing.F) {
	for _, seed := range []string{
		"État d'urgence à Paris", "Визит в Астану", "وزیرِ اعظم کا دورۂ چین",
		"【快讯】中国经济增长5%，超出预期。", "مـــصر ٢٠٢٤", "", "---", "a\u0301\u0302",
		"ﷺ ﷽", "Ǆ ǅ ǆ İstanbul", strings.Repeat("word ", 30),
	} {
		for i := range slugCodes {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, headline string) {
		checkSlug(t, slugCodes[int(which)%len(slugCodes)], headline)
	})
}

// TestSlugRandom runs the fuzzer's checks over random mixtures of the
// scripts involved, so ordinary test runs cover them too.
func TestSlugRandom(t *testing.T) {
	pool := []rune("aZéÉñßøØ İıǅ-_ .,،؟۔。，、【】«»'’/?#%\t\n\u00a0\u200b\u200c\u200d\u00ad" +
		"ёЁйЙи\u0306е\u0308Ѐ" + "ـًٌٍَُِّْٰٔ" + "اأإآبةیکہۂےيكه٠٩۰۹" + "中国〇々ＡＢ１２" + "\ufee3\ufdf2\ufb50" + "\U0001F600")
	state := uint64(42)
	next := func(n int) int {
		// A small xorshift keeps the test deterministic without shared state.
		state ^= state << 13
		state ^= state >> 7
		state ^= state << 17
		return int(state % uint64(n))
	}
	for i := 0; i < 5000; i++ {
		rs := make([]rune, next(120))
		for j := range rs {
			rs[j] = pool[next(len(pool))]
		}
		checkSlug(t, slugCodes[next(len(slugCodes))], string(rs))
	}
}
