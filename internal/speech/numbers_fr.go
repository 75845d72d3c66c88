package speech

import "strings"

// French numbers, traditional spelling (hyphens below a hundred, "et"
// before un and onze): "vingt et un", "soixante et onze", "quatre-vingts",
// "quatre-vingt-un". "cent" and "vingt" take an s when multiplied and
// last, but not before "mille" ("deux cent mille"); "million" and
// "milliard" are nouns and do take the plural and the s before them
// ("deux cents millions").

var frSmall = [...]string{
	"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
	"dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
}

var frTens = [...]string{"", "", "vingt", "trente", "quarante", "cinquante", "soixante"}

func frWords() *numberWords {
	w := &numberWords{
		cardinal:     frCardinal,
		digitSep:     " ",
		point:        "virgule",
		fracAsNumber: true,
		percent:      func(_ number, s string) string { return s + " pour cent" },
		minus:        "moins ",
		group:        " \u00a0\u202f\u2009",
		// The comma is the French decimal separator; a point is read as
		// one too, since wire copy in French often keeps it.
		decimalSep: ",.",
		altGroup:   ",.",
		ordinal:    frOrdinalSuffix,
		spaced:     true,
	}
	copy(w.digit[:], frSmall[:10])
	return w
}

// frBelow100 spells 0..99; last says whether quatre-vingts ends the number
// (and so keeps its s).
func frBelow100(n uint64, last bool) string {
	switch {
	case n < 20:
		return frSmall[n]
	case n < 70:
		t, u := n/10, n%10
		switch u {
		case 0:
			return frTens[t]
		case 1:
			return frTens[t] + " et un"
		}
		return frTens[t] + "-" + frSmall[u]
	case n < 80:
		if n == 71 {
			return "soixante et onze"
		}
		return "soixante-" + frSmall[n-60]
	case n == 80:
		if last {
			return "quatre-vingts"
		}
		return "quatre-vingt"
	default:
		return "quatre-vingt-" + frSmall[n-80]
	}
}

// frBelow1000 spells 0..999; last is false before "mille", where cent and
// vingt stay invariable.
func frBelow1000(n uint64, last bool) string {
	h, r := n/100, n%100
	var head string
	switch {
	case h == 0:
		return frBelow100(r, last)
	case h == 1:
		head = "cent"
	default:
		head = frSmall[h] + " cent"
		if r == 0 && last {
			head += "s"
		}
	}
	if r == 0 {
		return head
	}
	return head + " " + frBelow100(r, last)
}

func frCardinal(n uint64) string {
	if n == 0 {
		return "zéro"
	}
	var parts []string
	for _, sc := range []struct {
		size uint64
		name string
	}{{1_000_000_000, "milliard"}, {1_000_000, "million"}} {
		q := n / sc.size
		n %= sc.size
		switch {
		case q == 1:
			parts = append(parts, "un "+sc.name)
		case q > 1:
			parts = append(parts, frBelow1000(q, true)+" "+sc.name+"s")
		}
	}
	if q := n / 1000; q == 1 {
		parts = append(parts, "mille")
	} else if q > 1 {
		parts = append(parts, frBelow1000(q, false)+" mille")
	}
	if r := n % 1000; r > 0 {
		parts = append(parts, frBelow1000(r, true))
	}
	return strings.Join(parts, " ")
}

// frOrdinal spells n (2 or more) as an ordinal: deuxième, vingt et
// unième, cinquième, neuvième, quatre-vingtième, millième.
func frOrdinal(n uint64) string {
	c := frCardinal(n)
	switch {
	case strings.HasSuffix(c, "cinq"):
		return c + "uième"
	case strings.HasSuffix(c, "neuf"):
		return strings.TrimSuffix(c, "f") + "vième"
	case strings.HasSuffix(c, "s") && !strings.HasSuffix(c, "trois") && !strings.HasSuffix(c, "six"):
		c = strings.TrimSuffix(c, "s") // quatre-vingts, deux cents, millions
	}
	if strings.HasSuffix(c, "e") {
		c = strings.TrimSuffix(c, "e")
	}
	return c + "ième"
}

// frOrdinalSuffix reads 1er, 1re, 1ère, 2e, 2ème, 2eme (the superscript
// forms reach here as plain letters after NFKC).
func frOrdinalSuffix(n uint64, rest string) (string, int, bool) {
	for _, suf := range []string{"ère", "ème", "eme", "er", "re", "e"} {
		if !strings.HasPrefix(rest, suf) || touchesWord(rest[len(suf):], false) {
			continue
		}
		switch {
		case n == 1 && (suf == "er"):
			return "premier", len(suf), true
		case n == 1 && (suf == "re" || suf == "ère"):
			return "première", len(suf), true
		case n >= 2 && suf != "er" && suf != "re" && suf != "ère":
			return frOrdinal(n), len(suf), true
		}
		return "", 0, false
	}
	return "", 0, false
}
