package ninjs_test

import (
	"encoding/json"
	"testing"

	"github.com/qasid/qasid/internal/wire/ninjs"
	"github.com/qasid/qasid/internal/wire/ninjs/ninjstest"
)

// photos are two made-up photos of a family: a lead with texts and one
// without, listed lead second to prove the lead goes first.
func photos() []ninjs.Image {
	base := ninjstest.BaseURL + "/media/"
	r := func(ref string, w, h int, n int64) ninjs.ImageRendition {
		return ninjs.ImageRendition{Name: "w" + itoa(w), Href: base + ref + "/" + itoa(w) + ".jpg", ContentType: "image/jpeg", Width: w, Height: h, Bytes: n}
	}
	return []ninjs.Image{
		{URI: base + "8-00000000000000bb", Renditions: []ninjs.ImageRendition{r("8-00000000000000bb", 400, 300, 21000)}},
		{URI: base + "7-00000000000000aa", Lead: true, Caption: "Buses charge at the depot.\x00", Credit: "Photo: S. Qureshi / IMN",
			Alt:        "Three green buses under a shed",
			Renditions: []ninjs.ImageRendition{r("7-00000000000000aa", 400, 267, 30000), r("7-00000000000000aa", 800, 533, 90000)}},
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

type pictureAssoc struct {
	Name, Rel, URI, Type, Language, By string
	Descriptions                       []struct{ Role, ContentType, Value string }
	Renditions                         []struct {
		Name, Href, ContentType string
		Width, Height           int
		SizeInBytes             int64
	}
}

func picturesOf(t *testing.T, b []byte) []pictureAssoc {
	t.Helper()
	var got struct{ Associations []pictureAssoc }
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	var out []pictureAssoc
	for _, a := range got.Associations {
		if a.Type == "picture" {
			out = append(out, a)
		}
	}
	return out
}

// TestPictureAssociations: the family's photos are associations of type
// picture with their renditions (href, width, height, contentType,
// sizeInBytes), caption and alt text as descriptions and the credit as by,
// and the item validates against ninjs 3.1 in every language. A kill
// carries none.
func TestPictureAssociations(t *testing.T) {
	sch := compileSchema(t, true)
	seen := map[string]bool{}
	for _, c := range ninjstest.Demo(t) {
		key := c.In.Story.Lang + string(c.In.Story.Status)
		if seen[key] {
			continue
		}
		seen[key] = true
		t.Run(c.Name, func(t *testing.T) {
			in := c.In
			in.Images = photos()
			b, err := ninjs.Encode(in)
			if err != nil {
				t.Fatal(err)
			}
			validate(t, sch, b)
			got := picturesOf(t, b)
			if in.Version.Killed {
				if len(got) != 0 {
					t.Errorf("a kill carries photos: %+v", got)
				}
				return
			}
			if len(got) != 2 {
				t.Fatalf("picture associations %+v, want two", got)
			}
			lead := got[0]
			if lead.Name != "lead" || lead.URI != ninjstest.BaseURL+"/media/7-00000000000000aa" || lead.By != "Photo: S. Qureshi / IMN" ||
				lead.Language == "" || len(lead.Renditions) != 2 {
				t.Fatalf("lead %+v", lead)
			}
			if len(lead.Descriptions) != 2 || lead.Descriptions[0].Role != "caption" || lead.Descriptions[0].Value != "Buses charge at the depot." ||
				lead.Descriptions[1].Role != "alt" || lead.Descriptions[1].Value != "Three green buses under a shed" {
				t.Errorf("descriptions %+v: want the caption (cleaned) and the alt text", lead.Descriptions)
			}
			r := lead.Renditions[1]
			if r.Href != ninjstest.BaseURL+"/media/7-00000000000000aa/800.jpg" || r.Width != 800 || r.Height != 533 ||
				r.ContentType != "image/jpeg" || r.SizeInBytes != 90000 {
				t.Errorf("rendition %+v", r)
			}
			if got[1].Name != "image-2" || len(got[1].Descriptions) != 0 || got[1].By != "" {
				t.Errorf("second photo %+v", got[1])
			}
		})
	}
	// Photos a subscriber could not fetch are left out, and the item
	// stays valid.
	in := ninjstest.Demo(t)[0].In
	in.Images = []ninjs.Image{
		{URI: "/media/1-x", Renditions: photos()[0].Renditions},
		{URI: ninjstest.BaseURL + "/media/2-x", Renditions: []ninjs.ImageRendition{{Href: "javascript:alert(1)", ContentType: "image/jpeg", Width: 1, Height: 1, Bytes: 1}}},
		{URI: ninjstest.BaseURL + "/media/3-x", Renditions: []ninjs.ImageRendition{{Href: ninjstest.BaseURL + "/media/3-x/1.jpg", ContentType: "image/jpeg", Width: 1, Height: 1}}},
		{URI: ninjstest.BaseURL + "/media/4-x"},
	}
	b, err := ninjs.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	validate(t, sch, b)
	if got := picturesOf(t, b); len(got) != 0 {
		t.Errorf("broken photos sent: %+v", got)
	}
}
