package site

import (
	"html/template"
	"net/url"
	"strings"
	"testing"

	"github.com/qasid/qasid/internal/lang"
)

// The markup the layout wrote before the card and the switcher were
// written in Go: what they write must stay byte for byte the same.
var (
	oldCard = template.Must(template.New("card").Parse(`<li class="card">
<h3 lang="{{.Tag}}" dir="{{.Dir}}"><a href="{{.URL}}">{{.Headline}}</a></h3>
{{- with .Summary}}
<p lang="{{$.Tag}}" dir="{{$.Dir}}">{{.}}</p>
{{- end}}
<div class="meta">{{with .LangName}}<span class="lang-badge">{{.}}</span>{{end}}<time datetime="{{.ISO}}">{{.Date}}</time></div>
</li>`))
	oldMenu = template.Must(template.New("menu").Parse(`
{{- range .}}
<li><a href="{{.URL}}" lang="{{.Tag}}" dir="{{.Dir}}" hreflang="{{.Tag}}" data-lang="{{.Code}}"{{if .Current}} aria-current="true"{{end}}>{{.Name}}</a></li>
{{- end}}
`))
)

// TestEscapingAsTemplates: cards and the switcher, with hostile and
// unusual values, come out exactly as html/template wrote them.
func TestEscapingAsTemplates(t *testing.T) {
	hostile := []string{
		"", "plain", `"quoted" & 'single' <b>bold</b>`, "a+b=c", "nul\x00byte", "اردو میں سرخی", "中文标题",
		"</a><script>alert(1)</script>", "tab\tand\nnewline", "\xff invalid UTF-8",
	}
	urls := []string{
		"/en/world/12-slug", "/ur/world/7-گلیشیئر-پگھل-رہے", "/zh/world/9-中文", "javascript:alert(1)", "JavaScript:x",
		"https://example.org/a?b=c&d=e+f", "mailto:desk@example.org", "/a%41b%zz%4", `/x/"><script>`, "/p q'r(s)",
		"data:text/html,hi", "/path:with/colon", "//host/path", "/%E2%82%AC",
	}
	for i, u := range urls {
		for j, text := range hostile {
			c := card{Headline: text, Summary: hostile[(j+1)%len(hostile)], URL: u, Tag: "ur", Dir: "rtl",
				LangName: hostile[(j+i)%len(hostile)], Date: text, ISO: "2026-11-27T10:00:00Z"}
			var want strings.Builder
			if err := oldCard.Execute(&want, c); err != nil {
				t.Fatal(err)
			}
			if got := string(c.HTML()); got != want.String() {
				t.Errorf("card with URL %q, text %q:\n got %s\nwant %s", u, text, got, want.String())
			}
		}
	}
	ur, _ := lang.Get("ur")
	for _, dest := range append(urls, hostile...) {
		next := func(code string) string { return "/" + code + dest }
		var links []navLink
		for _, o := range lang.All() {
			links = append(links, navLink{Code: o.Code, Tag: o.Tag, Dir: o.Dir, Name: o.Name,
				URL: "/lang/" + o.Code + "?next=" + url.QueryEscape(next(o.Code)), Current: o.Code == ur.Code})
		}
		var want strings.Builder
		if err := oldMenu.Execute(&want, links); err != nil {
			t.Fatal(err)
		}
		// The layout writes "<ul>\n{{.Languages -}}</ul>" where it wrote
		// "<ul>\n{{- range}}...{{- end}}\n</ul>".
		got, old := "<ul>\n"+string(languageMenu(ur, next))+"</ul>", "<ul>"+want.String()+"</ul>"
		if got != old {
			t.Errorf("menu to %q:\n got %s\nwant %s", dest, got, old)
		}
	}
}
