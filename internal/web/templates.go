package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed templates
var templateFiles embed.FS

// Templates holds one parsed template set per page, each made of the shared
// layout plus the page's own file, parsed once at start.
type Templates struct {
	pages map[string]*template.Template
}

// LoadTemplates parses one set of templates, templates/SET/: its
// layout.html with every other file of the folder as a page. The public
// site and the desk are two sets. funcs are the helpers the templates call.
func LoadTemplates(set string, funcs template.FuncMap) (*Templates, error) {
	t := &Templates{pages: map[string]*template.Template{}}
	dir := "templates/" + set + "/"
	names, err := fs.Glob(templateFiles, dir+"*.html")
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("web: no templates in %s: %v", dir, err)
	}
	for _, p := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(p, dir), ".html")
		if name == "layout" {
			continue
		}
		tpl, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, dir+"layout.html", p)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		t.pages[name] = tpl
	}
	return t, nil
}

// Render executes a page into a buffer first, so that a failing template
// never sends half a page, then writes it with the given status.
func (t *Templates) Render(w http.ResponseWriter, status int, page string, data any) error {
	tpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	var buf bytes.Buffer
	if err := tpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("web: render %s: %w", page, err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
