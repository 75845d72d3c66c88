package site

import (
	"context"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/related"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

type storyPage struct {
	page
	Story                   storyView
	SectionName, SectionURL string
	Body                    template.HTML
	Published, PublishedISO string
	Updated, UpdatedISO     string
	Corrections             []correction
	Tags                    []string
	Translations            []navLink
	Related                 []card // "Related stories": see relatedCards

	// The voice-over's player (audio.go); nil when there is none.
	Audio *audioView

	// The family's lead photo in the story's language (media.go); nil
	// when there is none.
	Lead *figure

	// For the head: schema.org NewsArticle as JSON-LD, Open Graph's
	// og:locale:alternate values, and the time of the latest version.
	JSONLD           template.JS
	LocaleAlternates []string
	ModifiedISO      string

	// Written in Go (story_meta.go): the "meta" block and the items of
	// the translations list.
	Meta             template.HTML
	TranslationLinks template.HTML
}

type storyView struct {
	Headline, Summary, Byline string
	Tag, Dir                  string
}

type correction struct{ Date, Note string }

// parseStoryRef reads the "{id}-{slug}" path segment; the id is what counts.
func parseStoryRef(seg string) (int64, bool) {
	digits := seg
	if i := strings.IndexByte(seg, '-'); i >= 0 {
		digits = seg[:i]
	}
	if digits == "" || len(digits) > 18 {
		return 0, false
	}
	for _, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil && id > 0
}

// story shows one published story. The id decides; a wrong language,
// section or slug redirects to the canonical URL, an unpublished story is
// not found, and a killed one is gone.
func (s *Site) story(w http.ResponseWriter, r *http.Request) error {
	l, ok := s.pageLang(r)
	if !ok {
		return web.NotFound(nil)
	}
	id, ok := parseStoryRef(r.PathValue("story"))
	if !ok {
		return web.NotFound(fmt.Errorf("bad story reference %q", r.PathValue("story")))
	}
	ctx := r.Context()
	now := s.now()
	// Readers see the latest published version, not the working copy: the
	// story as its family's public member, read with the family at once.
	family, err := s.store.PublicFamilyOf(ctx, id, now)
	if err != nil {
		return err
	}
	var st story.Story
	published := map[string]story.Story{}
	for _, m := range family {
		published[m.Lang] = m
		if m.ID == id {
			st = m
		}
	}
	if st.ID == 0 {
		// Not public: gone if it was killed, else (a draft, an embargo)
		// as if it did not exist.
		if cur, cerr := s.store.Story(ctx, id); cerr == nil && cur.Status == story.StatusKilled {
			return &web.Error{Status: http.StatusGone, Public: "gone"}
		}
		return web.NotFound(fmt.Errorf("story %d is not public", id))
	}
	canonical := render.StoryPath(st)
	if r.URL.Path != canonical {
		http.Redirect(w, r, escapePath(canonical), http.StatusMovedPermanently)
		return nil
	}

	p, err := s.frame(ctx, l, st.Section, func(code string) string {
		if m, ok := published[code]; ok {
			return render.StoryPath(m)
		}
		return "/" + code + "/"
	})
	if err != nil {
		return err
	}
	sl, _ := lang.Get(st.Lang)
	p.Title = st.Headline + " – " + p.Agency.Name
	p.Desc = st.Summary
	p.Canonical = s.baseURL + escapePath(canonical)
	p.OGType = "article"
	data := storyPage{page: p,
		Story:        storyView{Headline: st.Headline, Summary: st.Summary, Byline: st.Byline, Tag: sl.Tag, Dir: sl.Dir},
		SectionURL:   "/" + l.Code + "/" + st.Section + "/",
		Tags:         st.Tags,
		Published:    l.FormatDateTime(st.PublishedAt.In(p.zone)),
		PublishedISO: st.PublishedAt.UTC().Format(time.RFC3339),
	}
	if sec, ok := findSection(p.sections, st.Section); ok {
		data.SectionName = sectionName(sec, l.Code)
	} else {
		data.SectionName = st.Section
	}

	// Alternates: every published translation, this page included, and
	// x-default pointing at the original, the same set the sitemaps list.
	for _, a := range s.familyLinks(family) {
		data.Alternates = append(data.Alternates, alternate{Hreflang: a.Hreflang, Href: a.Href})
	}
	for _, o := range lang.All() {
		if m, ok := published[o.Code]; ok && o.Code != l.Code {
			data.Translations = append(data.Translations, navLink{Code: o.Code, Tag: o.Tag, Dir: o.Dir, Name: o.Name, URL: render.StoryPath(m)})
			data.LocaleAlternates = append(data.LocaleAlternates, o.OGLocale)
		}
	}

	modified := st.PublishedAt
	if st.Version > 1 {
		versions, err := s.store.StoryVersions(ctx, st.ID)
		if err != nil {
			return err
		}
		for _, v := range versions {
			if v.Version > 1 && v.CorrectionNote != "" {
				data.Corrections = append(data.Corrections, correction{Date: l.FormatDate(v.PublishedAt.In(p.zone)), Note: v.CorrectionNote})
			}
		}
		last := versions[len(versions)-1]
		data.Updated = l.FormatDateTime(last.PublishedAt.In(p.zone))
		data.UpdatedISO = last.PublishedAt.UTC().Format(time.RFC3339)
		modified = last.PublishedAt
	}

	body, err := s.storyBody(ctx, l, st, p.Agency.Credit, p.zone, now)
	if err != nil {
		return err
	}
	data.Body = body
	if data.Audio, err = s.storyAudio(ctx, l, st); err != nil {
		return err
	}
	if data.Lead, err = s.leadFigure(ctx, st); err != nil {
		return err
	}
	if data.Related, err = s.relatedCards(ctx, p, st, now); err != nil {
		return err
	}
	data.ModifiedISO = modified.UTC().Format(time.RFC3339)
	data.JSONLD, err = s.newsArticle(st, articleInfo{Family: family, Agency: p.agency, Section: data.SectionName,
		Zone: p.zone, Dateline: datelineText(l, st, p.Agency.Credit, p.zone, now), Modified: modified, Image: data.Lead})
	if err != nil {
		return err
	}
	data.Meta = storyMeta(&data)
	data.TranslationLinks = translationLinks(data.Translations)
	return s.tpl.Render(w, http.StatusOK, "story", data)
}

// storyBody renders a story's body in language l with its dateline at the
// start, as the public page shows it.
func (s *Site) storyBody(ctx context.Context, l lang.Language, st story.Story, credit string, zone *time.Location, now time.Time) (template.HTML, error) {
	body, err := s.renderBody(ctx, l, st, now)
	if err != nil {
		return "", err
	}
	return withDateline(body, datelineText(l, st, credit, zone, now)), nil
}

// datelineText is a story's dateline as printed, "" for a story without
// one. A place without a date takes the day of publication (or today, for
// a preview) in the agency's zone.
func datelineText(l lang.Language, st story.Story, credit string, zone *time.Location, now time.Time) string {
	dl := st.Dateline.Date
	if dl.IsZero() && st.Dateline.Place == "" {
		return ""
	}
	day := time.Date(dl.Year, dl.Month, dl.Day, 12, 0, 0, 0, time.UTC)
	if dl.IsZero() {
		day = now.In(zone)
		if !st.PublishedAt.IsZero() {
			day = st.PublishedAt.In(zone)
		}
	}
	return l.FormatDateline(st.Dateline.Place, day, credit)
}

// Preview renders a story's body exactly as its public page would, in the
// story's own language: the desk's live preview.
func (s *Site) Preview(ctx context.Context, st story.Story) (template.HTML, error) {
	l, ok := lang.Get(st.Lang)
	if !ok {
		return "", fmt.Errorf("site: preview: unknown language %q", st.Lang)
	}
	src, err := s.source(ctx)
	if err != nil {
		return "", err
	}
	return s.storyBody(ctx, l, st, src.agency.Text[l.Code].Credit, src.zone, s.now())
}

// withDateline puts the dateline at the start of the first paragraph, as
// agencies print it; a body that opens with a heading gets it on its own.
func withDateline(body template.HTML, dateline string) template.HTML {
	if dateline == "" {
		return body
	}
	span := `<span class="dateline">` + template.HTMLEscapeString(dateline) + `</span> `
	if b := string(body); strings.HasPrefix(b, "<p>") {
		return template.HTML("<p>" + span + b[len("<p>"):])
	}
	return template.HTML(`<p class="dateline-only">` + span + `</p>` + string(body))
}

// renderBody renders the body in the page's language, as every output does.
func (s *Site) renderBody(ctx context.Context, l lang.Language, st story.Story, now time.Time) (template.HTML, error) {
	return s.render.Body(ctx, l.Code, st.Body, now)
}

// relatedCards is the story page's "Related stories" block: the editors'
// pins, then the stories most like st in its language, as readers may see
// them at now, from the list stored for st (related.ForPage). Without a
// search index or a stored list the pins alone are shown. The page prints
// their headlines, so it depends on their families: a kill or a
// correction of one drops the cached page at once. A pin, an exclusion,
// and a stored list that changed (a new story like this one) append a
// related change, which drops it too.
func (s *Site) relatedCards(ctx context.Context, p page, st story.Story, now time.Time) ([]card, error) {
	cards := memoCards{Store: s.store, s: s, seq: p.seq}
	list, err := related.New(related.Options{Store: cards, Index: s.search, Log: s.log}).ForPage(ctx, st, now)
	if err != nil {
		return nil, err
	}
	for _, o := range list {
		render.Depend(ctx, "family:"+strconv.FormatInt(o.FamilyID, 10))
	}
	return s.cards(p, list), nil
}
