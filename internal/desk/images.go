package desk

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/media"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
	"github.com/qasid/qasid/internal/web"
)

// The editor's "Images" panel: upload a photo to the story's family, write
// its caption, credit and alt text in the story's language (the other
// languages' shown beside them), choose the lead photo, remove one, and
// download the original as uploaded. Plain POST forms, no script needed;
// the media service owns the rules.

// imageRoutes adds the photo desk's routes to the desk's mux.
func (d *Desk) imageRoutes(mux *http.ServeMux) {
	mux.Handle("POST /desk/stories/{id}/images", d.user(d.uploadImage))
	mux.Handle("POST /desk/stories/{id}/images/{image}/text", d.user(d.imageText))
	mux.Handle("POST /desk/stories/{id}/images/{image}/lead", d.user(d.imageLead))
	mux.Handle("POST /desk/stories/{id}/images/{image}/remove", d.user(d.imageRemove))
	mux.Handle("GET /desk/stories/{id}/images/{image}/original", d.user(d.imageOriginal))
}

// multipartSlack is what a multipart body holds beyond the file itself:
// boundaries, part headers, a file name.
const multipartSlack = 64 << 10

var uploadPath = regexp.MustCompile(`^/desk/stories/[0-9]+/images$`)

// imageBodyLimit is how large a request to path may be, when it is an
// image upload, else 0; limitBody takes the larger of it and its own.
func imageBodyLimit(p string) int64 {
	if uploadPath.MatchString(p) {
		return media.DefaultMaxBytes + multipartSlack
	}
	return 0
}

// imagesPanel is the panel's part of the editor page.
type imagesPanel struct {
	StoryID    int64
	Lang       lang.Language // the story's: the texts edited here are in it
	Rows       []imageRow
	CanAdd     bool // upload, lead, remove
	CanText    bool
	MaxMB      string
	Accept     string
	Notice     string // what the last action did
	MissingAlt int    // photos without alt text in the story's language
}

type imageRow struct {
	ID                int64
	Thumb             string // the narrowest rendition's public URL
	ThumbW, ThumbH    int
	Width, Height     int
	Type, Size        string
	Lead              bool
	Text              store.ImageText // in the story's language
	MissingAlt        bool
	Others            []otherText
	OriginalURL, Base string // the original's desk URL; the image's action URLs
	CaptionID, AltID  string // ids for labels
	CreditID          string
}

type otherText struct {
	Name, Tag, Dir string
	Text           store.ImageText
}

// imagesPart fills the editor's panel for a saved story.
func (d *Desk) imagesPart(r *http.Request, a newsroom.Actor, st story.Story, data *editPage) error {
	if d.media == nil || st.ID == 0 {
		return nil
	}
	list, err := d.media.Images(r.Context(), a, st.ID)
	if err != nil {
		return err
	}
	sl, _ := lang.Get(st.Lang)
	p := &imagesPanel{StoryID: st.ID, Lang: sl, CanAdd: media.CanAdd(a.User, st), CanText: media.CanText(a.User, st),
		MaxMB: media.MB(d.media.Limits().MaxBytes), Accept: "image/jpeg,image/png,image/webp"}
	switch done := r.URL.Query().Get("image"); done {
	case "added", "known", "placed", "text", "lead", "removed":
		p.Notice = data.T("media.done_" + done)
	}
	base := "/desk/stories/" + strconv.FormatInt(st.ID, 10) + "/images/"
	for _, fi := range list {
		img := fi.Image
		id := strconv.FormatInt(img.ID, 10)
		row := imageRow{ID: img.ID, Width: img.Width, Height: img.Height, Lead: fi.Lead, Text: fi.Text(st.Lang),
			Type: strings.TrimPrefix(img.MIME, "image/"), Size: megabytes(img.Bytes),
			OriginalURL: base + id + "/original", Base: base + id,
			CaptionID: "q_img_caption_" + id, CreditID: "q_img_credit_" + id, AltID: "q_img_alt_" + id}
		if th, ok := media.Pick(img, 0); ok {
			row.Thumb, row.ThumbW, row.ThumbH = media.Path(img, th), th.Width, th.Height
		}
		row.MissingAlt = strings.TrimSpace(row.Text.Alt) == ""
		if row.MissingAlt {
			p.MissingAlt++
		}
		for _, l := range lang.All() {
			if t := fi.Text(l.Code); l.Code != st.Lang && !t.IsZero() {
				row.Others = append(row.Others, otherText{Name: l.Name, Tag: l.Tag, Dir: l.Dir, Text: t})
			}
		}
		p.Rows = append(p.Rows, row)
	}
	data.Images = p
	return nil
}

// megabytes prints a size for people: "840 KB", "4.2 MB".
func megabytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", max(1, (n+512)>>10))
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// back sends the user to the editor's panel with what happened.
func back(w http.ResponseWriter, r *http.Request, storyID int64, done string) {
	http.Redirect(w, r, "/desk/stories/"+strconv.FormatInt(storyID, 10)+"?image="+done+"#q_images", http.StatusSeeOther)
}

