package ninjs

import (
	"net/url"
	"strconv"
	"strings"
)

// Image is a photo of the story's family, as the wire service finds it in
// the store: public renditions and the texts in the story's language.
// ninjs carries each as an association of type picture with its
// renditions; NewsML-G2 as links and, for the lead photo, icons.
type Image struct {
	URI        string // stable identifier of the photo: its public address without a size
	Lead       bool
	Caption    string
	Credit     string
	Alt        string
	Renditions []ImageRendition // narrowest first
}

// ImageRendition is one size of a photo.
type ImageRendition struct {
	Name          string // e.g. "w800"
	Href          string // absolute http(s) URL
	ContentType   string // image/jpeg
	Width, Height int
	Bytes         int64
}

// describePictures keeps the photos a subscriber can use: none for a kill,
// and none without an absolute URI or a rendition with an absolute URL,
// a type and a size. Texts are cleaned like the item's own; the lead
// photo comes first.
func describePictures(in []Image, canceled bool) []Image {
	if canceled {
		return nil
	}
	var out []Image
	for _, img := range in {
		if !absolute(img.URI) {
			continue
		}
		p := Image{URI: img.URI, Lead: img.Lead, Caption: strings.TrimSpace(CleanText(img.Caption)),
			Credit: strings.TrimSpace(CleanText(img.Credit)), Alt: strings.TrimSpace(CleanText(img.Alt))}
		for _, r := range img.Renditions {
			if absolute(r.Href) && r.ContentType != "" && r.Width > 0 && r.Height > 0 && r.Bytes > 0 {
				p.Renditions = append(p.Renditions, r)
			}
		}
		if len(p.Renditions) == 0 {
			continue
		}
		if p.Lead {
			out = append([]Image{p}, out...)
		} else {
			out = append(out, p)
		}
	}
	return out
}

func absolute(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// pictureAssociations writes the photos as ninjs associations: name "lead"
// for the lead photo and "image-2", "image-3"... for the others, type
// picture, the caption and the alt text as descriptions (roles caption and
// alt), the credit line as by, and each rendition with its size in pixels
// and bytes and its media type.
func pictureAssociations(it Item) []association {
	var out []association
	for i, p := range it.Pictures {
		a := association{
			Name:     "image-" + strconv.Itoa(i+1),
			Rel:      "image",
			URI:      p.URI,
			Type:     "picture",
			Language: it.Lang.Tag,
			By:       p.Credit,
		}
		if p.Lead {
			a.Name, a.Rel = "lead", "lead-image"
		}
		if p.Caption != "" {
			a.Descriptions = append(a.Descriptions, text{Role: "caption", ContentType: "text/plain", Value: p.Caption})
		}
		if p.Alt != "" {
			a.Descriptions = append(a.Descriptions, text{Role: "alt", ContentType: "text/plain", Value: p.Alt})
		}
		for _, r := range p.Renditions {
			a.Renditions = append(a.Renditions, rendition{Name: r.Name, Href: r.Href, ContentType: r.ContentType,
				Width: r.Width, Height: r.Height, SizeInBytes: r.Bytes})
		}
		out = append(out, a)
	}
	return out
}
