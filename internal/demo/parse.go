package demo

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/story"
)

// file is one demo story in one language, as written in stories/KEY/LANG.md:
// a header of "name: value" lines, a line "---", then the Markdown body.
type file struct {
	Key, Lang string
	Story     story.Story
}

var headerFields = []string{"headline", "summary", "byline", "place", "date", "section", "tags"}

// parseFile reads one demo file. Errors name the file and line.
func parseFile(name, key, code, text string) (file, error) {
	f := file{Key: key, Lang: code}
	seen := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), story.MaxBody)
	line := 0
	var body strings.Builder
	inBody := false
	for sc.Scan() {
		line++
		t := sc.Text()
		if inBody {
			body.WriteString(t)
			body.WriteByte('\n')
			continue
		}
		if strings.TrimSpace(t) == "---" {
			inBody = true
			continue
		}
		if strings.TrimSpace(t) == "" {
			continue
		}
		k, v, ok := strings.Cut(t, ":")
		k = strings.TrimSpace(k)
		if !ok || !isHeaderField(k) {
			return f, fmt.Errorf("demo: %s:%d: want one of %v as \"name: value\", got %q", name, line, headerFields, t)
		}
		if _, dup := seen[k]; dup {
			return f, fmt.Errorf("demo: %s:%d: %s given twice", name, line, k)
		}
		seen[k] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return f, fmt.Errorf("demo: %s: %w", name, err)
	}
	if !inBody {
		return f, fmt.Errorf("demo: %s: no \"---\" line before the body", name)
	}
	for _, k := range headerFields {
		if seen[k] == "" {
			return f, fmt.Errorf("demo: %s: %s is missing", name, k)
		}
	}
	date, err := story.ParseDate(seen["date"])
	if err != nil {
		return f, fmt.Errorf("demo: %s: %w", name, err)
	}
	var tags []string
	for _, t := range strings.FieldsFunc(seen["tags"], func(r rune) bool { return r == ',' || r == '،' || r == '，' || r == '、' }) {
		if t = strings.TrimSpace(t); t != "" {
			tags = append(tags, t)
		}
	}
	f.Story = story.Story{
		Lang:     code,
		Headline: seen["headline"],
		Summary:  seen["summary"],
		Byline:   seen["byline"],
		Dateline: story.Dateline{Place: seen["place"], Date: date},
		Section:  seen["section"],
		Tags:     tags,
		Body:     strings.TrimSpace(body.String()) + "\n",
		Status:   story.StatusDraft,
	}
	if err := f.Story.Validate(); err != nil {
		return f, fmt.Errorf("demo: %s: %w", name, err)
	}
	return f, nil
}

func isHeaderField(k string) bool {
	for _, h := range headerFields {
		if h == k {
			return true
		}
	}
	return false
}
