package lang

import (
	"testing"
	"unicode"
)

func TestFormatInt(t *testing.T) {
	tests := []struct {
		code string
		n    int
		want string
	}{
		{"en", 0, "0"},
		{"en", 999, "999"},
		{"en", 1234, "1,234"},
		{"en", -1234567, "-1,234,567"},
		{"ur", 1234, "1,234"},
		{"ur", 1234567, "1,234,567"},
		{"ur", -5, "\u200e-5"}, // CLDR's left-to-right mark keeps the minus on the left in RTL text
		{"zh", 1234, "1,234"},
		{"ar", 7, "7"},
		{"ar", 1234, "1,234"},
		{"ar", 1234567, "1,234,567"},
		{"ar", -1234, "\u200e-1,234"},
		{"ru", 1234, "1\u00a0234"},
		{"ru", 1234567, "1\u00a0234\u00a0567"},
		{"fr", 1234, "1\u00a0234"},
		{"es", 1234, "1234"}, // four digits are not grouped in Spanish
		{"es", 9999, "9999"},
		{"es", 10000, "10.000"},
		{"es", -1234, "-1234"},
		{"es", -12345, "-12.345"},
		{"es", 1234567, "1.234.567"},
	}
	for _, tt := range tests {
		if got := mustGet(t, tt.code).FormatInt(tt.n); got != tt.want {
			t.Errorf("%s FormatInt(%d) = %q, want %q", tt.code, tt.n, got, tt.want)
		}
	}
}

// TestFormatIntDigits checks that every language prints only ASCII digits
// over a spread of values.
func TestFormatIntDigits(t *testing.T) {
	for _, l := range All() {
		for _, n := range []int{0, 1, 12, 345, 6789, 10000, 123456789, -987654321, 1 << 62} {
			for _, r := range l.FormatInt(n) {
				if unicode.IsDigit(r) && (r < '0' || r > '9') {
					t.Errorf("%s FormatInt(%d) = %q contains %q", l.Code, n, l.FormatInt(n), r)
				}
			}
		}
	}
}

func TestFormatIntForeignLanguage(t *testing.T) {
	// A Language built outside the table with a broken tag still prints digits.
	l := Language{Code: "xx", Tag: "not a tag!"}
	if got := l.FormatInt(42); got != "42" {
		t.Errorf("FormatInt with a bad tag = %q, want 42", got)
	}
}
