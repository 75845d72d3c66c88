package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/qasid/qasid/internal/audit"
	"github.com/qasid/qasid/internal/auth"
	"github.com/qasid/qasid/internal/blob"
	"github.com/qasid/qasid/internal/lang"
	"github.com/qasid/qasid/internal/newsroom"
	"github.com/qasid/qasid/internal/store"
	"github.com/qasid/qasid/internal/story"
)

// Audit actions of the photo desk.
const (
	ActionUpload audit.Action = "image.upload" // a new file kept, with its renditions
	ActionAdd    audit.Action = "image.add"    // an image put into a story's family
	ActionText   audit.Action = "image.text"   // caption, credit or alt text changed in one language
	ActionLead   audit.Action = "image.lead"
	ActionRemove audit.Action = "image.remove"
)

// Longest texts, in characters.
const (
	MaxCaption = 2000
	MaxCredit  = 300
	MaxAlt     = 1000
)

// Options configure a Service.
type Options struct {
	Store  store.Store
	Blobs  blob.Store
	Limits Limits
	Log    *slog.Logger // nil discards
	// Decoders bounds how many uploads are decoded and scaled at once; a
	// 50-megapixel photo takes some 200 MB while it is. Default 2.
	Decoders int
}

// Service is the photo desk: uploads, texts, the lead image, removal, and
// the files behind public and desk URLs. It asks auth who may do what, as
// the newsroom does, and writes an audit entry for every change.
type Service struct {
	st     store.Store
	blobs  blob.Store
	limits Limits
	log    *slog.Logger
	decode chan struct{} // a slot per decode that may run
}

// New returns a Service; Store and Blobs are required.
func New(o Options) (*Service, error) {
	if o.Store == nil || o.Blobs == nil {
		return nil, errors.New("media: store and blob store are required")
	}
	s := &Service{st: o.Store, blobs: o.Blobs, limits: o.Limits.withDefaults(), log: o.Log}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if o.Decoders <= 0 {
		o.Decoders = 2
	}
	s.decode = make(chan struct{}, o.Decoders)
	return s, nil
}

// Limits are the service's limits, defaults filled in.
func (s *Service) Limits() Limits { return s.limits }

// Uploaded is the result of an upload.
type Uploaded struct {
	store.FamilyImage
	Known  bool // the same file had been uploaded before: nothing was decoded or stored again
	Placed bool // it was already in this story's family, where it stays as it was
}

// Upload reads a photo from r and adds it to the family of story storyID.
// The same file uploaded again is the same image: its renditions are not
// made twice, and in a family that has it already nothing changes.
//
// Reporters add photos to their own drafts, editors to any story they may
// edit; translators, who work on one language, set texts only. A file the
// desk refuses is an *Error.
func (s *Service) Upload(ctx context.Context, a newsroom.Actor, storyID int64, r io.Reader) (Uploaded, error) {
	st, err := s.story(ctx, a, storyID, true)
	if err != nil {
		return Uploaded{}, fmt.Errorf("media: upload to story %d: %w", storyID, err)
	}
	o, err := Check(r, s.limits)
	if err != nil {
		return Uploaded{}, err
	}
	img, known, err := s.keep(ctx, a, o)
	if err != nil {
		return Uploaded{}, fmt.Errorf("media: upload to story %d: %w", storyID, err)
	}
	e := s.entry(a, ActionAdd, storyID)
	fi, err := s.st.PlaceImage(ctx, store.Placement{FamilyID: st.FamilyID, ImageID: img.ID, AddedBy: a.User.ID}, e)
	placed := errors.Is(err, store.ErrConflict)
	if placed {
		fi, err = s.st.FamilyImage(ctx, st.FamilyID, img.ID)
	}
	if err != nil {
		return Uploaded{}, fmt.Errorf("media: upload to story %d: %w", storyID, err)
	}
	s.log.InfoContext(ctx, "media: image added", "story_id", storyID, "image_id", img.ID, "known", known, "user_id", a.User.ID)
	return Uploaded{FamilyImage: fi, Known: known, Placed: placed}, nil
}

