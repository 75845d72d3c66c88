package site

import (
	"encoding/json"
	"fmt"
	"github.com/qasid/qasid/internal/render"
	"html/template"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// The schema.org NewsArticle a story page carries for search engines, as
// JSON-LD. It goes out through json.Marshal, which writes <, > and & as
// \u003c, \u003e and \u0026, so no headline can close the <script> element
// it sits in; the template receives it as template.JS and adds nothing.
//
// The page's Content-Security-Policy (script-src 'self') does not block it:
// a <script> whose type is not a JavaScript MIME type is a data block,
// which HTML never executes, and CSP governs only scripts that would run.
//
// image is the family's lead photo, when it has one: an ImageObject with
// its size, caption and credit in the story's language.

type newsArticle struct {
	Context             string   `json:"@context"`
	Type                string   `json:"@type"`
	Headline            string   `json:"headline"`
	Description         string   `json:"description,omitempty"`
	URL                 string   `json:"url"`
	MainEntityOfPage    ldRef    `json:"mainEntityOfPage"`
	DatePublished       string   `json:"datePublished"`
	DateModified        string   `json:"dateModified"`
	Author              ldAgent  `json:"author"`
	Publisher           ldAgent  `json:"publisher"`
	InLanguage          string   `json:"inLanguage"`
	Dateline            string   `json:"dateline,omitempty"`
	ArticleSection      string   `json:"articleSection,omitempty"`
	Keywords            []string `json:"keywords,omitempty"`
	IsAccessibleForFree bool     `json:"isAccessibleForFree"`
	TranslationOfWork   *ldWork  `json:"translationOfWork,omitempty"`
	WorkTranslation     []ldWork `json:"workTranslation,omitempty"`
	Image               *ldPhoto `json:"image,omitempty"`
}

// ldPhoto is a schema.org ImageObject for a story's photo.
type ldPhoto struct {
	Type           string `json:"@type"`
	URL            string `json:"url"`
	ContentURL     string `json:"contentUrl"`
	Width          int    `json:"width"`
	Height         int    `json:"height"`
	EncodingFormat string `json:"encodingFormat"`
	Caption        string `json:"caption,omitempty"`
	CreditText     string `json:"creditText,omitempty"`
}

type ldRef struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

type ldAgent struct {
	Type string   `json:"@type"`
	Name string   `json:"name"`
	URL  string   `json:"url,omitempty"`
	Logo *ldImage `json:"logo,omitempty"`
}

type ldImage struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

type ldWork struct {
	Type       string `json:"@type"`
	ID         string `json:"@id"`
	InLanguage string `json:"inLanguage"`
}

// articleInfo is what a story page knows beyond the story itself.
type articleInfo struct {
	Family   []story.Story // the public family, for the translation links
	Agency   story.Agency
	Zone     *time.Location // the agency's (frameSource.zone)
	Section  string         // the section's name in the story's language
	Dateline string         // as printed
	Modified time.Time      // the latest version's publication
	Image    *figure        // the lead photo; nil for none
}

// newsArticle builds the JSON-LD of a public story. Dates carry the
// agency's zone, as its readers see them.
func (s *Site) newsArticle(st story.Story, in articleInfo) (template.JS, error) {
	l, _ := lang.Get(st.Lang)
	a := in.Agency
	zone := in.Zone
	url := s.baseURL + escapePath(render.StoryPath(st))
	name := agencyName(a, l.Code)
	publisher := ldAgent{Type: "NewsMediaOrganization", Name: name, URL: s.baseURL + "/" + l.Code + "/"}
	if logo := s.assets.URL("logo.svg"); logo != "" {
		publisher.Logo = &ldImage{Type: "ImageObject", URL: s.baseURL + logo}
	}
	art := newsArticle{
		Context:             "https://schema.org",
		Type:                "NewsArticle",
		Headline:            st.Headline,
		Description:         st.Summary,
		URL:                 url,
		MainEntityOfPage:    ldRef{Type: "WebPage", ID: url},
		DatePublished:       st.PublishedAt.In(zone).Format(time.RFC3339),
		DateModified:        maxTime(st.PublishedAt, in.Modified).In(zone).Format(time.RFC3339),
		Author:              publisher,
		Publisher:           publisher,
		InLanguage:          l.Tag,
		Dateline:            in.Dateline,
		ArticleSection:      in.Section,
		Keywords:            st.Tags,
		IsAccessibleForFree: true,
	}
	if st.Byline != "" {
		art.Author = ldAgent{Type: "Person", Name: st.Byline}
	}
	if f := in.Image; f != nil {
		art.Image = &ldPhoto{Type: "ImageObject", URL: f.URL, ContentURL: f.URL, Width: f.URLWidth, Height: f.URLHeight,
			EncodingFormat: f.URLType, Caption: f.Caption, CreditText: f.Credit}
	}
	for _, m := range in.Family {
		ml, _ := lang.Get(m.Lang)
		w := ldWork{Type: "NewsArticle", ID: s.baseURL + escapePath(render.StoryPath(m)), InLanguage: ml.Tag}
		switch {
		case m.ID == st.TranslatedFromID:
			art.TranslationOfWork = &w
		case m.TranslatedFromID == st.ID:
			art.WorkTranslation = append(art.WorkTranslation, w)
		}
	}
	b, err := json.Marshal(art)
	if err != nil {
		return "", fmt.Errorf("site: json-ld of story %d: %w", st.ID, err)
	}
	return template.JS(b), nil
}
