package memory

import "testing"

func TestScore(t *testing.T) {
	tests := []struct {
		name, lang, a, b string
		want             int // exact score, or with atMost the bound
		atMost           bool
	}{
		{"exact", "en", "The minister will visit the flooded villages in Sindh tomorrow", "The minister will visit the flooded villages in Sindh tomorrow", 100, false},
		{"case, spaces and emphasis only", "en", "The **minister** will  visit Sindh", "the minister will visit sindh", 100, false},
		{"one word of ten changed", "en", "The minister will visit the flooded villages in Sindh tomorrow", "The minister will visit the flooded villages in Punjab tomorrow", 90, false},
		{"one word of ten added", "en", "The minister will visit the flooded villages in Sindh tomorrow", "The minister will visit the villages in Sindh tomorrow", 90, false},
		{"two neighbouring words swapped cost two", "en", "The minister will visit the flooded villages in Sindh tomorrow", "The minister visit will the flooded villages in Sindh tomorrow", 80, false},
		{"word order", "en", "Tomorrow the minister will visit the flooded villages in Sindh", "The minister will visit the flooded villages in Sindh tomorrow", 80, false},
		{"punctuation only differs", "en", "The talks resumed on Monday.", "The talks resumed on Monday!", 99, false},
		{"far apart", "en", "Heavy rain closed schools across the province", "The central bank raised interest rates again", 20, true},
		{"same words, different topic", "en", "Police said three people were injured in the blast", "The blast injured three people, the army said", MinFuzzy - 1, true},
		{"empty and text", "en", "", "Something happened", 0, false},
		{"punctuation-only segments", "en", "?", "!", 0, false},
		{"zh exact", "zh", "外交部长今天抵达北京", "外交部长今天抵达北京", 100, false},
		{"zh one character of ten changed", "zh", "外交部长今天抵达北京", "外交部长今天抵达南京", 90, false},
		{"zh one character of ten missing", "zh", "外交部长今天抵达北京", "外交部长今天抵达京", 90, false},
		{"zh far apart", "zh", "外交部长今天抵达北京", "股市周五大幅下跌", 20, true},
		{"zh full-width digits", "zh", "２０２４年经济增长", "2024年经济增长", 100, false},
		{"ur yeh and kaf variants", "ur", "پاکستان کی حکومت نے نئی پالیسی کا اعلان کیا", "پاكستان كي حكومت نے نئي پاليسي كا اعلان كيا", 100, false},
		{"ur heh variants", "ur", "وزیر اعظم شہباز شریف", "وزير اعظم شهباز شريف", 100, false},
		{"ur genitive ke and ki differ", "ur", "حکومت کے فیصلے", "حکومت کی فیصلے", 66, false},
		{"ur digits in two scripts", "ur", "سیلاب سے ۲۰۲۴ میں ۱۵۰ افراد ہلاک", "سیلاب سے 2024 میں 150 افراد ہلاک", 100, false},
		{"ar digits in two scripts", "ar", "قتل ٣ أشخاص في ١٢ مايو", "قتل 3 أشخاص في 12 مايو", 100, false},
		{"ar diacritics and hamza", "ar", "قالَ الرَّئيسُ إنَّ الاتفاق مهم", "قال الرئيس ان الاتفاق مهم", 100, false},
		{"ru yo", "ru", "Всё решено, сказал он", "Все решено, сказал он", 100, false},
		{"ru one word of five changed", "ru", "Переговоры в Москве завершились вчера", "Переговоры в Минске завершились вчера", 80, false},
		{"fr apostrophes", "fr", "L’État a répondu aujourd’hui", "L'État a répondu aujourd'hui", 100, false},
		{"es accents matter", "es", "El presidente habló en la sesión", "El presidente hablo en la sesion", 66, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Score(tt.lang, tt.a, tt.b)
			if tt.atMost {
				if got > tt.want || got < 0 {
					t.Errorf("Score = %d, want 0..%d", got, tt.want)
				}
			} else if got != tt.want {
				t.Errorf("Score = %d, want %d", got, tt.want)
			}
			if back := Score(tt.lang, tt.b, tt.a); back != got {
				t.Errorf("Score is not symmetric: %d one way, %d the other", got, back)
			}
		})
	}
}

func TestPreparedScore(t *testing.T) {
	q := Prepare("en", "The minister will visit the flooded villages in Sindh tomorrow")
	for _, s := range []string{
		"The minister will visit the flooded villages in Punjab tomorrow",
		"The minister will visit the flooded villages in Sindh tomorrow.",
		"Nothing alike",
	} {
		if got, want := q.Score(Prepare("en", s)), Score("en", q.norm, s); got != want {
			t.Errorf("Prepared.Score(%q) = %d, Score = %d", s, got, want)
		}
	}
}

func TestWordDistance(t *testing.T) {
	tests := []struct {
		a, b []string
		want int
	}{
		{nil, nil, 0},
		{[]string{"a"}, nil, 1},
		{nil, []string{"a", "b"}, 2},
		{[]string{"a", "b", "c"}, []string{"a", "c"}, 1},
		{[]string{"a", "b", "c"}, []string{"c", "b", "a"}, 2},
		{[]string{"k", "i", "t", "t", "e", "n"}, []string{"s", "i", "t", "t", "i", "n", "g"}, 3},
	}
	for _, tt := range tests {
		if got := wordDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("wordDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

var benchScoreSink int

func BenchmarkScore(b *testing.B) {
	a := "The provincial government announced on Tuesday that schools in the flooded districts would reopen next week after engineers had inspected every single building for damage"
	c := "The provincial government said on Wednesday that schools in the flooded districts will reopen next month once engineers have inspected each public building for damage"
	if n := len(Tokens("en", a)); n != 25 {
		b.Fatalf("first sentence has %d words, want 25", n)
	}
	if n := len(Tokens("en", c)); n != 25 {
		b.Fatalf("second sentence has %d words, want 25", n)
	}
	b.ReportAllocs()
	for b.Loop() {
		benchScoreSink = Score("en", a, c)
	}
}