// keep finds the image of o's file, or decodes it, makes its renditions,
// writes the files and then the rows. Keys are made of the file's hash, so
// two nodes keeping the same new file at once write the same bytes to the
// same keys, and the one whose row loses (ErrConflict) takes the other's.
func (s *Service) keep(ctx context.Context, a newsroom.Actor, o Original) (store.Image, bool, error) {
	if img, err := s.st.ImageBySHA256(ctx, o.SHA256); err == nil {
		return img, true, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Image{}, false, err
	}
	rs, err := s.renditions(ctx, o)
	if err != nil {
		return store.Image{}, false, err
	}
	dir := "images/" + o.SHA256[:2] + "/" + o.SHA256 + "/"
	uw, uh := o.Upright()
	img := store.Image{SHA256: o.SHA256, OriginalKey: dir + "original." + o.Format.Ext(), MIME: o.Format.MIME(),
		Width: uw, Height: uh, Bytes: int64(len(o.Data)), UploadedBy: a.User.ID}
	if err := s.blobs.Put(ctx, img.OriginalKey, bytes.NewReader(o.Data), img.Bytes, img.MIME); err != nil {
		return store.Image{}, false, err
	}
	for _, r := range rs {
		key := fmt.Sprintf("%s%d.%s", dir, r.Width, extOf(r.MIME))
		if err := s.blobs.Put(ctx, key, bytes.NewReader(r.Data), int64(len(r.Data)), r.MIME); err != nil {
			return store.Image{}, false, err
		}
		img.Renditions = append(img.Renditions, store.Rendition{Width: r.Width, Height: r.Height, Key: key, MIME: r.MIME, Bytes: int64(len(r.Data))})
	}
	e := s.entry(a, ActionUpload, 0)
	e.Detail = fmt.Sprintf("%s %d×%d, %d bytes, sha256 %s", o.Format.MIME(), uw, uh, len(o.Data), o.SHA256[:refHash])
	err = s.st.CreateImage(ctx, &img, e)
	if errors.Is(err, store.ErrConflict) {
		img, err = s.st.ImageBySHA256(ctx, o.SHA256)
		return img, true, err
	}
	return img, false, err
}

// renditions decodes and scales, at most Decoders at a time: memory, not
// CPU, is what a burst of large uploads would run out of.
func (s *Service) renditions(ctx context.Context, o Original) ([]Rendition, error) {
	select {
	case s.decode <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-s.decode }()
	img, err := Decode(o)
	if err != nil {
		return nil, err
	}
	return Renditions(img, o.Orientation, s.limits)
}

// Images lists the images of a story's family, for the desk.
func (s *Service) Images(ctx context.Context, a newsroom.Actor, storyID int64) ([]store.FamilyImage, error) {
	st, err := s.story(ctx, a, storyID, false)
	if err != nil {
		return nil, fmt.Errorf("media: images of story %d: %w", storyID, err)
	}
	return s.st.FamilyImages(ctx, st.FamilyID)
}

// CanAdd reports whether a may add, remove and choose the lead image of
// a story's family (CanText for its texts): the desk shows only those
// controls; the methods check again.
func CanAdd(u auth.User, st story.Story) bool { return canEdit(u, st) && !translatorOnly(u) }

// CanText reports whether u may set the texts of a story's images in the
// story's language.
func CanText(u auth.User, st story.Story) bool { return canEdit(u, st) }

func canEdit(u auth.User, st story.Story) bool {
	return auth.CanOnStory(u, auth.ActionStoryEdit, auth.StoryFacts{AuthorID: st.AuthorID, Lang: st.Lang, Status: string(st.Status)})
}

// translatorOnly is a user whose only role is translating: they work on
// one language's words, and the family's photos are shared by all.
func translatorOnly(u auth.User) bool {
	return !u.Has(auth.RoleAdmin) && !u.Has(auth.RoleEditor) && !u.Has(auth.RoleReporter)
}

// story loads a story and checks that a may view it, and, for change, add
// or remove its family's images.
func (s *Service) story(ctx context.Context, a newsroom.Actor, id int64, change bool) (story.Story, error) {
	st, err := s.st.Story(ctx, id)
	if err != nil {
		return story.Story{}, err
	}
	facts := auth.StoryFacts{AuthorID: st.AuthorID, Lang: st.Lang, Status: string(st.Status)}
	if !auth.CanOnStory(a.User, auth.ActionStoryView, facts) || (change && !CanAdd(a.User, st)) {
		return story.Story{}, newsroom.ErrForbidden
	}
	return st, nil
}

// SetText sets the caption, credit and alt text of an image in the
// story's language. Text is trimmed and normalised (NFC); line breaks are
// allowed in the caption only.
func (s *Service) SetText(ctx context.Context, a newsroom.Actor, storyID, imageID int64, t store.ImageText) error {
	st, err := s.story(ctx, a, storyID, false)
	if err == nil && !CanText(a.User, st) {
		err = newsroom.ErrForbidden
	}
	if err != nil {
		return fmt.Errorf("media: texts of image %d in story %d: %w", imageID, storyID, err)
	}
	// The message of a refused text is for the person who typed it, so
	// it goes back as it is, without the package's prefix.
	if t, err = cleanText(t); err != nil {
		return err
	}
	e := s.entry(a, ActionText, storyID)
	e.Detail = fmt.Sprintf("image %d (%s)", imageID, st.Lang)
	if err := s.st.SetImageText(ctx, st.FamilyID, imageID, st.Lang, t, e); err != nil {
		return fmt.Errorf("media: texts of image %d in story %d: %w", imageID, storyID, err)
	}
	return nil
}

