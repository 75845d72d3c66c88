package desk

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/memory"
	"github.com/qasid/qasid/internal/newsroom"
)

type memoryPage struct {
	page
	Units                               int
	Src, Tgt                            string
	LangOptions, SrcOptions, TgtOptions []option
	Terms                               []termRow
}

type termRow struct {
	ID                                     int64
	SrcLang, TgtLang, Source, Target, Note string
	SrcTag, SrcDir, TgtTag, TgtDir         string
}

// memory shows the translation memory and the glossary to editors.
func (d *Desk) memory(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return forbidden()
	}
	ctx := r.Context()
	src, tgt := langParam(r, "src"), langParam(r, "tgt")
	terms, err := d.tr.Terms(ctx, src, tgt)
	if err != nil {
		return err
	}
	units, err := d.store.CountUnits(ctx)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "memory")
	p.Title = p.T("desk.memory_title")
	data := memoryPage{page: p, Units: units, Src: src, Tgt: tgt, LangOptions: langOptions(""),
		SrcOptions: langOptions(src), TgtOptions: langOptions(tgt)}
	for _, t := range terms {
		sl, _ := lang.Get(t.SrcLang)
		tl, _ := lang.Get(t.TgtLang)
		data.Terms = append(data.Terms, termRow{ID: t.ID, SrcLang: t.SrcLang, TgtLang: t.TgtLang, Source: t.Source, Target: t.Target,
			Note: t.Note, SrcTag: sl.Tag, SrcDir: sl.Dir, TgtTag: tl.Tag, TgtDir: tl.Dir})
	}
	return d.tpl.Render(w, http.StatusOK, "memory", data)
}

// langParam is a language code from the query, or "" for any.
func langParam(r *http.Request, name string) string {
	if l, ok := lang.Get(r.FormValue(name)); ok {
		return l.Code
	}
	return ""
}

// uploaded opens the "file" part of a multipart form. The whole request is
// already capped by limitBody.
func uploaded(r *http.Request) (io.ReadCloser, error) {
	f, _, err := r.FormFile("file")
	if err != nil {
		return nil, errInputf("no file was uploaded")
	}
	return f, nil
}

func (d *Desk) importTMX(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	f, err := uploaded(r)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := d.tr.ImportTMX(r.Context(), a, f); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/memory?done=imported", http.StatusSeeOther)
	return nil
}

func (d *Desk) exportTMX(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return forbidden()
	}
	src, tgt := langParam(r, "src"), langParam(r, "tgt")
	w.Header().Set("Content-Type", "application/x-tmx+xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="qasid-memory%s.tmx"`, pairSuffix(src, tgt)))
	return d.tr.ExportTMX(r.Context(), w, src, tgt)
}

func pairSuffix(src, tgt string) string {
	var parts []string
	for _, s := range []string{src, tgt} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "-" + strings.Join(parts, "-")
}

func (d *Desk) addTerm(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	t := memory.Term{SrcLang: r.PostForm.Get("src_lang"), TgtLang: r.PostForm.Get("tgt_lang"),
		Source: strings.TrimSpace(r.PostForm.Get("source")), Target: strings.TrimSpace(r.PostForm.Get("target")),
		Note: strings.TrimSpace(r.PostForm.Get("note"))}
	if err := d.tr.AddTerm(r.Context(), a, t); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/memory?done=term_added&src="+t.SrcLang+"&tgt="+t.TgtLang, http.StatusSeeOther)
	return nil
}

func (d *Desk) deleteTerm(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := d.tr.DeleteTerm(r.Context(), a, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/memory?done=term_deleted", http.StatusSeeOther)
	return nil
}

func (d *Desk) importGlossary(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	f, err := uploaded(r)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := d.tr.ImportGlossary(r.Context(), a, f)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/desk/memory?done=imported&n="+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

func (d *Desk) exportGlossary(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if !auth.Can(a.User, auth.ActionTranslateMemory) {
		return forbidden()
	}
	src, tgt := langParam(r, "src"), langParam(r, "tgt")
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="qasid-glossary%s.csv"`, pairSuffix(src, tgt)))
	return d.tr.ExportGlossary(r.Context(), w, src, tgt)
}
