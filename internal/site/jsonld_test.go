package site_test

import (
	"context"
	"encoding/json"
	"github.com/qasid/qasid/internal/render"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

var (
	ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
	metaTag  = regexp.MustCompile(`<meta (?:property|name)="([^"]+)" content="([^"]*)">`)
)

type article struct {
	Context          string `json:"@context"`
	Type             string `json:"@type"`
	Headline         string `json:"headline"`
	Description      string `json:"description"`
	URL              string `json:"url"`
	MainEntityOfPage struct {
		Type string `json:"@type"`
		ID   string `json:"@id"`
	} `json:"mainEntityOfPage"`
	DatePublished string `json:"datePublished"`
	DateModified  string `json:"dateModified"`
	Author        struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	} `json:"author"`
	Publisher struct {
		Type string `json:"@type"`
		Name string `json:"name"`
		Logo struct {
			Type string `json:"@type"`
			URL  string `json:"url"`
		} `json:"logo"`
	} `json:"publisher"`
	InLanguage          string   `json:"inLanguage"`
	Dateline            string   `json:"dateline"`
	ArticleSection      string   `json:"articleSection"`
	Keywords            []string `json:"keywords"`
	IsAccessibleForFree *bool    `json:"isAccessibleForFree"`
	TranslationOfWork   *struct {
		ID         string `json:"@id"`
		InLanguage string `json:"inLanguage"`
	} `json:"translationOfWork"`
	WorkTranslation []struct {
		ID string `json:"@id"`
	} `json:"workTranslation"`
	Image any `json:"image"`
}

// parsePage reads the JSON-LD and the meta tags back from a story page.
func parsePage(t *testing.T, body string) (article, map[string][]string) {
	t.Helper()
	scripts := ldScript.FindAllStringSubmatch(body, -1)
	if len(scripts) != 1 {
		t.Fatalf("%d JSON-LD scripts, want 1", len(scripts))
	}
	var a article
	if err := json.Unmarshal([]byte(scripts[0][1]), &a); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, scripts[0][1])
	}
	meta := map[string][]string{}
	for _, m := range metaTag.FindAllStringSubmatch(body, -1) {
		meta[m[1]] = append(meta[m[1]], html.UnescapeString(m[2]))
	}
	return a, meta
}

