package memory

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/qasid/qasid/internal/lang"
)

// codeForTag maps a language tag from an imported file (en, en-GB, ur-PK,
// zh-Hans, zh-CN, ZH, fr_CA) to one of our language codes. Traditional
// Chinese (zh-Hant, zh-TW, zh-HK, zh-MO) is not ours: our Chinese is
// Simplified, and a memory of Traditional segments would offer matches in a
// script the desk does not publish.
func codeForTag(tag string) (string, bool) {
	tag = strings.ReplaceAll(strings.TrimSpace(tag), "_", "-")
	if tag == "" {
		return "", false
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	// Only a base language the tag states counts: x/text guesses one for
	// "und" or a bare region, and a guess is not what the file said.
	base, confidence := t.Base()
	if confidence != language.Exact {
		return "", false
	}
	code := base.String()
	if _, ok := lang.Get(code); !ok {
		return "", false
	}
	if code == "zh" {
		if script, _ := t.Script(); script.String() != "Hans" {
			return "", false
		}
	}
	return code, true
}

// tagForCode is the BCP 47 tag a file we write carries for one of our
// codes (zh-Hans for zh).
func tagForCode(code string) (string, bool) {
	l, ok := lang.Get(code)
	return l.Tag, ok
}
