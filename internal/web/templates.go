package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
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

// bufs holds render buffers between pages: a story page is some tens of
// kilobytes, and growing a fresh buffer to that size for every page cost
// a dozen allocations and copies of it.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps a rare huge page's buffer from being held for good.
const maxPooled = 1 << 20

// Render executes a page into a buffer first, so that a failing template
// never sends half a page, then writes it with the given status.
func (t *Templates) Render(w http.ResponseWriter, status int, page string, data any) error {
	tpl, ok := t.pages[page]
	if !ok {
		return fmt.Errorf("web: no template %q", page)
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooled {
			bufs.Put(buf)
		}
	}()
	if err := tpl.Execute(buf, data); err != nil {
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

// Fragment executes one template that the layout defines (any page's set
// holds it) and returns what it wrote, for a part many pages share and a
// caller renders once. It is escaped in the context of HTML text, so it
// belongs only where the layout inserts it in that context.
func (t *Templates) Fragment(page, name string, data any) (template.HTML, error) {
	tpl, ok := t.pages[page]
	if !ok {
		return "", fmt.Errorf("web: no template %q", page)
	}
	var b strings.Builder
	if err := tpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("web: render %s of %s: %w", name, page, err)
	}
	return template.HTML(b.String()), nil
}
