package web

import (
	"html/template"
	"strings"
	"testing"
)

// fragmentData is what the footer reads of a page.
type fragmentData struct {
	Agency struct{ Name string }
	Year   string
}

// T stands in for the site's catalog: the key and its arguments.
func (fragmentData) T(key string, args ...string) string { return key + " " + strings.Join(args, " ") }

// TestFragment: a template the layout defines renders on its own, escaped
// as HTML text; an unknown page or template is an error, not an empty part.
func TestFragment(t *testing.T) {
	tpls, err := LoadTemplates("site", template.FuncMap{})
	if err != nil {
		t.Fatal(err)
	}
	data := fragmentData{Year: "2026"}
	data.Agency.Name = `Dawn & <Dusk>`
	got, err := tpls.Fragment("home", "frame_footer", data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "<footer>") || !strings.Contains(string(got), "Dawn &amp; &lt;Dusk&gt;") {
		t.Errorf("footer fragment %q: want the footer, its agency escaped", got)
	}
	if _, err := tpls.Fragment("no-such-page", "frame_footer", data); err == nil {
		t.Error("a fragment of an unknown page rendered")
	}
	if _, err := tpls.Fragment("home", "frame_none", data); err == nil {
		t.Error("an unknown fragment rendered")
	}
}
