// Command hugogen writes a Hugo site holding the same stories as a
// benchmark corpus (JSON Lines, see corpusgen), with a minimal multilingual
// layout: in each of seven languages a home page, section lists a page at a
// time, story pages, an RSS feed per list and a sitemap (Hugo's defaults).
// bench/run.sh times `hugo` building it next to `qasid bake` baking the
// same stories.
//
//	go run ./bench/hugogen -in /tmp/bench.jsonl -out /tmp/hugo-site
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

type article struct {
	ID        string  `json:"id"`
	Lang      string  `json:"lang"`
	Headline  string  `json:"headline"`
	Body      string  `json:"body"`
	Published *string `json:"published"`
	Section   *string `json:"section"`
}

var langs = []struct{ code, name, dir string }{
	{"en", "English", "ltr"}, {"ur", "اردو", "rtl"}, {"zh", "中文", "ltr"}, {"ar", "العربية", "rtl"},
	{"ru", "Русский", "ltr"}, {"fr", "Français", "ltr"}, {"es", "Español", "ltr"},
}

func main() {
	in := flag.String("in", "", "the corpus (JSON Lines)")
	out := flag.String("out", "", "the Hugo site folder to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "hugogen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	if in == "" || out == "" {
		return fmt.Errorf("-in and -out are required")
	}
	if err := writeSkeleton(out); err != nil {
		return err
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	n := 0
	for sc.Scan() {
		var a article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return fmt.Errorf("line %d: %w", n+1, err)
		}
		section := "world"
		if a.Section != nil && *a.Section != "" {
			section = safe(*a.Section)
		}
		date := "2024-07-02"
		if a.Published != nil && *a.Published != "" {
			date = *a.Published
		}
		dir := filepath.Join(out, "content", a.Lang, section)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		title, _ := json.Marshal(a.Headline) // a JSON string is a valid YAML string
		page := fmt.Sprintf("---\ntitle: %s\ndate: %s\n---\n\n%s\n", title, date, strings.ReplaceAll(a.Body, "\n", "\n\n"))
		if err := os.WriteFile(filepath.Join(dir, safe(a.ID)+".md"), []byte(page), 0o644); err != nil {
			return err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "hugogen: %d stories\n", n)
	return nil
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

func writeSkeleton(out string) error {
	var cfg strings.Builder
	// The same page sizes as Qasid's (site.sectionPerPage, site.feedItems),
	// so that both build the same number of list pages and feeds of the
	// same length: Hugo's defaults (10 a page, every story in every feed)
	// would make it build twice the list pages and feeds of 14,000 items.
	cfg.WriteString("baseURL = 'https://news.example.org/'\ndefaultContentLanguage = 'en'\ndefaultContentLanguageInSubdir = true\n" +
		"disableKinds = ['taxonomy', 'term']\npaginate = 20\nrssLimit = 50\n\n[languages]\n")
	for i, l := range langs {
		fmt.Fprintf(&cfg, "[languages.%s]\ncontentDir = 'content/%s'\nlanguageName = '%s'\nlanguageDirection = '%s'\nweight = %d\n", l.code, l.code, l.name, l.dir, i+1)
	}
	files := map[string]string{
		"hugo.toml": cfg.String(),
		"layouts/_default/baseof.html": `<!doctype html>
<html lang="{{ .Site.Language.Lang }}" dir="{{ .Site.Language.LanguageDirection }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body>
</html>
`,
		"layouts/_default/single.html": `{{ define "main" }}<article><h1>{{ .Title }}</h1><time>{{ .Date.Format "2006-01-02" }}</time>{{ .Content }}</article>{{ end }}
`,
		"layouts/_default/list.html": `{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`,
		"layouts/index.html": `{{ define "main" }}<ul>{{ range first 20 .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
`,
	}
	for name, body := range files {
		p := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