// uploadImage takes a multipart form with one file field, "file". The file
// is streamed to the media service, which reads its first bytes to tell
// what it is and stops just past the size limit: nothing is spooled to
// disk, and a refused file is refused with a message the user can act on.
func (d *Desk) uploadImage(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if d.media == nil {
		return web.NotFound(nil)
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, d.media.Limits().MaxBytes+multipartSlack)
	file, err := uploadedFile(r)
	if err != nil {
		return d.imageRefused(w, r, a, id, err)
	}
	up, err := d.media.Upload(r.Context(), a, id, file)
	if err != nil {
		return d.imageRefused(w, r, a, id, err)
	}
	done := "added"
	switch {
	case up.Placed:
		done = "placed"
	case up.Known:
		done = "known"
	}
	back(w, r, id, done)
	return nil
}

// maxParts bounds the parts read before the file: the form has one.
const maxParts = 8

// uploadedFile finds the part named "file" of a multipart body.
func uploadedFile(r *http.Request) (io.Reader, error) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return nil, errInputf("send the photo as multipart/form-data")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errInputf("the upload is not a readable form: %v", err)
	}
	for range maxParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, err
			}
			return nil, errInputf("the upload is not a readable form: %v", err)
		}
		if part.FormName() == "file" {
			// The name the browser sends says nothing we trust: the bytes
			// decide what the file is.
			return part, nil
		}
	}
	return nil, errInputf("choose a photo to upload")
}

// imageRefused shows the editor again with the reason an action on an
// image was refused: a file the photo desk will not take, in the user's
// language, or a text it will not keep. Other errors go to the error page.
func (d *Desk) imageRefused(w http.ResponseWriter, r *http.Request, a newsroom.Actor, storyID int64, err error) error {
	var me *media.Error
	var mbe *http.MaxBytesError
	status, msg := http.StatusUnprocessableEntity, ""
	p := d.page(r, a.User, "")
	switch {
	case errors.As(err, &me):
		msg = p.T(me.Key(), me.Args...)
		if me.Code == media.CodeTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
	case errors.As(err, &mbe):
		status = http.StatusRequestEntityTooLarge
		msg = p.T("media.refused_too_large", "max", media.MB(d.media.Limits().MaxBytes))
	default:
		var s int
		if s, msg = publicError(err); s != http.StatusUnprocessableEntity {
			return err
		}
	}
	d.log.Info("desk: image refused", "story_id", storyID, "user_id", a.User.ID, "reason", err)
	st, serr := d.svc.Story(r.Context(), a, storyID)
	if serr != nil {
		return serr
	}
	// The rest of a refused upload is not read: the connection must not be
	// reused for another request.
	w.Header().Set("Connection", "close")
	return d.renderEditor(w, r, a, st, status, msg)
}

// imageAction reads the story and image ids of an action's URL.
func imageAction(r *http.Request) (storyID, imageID int64, err error) {
	if storyID, err = pathID(r, "id"); err != nil {
		return 0, 0, err
	}
	imageID, err = pathID(r, "image")
	return storyID, imageID, err
}

func (d *Desk) imageText(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if d.media == nil {
		return web.NotFound(nil)
	}
	sid, iid, err := imageAction(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	t := store.ImageText{Caption: f.Get("caption"), Credit: f.Get("credit"), Alt: f.Get("alt")}
	if err := d.media.SetText(r.Context(), a, sid, iid, t); err != nil {
		return d.imageRefused(w, r, a, sid, err)
	}
	back(w, r, sid, "text")
	return nil
}

func (d *Desk) imageLead(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if d.media == nil {
		return web.NotFound(nil)
	}
	sid, iid, err := imageAction(r)
	if err != nil {
		return err
	}
	if err := d.media.SetLead(r.Context(), a, sid, iid); err != nil {
		return err
	}
	back(w, r, sid, "lead")
	return nil
}

func (d *Desk) imageRemove(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if d.media == nil {
		return web.NotFound(nil)
	}
	sid, iid, err := imageAction(r)
	if err != nil {
		return err
	}
	if err := d.media.Remove(r.Context(), a, sid, iid); err != nil {
		return err
	}
	back(w, r, sid, "removed")
	return nil
}

// imageOriginal sends the file as uploaded, metadata and all, as a
// download: never shown inline, never cached (d.user sets no-store).
func (d *Desk) imageOriginal(w http.ResponseWriter, r *http.Request, a newsroom.Actor) error {
	if d.media == nil {
		return web.NotFound(nil)
	}
	sid, iid, err := imageAction(r)
	if err != nil {
		return err
	}
	f, img, err := d.media.Original(r.Context(), a, sid, iid)
	if err != nil {
		return err
	}
	defer f.Close()
	name := fmt.Sprintf("qasid-image-%d-original.%s", img.ID, path.Base(strings.TrimPrefix(img.MIME, "image/")))
	h := w.Header()
	h.Set("Content-Type", img.MIME)
	h.Set("Content-Length", strconv.FormatInt(img.Bytes, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if _, err := io.Copy(w, f); err != nil {
		d.log.Warn("desk: sending original", "image_id", img.ID, "err", err)
	}
	return nil
}
