package memory

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, lang, in, want string
	}{
		{"en case, spaces, markdown", "en", "  The **Prime Minister**\t said_ `yes`\n", "the prime minister said yes"},
		{"en full width", "en", "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ １２３", "full-width abc 123"},
		{"en quotes and dashes", "en", "It’s “fine” — really", "it's \"fine\" - really"},
		{"en invisible characters", "en", "co\u00ADop\u200Ber\u200Fate\uFEFF", "cooperate"},
		{"en full case folding", "en", "STRASSE Straße", "strasse strasse"},
		{"en digits of other scripts", "en", "१२३ and ৪৫", "123 and 45"},
		{"en empty", "en", " \t\n ", ""},
		{"ur Arabic-keyboard yeh and kaf", "ur", "پاكستان كي حكومت", "پاكستان كي حكومت"},
		{"ur Urdu yeh and kaf fold to Arabic", "ur", "پاکستان کی حکومت", "پاكستان كي حكومت"},
		{"ur yeh barree kept", "ur", "حکومت کے", "حكومت كے"},
		{"ur heh goal and do-chashmi", "ur", "شہباز بھی", "شهباز بهي"},
		{"ur zer and superscript alef removed", "ur", "وزیرِ اعظم عیسیٰ", "وزير اعظم عيسي"},
		{"ur digits", "ur", "سال ۲۰۲۴ میں", "سال 2024 ميں"},
		{"ur madda alef kept", "ur", "آج", "آج"},
		{"ur zero width non-joiner removed", "ur", "ٹیلی\u200Cفون", "ٹيليفون"},
		{"ar harakat, hamza alef, teh marbuta", "ar", "قالَ الرَّئيسُ إنّ المدرسةَ", "قال الرئيس ان المدرسه"},
		{"ar madda alef folded", "ar", "آخر أيام", "اخر ايام"},
		{"ar tatweel", "ar", "العـــربية", "العربيه"},
		{"ar alef maksura", "ar", "على مستوى", "علي مستوي"},
		{"ar digits and separators", "ar", "٣٫٥٪ من ١٬٢٠٠", "3.5% من 1,200"},
		{"ar presentation forms", "ar", "ﻻ", "لا"},
		{"zh full width and ideographic space", "zh", "北京　２０２４年，ＡＰＥＣ会议。", "北京 2024年,apec会议。"},
		{"ru yo", "ru", "Ёлка и ЁЖИК, всё", "елка и ежик, все"},
		{"fr elision and spaces", "fr", "L’État a dit\u202F: «\u00A0non\u00A0»", "l'état a dit : \" non \""},
		{"fr accents kept", "fr", "À la une", "à la une"},
		{"es inverted marks kept", "es", "¿Qué PASÓ en Málaga?", "¿qué pasó en málaga?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.lang, tt.in); got != tt.want {
				t.Errorf("Normalize(%q, %q)\n got %q %U\nwant %q %U", tt.lang, tt.in, got, []rune(got), tt.want, []rune(tt.want))
			}
		})
	}
}

// TestDigitRanges checks what digitValue relies on: every range of the
// decimal digit table is contiguous and a whole number of runs of ten.
func TestDigitRanges(t *testing.T) {
	check := func(lo, hi, stride uint32) {
		if stride != 1 || (hi-lo+1)%10 != 0 {
			t.Errorf("Nd range %U-%U stride %d is not whole runs of ten", lo, hi, stride)
		}
	}
	for _, r := range unicode.Nd.R16 {
		check(uint32(r.Lo), uint32(r.Hi), uint32(r.Stride))
	}
	for _, r := range unicode.Nd.R32 {
		check(r.Lo, r.Hi, r.Stride)
	}
	for _, tt := range []struct {
		r    rune
		want int
	}{{'٣', 3}, {'۹', 9}, {'٠', 0}, {'৭', 7}, {'𝟖', 8}} {
		if got, ok := digitValue(tt.r); !ok || got != tt.want {
			t.Errorf("digitValue(%q) = %d, %v; want %d", tt.r, got, ok, tt.want)
		}
	}
	if _, ok := digitValue('x'); ok {
		t.Error("digitValue('x') is a digit")
	}
}

func TestHash(t *testing.T) {
	same := [][3]string{
		{"ur", "پاکستان کی حکومت نے ۲۰۲۴ میں", "پاكستان كي حكومت نے 2024 ميں"},
		{"en", "The  **talks** resumed.", "the talks resumed."},
		{"ru", "Всё решено", "все решено"},
	}
	for _, s := range same {
		if Hash(s[0], s[1]) != Hash(s[0], s[2]) {
			t.Errorf("Hash(%q) != Hash(%q)", s[1], s[2])
		}
	}
	if Hash("en", "The talks resumed.") == Hash("en", "The talks resumed!") {
		t.Error("segments differing in punctuation have the same hash")
	}
	h := Hash("en", "x")
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Errorf("Hash = %q, want 64 hex digits", h)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		lang, in string
		want     []string
	}{
		{"en", "The minister's visit, on 2.5 days (1,200 km)!", []string{"the", "minister", "s", "visit", "on", "2.5", "days", "1,200", "km"}},
		{"en", "end. 3, 4", []string{"end", "3", "4"}},
		{"zh", "北京APEC会议2024年开幕。", []string{"北", "京", "apec", "会", "议", "2024", "年", "开", "幕"}},
		{"ur", "وزیرِ اعظم نے کہا۔", []string{"وزير", "اعظم", "نے", "كها"}},
		{"ar", "قالَ: «نعم»", []string{"قال", "نعم"}},
		{"fr", "l’ONU", []string{"l", "onu"}},
		{"en", "...", nil},
	}
	for _, tt := range tests {
		got := Tokens(tt.lang, tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("Tokens(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func TestGrams(t *testing.T) {
	tests := []struct {
		lang, in string
		want     []string
	}{
		{"en", "The cat and the hat", []string{"the", "cat", "and", "hat"}},
		{"zh", "北京，北京大学", []string{"北", "京", "北京", "大", "京大", "学", "大学"}},
		{"zh", "G20峰会", []string{"g20", "峰", "会", "峰会"}},
	}
	for _, tt := range tests {
		got := Grams(tt.lang, tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Grams(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

// FuzzNormalize checks that Normalize never panics, returns valid UTF-8
// with no white space at the ends, and is idempotent, which the exact-match
// key needs: a stored comparison form normalised again must not change.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"The **Prime Minister**", "پاکستان کی حکومت ۲۰۲۴", "قالَ الرَّئيسُ", "北京　２０２４年", "Ёлка", "L’État « non »", "ﻻ ﷲ", "\xff\xfe"} {
		f.Add("en", s)
		f.Add("ar", s)
	}
	f.Fuzz(func(t *testing.T, lang, s string) {
		n := Normalize(lang, s)
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q is not valid UTF-8", s, n)
		}
		if strings.TrimSpace(n) != n {
			t.Fatalf("Normalize(%q) = %q has space at an end", s, n)
		}
		if again := Normalize(lang, n); again != n {
			t.Fatalf("Normalize is not idempotent on %q: %q then %q", s, n, again)
		}
		Grams(lang, s)
	})
}
