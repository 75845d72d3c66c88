package speech

import (
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/lang"
)

// numberCases are numbers as each language writes them, with the words a
// newsreader of that language says. The first thirteen of each language
// are the same values: 0, 7, 15, 21, 99, 100, 101, 1000, 1234, a million,
// 2024, 4.2 and 12%.
var numberCases = map[string][][2]string{
	"en": {
		{"0", "zero"}, {"7", "seven"}, {"15", "fifteen"}, {"21", "twenty-one"}, {"99", "ninety-nine"},
		{"100", "one hundred"}, {"101", "one hundred and one"}, {"1000", "one thousand"},
		{"1,234", "one thousand two hundred and thirty-four"}, {"1,000,000", "one million"},
		{"2024", "two thousand and twenty-four"}, {"4.2", "four point two"}, {"12%", "twelve per cent"},
		{"4.2%", "four point two per cent"}, {"-5", "minus five"}, {"1234", "one thousand two hundred and thirty-four"},
		{"3.14", "three point one four"}, {"1,000,001", "one million and one"}, {"115", "one hundred and fifteen"},
		{"2,500,000,000", "two billion five hundred million"}, {"10,00,000", "one million"},
		{"21st", "twenty-first"}, {"2nd", "second"}, {"3rd", "third"}, {"12th", "twelfth"}, {"40th", "fortieth"},
		{"007", "zero zero seven"}, {"1234567890123", "one two three four five six seven eight nine zero one two three"},
	},
	"fr": {
		{"0", "zéro"}, {"7", "sept"}, {"15", "quinze"}, {"21", "vingt et un"}, {"99", "quatre-vingt-dix-neuf"},
		{"100", "cent"}, {"101", "cent un"}, {"1000", "mille"},
		{"1 234", "mille deux cent trente-quatre"}, {"1 000 000", "un million"},
		{"2024", "deux mille vingt-quatre"}, {"4,2", "quatre virgule deux"}, {"12 %", "douze pour cent"},
		{"12%", "douze pour cent"}, {"4.2", "quatre virgule deux"}, {"1\u202f234", "mille deux cent trente-quatre"},
		{"71", "soixante et onze"}, {"80", "quatre-vingts"}, {"81", "quatre-vingt-un"}, {"91", "quatre-vingt-onze"},
		{"200", "deux cents"}, {"201", "deux cent un"}, {"200 000", "deux cent mille"}, {"80 000", "quatre-vingt mille"},
		{"2 000 000", "deux millions"}, {"200 000 000", "deux cents millions"}, {"21 000", "vingt et un mille"},
		{"4,25", "quatre virgule vingt-cinq"}, {"4,05", "quatre virgule zéro cinq"},
		{"1er", "premier"}, {"1re", "première"}, {"2e", "deuxième"}, {"5e", "cinquième"}, {"9e", "neuvième"},
		{"21e", "vingt et unième"}, {"80e", "quatre-vingtième"}, {"-3", "moins trois"},
	},
	"es": {
		{"0", "cero"}, {"7", "siete"}, {"15", "quince"}, {"21", "veintiuno"}, {"99", "noventa y nueve"},
		{"100", "cien"}, {"101", "ciento uno"}, {"1000", "mil"},
		{"1.234", "mil doscientos treinta y cuatro"}, {"1.000.000", "un millón"},
		{"2024", "dos mil veinticuatro"}, {"4,2", "cuatro coma dos"}, {"12%", "doce por ciento"},
		{"4.2", "cuatro coma dos"}, {"1234", "mil doscientos treinta y cuatro"}, {"16", "dieciséis"}, {"22", "veintidós"},
		{"500", "quinientos"}, {"700", "setecientos"}, {"900", "novecientos"}, {"1001", "mil uno"},
		{"21.000", "veintiún mil"}, {"31.000", "treinta y un mil"}, {"100.000", "cien mil"}, {"101.000", "ciento un mil"},
		{"2.000.000", "dos millones"}, {"21.000.000", "veintiún millones"}, {"1.000.000.000", "mil millones"},
		{"4,2 %", "cuatro coma dos por ciento"}, {"1.º", "primero"}, {"3.ª", "tercera"},
	},
	"ru": {
		{"0", "ноль"}, {"7", "семь"}, {"15", "пятнадцать"}, {"21", "двадцать один"}, {"99", "девяносто девять"},
		{"100", "сто"}, {"101", "сто один"}, {"1000", "тысяча"},
		{"1 234", "тысяча двести тридцать четыре"}, {"1 000 000", "один миллион"},
		{"2024", "две тысячи двадцать четыре"}, {"4,2", "четыре целых две десятых"}, {"12%", "двенадцать процентов"},
		{"1%", "один процент"}, {"3%", "три процента"}, {"11%", "одиннадцать процентов"}, {"21%", "двадцать один процент"},
		{"4,2%", "четыре целых две десятых процента"}, {"0,5", "ноль целых пять десятых"}, {"1,5", "одна целая пять десятых"},
		{"2,25", "две целых двадцать пять сотых"}, {"21 000", "двадцать одна тысяча"}, {"22 000", "двадцать две тысячи"},
		{"5 000", "пять тысяч"}, {"3 000 000", "три миллиона"}, {"2 000 000 000", "два миллиарда"}, {"-7", "минус семь"},
	},
	"ar": {
		{"0", "صفر"}, {"7", "سبعة"}, {"15", "خمسة عشر"}, {"21", "واحد وعشرون"}, {"99", "تسعة وتسعون"},
		{"100", "مئة"}, {"101", "مئة وواحد"}, {"1000", "ألف"},
		{"1,234", "ألف ومئتان وأربعة وثلاثون"}, {"1,000,000", "مليون"},
		{"2024", "ألفان وأربعة وعشرون"}, {"4.2", "أربعة فاصلة اثنان"}, {"12%", "اثنا عشر في المئة"},
		{"٢٠٢٤", "ألفان وأربعة وعشرون"}, {"٤٫٢٪", "أربعة فاصلة اثنان في المئة"}, {"١٬٢٣٤", "ألف ومئتان وأربعة وثلاثون"},
		{"%12", "اثنا عشر في المئة"}, {"11", "أحد عشر"}, {"12", "اثنا عشر"}, {"200", "مئتان"},
		{"3000", "ثلاثة آلاف"}, {"11000", "أحد عشر ألفًا"}, {"200000", "مئتا ألف"}, {"2000", "ألفان"},
		{"2000000", "مليونان"}, {"5000000", "خمسة ملايين"}, {"125000", "مئة وخمسة وعشرون ألفًا"},
	},
	"ur": {
		{"0", "صفر"}, {"7", "سات"}, {"15", "پندرہ"}, {"21", "اکیس"}, {"99", "ننانوے"},
		{"100", "ایک سو"}, {"101", "ایک سو ایک"}, {"1000", "ایک ہزار"},
		{"1,234", "ایک ہزار دو سو چونتیس"}, {"1,000,000", "دس لاکھ"},
		{"2024", "دو ہزار چوبیس"}, {"4.2", "چار اعشاریہ دو"}, {"12%", "بارہ فیصد"},
		{"۲۰۲۴", "دو ہزار چوبیس"}, {"٢٠٢٤", "دو ہزار چوبیس"}, {"10,00,000", "دس لاکھ"},
		{"1,50,00,000", "ایک کروڑ پچاس لاکھ"}, {"4.2%", "چار اعشاریہ دو فیصد"}, {"49", "انچاس"}, {"79", "اناسی"},
		{"100000", "ایک لاکھ"}, {"1000000000", "ایک ارب"}, {"250", "دو سو پچاس"},
	},
	"zh": {
		{"0", "零"}, {"7", "七"}, {"15", "十五"}, {"21", "二十一"}, {"99", "九十九"},
		{"100", "一百"}, {"101", "一百零一"}, {"1000", "一千"},
		{"1,234", "一千二百三十四"}, {"1,000,000", "一百万"},
		{"2024", "两千零二十四"}, {"4.2", "四点二"}, {"12%", "百分之十二"},
		{"4.2%", "百分之四点二"}, {"2024年", "二零二四年"}, {"7月2日", "七月二日"}, {"2个", "两个"}, {"第2", "第二"},
		{"10500", "一万零五百"}, {"10050", "一万零五十"}, {"100000", "十万"}, {"115", "一百一十五"},
		{"1001", "一千零一"}, {"12000", "一万两千"}, {"20000", "两万"}, {"100000001", "一亿零一"}, {"0.5", "零点五"},
		{"-3", "负三"},
	},
}

