// Package ninjs writes a story version as an IPTC ninjs 3.1 item (News in
// JSON). Describe derives the format-neutral Item that the newsml package
// writes as NewsML-G2 too, so both formats say the same about a version.
//
// ninjs has no translation relation and no dateline: a family is linked
// through associations with rel "translation" and a shared altIds entry,
// the dateline's place goes in located and the printed dateline stays in
// the body.
package ninjs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Schema is the URI of the JSON Schema an item conforms to.
const Schema = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"

// The JSON shapes below carry only the properties we fill; names and
// nesting follow ninjs-schema_3.1.json, which rejects any other.
type item struct {
	URI             string        `json:"uri"`
	Standard        standard      `json:"standard"`
	Type            string        `json:"type"`
	Version         string        `json:"version"`
	FirstCreated    string        `json:"firstCreated"`
	VersionCreated  string        `json:"versionCreated"`
	EmbargoedUntil  string        `json:"embargoedUntil,omitempty"`
	PubStatus       string        `json:"pubStatus"`
	EdNote          string        `json:"edNote,omitempty"`
	Language        string        `json:"language"`
	Headlines       []text        `json:"headlines,omitempty"`
	Descriptions    []text        `json:"descriptions,omitempty"`
	Bodies          []body        `json:"bodies,omitempty"`
	By              string        `json:"by,omitempty"`
	Located         string        `json:"located,omitempty"`
	Slugline        string        `json:"slugline,omitempty"`
	Subjects        []subject     `json:"subjects,omitempty"`
	Genres          []genre       `json:"genres,omitempty"`
	CopyrightHolder string        `json:"copyrightHolder"`
	CopyrightNotice string        `json:"copyrightNotice"`
	UsageTerms      string        `json:"usageTerms"`
	AltIDs          []altID       `json:"altIds"`
	Associations    []association `json:"associations,omitempty"`
	Renditions      []rendition   `json:"renditions,omitempty"`
}

type standard struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Schema  string `json:"schema"`
}

type text struct {
	Role        string `json:"role"`
	ContentType string `json:"contentType"`
	Value       string `json:"value"`
}

type body struct {
	Role        string `json:"role"`
	ContentType string `json:"contentType"`
	Value       string `json:"value"`
	CharCount   int    `json:"charCount"`
	WordCount   int    `json:"wordCount"`
}

type subject struct {
	Name string `json:"name,omitempty"`
	Rel  string `json:"rel,omitempty"`
	URI  string `json:"uri,omitempty"`
}

type genre struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
}

type altID struct {
	Role  string `json:"role"`
	Value string `json:"value"`
}

type association struct {
	Name      string  `json:"name"`
	Rel       string  `json:"rel"`
	URI       string  `json:"uri"`
	Type      string  `json:"type"`
	Version   string  `json:"version,omitempty"`
	Language  string  `json:"language"`
	Headlines []text  `json:"headlines,omitempty"`
	AltIDs    []altID `json:"altIds,omitempty"`
	// The voice-over's file (audio.go).
	Renditions []rendition `json:"renditions,omitempty"`
	// A photo's credit line and its caption and alt text (picture.go).
	By           string `json:"by,omitempty"`
	Descriptions []text `json:"descriptions,omitempty"`
}

type rendition struct {
	Name        string `json:"name"`
	Href        string `json:"href"`
	ContentType string `json:"contentType"`
	// Of the voice-over (audio.go).
	SizeInBytes int64   `json:"sizeInBytes,omitempty"`
	Duration    float64 `json:"duration,omitempty"` // seconds
	// Of a photo (picture.go).
	Width  int `json:"width,omitempty"`
	Height int `json:"height,omitempty"`
}

// Encode writes one version of a story as a ninjs 3.1 item.
func Encode(in Input) ([]byte, error) {
	it, err := Describe(in)
	if err != nil {
		return nil, fmt.Errorf("ninjs: %w", err)
	}
	return Marshal(it)
}

// Marshal writes an Item as ninjs 3.1 JSON, without a trailing newline.
func Marshal(it Item) ([]byte, error) {
	family := altID{Role: "family", Value: "family:" + strconv.FormatInt(it.FamilyID, 10)}
	out := item{
		URI:             it.URI,
		Standard:        standard{Name: "ninjs", Version: "3.1", Schema: Schema},
		Type:            "text",
		Version:         strconv.Itoa(it.Version),
		FirstCreated:    it.FirstCreated.Format(time.RFC3339),
		VersionCreated:  it.VersionCreated.Format(time.RFC3339),
		PubStatus:       "usable",
		EdNote:          it.CorrectionNote,
		Language:        it.Lang.Tag,
		By:              it.Byline,
		Located:         it.Place,
		Slugline:        it.Slug,
		CopyrightHolder: it.CopyrightHolder,
		CopyrightNotice: it.CopyrightNotice,
		UsageTerms:      it.UsageTerms,
		AltIDs:          []altID{family, {Role: "guid", Value: it.GUID}},
	}
	if it.Canceled {
		out.PubStatus = "canceled"
	}
	if !it.Embargo.IsZero() {
		out.EmbargoedUntil = it.Embargo.Format(time.RFC3339)
	}
	if it.Headline != "" {
		out.Headlines = []text{{Role: "main", ContentType: "text/plain", Value: it.Headline}}
	}
	if it.Summary != "" {
		out.Descriptions = []text{{Role: "summary", ContentType: "text/plain", Value: it.Summary}}
	}
	if it.Body.XHTML != "" {
		// The wrapper carries the story's language and direction, so that
		// a subscriber who pastes the body into a page of another language
		// still shows Urdu and Arabic right to left.
		out.Bodies = []body{{
			Role:        "main",
			ContentType: "text/html",
			Value:       `<div lang="` + it.Lang.Tag + `" dir="` + it.Lang.Dir + `">` + it.Body.XHTML + `</div>`,
			CharCount:   it.Body.Chars,
			WordCount:   it.Body.Words,
		}}
	}
	for _, s := range it.Subjects {
		out.Subjects = append(out.Subjects, subject{Name: s.Name, Rel: s.Rel, URI: s.URI})
	}
	for _, t := range it.Tags {
		out.Subjects = append(out.Subjects, subject{Name: t, Rel: "keyword"})
	}
	if !it.Canceled {
		out.Genres = []genre{{Name: "Current", URI: "http://cv.iptc.org/newscodes/genre/Current"}}
	}
	for _, t := range it.Translations {
		a := association{
			Name:     "translation",
			Rel:      "translation",
			URI:      t.URI,
			Type:     "text",
			Language: t.Lang.Tag,
			AltIDs:   []altID{family},
		}
		if t.Version > 0 {
			a.Version = strconv.Itoa(t.Version)
		}
		if t.Headline != "" {
			a.Headlines = []text{{Role: "main", ContentType: "text/plain", Value: t.Headline}}
		}
		out.Associations = append(out.Associations, a)
	}
	out.Associations = append(out.Associations, audioAssociations(it)...)   // the voice-over
	out.Associations = append(out.Associations, pictureAssociations(it)...) // the photos
	if it.WebURL != "" {
		out.Renditions = []rendition{{Name: "web", Href: it.WebURL, ContentType: "text/html"}}
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Bodies are HTML: "<p>" reads better than "\u003cp\u003e", and JSON
	// needs no such escaping.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("ninjs: encode story %d: %w", it.StoryID, err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
