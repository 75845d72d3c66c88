package speech

import (
	"strings"
	"unicode"
)

// Russian numbers in the nominative, masculine where the gender is free
// (один, два). Тысяча is feminine (одна тысяча, две тысячи), and the
// scale words agree with the number before them: тысяча, тысячи, тысяч.
// Decimals are read as Russian announcers read them, "четыре целых две
// десятых", and a percentage agrees too: один процент, два процента,
// пять процентов, and "процента" after a fraction.

var ruSmall = [...]string{
	"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
	"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
	"шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
}

var ruTens = [...]string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}

var ruHundreds = [...]string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}

func ruWords() *numberWords {
	w := &numberWords{
		cardinal:   ruCardinal,
		digitSep:   " ",
		point:      "запятая",
		decimal:    ruDecimal,
		percent:    ruPercent,
		minus:      "минус ",
		group:      " \u00a0\u202f\u2009",
		decimalSep: ",.",
		altGroup:   ",.",
		special:    ruYearSpecial,
		spaced:     true,
	}
	copy(w.digit[:], ruSmall[:10])
	return w
}

// ruForm picks the word agreeing with n: one (1, 21, 101), few (2-4,
// 22-24) or many (0, 5-20, 25-30, 11-14 in any hundred).
func ruForm(n uint64, one, few, many string) string {
	switch {
	case n%100 >= 11 && n%100 <= 14:
		return many
	case n%10 == 1:
		return one
	case n%10 >= 2 && n%10 <= 4:
		return few
	}
	return many
}

// ruBelow1000 spells 0..999; feminine gives одна and две.
func ruBelow1000(n uint64, feminine bool) string {
	if n == 0 {
		return "ноль"
	}
	var parts []string
	if h := n / 100; h > 0 {
		parts = append(parts, ruHundreds[h])
	}
	r := n % 100
	if r >= 20 {
		parts = append(parts, ruTens[r/10])
		r %= 10
	}
	if r > 0 {
		word := ruSmall[r]
		if feminine && r == 1 {
			word = "одна"
		} else if feminine && r == 2 {
			word = "две"
		}
		parts = append(parts, word)
	}
	return strings.Join(parts, " ")
}

func ruCardinal(n uint64) string {
	return ruCardinalGender(n, false)
}

func ruCardinalGender(n uint64, feminine bool) string {
	if n == 0 {
		return "ноль"
	}
	var parts []string
	for _, sc := range []struct {
		size            uint64
		one, few, many  string
		feminine, alone bool // alone: "тысяча", not "одна тысяча"
	}{
		{1_000_000_000, "миллиард", "миллиарда", "миллиардов", false, false},
		{1_000_000, "миллион", "миллиона", "миллионов", false, false},
		{1000, "тысяча", "тысячи", "тысяч", true, true},
	} {
		q := n / sc.size
		n %= sc.size
		switch {
		case q == 0:
		case q == 1 && sc.alone:
			parts = append(parts, sc.one)
		default:
			parts = append(parts, ruBelow1000(q, sc.feminine)+" "+ruForm(q, sc.one, sc.few, sc.many))
		}
	}
	if n > 0 {
		parts = append(parts, ruBelow1000(n, feminine))
	}
	return strings.Join(parts, " ")
}

// ruDenominators are the fraction words for one, two and three decimal
// places: singular (after 1) and genitive plural.
var ruDenominators = [...][2]string{{"десятая", "десятых"}, {"сотая", "сотых"}, {"тысячная", "тысячных"}}

// ruDecimal reads 4,2 as "четыре целых две десятых". Fractions of more
// than three places are read digit by digit after "запятая".
func ruDecimal(n number) string {
	num, places := fracValue(n.frac)
	if places > len(ruDenominators) {
		return ruCardinal(n.whole) + " запятая " + ruWords().digits(n.frac)
	}
	whole := ruCardinalGender(n.whole, true) + " " + ruForm(n.whole, "целая", "целых", "целых")
	den := ruDenominators[places-1]
	return whole + " " + ruCardinalGender(num, true) + " " + ruForm(num, den[0], den[1], den[1])
}

func ruPercent(n number, spoken string) string {
	if n.frac != "" {
		return spoken + " процента"
	}
	return spoken + " " + ruForm(n.whole, "процент", "процента", "процентов")
}

