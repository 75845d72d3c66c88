package lang

import (
	"regexp"
	"slices"
	"testing"

	"golang.org/x/text/language"
)

func TestAllOrderAndCodes(t *testing.T) {
	want := []string{"en", "ur", "zh", "ar", "ru", "fr", "es"}
	if got := Codes(); !slices.Equal(got, want) {
		t.Fatalf("Codes() = %v, want %v", got, want)
	}
	all := All()
	if len(all) != len(want) {
		t.Fatalf("All() has %d languages, want %d", len(all), len(want))
	}
	for i, l := range all {
		if l.Code != want[i] {
			t.Errorf("All()[%d].Code = %q, want %q", i, l.Code, want[i])
		}
	}
	// All must hand out a copy: changing it must not change the package's table.
	all[0].Name = "changed"
	if Default().Name != "English" {
		t.Errorf("changing All()'s result changed Default().Name to %q", Default().Name)
	}
}

func TestLanguageData(t *testing.T) {
	tests := []struct {
		code, tag, name, english, dir, og, news string
	}{
		{"en", "en", "English", "English", "ltr", "en_GB", "en"},
		{"ur", "ur", "اردو", "Urdu", "rtl", "ur_PK", "ur"},
		{"zh", "zh-Hans", "中文", "Chinese", "ltr", "zh_CN", "zh-cn"},
		{"ar", "ar", "العربية", "Arabic", "rtl", "ar_AR", "ar"},
		{"ru", "ru", "Русский", "Russian", "ltr", "ru_RU", "ru"},
		{"fr", "fr", "Français", "French", "ltr", "fr_FR", "fr"},
		{"es", "es", "Español", "Spanish", "ltr", "es_ES", "es"},
	}
	for _, tt := range tests {
		l, ok := Get(tt.code)
		if !ok {
			t.Errorf("Get(%q) not found", tt.code)
			continue
		}
		want := Language{Code: tt.code, Tag: tt.tag, Name: tt.name, EnglishName: tt.english, Dir: tt.dir, OGLocale: tt.og, NewsLang: tt.news}
		if l != want {
			t.Errorf("Get(%q) = %+v, want %+v", tt.code, l, want)
		}
		if l.RTL() != (tt.dir == "rtl") {
			t.Errorf("%s.RTL() = %v with Dir %q", tt.code, l.RTL(), l.Dir)
		}
	}
}

func TestGetUnknown(t *testing.T) {
	for _, code := range []string{"", "EN", "de", "zh-Hans", " en"} {
		if l, ok := Get(code); ok {
			t.Errorf("Get(%q) = %v, true; want not found", code, l)
		}
	}
	if Default().Code != "en" {
		t.Errorf("Default().Code = %q, want en", Default().Code)
	}
}

// TestDirFollowsScript checks the hand-written Dir against the script x/text
// gives each tag, so that a new language cannot be added with the wrong
// direction.
func TestDirFollowsScript(t *testing.T) {
	rtlScripts := map[string]bool{"Arab": true, "Hebr": true, "Syrc": true, "Thaa": true, "Nkoo": true, "Adlm": true, "Rohg": true}
	for _, l := range All() {
		tag, err := language.Parse(l.Tag)
		if err != nil {
			t.Errorf("%s: tag %q does not parse: %v", l.Code, l.Tag, err)
			continue
		}
		if tag.String() != l.Tag {
			t.Errorf("%s: tag %q is not canonical; x/text writes %q", l.Code, l.Tag, tag.String())
		}
		script, _ := tag.Script()
		want := "ltr"
		if rtlScripts[script.String()] {
			want = "rtl"
		}
		if l.Dir != want {
			t.Errorf("%s: Dir = %q, but script %s is %s", l.Code, l.Dir, script, want)
		}
	}
}

func TestTagFormats(t *testing.T) {
	ogLocale := regexp.MustCompile(`^[a-z]{2}_[A-Z]{2}$`)
	newsLang := regexp.MustCompile(`^[a-z]{2}(-[a-z]{2})?$`)
	for _, l := range All() {
		if !ogLocale.MatchString(l.OGLocale) {
			t.Errorf("%s: OGLocale %q is not ll_CC", l.Code, l.OGLocale)
		}
		if !newsLang.MatchString(l.NewsLang) {
			t.Errorf("%s: NewsLang %q is not a lower-case Google News code", l.Code, l.NewsLang)
		}
		if l.String() != l.Code {
			t.Errorf("%s: String() = %q", l.Code, l.String())
		}
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"decomposed e acute", "e\u0301tat", "\u00e9tat"},
		{"urdu heh goal with hamza", "\u06c1\u0654", "\u06c2"},
		{"russian short i", "\u0438\u0306", "\u0439"},
		{"already NFC", "Astana", "Astana"},
		{"full-width kept (NFC, not NFKC)", "\uff21", "\uff21"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := NormalizeText(tt.in); got != tt.want {
			t.Errorf("%s: NormalizeText(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
