package speech

import "strings"

// Spanish numbers: one word up to thirty (veintitrés), "y" between tens
// and units above, "cien" alone and "ciento" before more, "uno" shortened
// to "un" before mil and millón (veintiún mil, un millón), and the long
// scale: a thousand millions is "mil millones", not a billón.

var esSmall = [...]string{
	"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve",
	"diez", "once", "doce", "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve",
	"veinte", "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve",
}

var esTens = [...]string{"", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"}

var esHundreds = [...]string{"", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos",
	"seiscientos", "setecientos", "ochocientos", "novecientos"}

func esWords() *numberWords {
	w := &numberWords{
		cardinal:     esCardinal,
		digitSep:     " ",
		point:        "coma",
		fracAsNumber: true,
		percent:      func(_ number, s string) string { return s + " por ciento" },
		minus:        "menos ",
		// Spain groups with a point (or, as the RAE now advises, a space)
		// and writes decimals with a comma; a point followed by other than
		// three digits is read as a decimal point, as in American copy.
		group:      ". \u00a0\u202f\u2009",
		decimalSep: ",.",
		altGroup:   ",",
		ordinal:    esOrdinalSuffix,
		spaced:     true,
	}
	copy(w.digit[:], esSmall[:10])
	return w
}

func esBelow100(n uint64) string {
	if n < 30 {
		return esSmall[n]
	}
	if n%10 == 0 {
		return esTens[n/10]
	}
	return esTens[n/10] + " y " + esSmall[n%10]
}

func esBelow1000(n uint64) string {
	h, r := n/100, n%100
	switch {
	case n == 100:
		return "cien"
	case h == 0:
		return esBelow100(r)
	case r == 0:
		return esHundreds[h]
	}
	return esHundreds[h] + " " + esBelow100(r)
}

// esApocope shortens a final "uno" before a noun: veintiún mil, ciento un
// millones, un millón.
func esApocope(s string) string {
	switch {
	case s == "uno":
		return "un"
	case strings.HasSuffix(s, "veintiuno"):
		return strings.TrimSuffix(s, "veintiuno") + "veintiún"
	case strings.HasSuffix(s, " uno"):
		return strings.TrimSuffix(s, "uno") + "un"
	}
	return s
}

// esBelowMillion spells 0..999999.
func esBelowMillion(n uint64) string {
	q, r := n/1000, n%1000
	var parts []string
	switch {
	case q == 1:
		parts = append(parts, "mil")
	case q > 1:
		parts = append(parts, esApocope(esBelow1000(q))+" mil")
	}
	if r > 0 || q == 0 {
		parts = append(parts, esBelow1000(r))
	}
	return strings.Join(parts, " ")
}

func esCardinal(n uint64) string {
	m, r := n/1_000_000, n%1_000_000
	var parts []string
	switch {
	case m == 1:
		parts = append(parts, "un millón")
	case m > 1:
		parts = append(parts, esApocope(esBelowMillion(m))+" millones")
	}
	if r > 0 || m == 0 {
		parts = append(parts, esBelowMillion(r))
	}
	return strings.Join(parts, " ")
}

var esOrdinals = [...]string{"", "primer", "segund", "tercer", "cuart", "quint", "sext", "séptim", "octav", "noven", "décim"}

// esOrdinalSuffix reads 1.º, 1º, 2.ª, 2ª (or o and a, as º and ª become
// after NFKC) for one to ten, the ordinals said as words; above ten
// Spanish speakers use the cardinal, which the caller then reads.
func esOrdinalSuffix(n uint64, rest string) (string, int, bool) {
	if n < 1 || n > 10 {
		return "", 0, false
	}
	for _, suf := range []string{".º", ".ª", "º", "ª", ".o", ".a", "o", "a"} {
		if !strings.HasPrefix(rest, suf) || touchesWord(rest[len(suf):], false) {
			continue
		}
		ending := "o"
		if strings.HasSuffix(suf, "a") || strings.HasSuffix(suf, "ª") {
			ending = "a"
		}
		return esOrdinals[n] + ending, len(suf), true
	}
	return "", 0, false
}
