package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image/jpeg"
	"testing"
)

// fuzzLimits keep one fuzz input cheap whatever its header claims: at most
// a quarter megapixel decoded (2 MB even as 16-bit RGBA), renditions 64 px
// wide, so that the fuzzer spends its time on odd bytes, not big pictures.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxSide: 2048, MaxPixels: 1 << 18, Widths: []int{32, 64}}

// FuzzValidate runs the whole upload path (sniff, size and dimension
// checks, decode, renditions) on arbitrary bytes: it must never panic,
// must refuse with an *Error or succeed, and what it accepts must come out
// as renditions that decode, within the limits.
func FuzzValidate(f *testing.F) {
	jpg := jpegBytes(f, picture(40, 30))
	f.Add(jpg)
	f.Add(withEXIF(jpg, exifApp1(6, binary.BigEndian)))
	f.Add(pngBytes(f, picture(24, 16)))
	f.Add(pngHeader(100000, 100000))
	f.Add(testdata(f, "lossy-40x30.webp"))
	f.Add(testdata(f, "alpha-48x32.webp"))
	f.Add(testdata(f, "lossless-48x32.webp"))
	f.Add(testdata(f, "animated-48x32.webp"))
	f.Add([]byte("%PDF-1.4"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8X"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := Check(bytes.NewReader(data), fuzzLimits)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not a refusal: %v", err)
			}
			return
		}
		if o.Width > fuzzLimits.MaxSide || o.Height > fuzzLimits.MaxSide || int64(o.Width)*int64(o.Height) > fuzzLimits.MaxPixels {
			t.Fatalf("accepted %dx%d past the limits", o.Width, o.Height)
		}
		img, err := Decode(o)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("decode: not a refusal: %v", err)
			}
			return
		}
		rs, err := Renditions(img, o.Orientation, fuzzLimits)
		if err != nil {
			t.Fatal(err)
		}
		uw, _ := o.Upright()
		for _, r := range rs {
			if r.Width > uw || r.Width > 64 {
				t.Fatalf("rendition %d px wide from a %d px picture", r.Width, uw)
			}
			m, err := jpeg.Decode(bytes.NewReader(r.Data))
			if err != nil || m.Bounds().Dx() != r.Width || m.Bounds().Dy() != r.Height {
				t.Fatalf("rendition %dx%d does not decode to its size: %v", r.Width, r.Height, err)
			}
		}
	})
}

// FuzzOrientation feeds the EXIF parser arbitrary bytes after a JPEG's
// start: it must never panic and must answer 1 to 8.
func FuzzOrientation(f *testing.F) {
	f.Add(exifApp1(6, binary.BigEndian))
	f.Add(exifApp1(3, binary.LittleEndian))
	f.Add(exifApp1(0, binary.LittleEndian))
	f.Add([]byte{0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, rest []byte) {
		o := Orientation(append([]byte{0xFF, 0xD8}, rest...))
		if o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