func cleanText(t store.ImageText) (store.ImageText, error) {
	clean := func(v string) string {
		return strings.TrimSpace(strings.ReplaceAll(lang.NormalizeText(v), "\r\n", "\n"))
	}
	t = store.ImageText{Caption: clean(t.Caption), Credit: clean(t.Credit), Alt: clean(t.Alt)}
	var probs []string
	for _, f := range []struct {
		name, v   string
		max       int
		multiline bool
	}{{"caption", t.Caption, MaxCaption, true}, {"credit", t.Credit, MaxCredit, false}, {"alt text", t.Alt, MaxAlt, false}} {
		switch {
		case !utf8.ValidString(f.v):
			probs = append(probs, f.name+" is not valid UTF-8")
		case utf8.RuneCountInString(f.v) > f.max:
			probs = append(probs, fmt.Sprintf("%s is longer than %d characters", f.name, f.max))
		case hasControl(f.v, f.multiline):
			probs = append(probs, f.name+" contains a control character")
		}
	}
	if len(probs) > 0 {
		return t, fmt.Errorf("%w: %s", story.ErrInvalid, strings.Join(probs, "; "))
	}
	return t, nil
}

// hasControl reports C0 and C1 control characters other than tabs (and
// line breaks where allowed), as the newsroom refuses them in headlines.
func hasControl(v string, multiline bool) bool {
	for _, r := range v {
		switch {
		case r == '\t':
		case r == '\n':
			if !multiline {
				return true
			}
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return true
		}
	}
	return false
}

// SetLead makes an image the lead of the story's family.
func (s *Service) SetLead(ctx context.Context, a newsroom.Actor, storyID, imageID int64) error {
	st, err := s.story(ctx, a, storyID, true)
	if err == nil {
		err = s.st.SetLeadImage(ctx, st.FamilyID, imageID, s.entry(a, ActionLead, storyID))
	}
	if err != nil {
		return fmt.Errorf("media: lead image %d of story %d: %w", imageID, storyID, err)
	}
	return nil
}

// Remove takes an image out of the story's family, in every language.
func (s *Service) Remove(ctx context.Context, a newsroom.Actor, storyID, imageID int64) error {
	st, err := s.story(ctx, a, storyID, true)
	if err == nil {
		err = s.st.RemoveImage(ctx, st.FamilyID, imageID, s.entry(a, ActionRemove, storyID))
	}
	if err != nil {
		return fmt.Errorf("media: remove image %d from story %d: %w", imageID, storyID, err)
	}
	return nil
}

// Original opens the file as uploaded, EXIF and GPS position included, for
// desk users who may view a story whose family holds it.
func (s *Service) Original(ctx context.Context, a newsroom.Actor, storyID, imageID int64) (io.ReadCloser, store.Image, error) {
	st, err := s.story(ctx, a, storyID, false)
	if err != nil {
		return nil, store.Image{}, fmt.Errorf("media: original of image %d: %w", imageID, err)
	}
	fi, err := s.st.FamilyImage(ctx, st.FamilyID, imageID)
	if err != nil {
		return nil, store.Image{}, fmt.Errorf("media: original of image %d: %w", imageID, err)
	}
	r, _, err := s.blobs.Open(ctx, fi.Image.OriginalKey)
	if err != nil {
		return nil, store.Image{}, fmt.Errorf("media: original of image %d: %w", imageID, err)
	}
	return r, fi.Image, nil
}

// Rendition opens a public rendition by the parts of its URL (ParsePath).
// A hash that is not the image's is not found, as is a width or type the
// image lacks: the answer never tells which part was wrong.
func (s *Service) Rendition(ctx context.Context, id int64, hash string, width int, mime string) (io.ReadCloser, store.Image, store.Rendition, error) {
	img, err := s.st.Image(ctx, id)
	if err != nil {
		return nil, store.Image{}, store.Rendition{}, fmt.Errorf("media: rendition: %w", err)
	}
	if !strings.HasPrefix(img.SHA256, hash) || len(hash) != refHash {
		return nil, store.Image{}, store.Rendition{}, fmt.Errorf("media: rendition of image %d: wrong hash: %w", id, store.ErrNotFound)
	}
	for _, r := range img.Renditions {
		if r.Width == width && r.MIME == mime {
			f, _, err := s.blobs.Open(ctx, r.Key)
			if errors.Is(err, blob.ErrNotFound) {
				err = fmt.Errorf("%w: %w", err, store.ErrNotFound)
			}
			if err != nil {
				return nil, store.Image{}, store.Rendition{}, fmt.Errorf("media: rendition of image %d: %w", id, err)
			}
			return f, img, r, nil
		}
	}
	return nil, store.Image{}, store.Rendition{}, fmt.Errorf("media: image %d has no %d px %s: %w", id, width, mime, store.ErrNotFound)
}

func (s *Service) entry(a newsroom.Actor, action audit.Action, storyID int64) audit.Entry {
	// At is left to the store's clock, the one its rows are stamped with.
	return audit.Entry{ActorID: a.User.ID, Actor: a.User.Email, Action: action, StoryID: storyID, IP: a.IP}
}
