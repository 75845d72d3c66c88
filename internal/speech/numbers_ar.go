package speech

import "strings"

// Arabic numbers in Modern Standard Arabic, the masculine nominative forms
// used when counting: units before tens, joined with و (واحد وعشرون),
// every part joined with و (ألف ومئتان وأربعة وثلاثون). The scale words
// follow the rules of the counted noun: ألف alone, ألفان for two, آلاف
// after three to ten, ألفًا after eleven to ninety-nine, and ألف after a
// round hundred, which takes its construct form (مئتا ألف).

var arSmall = [...]string{
	"صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة",
}

var arTens = [...]string{"", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"}

var arHundreds = [...]string{"", "مئة", "مئتان", "ثلاثمئة", "أربعمئة", "خمسمئة", "ستمئة", "سبعمئة", "ثمانمئة", "تسعمئة"}

// arScale is a scale word in the forms the number before it asks for.
type arScale struct {
	size                               uint64
	singular, dual, plural, accusative string
}

var arScales = [...]arScale{
	{1_000_000_000, "مليار", "ملياران", "مليارات", "مليارًا"},
	{1_000_000, "مليون", "مليونان", "ملايين", "مليونًا"},
	{1000, "ألف", "ألفان", "آلاف", "ألفًا"},
}

func arWords() *numberWords {
	w := &numberWords{
		cardinal:     arCardinal,
		digitSep:     " ",
		point:        "فاصلة",
		fracAsNumber: true,
		percent:      func(_ number, s string) string { return s + " في المئة" },
		minus:        "سالب ",
		group:        ",\u060c",
		decimalSep:   ".",
		altGroup:     ".",
		percentFirst: true,
		special:      arAfterPreposition,
		spaced:       true,
	}
	copy(w.digit[:], arSmall[:10])
	return w
}

func arBelow100(n uint64) string {
	switch {
	case n <= 10:
		return arSmall[n]
	case n == 11:
		return "أحد عشر"
	case n == 12:
		return "اثنا عشر"
	case n < 20:
		return arSmall[n%10] + " عشر"
	case n%10 == 0:
		return arTens[n/10]
	}
	return arSmall[n%10] + " و" + arTens[n/10]
}

func arBelow1000(n uint64) string {
	h, r := n/100, n%100
	switch {
	case h == 0:
		return arBelow100(r)
	case r == 0:
		return arHundreds[h]
	}
	return arHundreds[h] + " و" + arBelow100(r)
}

// arConstructHundreds is a round hundred before the noun it counts:
// مئتان loses its nūn (مئتا ألف).
func arConstructHundreds(h uint64) string {
	if h == 2 {
		return "مئتا"
	}
	return arHundreds[h]
}

// arCounted says q (1..999) of a scale word.
func arCounted(q uint64, sc arScale) string {
	r := q % 100
	switch {
	case q == 1:
		return sc.singular
	case q == 2:
		return sc.dual
	case r >= 3 && r <= 10:
		return arBelow1000(q) + " " + sc.plural
	case r >= 11:
		return arBelow1000(q) + " " + sc.accusative
	case r == 0:
		return arConstructHundreds(q/100) + " " + sc.singular
	case r == 1:
		// مئة ألف وألف: the round hundreds count the noun, and the one
		// left over is the noun alone.
		return arConstructHundreds(q/100) + " " + sc.singular + " و" + sc.singular
	default: // r == 2
		return arConstructHundreds(q/100) + " " + sc.singular + " و" + sc.dual
	}
}

func arCardinal(n uint64) string {
	if n == 0 {
		return arSmall[0]
	}
	var parts []string
	for _, sc := range arScales {
		if q := n / sc.size; q > 0 {
			parts = append(parts, arCounted(q, sc))
			n %= sc.size
		}
	}
	if n > 0 {
		parts = append(parts, arBelow1000(n))
	}
	return strings.Join(parts, " و")
}

// arOrdinalDays are the masculine ordinals a date reads its day with:
// "الثاني من يوليو".
var arOrdinalDays = [...]string{"",
	"الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر",
	"الحادي عشر", "الثاني عشر", "الثالث عشر", "الرابع عشر", "الخامس عشر", "السادس عشر", "السابع عشر", "الثامن عشر", "التاسع عشر", "العشرون",
	"الحادي والعشرون", "الثاني والعشرون", "الثالث والعشرون", "الرابع والعشرون", "الخامس والعشرون", "السادس والعشرون", "السابع والعشرون", "الثامن والعشرون", "التاسع والعشرون", "الثلاثون",
	"الحادي والثلاثون",
}

// arGenitive turns a cardinal into the genitive a year takes after عام:
// ألفين وأربعة وعشرين. Only the words that change are touched: the duals
// and the sound plurals of the tens.
func arGenitive(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		prefix := ""
		if strings.HasPrefix(w, "و") && w != "واحد" {
			prefix, w = "و", strings.TrimPrefix(w, "و")
		}
		switch {
		case w == "اثنان":
			w = "اثنين"
		case w == "اثنا":
			w = "اثني"
		case strings.HasSuffix(w, "ان") && (strings.HasPrefix(w, "ألف") || strings.HasPrefix(w, "مئت") || strings.HasPrefix(w, "مليون") || strings.HasPrefix(w, "مليار")):
			w = strings.TrimSuffix(w, "ان") + "ين"
		case strings.HasSuffix(w, "ون"):
			for _, t := range arTens {
				if t != "" && w == t {
					w = strings.TrimSuffix(w, "ون") + "ين"
				}
			}
		}
		words[i] = prefix + w
	}
	return strings.Join(words, " ")
}

// arGenitiveBefore are the words after which a number is in the genitive:
// prepositions and the nouns a year or a rate follows ("في عام 2024",
// "بنسبة 12%").
var arGenitiveBefore = []string{"في", "من", "إلى", "على", "عن", "حتى", "عام", "العام", "سنة", "بنسبة", "نسبة"}

// arAfterPreposition reads a number after one of arGenitiveBefore in the
// genitive: "في عام ألفين وأربعة وعشرين", "إلى اثني عشر في المئة".
func arAfterPreposition(t token, before, _ string) (string, bool) {
	f := strings.Fields(before)
	if len(f) == 0 || !strings.HasSuffix(before, " ") {
		return "", false
	}
	for _, w := range arGenitiveBefore {
		if f[len(f)-1] == w {
			return arGenitive(arWordsPlain().speakPlain(t)), true
		}
	}
	return "", false
}

// arWordsPlain is Arabic without the genitive rule, so that the rule can
// read a number the ordinary way and then change its case.
func arWordsPlain() *numberWords {
	w := arWords()
	w.special = nil
	return w
}
