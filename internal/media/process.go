package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strconv"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Original is an upload that passed every check made before decoding.
type Original struct {
	Data          []byte
	Format        Format
	Width, Height int    // as stored, before the EXIF orientation
	Orientation   int    // EXIF orientation, 1 to 8; 1 for PNG and WebP
	SHA256        string // of Data, lower-case hex: the same file is the same image
}

// Upright is the size the picture is seen at, once turned by its
// orientation.
func (o Original) Upright() (width, height int) {
	if swapsAxes(o.Orientation) {
		return o.Height, o.Width
	}
	return o.Width, o.Height
}

// Check reads an upload from r and checks it without decoding a pixel: its
// type (by its bytes, see Sniff), its size (at most l.MaxBytes; reading
// stops just past it) and its dimensions (from the header alone, at most
// l.MaxSide a side and l.MaxPixels in all). A file that fails is refused
// with an *Error; a failing reader is returned as it is.
func Check(r io.Reader, l Limits) (Original, error) {
	l = l.withDefaults()
	// The first bytes say what the file is, so a PDF or a video is refused
	// before the rest of it is read.
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Original{}, fmt.Errorf("media: read upload: %w", err)
	}
	head = head[:n]
	f, err := Sniff(head)
	if err != nil {
		return Original{}, err
	}
	rest, err := io.ReadAll(io.LimitReader(r, l.MaxBytes+1-int64(n)))
	if err != nil {
		return Original{}, fmt.Errorf("media: read upload: %w", err)
	}
	data := append(head, rest...)
	if int64(len(data)) > l.MaxBytes {
		return Original{}, refuse(CodeTooLarge, "the file is larger than "+MB(l.MaxBytes)+" MB", "max", MB(l.MaxBytes))
	}
	return checkBytes(data, f, l)
}

func checkBytes(data []byte, f Format, l Limits) (Original, error) {
	if f == WebP && animatedWebP(data) {
		return Original{}, refuse(CodeAnimated, "animated WebP images cannot be used; upload a still photo")
	}
	cfg, err := decodeConfig(f, data)
	if err != nil {
		return Original{}, damaged(f)
	}
	if err := checkSize(cfg.Width, cfg.Height, l); err != nil {
		return Original{}, err
	}
	sum := sha256.Sum256(data)
	o := Original{Data: data, Format: f, Width: cfg.Width, Height: cfg.Height, Orientation: 1, SHA256: hex.EncodeToString(sum[:])}
	if f == JPEG {
		o.Orientation = Orientation(data)
	}
	return o, nil
}

func damaged(f Format) *Error {
	return refuse(CodeDamaged, "the file looks like a "+string(f)+" image but is damaged or incomplete; export it again and upload the new file", "format", formatName(f))
}

func formatName(f Format) string {
	switch f {
	case JPEG:
		return "JPEG"
	case PNG:
		return "PNG"
	case WebP:
		return "WebP"
	}
	return string(f)
}

// checkSize refuses dimensions that would take too much memory to decode:
// a 100,000 × 100,000 PNG is a few kilobytes on disk and 40 GB in memory.
func checkSize(w, h int, l Limits) error {
	if w <= 0 || h <= 0 {
		return refuse(CodeDamaged, "the image has no pixels", "format", "")
	}
	if w > l.MaxSide || h > l.MaxSide {
		ws, hs, max := strconv.Itoa(w), strconv.Itoa(h), strconv.Itoa(l.MaxSide)
		return refuse(CodeTooBig, "the image is "+ws+" × "+hs+" pixels; each side may be at most "+max, "width", ws, "height", hs, "max", max)
	}
	if int64(w)*int64(h) > l.MaxPixels {
		mp := strconv.FormatInt(int64(w)*int64(h)/1_000_000, 10)
		max := strconv.FormatInt(l.MaxPixels/1_000_000, 10)
		return refuse(CodeTooMany, "the image has "+mp+" megapixels; at most "+max+" are allowed", "megapixels", mp, "max", max)
	}
	return nil
}

func decodeConfig(f Format, data []byte) (image.Config, error) {
	r := bytes.NewReader(data)
	switch f {
	case JPEG:
		return jpeg.DecodeConfig(r)
	case PNG:
		return png.DecodeConfig(r)
	case WebP:
		return webp.DecodeConfig(r)
	}
	return image.Config{}, fmt.Errorf("media: no decoder for %q", f)
}

// animatedWebP reads the VP8X chunk's animation flag. x/image/webp decodes
// still images only; an animation would fail later as "damaged", which
// would send the user looking for the wrong problem.
func animatedWebP(data []byte) bool {
	return len(data) >= 21 && string(data[12:16]) == "VP8X" && data[20]&0x02 != 0
}

