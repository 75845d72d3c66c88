package store

import (
	"context"
	"time"

	"github.com/qasid/qasid/internal/audit"
)

// MediaStore keeps images (originals, renditions, captions and credits
// per language) and the stories they belong to.
//
// An image is one file: the same bytes uploaded twice are one image (its
// SHA-256 is unique), kept once. Images belong to a story's family, not to
// one story, so that every language shows the same photo; each language
// has its own caption, credit and alt text for it, kept with its place in
// the family, since a caption describes a photo as one story uses it. A
// family has at most one lead image, the one pages and feeds show.
//
// The store keeps rows; the files themselves live in a blob.Store, under
// the keys the rows name, written before the rows that name them.
type MediaStore interface {
	// CreateImage keeps an image and its renditions and sets ID and
	// CreatedAt, with a in the same transaction. An image whose SHA256 is
	// already kept is ErrConflict (ImageBySHA256 finds it).
	CreateImage(ctx context.Context, img *Image, a audit.Entry) error
	// Image and ImageBySHA256 return an image with its renditions.
	Image(ctx context.Context, id int64) (Image, error)
	ImageBySHA256(ctx context.Context, sum string) (Image, error)

	// PlaceImage adds an image to a family, after its other images; it
	// becomes the lead when the family had none. ErrConflict when it is
	// already there; ErrNotFound for an unknown family, image or user.
	PlaceImage(ctx context.Context, p Placement, a audit.Entry) (FamilyImage, error)
	// FamilyImages lists a family's images in position order, each with its
	// texts in every language; FamilyImage is one of them (ErrNotFound when
	// the image is not in the family).
	FamilyImages(ctx context.Context, familyID int64) ([]FamilyImage, error)
	FamilyImage(ctx context.Context, familyID, imageID int64) (FamilyImage, error)
	// LeadImages returns the lead image of each family that has one, by
	// family id: what a list of stories (a feed) shows.
	LeadImages(ctx context.Context, familyIDs []int64) (map[int64]FamilyImage, error)
	// SetImageText sets an image's caption, credit and alt text in one
	// language of a family; all three empty removes them.
	SetImageText(ctx context.Context, familyID, imageID int64, lang string, t ImageText, a audit.Entry) error
	// SetLeadImage makes an image of a family its lead.
	SetLeadImage(ctx context.Context, familyID, imageID int64, a audit.Entry) error
	// RemoveImage takes an image out of a family with its texts there; the
	// image itself and its files stay (another family may use them, and the
	// same upload finds them again). When it was the lead, the first image
	// left becomes the lead.
	RemoveImage(ctx context.Context, familyID, imageID int64, a audit.Entry) error
}

// Image is one uploaded file and its renditions.
type Image struct {
	ID            int64
	SHA256        string // of the original file, lower-case hex
	OriginalKey   string // blob key of the original, kept as uploaded
	MIME          string // the original's type, by its bytes: image/jpeg, image/png or image/webp
	Width, Height int    // upright, as readers see it
	Bytes         int64  // the original's size
	UploadedBy    int64  // the desk user; 0 when unknown
	CreatedAt     time.Time
	Renditions    []Rendition // narrowest first
}

// Rendition is one size of an image as readers get it.
type Rendition struct {
	Width, Height int
	Key           string // blob key
	MIME          string
	Bytes         int64
}

// ImageText is what one language says about an image in a family.
type ImageText struct {
	Caption string // what the photo shows, printed under it
	Credit  string // who took it, e.g. "Photo: Sana Qureshi / IMN"
	Alt     string // what it shows, for readers who cannot see it; required to publish
}

// IsZero reports whether all three texts are empty.
func (t ImageText) IsZero() bool { return t == ImageText{} }

// Placement puts an image into a family.
type Placement struct {
	FamilyID int64
	ImageID  int64
	AddedBy  int64 // the desk user; 0 for the system
}

// FamilyImage is an image in its place in a family.
type FamilyImage struct {
	FamilyID int64
	Image    Image
	Position int  // 1, 2, ...
	Lead     bool // the one pages, feeds and the wire lead with
	Texts    map[string]ImageText
	AddedBy  int64
	AddedAt  time.Time
}

// Text is the image's text in a language; the zero ImageText when it has
// none there.
func (f FamilyImage) Text(lang string) ImageText { return f.Texts[lang] }