// Ordinals, for dates: the genitive masculine (of the year: "две тысячи
// двадцать четвёртого года") and the neuter nominative (of the day:
// "второе июля"). Only the last word of a compound ordinal is an ordinal.
var (
	ruOrdUnits = [...]string{"", "первого", "второго", "третьего", "четвёртого", "пятого", "шестого", "седьмого", "восьмого", "девятого",
		"десятого", "одиннадцатого", "двенадцатого", "тринадцатого", "четырнадцатого", "пятнадцатого",
		"шестнадцатого", "семнадцатого", "восемнадцатого", "девятнадцатого"}
	ruOrdTens     = [...]string{"", "", "двадцатого", "тридцатого", "сорокового", "пятидесятого", "шестидесятого", "семидесятого", "восьмидесятого", "девяностого"}
	ruOrdHundreds = [...]string{"", "сотого", "двухсотого", "трёхсотого", "четырёхсотого", "пятисотого", "шестисотого", "семисотого", "восьмисотого", "девятисотого"}
	ruOrdThousand = [...]string{"", "тысячного", "двухтысячного", "трёхтысячного", "четырёхтысячного", "пятитысячного",
		"шеститысячного", "семитысячного", "восьмитысячного", "девятитысячного"}
)

// ruOrdinalGenitive spells 1..9999 as a masculine genitive ordinal.
func ruOrdinalGenitive(n int) string {
	if n < 1 || n > 9999 {
		return ruCardinal(uint64(max(n, 0)))
	}
	var head, last string
	switch r := n % 100; {
	case r == 0 && n%1000 == 0:
		return ruOrdThousand[n/1000]
	case r == 0:
		if n >= 1000 {
			head = ruCardinal(uint64(n - n%1000))
		}
		last = ruOrdHundreds[n/100%10]
	case r < 20:
		if n > r {
			head = ruCardinal(uint64(n - r))
		}
		last = ruOrdUnits[r]
	case r%10 == 0:
		if n > r {
			head = ruCardinal(uint64(n - r))
		}
		last = ruOrdTens[r/10]
	default:
		head = ruCardinal(uint64(n - r%10))
		last = ruOrdUnits[r%10]
	}
	if head == "" {
		return last
	}
	return head + " " + last
}

// ruYearGenitive says a year as the genitive ordinal a date needs.
func ruYearGenitive(y int) string { return ruOrdinalGenitive(y) }

// ruDayOrdinal says a day of the month as the neuter ordinal: первое,
// третье, двадцать второе.
func ruDayOrdinal(d int) string {
	g := ruOrdinalGenitive(d)
	if strings.HasSuffix(g, "третьего") {
		return strings.TrimSuffix(g, "его") + "е"
	}
	return strings.TrimSuffix(g, "ого") + "ое"
}

// ruYearSpecial reads a year before the word год as the ordinal it is, in
// the case год is in: "в 2024 году" is "в две тысячи двадцать четвёртом
// году", "2024 года" "две тысячи двадцать четвёртого года".
func ruYearSpecial(t token, _, after string) (string, bool) {
	if t.neg || t.frac != "" || t.percent || t.grouped || len(t.digits) != 4 || t.whole < 1000 || t.whole > 2999 {
		return "", false
	}
	word := strings.TrimLeft(after, " \u00a0\u202f")
	end := strings.IndexFunc(word, func(r rune) bool { return !unicode.IsLetter(r) })
	if end >= 0 {
		word = word[:end]
	}
	g := ruOrdinalGenitive(int(t.whole))
	switch word {
	case "года":
		return g, true
	case "году":
		return ruOrdinalCase(g, "ом", "ем"), true
	case "годом":
		return ruOrdinalCase(g, "ым", "им"), true
	case "год":
		return ruOrdinalNominative(g), true
	}
	return "", false
}

// ruOrdinalCase turns a genitive ordinal into another case by its ending:
// hard stems (-ого) take hard, soft ones (третьего) soft.
func ruOrdinalCase(g, hard, soft string) string {
	if s, ok := strings.CutSuffix(g, "его"); ok {
		return s + soft
	}
	return strings.TrimSuffix(g, "ого") + hard
}

// ruOrdinalNominative turns a genitive ordinal into the masculine
// nominative: четвёртого → четвёртый, второго → второй, третьего → третий.
func ruOrdinalNominative(g string) string {
	if s, ok := strings.CutSuffix(g, "его"); ok {
		return s + "ий"
	}
	stem := strings.TrimSuffix(g, "ого")
	for _, stressed := range []string{"втор", "шест", "седьм", "восьм", "сороков"} {
		if strings.HasSuffix(stem, stressed) {
			return stem + "ой"
		}
	}
	return stem + "ый"
}
