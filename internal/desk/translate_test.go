package desk_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store/storetest"
	"github.com/qasid/qasid/internal/story"
)

// upload posts a file as the "file" part of a multipart form.
func (c *client) upload(path, name, content string) response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	req, _ := http.NewRequest("POST", c.f.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

func TestTranslationPages(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	ctx := context.Background()
	ed := f.login(t, auth.RoleEditor)
	tr := f.login(t, auth.RoleTranslator)
	rep := f.login(t, auth.RoleReporter)

	src := story.Story{Lang: "en", Section: "world", Headline: "Talks resume in Doha", Body: "Delegations met again on Sunday.\n\n## Next steps\n\nA second round is planned.\n"}
	a := newsroom.Actor{User: f.users[auth.RoleEditor], IP: "127.0.0.1"}
	if err := f.svc.Create(ctx, a, &src); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Publish(ctx, a, src.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(src.ID, 10)
	page := ed.get("/desk/stories/" + id)
	if !strings.Contains(page.body, `class="translate-to"`) || !strings.Contains(page.body, `value="ur"`) {
		t.Fatal("an editor does not see the translate-to form on a published story")
	}
	if r := rep.get("/desk/stories/" + id); strings.Contains(r.body, `class="translate-to"`) {
		t.Error("a reporter sees the translate-to form")
	}
	due := time.Now().Add(-time.Hour).In(karachi(t)).Format("2006-01-02T15:04") // already overdue
	r := ed.post("/desk/stories/"+id+"/translations", url.Values{"lang": {"ur", "zh"}, "assignee": {strconv.FormatInt(f.users[auth.RoleTranslator].ID, 10)}, "due": {due}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("start translations: %d %.300s", r.status, r.body)
	}
	if r := rep.post("/desk/stories/"+id+"/translations", url.Values{"lang": {"fr"}}); r.status != http.StatusForbidden {
		t.Errorf("reporter starting a translation: %d, want 403", r.status)
	}
	if r := ed.post("/desk/stories/"+id+"/translations", url.Values{}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("no language chosen: %d, want 422", r.status)
	}

	q := tr.get("/desk/queue")
	if q.status != 200 || strings.Count(q.body, `class="overdue"`) != 2 {
		t.Errorf("queue: %d with %d overdue rows, want 2", q.status, strings.Count(q.body, `class="overdue"`))
	}
	if d := ed.get("/desk/dashboard"); d.status != 200 || !strings.Contains(d.body, "<table class=\"dashboard\">") {
		t.Errorf("dashboard: %d", d.status)
	}
	ur := f.memberOf(t, src.FamilyID, "ur")
	ws := tr.get("/desk/stories/" + strconv.FormatInt(ur.ID, 10) + "/translate")
	if ws.status != 200 || !strings.Contains(ws.body, "Delegations met again on Sunday.") || !strings.Contains(ws.body, `name="t0"`) {
		t.Fatalf("workspace: %d", ws.status)
	}
	if strings.Contains(ws.body, `class="mt"`) {
		t.Error("a machine button without a configured provider")
	}
	// The French translator-less language stays missing on the overview.
	if !strings.Contains(ed.get("/desk/stories/"+id).body, "tstate-missing") {
		t.Error("the family overview shows no missing language")
	}
	save := url.Values{"do": {"save"}, "t0": {"دوحہ میں مذاکرات دوبارہ شروع"}, "t1": {""}, "t2": {"وفود اتوار کو پھر ملے۔"}}
	if r := tr.post("/desk/stories/"+strconv.FormatInt(ur.ID, 10)+"/translate", save); r.status != http.StatusSeeOther {
		t.Fatalf("save segments: %d %.300s", r.status, r.body)
	}
	st, _ := f.db.Story(ctx, ur.ID)
	if st.Headline != "دوحہ میں مذاکرات دوبارہ شروع" || !strings.Contains(st.Body, "وفود اتوار کو پھر ملے۔") {
		t.Errorf("saved draft: %q %q", st.Headline, st.Body)
	}
	if r := rep.post("/desk/stories/"+strconv.FormatInt(ur.ID, 10)+"/translate", save); r.status != http.StatusForbidden {
		t.Errorf("reporter saving a translation: %d, want 403", r.status)
	}
	if r := tr.post("/desk/stories/"+strconv.FormatInt(ur.ID, 10)+"/translate/mt?index=0", nil); r.status != http.StatusNotFound {
		t.Errorf("machine translation without a provider: %d, want 404", r.status)
	}

	// Memory and glossary: editors only; bad files are refused whole.
	if r := tr.get("/desk/memory"); r.status != http.StatusForbidden {
		t.Errorf("translator on the memory page: %d, want 403", r.status)
	}
	tmx := `<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" datatype="plaintext" segtype="sentence" adminlang="en" srclang="en" o-tmf="t"/>
<body><tu><tuv xml:lang="en"><seg>A second round is planned.</seg></tuv><tuv xml:lang="ur"><seg>دوسرے دور کا منصوبہ ہے۔</seg></tuv></tu></body></tmx>`
	if r := ed.upload("/desk/memory/tmx", "m.tmx", tmx); r.status != http.StatusSeeOther {
		t.Fatalf("TMX import: %d %.300s", r.status, r.body)
	}
	bad := strings.Replace(tmx, "</tu></body>", "</tu><tu><tuv xml:lang=\"en\"><seg>Only a source.</seg></tuv></tu></body>", 1)
	r = ed.upload("/desk/memory/tmx", "bad.tmx", bad)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "line") {
		t.Errorf("malformed TMX: %d, want 422 naming the line: %.400s", r.status, r.body)
	}
	n, _ := f.db.CountUnits(ctx)
	if n != 1 {
		t.Errorf("%d units after a good and a bad import, want 1", n)
	}
	exp := ed.get("/desk/memory/tmx?src=en&tgt=ur")
	if exp.status != 200 || !strings.Contains(exp.body, "دوسرے دور کا منصوبہ ہے۔") || !strings.Contains(exp.header.Get("Content-Disposition"), "qasid-memory-en-ur.tmx") {
		t.Errorf("TMX export: %d %q", exp.status, exp.header.Get("Content-Disposition"))
	}
	if r := ed.post("/desk/memory/glossary", url.Values{"src_lang": {"en"}, "tgt_lang": {"ur"}, "source": {"Doha"}, "target": {"دوحہ"}}); r.status != http.StatusSeeOther {
		t.Fatalf("add term: %d %.300s", r.status, r.body)
	}
	csv := "src_lang,tgt_lang,source,target,note\nen,zh,Doha,多哈,\n"
	if r := ed.upload("/desk/memory/glossary.csv", "g.csv", csv); r.status != http.StatusSeeOther {
		t.Fatalf("CSV import: %d %.300s", r.status, r.body)
	}
	if r := ed.upload("/desk/memory/glossary.csv", "g.csv", "src_lang,tgt_lang,source,target\nen,xx,Doha,?\n"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "line 2") {
		t.Errorf("malformed CSV: %d %.300s", r.status, r.body)
	}
	g := ed.get("/desk/memory/glossary.csv")
	if g.status != 200 || !strings.Contains(g.body, "en,ur,Doha,دوحہ") || !strings.Contains(g.body, "en,zh,Doha,多哈") {
		t.Errorf("glossary export: %d %q", g.status, g.body)
	}
	// The workspace now warns of the term when a segment mentions Doha.
	ws = tr.get("/desk/stories/" + strconv.FormatInt(ur.ID, 10) + "/translate")
	if !strings.Contains(ws.body, "دوحہ") || !strings.Contains(ws.body, `class="terms"`) {
		t.Error("the workspace does not show the glossary term for a segment that has it")
	}
}
