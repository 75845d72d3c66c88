package lang

import (
	"strconv"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// FormatInt formats n with the language's digit grouping but always with
// Western (ASCII) digits: "1,234" in English, Urdu, Arabic and Chinese,
// "1 234" in Russian and French (with a no-break space), "12.345" in
// Spanish.
//
// Arabic's CLDR default is Arabic-Indic digits (١٬٢٣٤), so the tag asks
// for the Latin numbering system (-u-nu-latn); see MULTILINGUAL.md for why
// Western digits are the house choice. Spanish does not group four-digit
// numbers (CLDR's minimumGroupingDigits is 2 for es, which x/text ignores),
// so 1234 stays "1234". For negative numbers in Urdu and Arabic, CLDR puts
// a left-to-right or Arabic letter mark before the minus sign so that it
// stays on the left of the digits inside right-to-left text; that mark is
// kept.
func (l Language) FormatInt(n int) string {
	if l.Code == "es" && n > -10000 && n < 10000 {
		return strconv.Itoa(n)
	}
	tag, err := language.Parse(l.Tag + "-u-nu-latn")
	if err != nil {
		// Only a Language built outside this package can get here.
		return strconv.Itoa(n)
	}
	return message.NewPrinter(tag).Sprint(number.Decimal(n))
}
