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

// The story template's blocks as they were before story_meta.go wrote
// them, and the layout's alternates.
var (
	oldMeta = template.Must(template.New("meta").Parse(`
<meta property="og:title" content="{{.Story.Headline}}">
<meta property="og:type" content="article">
{{- with .Canonical}}
<meta property="og:url" content="{{.}}">
{{- end}}
{{- with .Story.Summary}}
<meta property="og:description" content="{{.}}">
{{- end}}
{{- with .Lead}}
<meta property="og:image" content="{{.URL}}">
<meta property="og:image:type" content="{{.URLType}}">
<meta property="og:image:width" content="{{.URLWidth}}">
<meta property="og:image:height" content="{{.URLHeight}}">
{{- with .Alt}}
<meta property="og:image:alt" content="{{.}}">
{{- end}}
{{- end}}
{{- range .LocaleAlternates}}
<meta property="og:locale:alternate" content="{{.}}">
{{- end}}
<meta property="article:published_time" content="{{.PublishedISO}}">
<meta property="article:modified_time" content="{{.ModifiedISO}}">
<meta property="article:section" content="{{.SectionName}}">
{{- range .Tags}}
<meta property="article:tag" content="{{.}}">
{{- end}}
<meta name="twitter:card" content="{{if .Lead}}summary_large_image{{else}}summary{{end}}">
<meta name="twitter:title" content="{{.Story.Headline}}">
{{- with .Story.Summary}}
<meta name="twitter:description" content="{{.}}">
{{- end}}
<script type="application/ld+json">{{.JSONLD}}</script>`))
	oldAlternates = template.Must(template.New("alternates").Parse(`<head>
{{- range .}}
<link rel="alternate" hreflang="{{.Hreflang}}" href="{{.Href}}">
{{- end}}
</head>`))
	oldTranslations = template.Must(template.New("translations").Parse(`<ul>
{{- range .}}
<li><a href="{{.URL}}" lang="{{.Tag}}" dir="{{.Dir}}" hreflang="{{.Tag}}">{{.Name}}</a></li>
{{- end}}
</ul>`))
)

// TestStoryMetaAsTemplates: a story page's metadata, alternates and
// translations list, with hostile and unusual values, come out exactly as
// the template blocks wrote them.
func TestStoryMetaAsTemplates(t *testing.T) {
	hostile := []string{
		"", "plain", `"quoted" & 'single' <b>bold</b>`, "a+b=c", "nul\x00byte", "اردو میں سرخی", "中文标题",
		"</script><script>alert(1)</script>", "tab\tand\nnewline", "\xff invalid UTF-8", "url=javascript:alert(1)",
	}
	urls := []string{
		"https://news.example.org/ur/world/7-%DA%AF", "/zh/world/9-中文", "javascript:alert(1)", "https://x.org/a?b=c&d=e+f",
		`/x/"><script>`, "/a%41b%zz%4", "data:text/html,hi", "",
	}
	jsonld := []template.JS{``, `{"@context":"https://schema.org","headline":"\u003c/script\u003e"}`}
	for i, text := range hostile {
		other := hostile[(i+3)%len(hostile)]
		for j, u := range urls {
			var lead *figure
			if j%3 != 2 {
				lead = &figure{URL: u, URLType: other, URLWidth: 1600 + i, URLHeight: j, Alt: hostile[(i+j)%len(hostile)]}
			}
			d := storyPage{page: page{Canonical: u}, Story: storyView{Headline: text, Summary: other},
				Lead: lead, LocaleAlternates: []string{"ur_PK", text}, PublishedISO: text, ModifiedISO: other,
				SectionName: other, Tags: hostile[:i], JSONLD: jsonld[(i+j)%2]}
			asTemplate(t, oldMeta, &d, string(storyMeta(&d)))
			alts := []alternate{{Hreflang: text, Href: u}, {Hreflang: "x-default", Href: urls[(j+1)%len(urls)]}}
			asTemplate(t, oldAlternates, alts, "<head>"+string(page{Alternates: alts}.AlternateLinks())+"\n</head>")
			links := []navLink{{URL: u, Tag: text, Dir: "rtl", Name: other}, {URL: "/en/", Tag: "en", Dir: "ltr", Name: "English"}}
			asTemplate(t, oldTranslations, links, "<ul>"+string(translationLinks(links))+"\n</ul>")
		}
	}
	if got := (page{}).AlternateLinks(); got != "" {
		t.Errorf("no alternates: %q", got)
	}
}

// asTemplate fails t unless got is what tpl writes for data.
func asTemplate(t *testing.T, tpl *template.Template, data any, got string) {
	t.Helper()
	var want strings.Builder
	if err := tpl.Execute(&want, data); err != nil {
		t.Fatal(err)
	}
	if got != want.String() {
		t.Errorf("%s for %+v:\n got %s\nwant %s", tpl.Name(), data, got, want.String())
	}
}
