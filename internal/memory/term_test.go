package memory

import (
	"strings"
	"testing"
)

var deskTerms = []Term{
	{ID: 1, SrcLang: "en", TgtLang: "ur", Source: "Shehbaz Sharif", Target: "شہباز شریف"},
	{ID: 2, SrcLang: "en", TgtLang: "ur", Source: "United Nations", Target: "اقوام متحدہ"},
	{ID: 3, SrcLang: "en", TgtLang: "ur", Source: "United Nations Security Council", Target: "اقوام متحدہ کی سلامتی کونسل"},
	{ID: 4, SrcLang: "en", TgtLang: "ur", Source: "Diamer-Bhasha Dam", Target: "دیامر بھاشا ڈیم"},
	{ID: 5, SrcLang: "en", TgtLang: "ur", Source: "Iran", Target: "ایران"},
	{ID: 6, SrcLang: "zh", TgtLang: "en", Source: "一带一路", Target: "Belt and Road"},
	{ID: 7, SrcLang: "zh", TgtLang: "en", Source: "国务院", Target: "State Council"},
	{ID: 8, SrcLang: "zh", TgtLang: "en", Source: "北京", Target: "Beijing"},
	{ID: 9, SrcLang: "zh", TgtLang: "en", Source: "APEC", Target: "APEC"},
	{ID: 10, SrcLang: "ar", TgtLang: "en", Source: "الأمم المتحدة", Target: "United Nations"},
	{ID: 11, SrcLang: "ar", TgtLang: "en", Source: "محمد بن سلمان", Target: "Mohammed bin Salman"},
	{ID: 12, SrcLang: "ru", TgtLang: "en", Source: "Москва", Target: "Moscow"},
	{ID: 13, SrcLang: "en", TgtLang: "fr", Source: "United Nations", Target: "Nations unies"},
	{ID: 14, SrcLang: "en", TgtLang: "ur", Source: "Shehbaz  SHARIF", Target: "وزیر اعظم شہباز شریف"},
	{ID: 15, SrcLang: "fr", TgtLang: "en", Source: "Organisation mondiale de la santé", Target: "World Health Organization"},
}

func ids(terms []Term) []int64 {
	out := make([]int64, len(terms))
	for i, t := range terms {
		out[i] = t.ID
	}
	return out
}

func TestFindTerms(t *testing.T) {
	tests := []struct {
		name, lang, segment string
		want                []int64
	}{
		{"person's name, any case and punctuation", "en", "shehbaz sharif's visit to Tehran.", []int64{1}},
		{"longest term hides the shorter inside it", "en", "The United Nations Security Council met on Tuesday.", []int64{3}},
		{"shorter term found where it stands alone", "en", "The United Nations Security Council met, and the United Nations said so.", []int64{3, 2}},
		{"project name with a hyphen", "en", "Work on the Diamer Bhasha dam resumed.", []int64{4}},
		{"whole words only", "en", "Iranian officials visited Iran.", []int64{5}},
		{"no whole-word match", "en", "Iranian officials arrived.", nil},
		{"only the segment's language", "en", "北京 and APEC", nil},
		{"same source twice gives the first", "en", "Shehbaz Sharif spoke.", []int64{1}},
		{"Chinese at any position, longest first", "zh", "国务院总理在北京出席一带一路论坛。", []int64{6, 7, 8}},
		{"Latin word in Chinese whole only, two characters before one word", "zh", "APEC会议在北京举行，PAPEC不是。", []int64{8, 9}},
		{"Latin word in Chinese, no match inside a word", "zh", "XAPEC会议", nil},
		{"Arabic with diacritics", "ar", "التقى مُحَمَّد بن سلمان بالوفد.", []int64{11}},
		{"Arabic with the particle wa", "ar", "ورحبت الحكومة والأمم المتحدة بالاتفاق.", []int64{10}},
		{"Arabic with li before al", "ar", "قال الأمين العام للأمم المتحدة إن الوضع خطير.", []int64{10}},
		{"Arabic without hamza", "ar", "قالت الامم المتحده", []int64{10}},
		{"Russian inflected name", "ru", "Переговоры в Москве завершились.", []int64{12}},
		{"Russian unrelated word", "ru", "Переговоры в Минске завершились.", nil},
		{"French inflection of each word", "fr", "Selon l'Organisation mondiale de la santé, le virus recule.", []int64{15}},
		{"empty segment", "en", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ids(FindTerms(tt.lang, tt.segment, deskTerms))
			if len(got) != len(tt.want) || (len(got) > 0 && !equalIDs(got, tt.want)) {
				t.Errorf("FindTerms(%q) = %v, want %v", tt.segment, got, tt.want)
			}
		})
	}
}

