package newsml_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"

	"github.com/qasid/qasid/internal/wire/newsml"
	"github.com/qasid/qasid/internal/wire/ninjs"
	"github.com/qasid/qasid/internal/wire/ninjs/ninjstest"
)

// TestPictures: a story's photos are itemMeta links to their largest
// rendition (type, size, caption as title) and the lead photo's renditions
// contentMeta icons (type, size, width, height); every item, in every
// language, still validates against the NewsML-G2 2.35 power XSD.
func TestPictures(t *testing.T) {
	base := ninjstest.BaseURL + "/media/"
	images := []ninjs.Image{
		{URI: base + "7-aa", Lead: true, Caption: "ڈپو میں بسیں <چارج> ہو رہی ہیں", Alt: "Three buses",
			Renditions: []ninjs.ImageRendition{
				{Name: "w400", Href: base + "7-aa/400.jpg", ContentType: "image/jpeg", Width: 400, Height: 267, Bytes: 30000},
				{Name: "w800", Href: base + "7-aa/800.jpg", ContentType: "image/jpeg", Width: 800, Height: 533, Bytes: 90000},
			}},
		{URI: base + "8-bb", Alt: "A shed", Renditions: []ninjs.ImageRendition{
			{Name: "w400", Href: base + "8-bb/400.jpg", ContentType: "image/jpeg", Width: 400, Height: 300, Bytes: 21000}}},
	}
	dir := t.TempDir()
	files := map[string]string{}
	seen := map[string]bool{}
	for _, c := range ninjstest.Demo(t) {
		key := c.In.Story.Lang + string(c.In.Story.Status)
		if seen[key] {
			continue
		}
		seen[key] = true
		in := c.In
		in.Images = images
		b, err := newsml.Encode(in)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, key+".xml")
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		files[p] = c.Name
		var got struct {
			Links []struct {
				Rel         string `xml:"rel,attr"`
				Href        string `xml:"href,attr"`
				ContentType string `xml:"contenttype,attr"`
				Size        int64  `xml:"size,attr"`
				Title       string `xml:"title"`
			} `xml:"itemMeta>link"`
			Icons []struct {
				Href        string `xml:"href,attr"`
				ContentType string `xml:"contenttype,attr"`
				Size        int64  `xml:"size,attr"`
				Width       int    `xml:"width,attr"`
				Height      int    `xml:"height,attr"`
			} `xml:"contentMeta>icon"`
		}
		if err := xml.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		var photos int
		for _, l := range got.Links {
			if l.ContentType == "image/jpeg" {
				photos++
				if photos == 1 && (l.Href != base+"7-aa/800.jpg" || l.Size != 90000 || l.Title != images[0].Caption || l.Rel != "irel:seeAlso") {
					t.Errorf("%s: lead link %+v", c.Name, l)
				}
				if photos == 2 && l.Title != "A shed" {
					t.Errorf("%s: a photo without a caption is titled %q, want its alt text", c.Name, l.Title)
				}
			}
		}
		want, wantIcons := 2, 2
		if in.Version.Killed {
			want, wantIcons = 0, 0
		}
		if photos != want || len(got.Icons) != wantIcons {
			t.Fatalf("%s: %d photo links and %d icons, want %d and %d", c.Name, photos, len(got.Icons), want, wantIcons)
		}
		if wantIcons > 0 && (got.Icons[1].Width != 800 || got.Icons[1].Height != 533 || got.Icons[1].Size != 90000 || got.Icons[1].ContentType != "image/jpeg") {
			t.Errorf("%s: icon %+v", c.Name, got.Icons[1])
		}
	}
	xsdCheck(t, files)
}
