package lang

import (
	"strings"
	"testing"
	"time"
	"unicode"
)

func mustGet(t *testing.T, code string) Language {
	t.Helper()
	l, ok := Get(code)
	if !ok {
		t.Fatalf("Get(%q) not found", code)
	}
	return l
}

var (
	july2     = time.Date(2024, time.July, 2, 14, 5, 0, 0, time.UTC)
	july1     = time.Date(2024, time.July, 1, 9, 30, 0, 0, time.UTC)
	december  = time.Date(2024, time.December, 31, 23, 59, 0, 0, time.UTC)
	allMonths = []time.Month{time.January, time.February, time.March, time.April, time.May, time.June,
		time.July, time.August, time.September, time.October, time.November, time.December}
)

func TestFormatDate(t *testing.T) {
	tests := []struct {
		code              string
		july2, july1, dec string
	}{
		{"en", "2 July 2024", "1 July 2024", "31 December 2024"},
		{"ur", "2 جولائی 2024", "1 جولائی 2024", "31 دسمبر 2024"},
		{"zh", "2024年7月2日", "2024年7月1日", "2024年12月31日"},
		{"ar", "2 يوليو 2024", "1 يوليو 2024", "31 ديسمبر 2024"},
		{"ru", "2 июля 2024", "1 июля 2024", "31 декабря 2024"},
		{"fr", "2 juillet 2024", "1er juillet 2024", "31 décembre 2024"},
		{"es", "2 de julio de 2024", "1 de julio de 2024", "31 de diciembre de 2024"},
	}
	for _, tt := range tests {
		l := mustGet(t, tt.code)
		for _, c := range []struct {
			at   time.Time
			want string
		}{{july2, tt.july2}, {july1, tt.july1}, {december, tt.dec}} {
			if got := l.FormatDate(c.at); got != c.want {
				t.Errorf("%s FormatDate(%s) = %q, want %q", tt.code, c.at.Format(time.DateOnly), got, c.want)
			}
		}
	}
}

// TestFormatDateUsesLocation checks that the civil date is the one in t's
// location: 22:30 UTC on 1 July is already 2 July in Karachi.
func TestFormatDateUsesLocation(t *testing.T) {
	karachi := time.FixedZone("PKT", 5*60*60)
	utc := time.Date(2024, time.July, 1, 22, 30, 0, 0, time.UTC)
	en := mustGet(t, "en")
	if got, want := en.FormatDate(utc), "1 July 2024"; got != want {
		t.Errorf("UTC: got %q, want %q", got, want)
	}
	if got, want := en.FormatDate(utc.In(karachi)), "2 July 2024"; got != want {
		t.Errorf("Karachi: got %q, want %q", got, want)
	}
	if got, want := en.FormatDateTime(utc.In(karachi)), "2 July 2024, 03:30"; got != want {
		t.Errorf("Karachi date-time: got %q, want %q", got, want)
	}
}

func TestFormatDateline(t *testing.T) {
	tests := []struct {
		code, place     string
		full, noPlace   string
		noCredit, alone string
	}{
		{"en", "Astana",
			"Astana, 2 July 2024, (GNP):", "2 July 2024, (GNP):", "Astana, 2 July 2024:", "2 July 2024:"},
		{"ur", "آستانہ",
			"آستانہ، 2 جولائی 2024، (GNP):", "2 جولائی 2024، (GNP):", "آستانہ، 2 جولائی 2024:", "2 جولائی 2024:"},
		{"ar", "أستانا",
			"أستانا، 2 يوليو 2024، (GNP):", "2 يوليو 2024، (GNP):", "أستانا، 2 يوليو 2024:", "2 يوليو 2024:"},
		{"zh", "阿斯塔纳",
			"阿斯塔纳，2024年7月2日（GNP）：", "2024年7月2日（GNP）：", "阿斯塔纳，2024年7月2日：", "2024年7月2日："},
		{"ru", "Астана",
			"Астана, 2 июля 2024, (GNP):", "2 июля 2024, (GNP):", "Астана, 2 июля 2024:", "2 июля 2024:"},
		{"fr", "Astana",
			"Astana, 2 juillet 2024, (GNP)\u00a0:", "2 juillet 2024, (GNP)\u00a0:", "Astana, 2 juillet 2024\u00a0:", "2 juillet 2024\u00a0:"},
		{"es", "Astana",
			"Astana, 2 de julio de 2024, (GNP):", "2 de julio de 2024, (GNP):", "Astana, 2 de julio de 2024:", "2 de julio de 2024:"},
	}
	for _, tt := range tests {
		l := mustGet(t, tt.code)
		cases := []struct {
			place, credit, want string
		}{
			{tt.place, "GNP", tt.full},
			{"", "GNP", tt.noPlace},
			{tt.place, "", tt.noCredit},
			{"", "", tt.alone},
			{"  " + tt.place + " ", " GNP ", tt.full}, // surrounding space is trimmed
		}
		for _, c := range cases {
			if got := l.FormatDateline(c.place, july2, c.credit); got != c.want {
				t.Errorf("%s FormatDateline(%q, _, %q) = %q, want %q", tt.code, c.place, c.credit, got, c.want)
			}
		}
	}
}

