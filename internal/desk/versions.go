package desk

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

type versionsPage struct {
	page
	StoryID   int64
	Headline  string
	StoryLang lang.Language
	Versions  []versionRow
	Shown     *story.Version
	ShownS    string
	ShownBody template.HTML
	Audio     audioPanel // the voice-over of each version: audio.go
}

type versionRow struct {
	Number, Prev  int
	NumberS       string
	At, ISO, Note string
	Killed        bool
}

// versions lists a story's published versions, and shows one of them.
func (d *Desk) versions(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := d.svc.Story(ctx, a, id) // checks that the user may see the story
	if err != nil {
		return err
	}
	vs, err := d.store.StoryVersions(ctx, id)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "stories")
	p.Title = p.T("desk.versions")
	sl, _ := lang.Get(st.Lang)
	zone := d.agencyZone(r)
	data := versionsPage{page: p, StoryID: id, Headline: st.Headline, StoryLang: sl}
	for _, v := range vs {
		data.Versions = append(data.Versions, versionRow{Number: v.Version, Prev: v.Version - 1, NumberS: strconv.Itoa(v.Version),
			At: p.Lang.FormatDateTime(v.PublishedAt.In(zone)), ISO: v.PublishedAt.UTC().Format(time.RFC3339),
			Note: v.CorrectionNote, Killed: v.Killed})
	}
	if data.Audio, err = d.audioPanel(r, &data.page, st); err != nil {
		return err
	}
	if r.PathValue("v") != "" {
		n, err := strconv.Atoi(r.PathValue("v"))
		if err != nil || n < 1 {
			return web.NotFound(nil)
		}
		v, err := d.store.StoryVersion(ctx, id, n)
		if err != nil {
			return err
		}
		data.Shown, data.ShownS = &v, strconv.Itoa(n)
		shown := st
		shown.Headline, shown.Body, shown.Dateline, shown.Summary = v.Headline, v.Body, v.Dateline, v.Summary
		if data.ShownBody, err = d.preview(ctx, shown); err != nil {
			return err
		}
	}
	return d.tpl.Render(w, http.StatusOK, "versions", data)
}

type diffPage struct {
	page
	StoryID    int64
	StoryLang  lang.Language
	FromS, ToS string
	Fields     []diffField
}

type diffField struct {
	Label string
	HTML  template.HTML
}

// diff compares two versions field by field, at the level of characters
// cleaned up to whole words and phrases (diff-match-patch's semantic
// cleanup), which works for every script, Chinese included.
func (d *Desk) diff(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := d.svc.Story(ctx, a, id)
	if err != nil {
		return err
	}
	from, err1 := strconv.Atoi(r.URL.Query().Get("from"))
	to, err2 := strconv.Atoi(r.URL.Query().Get("to"))
	if err1 != nil || err2 != nil || from < 1 || to < 1 {
		return web.NotFound(nil)
	}
	vf, err := d.store.StoryVersion(ctx, id, from)
	if err != nil {
		return err
	}
	vt, err := d.store.StoryVersion(ctx, id, to)
	if err != nil {
		return err
	}
	p := d.page(r, a.User, "stories")
	p.Title = p.T("desk.diff_title", "from", strconv.Itoa(from), "to", strconv.Itoa(to))
	sl, _ := lang.Get(st.Lang)
	data := diffPage{page: p, StoryID: id, StoryLang: sl, FromS: strconv.Itoa(from), ToS: strconv.Itoa(to)}
	for _, f := range []struct{ label, a, b string }{
		{p.T("desk.headline"), vf.Headline, vt.Headline},
		{p.T("desk.summary"), vf.Summary, vt.Summary},
		{p.T("desk.dateline_place"), vf.Dateline.Place, vt.Dateline.Place},
		{p.T("desk.body"), vf.Body, vt.Body},
	} {
		data.Fields = append(data.Fields, diffField{Label: f.label, HTML: diffHTML(f.a, f.b)})
	}
	return d.tpl.Render(w, http.StatusOK, "diff", data)
}

// diffHTML marks deletions and insertions between a and b, escaping all
// text. It compares whole words, as editors read changes, except in Chinese
// and Japanese, which have no spaces: there each character is a word.
func diffHTML(a, b string) template.HTML {
	ta, tb := diffTokens(a), diffTokens(b)
	// diff-match-patch compares runes: give every distinct token a rune of
	// the private-use planes, diff those, and map back.
	ids := map[string]rune{}
	var words []string
	encode := func(toks []string) ([]rune, bool) {
		out := make([]rune, len(toks))
		for i, t := range toks {
			r, ok := ids[t]
			if !ok {
				if len(words) >= 0xFFFD {
					return nil, false
				}
				r = rune(0xF0000 + len(words))
				ids[t] = r
				words = append(words, t)
			}
			out[i] = r
		}
		return out, true
	}
	ra, ok1 := encode(ta)
	rb, ok2 := encode(tb)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = time.Second // a pathological pair gives a coarser diff, not a stuck request
	var diffs []diffmatchpatch.Diff
	if ok1 && ok2 {
		diffs = dmp.DiffMainRunes(ra, rb, false)
		for i := range diffs {
			var sb strings.Builder
			for _, r := range diffs[i].Text {
				sb.WriteString(words[r-0xF0000])
			}
			diffs[i].Text = sb.String()
		}
	} else { // more distinct words than runes to stand for them: compare characters
		diffs = dmp.DiffCleanupSemantic(dmp.DiffMain(a, b, false))
	}
	var sb strings.Builder
	for _, df := range diffs {
		text := template.HTMLEscapeString(df.Text)
		switch df.Type {
		case diffmatchpatch.DiffInsert:
			sb.WriteString("<ins>" + text + "</ins>")
		case diffmatchpatch.DiffDelete:
			sb.WriteString("<del>" + text + "</del>")
		default:
			sb.WriteString(text)
		}
	}
	return template.HTML(sb.String())
}

// diffTokens splits text into words (letters, marks and digits), single
// CJK characters, and runs of everything else.
func diffTokens(s string) []string {
	var out []string
	start, kind := 0, 0 // kind: 1 word, 2 other
	for i, r := range s {
		k := 2
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			k = 3 // a token of its own
		case unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsDigit(r) || r == '\u200c':
			k = 1
		}
		if i > start && (k != kind || k == 3) {
			out = append(out, s[start:i])
			start = i
		}
		kind = k
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
