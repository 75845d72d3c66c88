package lang

import (
	"sort"
	"strings"

	"golang.org/x/text/language"
)

// Limits on the Accept-Language header Match will look at. Browsers send a
// handful of entries in well under 200 bytes; anything longer is a robot or
// an attack, and reading all of it would only cost time.
const (
	maxAcceptLanguageBytes   = 1024
	maxAcceptLanguageEntries = 16
)

// Matcher picks one of the seven languages for Accept-Language headers.
// Building one costs about 70 µs and matching a header a few, so a server
// builds one at start-up with NewMatcher and shares it; it is read-only and
// safe for concurrent use.
type Matcher struct {
	matcher language.Matcher
}

// NewMatcher returns a Matcher over All, in its order.
func NewMatcher() *Matcher {
	supported := make([]language.Tag, len(languages))
	for i, l := range languages {
		supported[i] = language.Make(l.Tag)
	}
	return &Matcher{matcher: language.NewMatcher(supported)}
}

// Match is Matcher.Match with a Matcher built for the one call: convenient
// for tools and tests, wasteful per request.
func Match(acceptLanguage string) Language {
	return NewMatcher().Match(acceptLanguage)
}

// Match picks the best of the seven languages for an Accept-Language header
// value, using x/text's matcher, which knows CLDR's language distances (fr-CA
// is French, es-419 is Spanish, zh-CN and zh-SG are Simplified Chinese).
//
// A match is taken only when the matcher's confidence is High or Exact. The
// matcher maps zh-TW, zh-HK and zh-Hant to our Simplified Chinese with Low
// confidence; we refuse that on purpose, because a reader who asked for
// Traditional characters is better served by a choice of language than by a
// script they did not ask for. Such a reader gets Default unless the header
// names another of our languages too ("zh-TW,en;q=0.5" gives English,
// "zh-TW,zh;q=0.9" gives Chinese).
//
// Garbage, an empty header, or a header naming none of our languages gives
// Default. Entries that do not parse are skipped rather than spoiling the
// rest, and only the first 16 entries and 1 KB of an over-long header are
// read.
func (m *Matcher) Match(acceptLanguage string) Language {
	tags := parseAcceptLanguage(acceptLanguage)
	if len(tags) == 0 {
		return Default()
	}
	_, index, confidence := m.matcher.Match(tags...)
	if confidence < language.High || index < 0 || index >= len(languages) {
		return Default()
	}
	return languages[index]
}

// parseAcceptLanguage returns the header's tags, best first. x/text rejects a
// whole header when one entry is malformed, so on error each entry is parsed
// on its own and the good ones are kept.
func parseAcceptLanguage(header string) []language.Tag {
	header = truncateHeader(header)
	if strings.TrimSpace(header) == "" {
		return nil
	}
	if tags, _, err := language.ParseAcceptLanguage(header); err == nil {
		return tags
	}
	type weighted struct {
		tag language.Tag
		q   float32
	}
	var kept []weighted
	for _, entry := range strings.Split(header, ",") {
		tags, qs, err := language.ParseAcceptLanguage(entry)
		if err != nil {
			continue
		}
		for i, t := range tags {
			kept = append(kept, weighted{t, qs[i]})
		}
	}
	// Stable, so entries of equal weight keep the reader's order.
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].q > kept[j].q })
	out := make([]language.Tag, len(kept))
	for i, w := range kept {
		out[i] = w.tag
	}
	return out
}

// truncateHeader keeps at most maxAcceptLanguageEntries entries and
// maxAcceptLanguageBytes bytes, cutting only at a comma so that no entry is
// read half.
func truncateHeader(header string) string {
	if len(header) > maxAcceptLanguageBytes {
		header = header[:maxAcceptLanguageBytes]
		if i := strings.LastIndexByte(header, ','); i >= 0 {
			header = header[:i]
		}
	}
	n := 0
	for i := 0; i < len(header); i++ {
		if header[i] == ',' {
			n++
			if n == maxAcceptLanguageEntries {
				return header[:i]
			}
		}
	}
	return header
}
