package desk

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

func errInputf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errInput, fmt.Sprintf(format, args...))
}

// pathID reads a positive id from the URL path.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, web.NotFound(fmt.Errorf("bad %s %q", name, r.PathValue(name)))
	}
	return id, nil
}

// storyForm reads the editor's fields into a story. Text is checked by the
// service; here only what the form itself encodes (the date) is parsed.
func storyForm(r *http.Request) (story.Story, error) {
	if err := r.ParseForm(); err != nil {
		return story.Story{}, err
	}
	f := r.PostForm
	st := story.Story{
		Lang:     f.Get("lang"),
		Headline: f.Get("headline"),
		Summary:  f.Get("summary"),
		Byline:   f.Get("byline"),
		Dateline: story.Dateline{Place: f.Get("place")},
		Section:  f.Get("section"),
		Body:     strings.ReplaceAll(f.Get("body"), "\r\n", "\n"),
	}
	for _, t := range strings.FieldsFunc(f.Get("tags"), func(r rune) bool { return r == ',' || r == '،' || r == '，' || r == '、' }) {
		if t = strings.TrimSpace(t); t != "" {
			st.Tags = append(st.Tags, t)
		}
	}
	if v := strings.TrimSpace(f.Get("date")); v != "" {
		d, err := story.ParseDate(v)
		if err != nil {
			return st, fmt.Errorf("%w: %v", errInput, err)
		}
		st.Dateline.Date = d
	}
	return st, nil
}

// localTime reads a datetime-local value in the agency's zone; empty is zero.
func localTime(v string, zone *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errInputf("time %q: want YYYY-MM-DDTHH:MM", v)
}

// pageLink is the URL of page n of a filtered list: the filters named by
// keys are kept from the current query, empty ones dropped.
func pageLink(path string, qv url.Values, keys []string, n int) string {
	v := url.Values{}
	for _, k := range keys {
		if qv.Get(k) != "" {
			v.Set(k, qv.Get(k))
		}
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
