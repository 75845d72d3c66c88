package newsml

import "github.com/qasid/qasid/internal/wire/ninjs"

// A text item names its photos the NewsML-G2 way, in two places:
//
//   - itemMeta/link rel="irel:seeAlso" for each photo, pointing at its
//     largest rendition with its media type and size in bytes, titled with
//     its caption (or, without one, its alt text) in the item's language;
//   - contentMeta/icon for each rendition of the lead photo, with its width
//     and height: the picture that stands for the story.
//
// The XSD allows both; neither needs a picture newsItem of its own, which
// a subscriber fetching one item at a time could not resolve.

type icon struct {
	Href        string `xml:"href,attr"`
	ContentType string `xml:"contenttype,attr"`
	Size        int64  `xml:"size,attr"`
	Width       int    `xml:"width,attr"`
	Height      int    `xml:"height,attr"`
}

// pictureLinks is a seeAlso link for each photo.
func pictureLinks(it ninjs.Item) []link {
	var out []link
	for _, p := range it.Pictures {
		big := p.Renditions[len(p.Renditions)-1]
		title := p.Caption
		if title == "" {
			title = p.Alt
		}
		out = append(out, link{Rel: "irel:seeAlso", Href: big.Href, ContentType: big.ContentType, Size: big.Bytes,
			Lang: it.Lang.Tag, Title: title})
	}
	return out
}

// leadIcons are the renditions of the lead photo.
func leadIcons(it ninjs.Item) []icon {
	if len(it.Pictures) == 0 || !it.Pictures[0].Lead {
		return nil
	}
	var out []icon
	for _, r := range it.Pictures[0].Renditions {
		out = append(out, icon{Href: r.Href, ContentType: r.ContentType, Size: r.Bytes, Width: r.Width, Height: r.Height})
	}
	return out
}