// Decode decodes a checked original. The decoders allocate for the size
// the header gave, which Check has bounded; the result must have that size.
func Decode(o Original) (image.Image, error) {
	r := bytes.NewReader(o.Data)
	var img image.Image
	var err error
	switch o.Format {
	case JPEG:
		img, err = jpeg.Decode(r)
	case PNG:
		img, err = png.Decode(r)
	case WebP:
		img, err = webp.Decode(r)
	default:
		return nil, fmt.Errorf("media: no decoder for %q", o.Format)
	}
	if err != nil {
		return nil, damaged(o.Format)
	}
	if b := img.Bounds(); b.Dx() != o.Width || b.Dy() != o.Height {
		return nil, damaged(o.Format)
	}
	return img, nil
}

// Rendition is one size of an image as readers get it.
type Rendition struct {
	Width, Height int
	MIME          string
	Data          []byte
}

// Plan gives the rendition sizes of an upright picture of w × h: each
// configured width narrower than the picture, and the picture's own width
// when it is narrower than the widest configured one, so that a small
// photo gets one rendition at its own size and a photo is never enlarged.
// Heights keep the aspect ratio, rounded, at least 1.
func Plan(w, h int, widths []int) []image.Point {
	if w <= 0 || h <= 0 {
		return nil
	}
	ws := slices.Clone(widths)
	slices.Sort(ws)
	var out []image.Point
	add := func(tw int) {
		if len(out) > 0 && out[len(out)-1].X == tw {
			return
		}
		th := max(1, int((int64(h)*int64(tw)+int64(w)/2)/int64(w)))
		out = append(out, image.Pt(tw, th))
	}
	for _, tw := range ws {
		if tw > 0 && tw < w {
			add(tw)
		}
	}
	if len(ws) > 0 && w <= ws[len(ws)-1] {
		add(w)
	}
	return out
}

// Renditions makes the renditions of a decoded picture, narrowest first,
// as JPEG (see the package doc for why not WebP). The widest is scaled from
// the decoded pixels and turned upright by orientation; each narrower one
// from the next wider, which costs a fraction of scaling from the original
// each time and halving with Catmull-Rom keeps them sharp. Transparent
// areas are laid on white, since JPEG has no transparency.
func Renditions(img image.Image, orientation int, l Limits) ([]Rendition, error) {
	l = l.withDefaults()
	b := img.Bounds()
	uw, uh := b.Dx(), b.Dy()
	if swapsAxes(orientation) {
		uw, uh = uh, uw
	}
	plan := Plan(uw, uh, l.Widths)
	if len(plan) == 0 {
		return nil, damaged("")
	}
	out := make([]Rendition, len(plan))
	var prev *image.RGBA
	for i := len(plan) - 1; i >= 0; i-- {
		size := plan[i]
		var cur *image.RGBA
		if prev == nil {
			cur = orient(scale(img, storedSize(size, orientation)), orientation)
		} else {
			cur = scale(prev, size)
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, cur, &jpeg.Options{Quality: l.Quality}); err != nil {
			return nil, fmt.Errorf("media: encode %d px rendition: %w", size.X, err)
		}
		out[i] = Rendition{Width: size.X, Height: size.Y, MIME: "image/jpeg", Data: buf.Bytes()}
		prev = cur
	}
	return out, nil
}

// storedSize is an upright size in the stored picture's axes.
func storedSize(p image.Point, orientation int) image.Point {
	if swapsAxes(orientation) {
		return image.Pt(p.Y, p.X)
	}
	return p
}

// scale resizes src to size with Catmull-Rom, a sharp kernel that does not
// ring much. A picture that may hold transparency is drawn over white.
func scale(src image.Image, size image.Point) *image.RGBA {
	dst := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
	op := draw.Src
	if !opaque(src) {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
		op = draw.Over
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), op, nil)
	return dst
}

// opaque reports whether every pixel of m is opaque. Types that cannot
// hold transparency answer without looking at a pixel.
func opaque(m image.Image) bool {
	switch m.(type) {
	case *image.YCbCr, *image.Gray, *image.Gray16, *image.CMYK:
		return true
	}
	if o, ok := m.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// orient turns a picture stored with EXIF orientation o upright. For each
// upright pixel it reads the stored one the orientation names (EXIF 2.32,
// tag 0x0112: where the stored 0th row and column are seen).
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if swapsAxes(o) {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			si := src.PixOffset(sx, sy)
			di := dst.PixOffset(x, y)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}
