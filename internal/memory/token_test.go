package memory

import (
	"testing"
	"unicode"
)

// TestFirstHan checks the shortcut tokenize takes: no Han character lies
// below firstHan.
func TestFirstHan(t *testing.T) {
	if lo := rune(unicode.Han.R16[0].Lo); lo < firstHan {
		t.Errorf("the first Han character is %U, below firstHan %U", lo, firstHan)
	}
}
