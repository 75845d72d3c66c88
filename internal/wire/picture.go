package wire

import (
	"context"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/wire/ninjs"
)

// pictures gives the encoders the photos of a story's family, with their
// public renditions and their texts in the story's language. Photos belong
// to the family and are not versioned: an item shows the photos the family
// has when it is rendered.
func (s *Service) pictures(ctx context.Context, st story.Story) ([]ninjs.Image, error) {
	list, err := s.st.FamilyImages(ctx, st.FamilyID)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(s.baseURL, "/")
	var out []ninjs.Image
	for _, fi := range list {
		img, t := fi.Image, fi.Text(st.Lang)
		p := ninjs.Image{URI: base + "/media/" + media.Ref(img), Lead: fi.Lead, Caption: t.Caption, Credit: t.Credit, Alt: t.Alt}
		for _, r := range img.Renditions {
			p.Renditions = append(p.Renditions, ninjs.ImageRendition{Name: "w" + strconv.Itoa(r.Width),
				Href: base + media.Path(img, r), ContentType: r.MIME, Width: r.Width, Height: r.Height, Bytes: r.Bytes})
		}
		out = append(out, p)
	}
	return out, nil
}