func TestSpellNumbers(t *testing.T) {
	for _, code := range lang.Codes() {
		cases := numberCases[code]
		if len(cases) < 13 {
			t.Errorf("%s: %d cases, want at least the 13 shared ones", code, len(cases))
		}
		for _, c := range cases {
			if got := SpellNumbers(code, c[0]); got != c[1] {
				t.Errorf("%s %q = %q, want %q", code, c[0], got, c[1])
			}
		}
	}
}

// TestNumbersInText checks numbers where they stand in sentences: spaces
// kept, neighbours untouched, separators read by each language's rules.
func TestNumbersInText(t *testing.T) {
	for _, c := range []struct{ code, in, want string }{
		{"en", "Inflation rose to 4.2% in 2024, up from 3.1%.", "Inflation rose to four point two per cent in two thousand and twenty-four, up from three point one per cent."},
		{"en", "COVID-19 cases: 1,234 (up 12%).", "COVID-nineteen cases: one thousand two hundred and thirty-four (up twelve per cent)."},
		{"en", "In 2024, 5 people", "In two thousand and twenty-four, five people"},
		{"en", "a 5G network", "a five G network"},
		{"fr", "Le 1er juillet, 3 000 manifestants", "Le premier juillet, trois mille manifestants"},
		{"es", "El 4,2 % de 1.500 euros", "El cuatro coma dos por ciento de mil quinientos euros"},
		{"ru", "Рост составил 4,2% в 2024 году.", "Рост составил четыре целых две десятых процента в две тысячи двадцать четвёртом году."},
		{"ru", "план на 2025 год и итоги 2023 года", "план на две тысячи двадцать пятый год и итоги две тысячи двадцать третьего года"},
		{"ru", "с 2022 годом", "с две тысячи двадцать вторым годом"},
		{"ar", "ارتفع التضخم إلى ٤٫٢٪ في عام ٢٠٢٤.", "ارتفع التضخم إلى أربعة فاصلة اثنين في المئة في عام ألفين وأربعة وعشرين."},
		{"ar", "بلغ عدد الزوار 2024 زائرًا", "بلغ عدد الزوار ألفان وأربعة وعشرون زائرًا"},
		{"ur", "مہنگائی 4.2 فیصد رہی، 2024 میں", "مہنگائی چار اعشاریہ دو فیصد رہی، دو ہزار چوبیس میں"},
		{"zh", "2024年通胀率为4.2%，有2个原因。", "二零二四年通胀率为百分之四点二，有两个原因。"},
	} {
		if got := SpellNumbers(c.code, c.in); got != c.want {
			t.Errorf("%s %q\n got %q\nwant %q", c.code, c.in, got, c.want)
		}
	}
}

