package lang

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/en_GB"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/ru"
	"github.com/go-playground/locales/ur"
	"github.com/go-playground/locales/zh"
)

// Separators used in datelines and date-times. Urdu and Arabic use the
// Arabic comma; Chinese uses full-width punctuation with no spaces; French
// puts a no-break space before a colon so it never starts a line.
const (
	arabicComma    = "\u060c" // ،
	noBreakSpace   = "\u00a0"
	fullComma      = "\uff0c" // ，
	fullOpenParen  = "\uff08" // （
	fullCloseParen = "\uff09" // ）
	fullColon      = "\uff1a" // ：
)

// translator returns the CLDR locale whose month names the language uses.
// English follows British usage (day before month), as the agency does.
func (l Language) translator() locales.Translator {
	switch l.Code {
	case "ur":
		return ur.New()
	case "zh":
		return zh.New()
	case "ar":
		return ar.New()
	case "ru":
		return ru.New()
	case "fr":
		return fr.New()
	case "es":
		return es.New()
	default:
		return en_GB.New()
	}
}

// monthNames holds every language's wide month names, read from its
// translator the first time a date is written. Building a translator
// allocates all of its locale's tables (some 20 µs); a story page writes
// several dates, and a bake of 100,000 pages spent 3% of its time there.
// The table never changes once built.
var monthNames = sync.OnceValue(func() map[string][13]string {
	out := map[string][13]string{}
	for _, l := range All() {
		tr := l.translator()
		var names [13]string
		for m := time.January; m <= time.December; m++ {
			names[m] = tr.MonthWide(m)
		}
		out[l.Code] = names
	}
	return out
})

// monthWide is the language's wide name of month m.
func (l Language) monthWide(m time.Month) string {
	if names, ok := monthNames()[l.Code]; ok && m >= time.January && m <= time.December {
		return names[m]
	}
	return l.translator().MonthWide(m)
}

// FormatDate returns the long form of t's civil date, as a reader of the
// language expects it in running text: "2 July 2024", "2024年7月2日",
// "2 июля 2024", "1er juillet 2024", "2 de julio de 2024". The date is taken
// in t's own location, so the caller converts to the agency's time zone
// first. Digits are always ASCII.
//
// Month names come from CLDR (go-playground/locales); the order of day,
// month and year is ours, so that we decide the punctuation: CLDR's Urdu
// pattern puts a comma before the year and its Russian one adds "г.", which
// agency copy does not.
func (l Language) FormatDate(t time.Time) string {
	year, month, day := t.Date()
	y := strconv.Itoa(year)
	d := strconv.Itoa(day)
	switch l.Code {
	case "zh":
		// CLDR's Chinese long date is numeric: y年M月d日.
		return y + "年" + strconv.Itoa(int(month)) + "月" + d + "日"
	case "es":
		return d + " de " + l.monthWide(month) + " de " + y
	case "fr":
		// French writes the first day of a month as an ordinal: 1er juillet.
		if day == 1 {
			d = "1er"
		}
		return d + " " + l.monthWide(month) + " " + y
	default:
		// en, ur, ar, ru: day, month, year separated by spaces. CLDR's
		// Russian wide month is the genitive ("июля"), which is the form a
		// full date needs.
		return d + " " + l.monthWide(month) + " " + y
	}
}

// FormatDateTime returns the long date followed by the 24-hour time, for
// "Published ..." lines: "2 July 2024, 14:05", "2024年7月2日 14:05",
// "2 جولائی 2024، 14:05", "2 juillet 2024 à 14:05".
func (l Language) FormatDateTime(t time.Time) string {
	hm := t.Format("15:04") // digits only, so time.Format is safe here
	date := l.FormatDate(t)
	switch l.Code {
	case "zh":
		return date + " " + hm
	case "ur", "ar":
		return date + arabicComma + " " + hm
	case "fr":
		// CLDR's French long date-time joins the two with "à".
		return date + " à " + hm
	default:
		return date + ", " + hm
	}
}

// FormatDateline returns the opening of a story: place, date and the
// agency's credit, punctuated as the language does it:
//
//	en  Astana, 2 July 2024, (GNP):
//	ur  آستانہ، 2 جولائی 2024، (GNP):
//	zh  阿斯塔纳，2024年7月2日（GNP）：
//	fr  Astana, 2 juillet 2024, (GNP) : (no-break space before the colon)
//
// An empty place gives the date and credit alone; an empty credit drops the
// parentheses. Place and credit are trimmed of surrounding space. The place
// is written by the desk in the story's language; it is not translated here.
func (l Language) FormatDateline(place string, t time.Time, credit string) string {
	place = strings.TrimSpace(place)
	credit = strings.TrimSpace(credit)
	date := l.FormatDate(t)

	var b strings.Builder
	switch l.Code {
	case "zh":
		if place != "" {
			b.WriteString(place + fullComma)
		}
		b.WriteString(date)
		if credit != "" {
			b.WriteString(fullOpenParen + credit + fullCloseParen)
		}
		b.WriteString(fullColon)
		return b.String()
	case "ur", "ar":
		return joinDateline(place, date, credit, arabicComma+" ", ":")
	case "fr":
		return joinDateline(place, date, credit, ", ", noBreakSpace+":")
	default:
		return joinDateline(place, date, credit, ", ", ":")
	}
}

// joinDateline builds "place<sep>date<sep>(credit)<colon>", leaving out
// the parts that are empty.
func joinDateline(place, date, credit, sep, colon string) string {
	parts := make([]string, 0, 3)
	if place != "" {
		parts = append(parts, place)
	}
	parts = append(parts, date)
	if credit != "" {
		parts = append(parts, "("+credit+")")
	}
	return strings.Join(parts, sep) + colon
}

// russianMonths holds the nominative month names. CLDR, as packaged by
// go-playground/locales, has only the genitive ("июля"), which is right in
// a date but wrong on its own in a heading ("Июль 2024").
var russianMonths = [...]string{
	"Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
	"Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
}

// MonthName returns the month's name standing alone, as in an archive
// heading or a menu: "July", "جولائی", "七月", "Июль", "Juillet", "Julio".
// Because it starts a heading it begins with a capital letter in the
// languages that have case; French and Spanish lower-case month names only
// inside a sentence. A month out of range gives "".
func (l Language) MonthName(m time.Month) string {
	if m < time.January || m > time.December {
		return ""
	}
	if l.Code == "ru" {
		return russianMonths[m-1]
	}
	return capitalise(l.monthWide(m))
}

// FormatMonth returns a month and year for an archive heading:
// "July 2024", "2024年7月", "Июль 2024", "Juillet 2024", "Julio de 2024".
func (l Language) FormatMonth(year int, m time.Month) string {
	y := strconv.Itoa(year)
	switch l.Code {
	case "zh":
		return y + "年" + strconv.Itoa(int(m)) + "月"
	case "es":
		return l.MonthName(m) + " de " + y
	default:
		return l.MonthName(m) + " " + y
	}
}

// capitalise upper-cases the first letter of s. Scripts without case (Arabic,
// Han) pass through unchanged.
func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToTitle(r)) + s[size:]
}
