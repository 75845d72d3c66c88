// Package media is the photo desk's engine: it checks an uploaded file (its
// type by its bytes, its size, its dimensions before a single pixel is
// decoded), decodes it, turns it upright, and makes the renditions readers
// see. The Service on top keeps originals and renditions in a blob.Store
// and their rows in the store, with the newsroom's permissions and audit.
//
// Renditions are made from decoded pixels and encoded afresh, so they carry
// no metadata at all: no EXIF, no GPS position, no camera serial number.
// The original is kept exactly as uploaded (it may hold all of those) and
// only desk users may download it.
//
// Renditions are JPEG (quality 82), not WebP. Go has no WebP encoder (the
// x/image package only decodes it), and running libwebp's cwebp for every
// rendition would make a separate program, a process per rendition and
// temporary files part of every upload, for files some 25% smaller. Every
// browser, feed reader and subscriber's system reads JPEG. A rendition
// row carries its type and the URL its extension, so a WebP copy of each
// width can be added beside the JPEG later without changing either.
package media

import (
	"fmt"
	"math"
	"strconv"
)

// Limits bound what an upload may cost. The zero value of a field means
// its default.
type Limits struct {
	MaxBytes  int64 // the file itself; default 25 MiB
	MaxSide   int   // pixels on either side, before decoding; default 12,000
	MaxPixels int64 // width × height, before decoding; default 50 megapixels
	// Widths are the rendition widths readers get, never wider than the
	// original; default 400, 800, 1600.
	Widths []int
	// Quality is the JPEG quality of renditions; default 82.
	Quality int
}

// Defaults.
const (
	DefaultMaxBytes  = 25 << 20
	DefaultMaxSide   = 12_000
	DefaultMaxPixels = 50_000_000
	DefaultQuality   = 82
)

// DefaultWidths are the rendition widths: a phone column, a desktop
// column, and a high-density desktop column.
var DefaultWidths = []int{400, 800, 1600}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultMaxSide
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if len(l.Widths) == 0 {
		l.Widths = DefaultWidths
	}
	if l.Quality <= 0 || l.Quality > 100 {
		l.Quality = DefaultQuality
	}
	return l
}

// Format is an image format Qasid accepts.
type Format string

const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	WebP Format = "webp"
)

// MIME is the format's media type.
func (f Format) MIME() string { return "image/" + string(f) }

// Ext is the file extension the format is stored under.
func (f Format) Ext() string {
	if f == JPEG {
		return "jpg"
	}
	return string(f)
}

// Error is an upload the photo desk refuses, with a reason the person who
// uploaded it can act on. Code names the reason; the desk shows the catalog
// message Key() with Args (name, value pairs) in the user's language, and
// Error() is the same message in English, for logs and tests.
type Error struct {
	Code string
	Args []string
	msg  string
}

func (e *Error) Error() string { return "media: " + e.msg }

// Key is the catalog key of the message, in internal/lang/catalog/media.
func (e *Error) Key() string { return "media.refused_" + e.Code }

func refuse(code, msg string, args ...string) *Error {
	return &Error{Code: code, Args: args, msg: msg}
}

// The reasons an upload is refused. Each has a catalog message
// media.refused_<code> with the same placeholders.
const (
	CodeEmpty     = "empty"
	CodeTooLarge  = "too_large"  // {max}: the limit in MB
	CodeTooBig    = "dimensions" // {width}, {height}, {max}: a side over the limit
	CodeTooMany   = "pixels"     // {megapixels}, {max}
	CodeDamaged   = "damaged"    // the bytes say JPEG, PNG or WebP but do not decode
	CodeAnimated  = "animated"   // an animated WebP
	CodeNotImage  = "not_image"  // nothing we recognise
	CodeOtherType = "other_type" // an image format we do not take: {format}
)

// kinds of file that people upload by mistake, named so that the message
// says what the file is. Each is its own catalog message: "this file is a
// PDF" reads better than a name dropped into a sentence, in every language.
var namedKinds = map[string]string{
	"pdf":   "a PDF document",
	"text":  "a text file",
	"html":  "a web page",
	"zip":   "a ZIP archive (Word, Excel and other Office files are ZIP archives too)",
	"video": "a video",
	"audio": "a sound file",
}

func refuseKind(kind string) *Error {
	return refuse(kind, fmt.Sprintf("this file is %s, not an image; upload a JPEG, PNG or WebP photo", namedKinds[kind]))
}

func refuseFormat(name string) *Error {
	return refuse(CodeOtherType, fmt.Sprintf("this is a %s image; upload a JPEG, PNG or WebP photo (export or convert it first)", name), "format", name)
}

// MB prints a byte count in megabytes for people: "25", "0.25".
func MB(n int64) string {
	return strconv.FormatFloat(math.Round(float64(n)/(1<<20)*100)/100, 'f', -1, 64)
}
