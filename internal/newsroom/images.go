package newsroom

import (
	"context"
	"fmt"
	"strings"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/story"
)

// checkAltText is the photo desk's rule for publishing: every image of the
// story's family must have alt text in the story's language, since a
// reader who cannot see the photo is otherwise told nothing of it. Images
// belong to the family, so a photo added for the English story holds back
// the Urdu one until someone describes it in Urdu. The refusal is a
// story.ErrInvalid whose message says how many images and which language.
func (s *Service) checkAltText(ctx context.Context, st story.Story) error {
	imgs, err := s.st.FamilyImages(ctx, st.FamilyID)
	if err != nil {
		return err
	}
	missing := 0
	for _, fi := range imgs {
		if strings.TrimSpace(fi.Text(st.Lang).Alt) == "" {
			missing++
		}
	}
	if missing == 0 {
		return nil
	}
	name := st.Lang
	if l, ok := lang.Get(st.Lang); ok {
		name = l.EnglishName
	}
	what := "1 image of this story has"
	if missing > 1 {
		what = fmt.Sprintf("%d images of this story have", missing)
	}
	return fmt.Errorf("%w: %s no alt text in %s; describe each image in the Images panel before publishing", story.ErrInvalid, what, name)
}
