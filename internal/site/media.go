package site

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

// Photos on the public site: the renditions at /media/{id}-{hash}/{width}.jpg
// and the lead photo of a story (its page, Open Graph, JSON-LD and feeds).
// Originals are never served here: they may hold the camera's GPS position,
// and only the desk hands them out.

// mediaRoutes adds the renditions' route to the site's mux.
func (s *Site) mediaRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /media/{ref}/{file}", s.handle(s.rendition))
}

// immutable is the Cache-Control of a rendition: its URL names its bytes
// (the hash of the original and a width), so it never changes and may be
// kept for a year by browsers and CDNs alike.
const immutable = "public, max-age=31536000, immutable"

// rendition serves one public rendition, with range and conditional
// requests when the blob store can seek (both of ours can).
func (s *Site) rendition(w http.ResponseWriter, r *http.Request) error {
	if s.media == nil {
		return web.NotFound(nil)
	}
	id, hash, width, mime, ok := media.ParsePath(r.PathValue("ref"), r.PathValue("file"))
	if !ok {
		return web.NotFound(fmt.Errorf("no rendition %q", r.URL.Path))
	}
	f, img, rend, err := s.media.Rendition(r.Context(), id, hash, width, mime)
	if err != nil {
		return storeErr(err)
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", rend.MIME)
	h.Set("Cache-Control", immutable)
	h.Set("ETag", `"`+img.SHA256[:16]+"-"+strconv.Itoa(rend.Width)+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	if rs, ok := f.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", img.CreatedAt, rs)
		return nil
	}
	h.Set("Content-Length", strconv.FormatInt(rend.Bytes, 10))
	if r.Method == http.MethodHead {
		return nil
	}
	if _, err := io.Copy(w, f); err != nil {
		s.log.Warn("site: sending rendition", "image_id", id, "err", err)
	}
	return nil
}

// figure is a photo as a page shows it, in one story's language.
type figure struct {
	Src, Srcset, Sizes   string
	Width, Height        int // of Src: with them the browser keeps the space before the image arrives
	Alt, Caption, Credit string
	Tag, Dir             string
	// For Open Graph, JSON-LD and feeds: an absolute URL of a large
	// rendition, its size and type.
	URL        string
	URLWidth   int
	URLHeight  int
	URLType    string
	URLBytes   int64
	HasCaption bool // a caption or a credit to print under it
}

// figureSizes tells the browser how wide the story column is, so that it
// picks a rendition before layout: the whole viewport on a phone, the
// reading measure (42rem) on anything wider.
const figureSizes = "(min-width: 44rem) 42rem, 100vw"

// pageWidth is the rendition a page's src names for browsers that ignore
// srcset, and shareWidth the one Open Graph and feeds point at (large
// enough for the cards social sites draw).
const (
	pageWidth  = 800
	shareWidth = 1600
)

// leadFigure is the lead photo of a story's family, with its texts in the
// story's language; nil when the family has none or the site has no
// photo desk.
func (s *Site) leadFigure(ctx context.Context, st story.Story) (*figure, error) {
	if s.media == nil {
		return nil, nil
	}
	leads, err := s.store.LeadImages(ctx, []int64{st.FamilyID})
	if err != nil {
		return nil, err
	}
	fi, ok := leads[st.FamilyID]
	if !ok {
		return nil, nil
	}
	return s.figureOf(fi, st.Lang), nil
}

func (s *Site) figureOf(fi store.FamilyImage, code string) *figure {
	img := fi.Image
	src, ok := media.Pick(img, pageWidth)
	if !ok {
		return nil
	}
	big, _ := media.Pick(img, shareWidth)
	l, _ := lang.Get(code)
	t := fi.Text(code)
	f := &figure{Src: media.Path(img, src), Srcset: media.Srcset(img), Sizes: figureSizes,
		Width: src.Width, Height: src.Height, Alt: t.Alt, Caption: t.Caption, Credit: t.Credit, Tag: l.Tag, Dir: l.Dir,
		URL: s.baseURL + media.Path(img, big), URLWidth: big.Width, URLHeight: big.Height, URLType: big.MIME,
		URLBytes: big.Bytes}
	f.HasCaption = strings.TrimSpace(t.Caption+t.Credit) != ""
	return f
}

// leadFigures gives the lead photo of each story's family in its own
// language, by story id: a feed's enclosures, in one query.
func (s *Site) leadFigures(ctx context.Context, list []story.Story) (map[int64]*figure, error) {
	out := map[int64]*figure{}
	if s.media == nil || len(list) == 0 {
		return out, nil
	}
	fams := make([]int64, 0, len(list))
	for _, st := range list {
		fams = append(fams, st.FamilyID)
	}
	leads, err := s.store.LeadImages(ctx, fams)
	if err != nil {
		return nil, err
	}
	for _, st := range list {
		if fi, ok := leads[st.FamilyID]; ok {
			if f := s.figureOf(fi, st.Lang); f != nil {
				out[st.ID] = f
			}
		}
	}
	return out, nil
}
