package speech

import "strings"

// English numbers, British usage: "and" after hundreds and before the last
// part under a hundred (one thousand and one), the short scale (billion is
// a thousand million), "per cent" in two words.

var enSmall = [...]string{
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
	"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
}

var enTens = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

func enWords() *numberWords {
	w := &numberWords{
		cardinal: enCardinal,
		digitSep: " ",
		point:    "point",
		percent:  func(_ number, s string) string { return s + " per cent" },
		minus:    "minus ",
		group:    ",",
		// A comma is never a decimal separator in English copy.
		decimalSep: ".",
		altGroup:   ".",
		indian:     true, // Pakistani English writes lakhs: 10,00,000
		ordinal:    enOrdinalSuffix,
		spaced:     true,
	}
	copy(w.digit[:], enSmall[:10])
	return w
}

func enBelow100(n uint64) string {
	if n < 20 {
		return enSmall[n]
	}
	if n%10 == 0 {
		return enTens[n/10]
	}
	return enTens[n/10] + "-" + enSmall[n%10]
}

func enBelow1000(n uint64) string {
	h, r := n/100, n%100
	switch {
	case h == 0:
		return enBelow100(r)
	case r == 0:
		return enSmall[h] + " hundred"
	default:
		return enSmall[h] + " hundred and " + enBelow100(r)
	}
}

func enCardinal(n uint64) string {
	if n == 0 {
		return "zero"
	}
	var parts []string
	for _, sc := range []struct {
		size uint64
		name string
	}{{1_000_000_000, "billion"}, {1_000_000, "million"}, {1000, "thousand"}} {
		if q := n / sc.size; q > 0 {
			parts = append(parts, enBelow1000(q)+" "+sc.name)
			n %= sc.size
		}
	}
	if n > 0 {
		if len(parts) > 0 && n < 100 {
			parts = append(parts, "and "+enBelow100(n))
		} else {
			parts = append(parts, enBelow1000(n))
		}
	}
	return strings.Join(parts, " ")
}

// enOrdinal spells n as an ordinal: "first", "twenty-second", "one
// hundredth".
func enOrdinal(n uint64) string {
	c := enCardinal(n)
	cut := max(strings.LastIndexAny(c, " -")+1, 0)
	head, last := c[:cut], c[cut:]
	switch last {
	case "one":
		last = "first"
	case "two":
		last = "second"
	case "three":
		last = "third"
	case "five":
		last = "fifth"
	case "eight":
		last = "eighth"
	case "nine":
		last = "ninth"
	case "twelve":
		last = "twelfth"
	default:
		if strings.HasSuffix(last, "y") {
			last = strings.TrimSuffix(last, "y") + "ieth"
		} else {
			last += "th"
		}
	}
	return head + last
}

// enOrdinalSuffix reads 1st, 2nd, 3rd, 4th (any case).
func enOrdinalSuffix(n uint64, rest string) (string, int, bool) {
	if len(rest) < 2 {
		return "", 0, false
	}
	switch strings.ToLower(rest[:2]) {
	case "st", "nd", "rd", "th":
		if touchesWord(rest[2:], false) {
			return "", 0, false
		}
		return enOrdinal(n), 2, true
	}
	return "", 0, false
}