func equalIDs(a, b []int64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestHasTerm(t *testing.T) {
	term := func(tgt, target string) Term { return Term{SrcLang: "en", TgtLang: tgt, Source: "x", Target: target} }
	tests := []struct {
		name, lang, target string
		term               Term
		want               bool
	}{
		{"ur present", "ur", "وزیر اعظم شہباز شریف نے کہا کہ", term("ur", "شہباز شریف"), true},
		{"ur typed on an Arabic keyboard", "ur", "وزير اعظم شهباز شريف نے كها كه", term("ur", "شہباز شریف"), true},
		{"ur missing", "ur", "وزیر اعظم نے کہا کہ", term("ur", "شہباز شریف"), false},
		{"ur another spelling", "ur", "وزیر اعظم شہباز شریپ نے کہا", term("ur", "شہباز شریف"), false},
		{"ur oblique ending", "ur", "دورے کے دوران معاہدہ ہوا", term("ur", "دورہ"), true},
		{"ur project name", "ur", "دیامر بھاشا ڈیم پر کام دوبارہ شروع ہو گیا", term("ur", "دیامر بھاشا ڈیم"), true},
		{"ur words in another order", "ur", "بھاشا دیامر ڈیم", term("ur", "دیامر بھاشا ڈیم"), false},
		{"ru locative", "ru", "Переговоры прошли в Москве.", term("ru", "Москва"), true},
		{"ru instrumental", "ru", "Между Москвой и Минском", term("ru", "Москва"), true},
		{"ru genitive of a foreign name", "ru", "Заявление Антониу Гутерреша", term("ru", "Антониу Гутерреш"), true},
		{"ru organisation declined", "ru", "Эксперты Всемирной организации здравоохранения", term("ru", "Всемирная организация здравоохранения"), true},
		{"ru different city", "ru", "Делегация прибыла в Кипр.", term("ru", "Киев"), false},
		{"ru short word exact only", "ru", "Резолюция ООНА", term("ru", "ООН"), false},
		{"ar with particles", "ar", "وبالأمم المتحدة", term("ar", "الأمم المتحدة"), true},
		{"ar with li", "ar", "قال الأمين العام للأمم المتحدة", term("ar", "الأمم المتحدة"), true},
		{"ar plural ending", "ar", "دعم المنظمات الدولية", term("ar", "المنظمة الدولية"), true},
		{"ar missing", "ar", "قال الأمين العام للجامعة العربية", term("ar", "الأمم المتحدة"), false},
		{"zh present", "zh", "共建一带一路倡议取得新进展。", term("zh", "一带一路倡议"), true},
		{"zh part only", "zh", "共建一带一路取得新进展。", term("zh", "一带一路倡议"), false},
		{"fr plural", "fr", "Les accords de paix ont été signés.", term("fr", "accord de paix"), true},
		{"fr case does not matter", "fr", "Nations Unies", term("fr", "Nations unies"), true},
		{"es plural", "es", "Los acuerdos de paz siguen vigentes.", term("es", "acuerdo de paz"), true},
		{"es missing", "es", "El tratado sigue vigente.", term("es", "acuerdo de paz"), false},
		{"en exact only", "en", "The Security Councils met", term("en", "Security Council"), false},
		{"en present", "en", "the security council met", term("en", "Security Council"), true},
		{"numbers do not inflect", "en", "The G2 summit", term("en", "G20"), false},
		{"numbers in Russian do not inflect", "ru", "Саммит 2025 года", term("ru", "2024"), false},
		{"punctuation-only term", "en", "Scores: 3–1", term("en", "–"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HasTerm(tt.lang, tt.target, tt.term); got != tt.want {
				t.Errorf("HasTerm(%q, %q) = %v, want %v", tt.target, tt.term.Target, got, tt.want)
			}
		})
	}
}

func TestWordMatch(t *testing.T) {
	tests := []struct {
		lang, term, word string
		want             bool
	}{
		{"ru", "москва", "москве", true},
		{"en", "москва", "москве", false},
		{"ru", "захарова", "захаровой", true},
		{"ru", "выборы", "выборами", true},
		{"ru", "киев", "кипр", false},
		{"ru", "путин", "путешествие", false},
		{"ru", "оон", "ооны", false},
		{"es", "acuerdo", "acuerdos", true},
		{"fr", "national", "nationaux", true},
		{"ru", "g20", "g2", false},
		{"ur", "دوره", "دورے", true},
		{"ur", "لڑكا", "لڑكوں", true},
		{"ur", "شريف", "شريپ", false},
		{"ar", "منظمه", "منظمات", true},
		{"ar", "مدينه", "مدينتهم", true},
		{"ar", "مدينه", "مدينبر", false},
	}
	for _, tt := range tests {
		if got := wordMatch(tt.term, tt.word, inflectionOf(tt.lang)); got != tt.want {
			t.Errorf("wordMatch(%s, %q, %q) = %v, want %v", tt.lang, tt.term, tt.word, got, tt.want)
		}
	}
	if !strings.Contains(arabicProclitics, "و") {
		t.Error("wa is not an Arabic particle")
	}
}

// FuzzTermsAndScore checks, on any text, that matching and scoring never
// panic, that a segment always contains its own words as a term, and that
// Score stays within 0..100, is symmetric and gives 100 for itself.
func FuzzTermsAndScore(f *testing.F) {
	f.Add("ar", "وللأمم المتحدة", "الأمم المتحدة")
	f.Add("ur", "دورے کے دوران", "دورہ")
	f.Add("zh", "共建一带一路倡议", "一带一路")
	f.Add("ru", "в Москве", "Москва")
	f.Fuzz(func(t *testing.T, lang, segment, term string) {
		terms := []Term{{SrcLang: lang, TgtLang: "x", Source: term, Target: term}}
		found := FindTerms(lang, segment, terms)
		if len(found) > 1 {
			t.Fatalf("one term found %d times", len(found))
		}
		HasTerm(lang, segment, terms[0])
		if len(Tokens(lang, segment)) > 0 && !HasTerm(lang, segment, Term{Target: segment}) {
			t.Fatalf("segment %q does not contain itself", segment)
		}
		s := Score(lang, segment, term)
		if s < 0 || s > 100 || s != Score(lang, term, segment) || Score(lang, segment, segment) != 100 {
			t.Fatalf("Score(%q, %q) = %d, the other way %d", segment, term, s, Score(lang, term, segment))
		}
	})
}
