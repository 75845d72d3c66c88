package lang

import "golang.org/x/text/unicode/norm"

// NormalizeText returns s in Unicode Normalization Form C, the form every
// stored text is kept in, so that the same word typed on two keyboards
// (é as one code point or as e plus an accent; Urdu ۂ composed or not)
// compares and indexes as the same bytes. It validates nothing: invalid
// UTF-8 is passed through for the caller's validation to reject.
func NormalizeText(s string) string {
	return norm.NFC.String(s)
}