func TestFormatDatelineSeparators(t *testing.T) {
	// The Urdu and Arabic commas must be U+060C, not an ASCII comma, and the
	// French colon must follow a no-break space, not a normal one.
	for _, code := range []string{"ur", "ar"} {
		got := mustGet(t, code).FormatDateline("x", july2, "GNP")
		if strings.Count(got, "\u060c") != 2 || strings.Contains(got, ",") {
			t.Errorf("%s dateline %q: want two U+060C commas and no ASCII comma", code, got)
		}
	}
	fr := mustGet(t, "fr").FormatDateline("Paris", july1, "GNP")
	if !strings.HasSuffix(fr, "\u00a0:") || strings.Contains(fr, " :") {
		t.Errorf("fr dateline %q: want U+00A0 before the colon", fr)
	}
	if want := "Paris, 1er juillet 2024, (GNP)\u00a0:"; fr != want {
		t.Errorf("fr dateline on the 1st = %q, want %q", fr, want)
	}
}

func TestFormatDateTime(t *testing.T) {
	tests := []struct{ code, july2, dec string }{
		{"en", "2 July 2024, 14:05", "31 December 2024, 23:59"},
		{"ur", "2 جولائی 2024، 14:05", "31 دسمبر 2024، 23:59"},
		{"zh", "2024年7月2日 14:05", "2024年12月31日 23:59"},
		{"ar", "2 يوليو 2024، 14:05", "31 ديسمبر 2024، 23:59"},
		{"ru", "2 июля 2024, 14:05", "31 декабря 2024, 23:59"},
		{"fr", "2 juillet 2024 à 14:05", "31 décembre 2024 à 23:59"},
		{"es", "2 de julio de 2024, 14:05", "31 de diciembre de 2024, 23:59"},
	}
	for _, tt := range tests {
		l := mustGet(t, tt.code)
		if got := l.FormatDateTime(july2); got != tt.july2 {
			t.Errorf("%s FormatDateTime(july2) = %q, want %q", tt.code, got, tt.july2)
		}
		if got := l.FormatDateTime(december); got != tt.dec {
			t.Errorf("%s FormatDateTime(december) = %q, want %q", tt.code, got, tt.dec)
		}
	}
	// Midnight and single-digit hours keep two digits.
	morning := time.Date(2024, time.July, 1, 0, 7, 0, 0, time.UTC)
	if got, want := mustGet(t, "fr").FormatDateTime(morning), "1er juillet 2024 à 00:07"; got != want {
		t.Errorf("fr midnight: got %q, want %q", got, want)
	}
}

func TestMonthName(t *testing.T) {
	tests := []struct{ code, may, july, dec string }{
		{"en", "May", "July", "December"},
		{"ur", "مئی", "جولائی", "دسمبر"},
		{"zh", "五月", "七月", "十二月"},
		{"ar", "مايو", "يوليو", "ديسمبر"},
		{"ru", "Май", "Июль", "Декабрь"},
		{"fr", "Mai", "Juillet", "Décembre"},
		{"es", "Mayo", "Julio", "Diciembre"},
	}
	for _, tt := range tests {
		l := mustGet(t, tt.code)
		for _, c := range []struct {
			m    time.Month
			want string
		}{{time.May, tt.may}, {time.July, tt.july}, {time.December, tt.dec}} {
			if got := l.MonthName(c.m); got != c.want {
				t.Errorf("%s MonthName(%v) = %q, want %q", tt.code, c.m, got, c.want)
			}
		}
		for _, bad := range []time.Month{0, 13, -1} {
			if got := l.MonthName(bad); got != "" {
				t.Errorf("%s MonthName(%d) = %q, want empty", tt.code, bad, got)
			}
		}
	}
}

// TestRussianMonthsNominative checks the whole hand-written table: twelve
// distinct names, none of them the genitive that dates use.
func TestRussianMonthsNominative(t *testing.T) {
	want := []string{"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
		"Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь"}
	ru := mustGet(t, "ru")
	for i, m := range allMonths {
		name := ru.MonthName(m)
		if name != want[i] {
			t.Errorf("MonthName(%v) = %q, want %q", m, name, want[i])
		}
		genitive := ru.translator().MonthWide(m)
		if strings.EqualFold(name, genitive) {
			t.Errorf("MonthName(%v) = %q is the genitive form", m, name)
		}
	}
}

func TestFormatMonth(t *testing.T) {
	tests := []struct{ code, want string }{
		{"en", "July 2024"},
		{"ur", "جولائی 2024"},
		{"zh", "2024年7月"},
		{"ar", "يوليو 2024"},
		{"ru", "Июль 2024"},
		{"fr", "Juillet 2024"},
		{"es", "Julio de 2024"},
	}
	for _, tt := range tests {
		if got := mustGet(t, tt.code).FormatMonth(2024, time.July); got != tt.want {
			t.Errorf("%s FormatMonth(2024, July) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// TestDatesUseASCIIDigits walks every day of a leap year in every language:
// no date may contain a digit other than 0-9 (Arabic must not print ٢).
func TestDatesUseASCIIDigits(t *testing.T) {
	for _, l := range All() {
		for d := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC); d.Year() == 2024; d = d.AddDate(0, 0, 1) {
			s := l.FormatDateline("x", d, "GNP") + l.FormatDateTime(d)
			for _, r := range s {
				if unicode.IsDigit(r) && (r < '0' || r > '9') {
					t.Fatalf("%s %s: %q contains the digit %q", l.Code, d.Format(time.DateOnly), s, r)
				}
			}
		}
	}
}

func BenchmarkFormatDate(b *testing.B) {
	ar, _ := Get("ar")
	for b.Loop() {
		_ = ar.FormatDate(july2)
	}
}
