// Package render turns a stored story into what every output shows: its
// canonical path, and its body rendered in the story's language with each
// "Also Read" reference resolved to what readers can see. The public site,
// the wire's items and webhooks all render through here, so a reference
// resolves the same way on a page and in a subscriber's feed.
package render

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// StoryPath is the canonical path of a story: the id is what identifies it;
// section and slug are for readers and may change (old ones redirect).
func StoryPath(st story.Story) string {
	return "/" + st.Lang + "/" + st.Section + "/" + strconv.FormatInt(st.ID, 10) + "-" + slug(st)
}

func slug(st story.Story) string {
	if st.Slug != "" {
		return st.Slug
	}
	return lang.Slug(st.Lang, st.Headline)
}

// Renderer renders bodies. It is safe for concurrent use.
type Renderer struct {
	store store.Store
	cat   *lang.Catalog
	body  *story.BodyRenderer
}

// New returns a renderer reading references from st and labels from cat.
func New(st store.Store, cat *lang.Catalog) *Renderer {
	return &Renderer{store: st, cat: cat, body: story.NewBodyRenderer()}
}

// Body renders src in language code, as readers see it at now: each "Also
// Read" reference links to the referenced story's member in that language
// when it is public, else to the referenced story itself with its language
// named; a reference to nothing public is left out. Links are site paths.
func (r *Renderer) Body(ctx context.Context, code, src string, now time.Time) (template.HTML, error) {
	l, ok := lang.Get(code)
	if !ok {
		return "", fmt.Errorf("render: unknown language %q", code)
	}
	links := map[int64]story.AlsoLink{}
	if refs := story.AlsoRefs(src); len(refs) > 0 {
		targets, err := r.store.Stories(ctx, refs)
		if err != nil {
			return "", fmt.Errorf("render: %w", err)
		}
		for id, t := range targets {
			Depend(ctx, "family:"+strconv.FormatInt(t.FamilyID, 10))
			fam, err := r.store.PublicFamily(ctx, t.FamilyID, now)
			if err != nil {
				return "", fmt.Errorf("render: %w", err)
			}
			var same, orig *story.Story
			for i := range fam {
				if fam[i].Lang == l.Code {
					same = &fam[i]
				}
				if fam[i].ID == t.ID {
					orig = &fam[i]
				}
			}
			switch {
			case same != nil:
				links[id] = story.AlsoLink{Href: StoryPath(*same), Headline: same.Headline, Lang: l.Tag, Dir: l.Dir}
			case orig != nil:
				ol, _ := lang.Get(orig.Lang)
				links[id] = story.AlsoLink{Href: StoryPath(*orig), Headline: orig.Headline, Lang: ol.Tag, Dir: ol.Dir, LangName: ol.Name}
			}
		}
	}
	return r.body.Render(src, story.RenderOptions{
		AlsoLabel: r.cat.T(l.Code, "story.also_read"),
		Resolve: func(id int64) (story.AlsoLink, bool) {
			link, ok := links[id]
			return link, ok
		},
	})
}
