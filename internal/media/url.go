package media

import (
	"strconv"
	"strings"

	"github.com/qasid/qasid/internal/store"
)

// Public URLs of renditions look like /media/12-3f7a9c0de41b2a55/800.jpg:
// the image's id, the first 16 hex digits of the original's SHA-256, and
// the rendition's width. The hash makes the URL unguessable, so a photo
// uploaded for a story not yet published cannot be found by counting ids,
// and it makes the URL content-addressed: a URL always means the same
// bytes, so it may be cached for a year as immutable.

// refHash is how many hex digits of the SHA-256 a URL carries: 64 bits.
const refHash = 16

// Ref is the path segment that names an image in public URLs.
func Ref(img store.Image) string {
	h := img.SHA256
	if len(h) > refHash {
		h = h[:refHash]
	}
	return strconv.FormatInt(img.ID, 10) + "-" + h
}

// Path is the public URL path of one rendition.
func Path(img store.Image, r store.Rendition) string {
	return "/media/" + Ref(img) + "/" + strconv.Itoa(r.Width) + "." + extOf(r.MIME)
}

func extOf(mime string) string {
	switch mime {
	case "image/jpeg":
		return "jpg"
	case "image/webp":
		return "webp"
	case "image/png":
		return "png"
	}
	return "bin"
}

// ParsePath reads the two segments after /media/: "12-3f7a9c0de41b2a55"
// and "800.jpg". It checks their shape only; the caller compares the hash
// with the image's.
func ParsePath(ref, file string) (id int64, hash string, width int, mime string, ok bool) {
	idS, hash, found := strings.Cut(ref, "-")
	if !found || len(hash) != refHash || !digits(idS) || !isHex(hash) {
		return 0, "", 0, "", false
	}
	wS, ext, found := strings.Cut(file, ".")
	if !found || !digits(wS) || len(wS) > 5 {
		return 0, "", 0, "", false
	}
	switch ext {
	case "jpg":
		mime = "image/jpeg"
	case "webp":
		mime = "image/webp"
	default:
		return 0, "", 0, "", false
	}
	id, err := strconv.ParseInt(idS, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", 0, "", false
	}
	width, _ = strconv.Atoi(wS)
	if width <= 0 {
		return 0, "", 0, "", false
	}
	return id, hash, width, mime, true
}

// digits reports a non-empty run of ASCII digits without a leading zero,
// short enough for an int64.
func digits(s string) bool {
	if s == "" || len(s) > 18 || s[0] == '0' {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Srcset is the srcset attribute of an image: each rendition with its
// width, narrowest first.
func Srcset(img store.Image) string {
	var b strings.Builder
	for i, r := range img.Renditions {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Path(img, r) + " " + strconv.Itoa(r.Width) + "w")
	}
	return b.String()
}

// Pick is the narrowest rendition at least width wide, else the widest:
// what a page shows when it cannot ask the browser. ok is false for an
// image without renditions.
func Pick(img store.Image, width int) (store.Rendition, bool) {
	if len(img.Renditions) == 0 {
		return store.Rendition{}, false
	}
	for _, r := range img.Renditions {
		if r.Width >= width {
			return r, true
		}
	}
	return img.Renditions[len(img.Renditions)-1], true
}
