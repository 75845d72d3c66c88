package speech

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// Kind is what a block of a script is, which decides how it is read: the
// headline and headings stand apart with longer pauses around them.
type Kind string

const (
	KindHeadline  Kind = "headline"
	KindDateline  Kind = "dateline"
	KindHeading   Kind = "heading"
	KindParagraph Kind = "paragraph"
)

// Block is one part of a script, its text ready to speak: numbers spelled
// out, no markup, no digits.
type Block struct {
	Kind Kind   `json:"kind"`
	Text string `json:"text"`
}

// Script is what a provider reads: a story version as speech, in order.
type Script struct {
	Blocks []Block `json:"blocks"`
}

// Runes counts the characters the script speaks, for duration estimates.
func (s Script) Runes() int {
	n := 0
	for _, b := range s.Blocks {
		n += utf8.RuneCountInString(b.Text)
	}
	return n
}

// MaxScriptRunes bounds what one rendering speaks: about two hours of
// speech. A body at story.MaxBody could hold ten times as much, which no
// listener wants and which would hold a renderer for an hour.
const MaxScriptRunes = 150_000

// Build turns version v of a story in language code into a script: the
// headline, the dateline (place and date said the way the language says
// them; the agency's credit is left out, since a letter code read aloud
// helps nobody), then the body's headings and paragraphs. "Also Read"
// references and link addresses are dropped. zone is the agency's, in
// which a dateline without its own date takes the day of publication.
func Build(code string, v story.Version, zone *time.Location) (Script, error) {
	l, ok := lang.Get(code)
	if !ok {
		return Script{}, fmt.Errorf("speech: build script: unknown language %q", code)
	}
	if zone == nil {
		zone = time.UTC
	}
	var s Script
	total := 0
	add := func(k Kind, text string) {
		text = Speakable(code, text)
		if text == "" || total >= MaxScriptRunes {
			return
		}
		if n := utf8.RuneCountInString(text); total+n > MaxScriptRunes {
			text = string([]rune(text)[:MaxScriptRunes-total])
		}
		total += utf8.RuneCountInString(text)
		s.Blocks = append(s.Blocks, Block{Kind: k, Text: text})
	}
	add(KindHeadline, v.Headline)
	add(KindDateline, spokenDateline(l, v, zone))

	headings := story.Headings(v.Body)
	for _, block := range strings.Split(story.PlainText(v.Body), "\n\n") {
		kind := KindParagraph
		// PlainText and Headings walk the same tree in the same order, so
		// the next heading not yet seen is the next block that equals one.
		if len(headings) > 0 && block == headings[0].Text {
			kind = KindHeading
			headings = headings[1:]
		}
		add(kind, block)
	}
	return s, nil
}

// spokenDateline is the dateline's place and date as the language says
// them, "" for a version without one.
func spokenDateline(l lang.Language, v story.Version, zone *time.Location) string {
	place := strings.TrimSpace(v.Dateline.Place)
	d := v.Dateline.Date
	if d.IsZero() && place == "" {
		return ""
	}
	day := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)
	if d.IsZero() {
		if v.PublishedAt.IsZero() {
			return place
		}
		day = v.PublishedAt.In(zone)
	}
	date := SpokenDate(l, day)
	switch {
	case place == "":
		return date
	case l.Code == "zh":
		return place + "，" + date
	case l.Code == "ur" || l.Code == "ar":
		return place + "، " + date
	}
	return place + ", " + date
}

// SpokenDate says t's civil date the way a newsreader of the language
// does: "the second of July, two thousand and twenty-four", "второе июля
// две тысячи двадцать четвёртого года", "الثاني من يوليو عام ألفين وأربعة
// وعشرين", "二零二四年七月二日", "premier juillet deux mille vingt-quatre".
func SpokenDate(l lang.Language, t time.Time) string {
	year, month, day := t.Date()
	written := l.FormatDate(t) // digits and the month's name as printed
	monthName := func() string {
		// In "2 июля 2024" and "2 يوليو 2024" the month is the middle word.
		f := strings.Fields(written)
		if len(f) >= 3 {
			return strings.Join(f[1:len(f)-1], " ")
		}
		return l.MonthName(month)
	}
	if year < 1 || year > 9999 {
		return Speakable(l.Code, written)
	}
	switch l.Code {
	case "en":
		return "the " + enOrdinal(uint64(day)) + " of " + l.MonthName(month) + ", " + enCardinal(uint64(year))
	case "ru":
		return ruDayOrdinal(day) + " " + monthName() + " " + ruYearGenitive(year) + " года"
	case "ar":
		return arOrdinalDays[day] + " من " + monthName() + " عام " + arGenitive(arCardinal(uint64(year)))
	}
	// French (1er juillet), Spanish (2 de julio de 2024), Urdu (2 جولائی
	// 2024) and Chinese (2024年7月2日) read their printed dates as they
	// stand once the numbers are spelled.
	return Speakable(l.Code, written)
}
