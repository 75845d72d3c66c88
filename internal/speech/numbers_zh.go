package speech

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chinese numbers in characters, which the cmn-latn-pinyin voice reads in
// Mandarin (its default voice reads digits in English). Numbers group by
// ten thousand (万, 亿); a run of zeros inside a number is one 零
// (一千零一, 一万零五百); a number starting with ten says 十 not 一十
// (十五, 十万), while inside a number it keeps the one (一百一十五). Two
// is 两 before 千, 万 and 亿 and before a measure word (两个), but 二 in
// dates, scores and ordinals. A year before 年 is read digit by digit, as
// Chinese speakers do: 二零二四年. A percentage comes first: 百分之十二.

var zhDigits = [...]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

func zhWords() *numberWords {
	w := &numberWords{
		cardinal:   zhCardinal,
		point:      "点",
		percent:    zhPercent,
		minus:      "负",
		group:      ",",
		decimalSep: ".",
		altGroup:   ".",
		special:    zhSpecial,
	}
	copy(w.digit[:], zhDigits[:])
	return w
}

// zhSection spells 1..9999, the part of a number before one 万 or 亿;
// leading tells whether it starts the number (十 for ten to nineteen).
func zhSection(n uint64, leading bool) string {
	var b strings.Builder
	units := [...]string{"千", "百", "十", ""}
	div := [...]uint64{1000, 100, 10, 1}
	// A zero after a digit waits to be said before the next digit; zeros
	// before the first are the caller's (zhCardinal says one 零 for the
	// gap between sections).
	zero, started := false, false
	for i, d := range div {
		digit := n / d % 10
		if digit == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString("零")
		}
		zero = false
		switch {
		case digit == 2 && i == 0:
			b.WriteString("两")
		case digit == 1 && i == 2 && !started && leading:
			// 十五, not 一十五, at the start of the number.
		default:
			b.WriteString(zhDigits[digit])
		}
		b.WriteString(units[i])
		started = true
	}
	return b.String()
}

func zhCardinal(n uint64) string {
	if n == 0 {
		return "零"
	}
	sections := []struct {
		size uint64
		name string
	}{{100_000_000, "亿"}, {10_000, "万"}, {1, ""}}
	var b strings.Builder
	started := false
	zero := false
	for _, sc := range sections {
		q := n / sc.size
		n %= sc.size
		if q == 0 {
			if started {
				zero = true
			}
			continue
		}
		if started && (zero || q < 1000) {
			// 一万零五百: the section does not fill its thousands.
			b.WriteString("零")
		}
		zero = false
		if q == 2 && sc.name != "" {
			b.WriteString("两")
		} else {
			b.WriteString(zhSection(q, !started))
		}
		b.WriteString(sc.name)
		started = true
	}
	return b.String()
}

func zhPercent(_ number, spoken string) string {
	if rest, ok := strings.CutPrefix(spoken, "负"); ok {
		return "负百分之" + rest
	}
	return "百分之" + spoken
}

// zhSpecial reads years before 年 digit by digit, and 2 before a measure
// word as 两.
func zhSpecial(t token, before, after string) (string, bool) {
	if t.neg || t.frac != "" || t.percent || t.grouped {
		return "", false
	}
	next, _ := utf8.DecodeRuneInString(after)
	if next == '年' && len(t.digits) == 4 && t.digits[0] >= '1' && t.digits[0] <= '2' {
		return zhWords().digits(t.digits), true
	}
	prev, _ := utf8.DecodeLastRuneInString(before)
	if t.digits == "2" && unicode.Is(unicode.Han, next) && !strings.ContainsRune("月日号比", next) && prev != '第' {
		return "两", true
	}
	return "", false
}