func TestSpokenDate(t *testing.T) {
	day := time.Date(2024, time.July, 2, 12, 0, 0, 0, time.UTC)
	first := time.Date(2024, time.July, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		code string
		t    time.Time
		want string
	}{
		{"en", day, "the second of July, two thousand and twenty-four"},
		{"en", first, "the first of July, two thousand and twenty-four"},
		{"fr", day, "deux juillet deux mille vingt-quatre"},
		{"fr", first, "premier juillet deux mille vingt-quatre"},
		{"es", day, "dos de julio de dos mil veinticuatro"},
		{"ru", day, "второе июля две тысячи двадцать четвёртого года"},
		{"ru", time.Date(2023, time.March, 3, 0, 0, 0, 0, time.UTC), "третье марта две тысячи двадцать третьего года"},
		{"ru", time.Date(2000, time.January, 31, 0, 0, 0, 0, time.UTC), "тридцать первое января двухтысячного года"},
		{"ru", time.Date(1990, time.May, 20, 0, 0, 0, 0, time.UTC), "двадцатое мая тысяча девятьсот девяностого года"},
		{"ar", day, "الثاني من يوليو عام ألفين وأربعة وعشرين"},
		{"ar", time.Date(2012, time.July, 11, 0, 0, 0, 0, time.UTC), "الحادي عشر من يوليو عام ألفين واثني عشر"},
		{"ur", day, "دو جولائی دو ہزار چوبیس"},
		{"zh", day, "二零二四年七月二日"},
	} {
		l, _ := lang.Get(c.code)
		if got := SpokenDate(l, c.t); got != c.want {
			t.Errorf("%s %s = %q, want %q", c.code, c.t.Format("2006-01-02"), got, c.want)
		}
	}
}

func TestSpeakable(t *testing.T) {
	for _, c := range []struct{ code, in, want string }{
		{"en", "See https://example.com/a?b=1 and www.example.org now", "See and now"},
		{"en", "**Bold** and `code` # 3", "Bold and code three"},
		{"en", "Ｆｕｌｌ １２", "Full twelve"},
		{"en", "a\u200fb\x00c\td", "ab c d"},
		{"ur", "\u202bقیمت ۱۲٪\u202c", "قیمت بارہ فیصد"},
		{"xx", "unknown 42", "unknown four two"},
	} {
		if got := Speakable(c.code, c.in); got != c.want {
			t.Errorf("%s %q = %q, want %q", c.code, c.in, got, c.want)
		}
	}
}

// checkSpeakable fails when s holds a digit of any script or is not
// valid UTF-8: what must never reach the engine.
func checkSpeakable(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("%s: invalid UTF-8 %q", what, s)
	}
	for _, r := range s {
		if unicode.IsDigit(r) {
			t.Fatalf("%s: digit %q left in %q", what, r, s)
		}
		if !xmlChar(r) {
			t.Fatalf("%s: %U cannot go in SSML: %q", what, r, s)
		}
	}
}

func FuzzSpellNumbers(f *testing.F) {
	for _, cases := range numberCases {
		for _, c := range cases {
			f.Add(c[0])
		}
	}
	for _, s := range []string{"", "-", "%", "%-1", "1,", "1,2,3", "1.2.3.4", "1 2 3 4", "٫٬", "1٫", "10,00,00,000",
		"99999999999999999999", "1e10", "−5", "--5", "0.0000001", "1\u00a0%", "\xff1\xfe", "𝟏𝟐", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥", "1st2nd", "1er2e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, code := range lang.Codes() {
			checkSpeakable(t, code, Speakable(code, s))
		}
	})
}
