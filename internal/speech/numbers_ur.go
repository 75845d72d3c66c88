package speech

import "strings"

// Urdu numbers. Every number below a hundred has its own word, which no
// rule derives (اکیس, بتیس, انتالیس, ننانوے), so they are a table. Above
// a hundred Urdu counts in the South Asian scale: سو, ہزار, لاکھ (a
// hundred thousand), کروڑ (ten million), ارب (a thousand million) and
// کھرب (a hundred thousand million); a million is دس لاکھ.

var urBelow100 = [100]string{
	"صفر", "ایک", "دو", "تین", "چار", "پانچ", "چھ", "سات", "آٹھ", "نو",
	"دس", "گیارہ", "بارہ", "تیرہ", "چودہ", "پندرہ", "سولہ", "سترہ", "اٹھارہ", "انیس",
	"بیس", "اکیس", "بائیس", "تئیس", "چوبیس", "پچیس", "چھبیس", "ستائیس", "اٹھائیس", "انتیس",
	"تیس", "اکتیس", "بتیس", "تینتیس", "چونتیس", "پینتیس", "چھتیس", "سینتیس", "اڑتیس", "انتالیس",
	"چالیس", "اکتالیس", "بیالیس", "تینتالیس", "چوالیس", "پینتالیس", "چھیالیس", "سینتالیس", "اڑتالیس", "انچاس",
	"پچاس", "اکیاون", "باون", "ترپن", "چون", "پچپن", "چھپن", "ستاون", "اٹھاون", "انسٹھ",
	"ساٹھ", "اکسٹھ", "باسٹھ", "تریسٹھ", "چونسٹھ", "پینسٹھ", "چھیاسٹھ", "سڑسٹھ", "اڑسٹھ", "انہتر",
	"ستر", "اکہتر", "بہتر", "تہتر", "چوہتر", "پچہتر", "چھہتر", "ستتر", "اٹھہتر", "اناسی",
	"اسی", "اکیاسی", "بیاسی", "تراسی", "چوراسی", "پچاسی", "چھیاسی", "ستاسی", "اٹھاسی", "نواسی",
	"نوے", "اکانوے", "بانوے", "ترانوے", "چورانوے", "پچانوے", "چھیانوے", "ستانوے", "اٹھانوے", "ننانوے",
}

// urScales are the scale words from the largest, each with how many of
// the one below it make it (کھرب counts arbs up to 9; the others to 99).
var urScales = [...]struct {
	size uint64
	name string
}{
	{100_000_000_000, "کھرب"},
	{1_000_000_000, "ارب"},
	{10_000_000, "کروڑ"},
	{100_000, "لاکھ"},
	{1000, "ہزار"},
	{100, "سو"},
}

func urWords() *numberWords {
	w := &numberWords{
		cardinal:     urCardinal,
		digitSep:     " ",
		point:        "اعشاریہ",
		percent:      func(_ number, s string) string { return s + " فیصد" },
		minus:        "منفی ",
		group:        ",\u060c",
		decimalSep:   ".",
		altGroup:     ".",
		indian:       true,
		percentFirst: true,
		spaced:       true,
	}
	copy(w.digit[:], urBelow100[:10])
	return w
}

func urCardinal(n uint64) string {
	if n == 0 {
		return urBelow100[0]
	}
	var parts []string
	for _, sc := range urScales {
		// n < 10^12 leaves at most 9 کھرب, and every other count below a
		// hundred.
		if q := n / sc.size; q > 0 {
			parts = append(parts, urBelow100[q%100]+" "+sc.name)
			n %= sc.size
		}
	}
	if n > 0 {
		parts = append(parts, urBelow100[n])
	}
	return strings.Join(parts, " ")
}