func TestStoryStructuredData(t *testing.T) {
	f := fixtureAt(t, demoNow)
	sectionNames := map[string]string{"en": "World", "ur": "دنیا", "zh": "国际", "ar": "العالم", "ru": "В мире", "fr": "Monde", "es": "Mundo"}
	for _, l := range lang.All() {
		t.Run(l.Code, func(t *testing.T) {
			st := f.member(t, "01-xi-astana-state-visit", l.Code)
			path := render.StoryPath(st)
			canonical := origin + (&url.URL{Path: path}).EscapedPath()
			r := f.get(t, path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: %d", path, r.status)
			}
			a, meta := parsePage(t, r.body)
			if a.Context != "https://schema.org" || a.Type != "NewsArticle" || a.Headline != st.Headline || a.Description != st.Summary {
				t.Errorf("article %q %q headline %q", a.Context, a.Type, a.Headline)
			}
			if a.InLanguage != l.Tag || a.ArticleSection != sectionNames[l.Code] || a.URL != canonical ||
				a.MainEntityOfPage.ID != canonical || a.MainEntityOfPage.Type != "WebPage" {
				t.Errorf("inLanguage %q section %q url %q mainEntityOfPage %+v", a.InLanguage, a.ArticleSection, a.URL, a.MainEntityOfPage)
			}
			pub, err := time.Parse(time.RFC3339, a.DatePublished)
			if err != nil || !pub.Equal(st.PublishedAt) || !strings.HasSuffix(a.DatePublished, "+05:00") {
				t.Errorf("datePublished %q, want %v in the agency's zone", a.DatePublished, st.PublishedAt)
			}
			if mod, err := time.Parse(time.RFC3339, a.DateModified); err != nil || mod.Before(pub) {
				t.Errorf("dateModified %q", a.DateModified)
			}
			if a.Author.Type != "Person" || a.Author.Name != st.Byline {
				t.Errorf("author %+v, want the byline %q", a.Author, st.Byline)
			}
			if a.Publisher.Type != "NewsMediaOrganization" || a.Publisher.Name == "" || a.Publisher.Logo.Type != "ImageObject" {
				t.Errorf("publisher %+v", a.Publisher)
			}
			if logo := f.get(t, local(t, a.Publisher.Logo.URL)); logo.status != 200 || logo.header.Get("Content-Type") != "image/svg+xml" {
				t.Errorf("logo %s: %d %q", a.Publisher.Logo.URL, logo.status, logo.header.Get("Content-Type"))
			}
			if a.IsAccessibleForFree == nil || !*a.IsAccessibleForFree || a.Image != nil {
				t.Errorf("isAccessibleForFree %v, image %v", a.IsAccessibleForFree, a.Image)
			}
			if !strings.HasPrefix(a.Dateline, st.Dateline.Place) || !strings.Contains(r.body, html.EscapeString(a.Dateline)) {
				t.Errorf("dateline %q: not the one the page prints", a.Dateline)
			}
			if l.Code == "en" {
				if a.TranslationOfWork != nil || len(a.WorkTranslation) != 6 {
					t.Errorf("original: translationOfWork %v, %d translations", a.TranslationOfWork, len(a.WorkTranslation))
				}
			} else if a.TranslationOfWork == nil || a.TranslationOfWork.InLanguage != "en" {
				t.Errorf("translation: translationOfWork %+v", a.TranslationOfWork)
			}

			wantMeta := map[string]string{
				"og:title": st.Headline, "og:type": "article", "og:url": canonical, "og:description": st.Summary,
				"og:locale": l.OGLocale, "article:section": sectionNames[l.Code], "article:published_time": st.PublishedAt.UTC().Format(time.RFC3339),
				"twitter:card": "summary", "twitter:title": st.Headline, "twitter:description": st.Summary,
			}
			for k, v := range wantMeta {
				if got := meta[k]; len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want [%q]", k, got, v)
				}
			}
			if _, err := time.Parse(time.RFC3339, first(meta["article:modified_time"])); err != nil {
				t.Errorf("article:modified_time %q", meta["article:modified_time"])
			}
			if alts := meta["og:locale:alternate"]; len(alts) != 6 || strings.Contains(strings.Join(alts, " "), l.OGLocale) {
				t.Errorf("og:locale:alternate %v: want the six other locales", alts)
			}
			if len(meta["article:tag"]) != len(st.Tags) {
				t.Errorf("article:tag %v, want %v", meta["article:tag"], st.Tags)
			}
		})
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// A headline is text from the desk: whatever it holds must stay inside the
// JSON-LD block, and come back out of it unchanged.
func TestJSONLDHoldsHostileText(t *testing.T) {
	f := fixtureAt(t, demoNow)
	ctx := context.Background()
	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	headline := `Break </script><script>alert(1)</script> out & <!-- "quoted" \u2028`
	st := story.Story{FamilyID: fid, Lang: "en", Headline: headline, Summary: "</SCRIPT > too", Byline: "<b>Name</b>",
		Section: "world", Status: story.StatusDraft, Body: "A paragraph.\n", Slug: "hostile"}
	if err := f.db.CreateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PublishStory(ctx, st.ID, store.Publish{At: demoNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r := f.get(t, "/en/world/"+strconv.FormatInt(st.ID, 10)+"-hostile")
	if r.status != http.StatusOK {
		t.Fatalf("%d", r.status)
	}
	if n := strings.Count(strings.ToLower(r.body), "<script"); n != 1 {
		t.Errorf("%d <script> elements on the page, want only the JSON-LD one", n)
	}
	a, meta := parsePage(t, r.body)
	if a.Headline != headline || a.Description != "</SCRIPT > too" || a.Author.Name != "<b>Name</b>" {
		t.Errorf("came back as %q / %q / %q", a.Headline, a.Description, a.Author.Name)
	}
	if first(meta["og:title"]) != headline {
		t.Errorf("og:title %q", meta["og:title"])
	}
}

// Without a byline the agency is the author.
func TestJSONLDAuthorFallsBackToTheAgency(t *testing.T) {
	f := fixtureAt(t, demoNow)
	ctx := context.Background()
	fid, err := f.db.CreateFamily(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	st := story.Story{FamilyID: fid, Lang: "ar", Headline: "خبر بلا كاتب", Section: "world", Status: story.StatusDraft, Body: "فقرة.\n", Slug: "x"}
	if err := f.db.CreateStory(ctx, &st); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PublishStory(ctx, st.ID, store.Publish{At: demoNow.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	a, _ := parsePage(t, f.get(t, render.StoryPath(st)).body)
	if a.Author.Type != "NewsMediaOrganization" || a.Author.Name != "وكالة إندس ميريديان للأنباء" {
		t.Errorf("author %+v", a.Author)
	}
}
