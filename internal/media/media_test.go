package media

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"
)

func refusedWith(t *testing.T, err error, code string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want a refusal %q", err, code)
	}
	if e.Code != code {
		t.Errorf("refused with %q (%v), want %q", e.Code, e, code)
	}
	if !strings.HasPrefix(e.Key(), "media.refused_") {
		t.Errorf("key %q", e.Key())
	}
}

func TestSniff(t *testing.T) {
	webp := testdata(t, "lossy-40x30.webp")
	for _, tc := range []struct {
		name string
		head []byte
		want Format
		code string // refusal, when want is empty
		says string // part of the English message
	}{
		{"jpeg", jpegBytes(t, picture(8, 8)), JPEG, "", ""},
		{"png", pngBytes(t, picture(8, 8)), PNG, "", ""},
		{"webp", webp, WebP, "", ""},
		{"empty", nil, "", CodeEmpty, "empty"},
		{"pdf", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"), "", "pdf", "PDF"},
		{"text", []byte("Minister says talks went well.\nMore later."), "", "text", "text file"},
		{"html", []byte("<!DOCTYPE html><html><body>hi</body></html>"), "", "html", "web page"},
		{"docx", []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), "", "zip", "ZIP"},
		{"mp4", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), "", "video", "video"},
		{"m4a", []byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"), "", "audio", "sound"},
		{"wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00"), "", "audio", "sound"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"), "", CodeOtherType, "GIF"},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "", CodeOtherType, "HEIC"},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1"), "", CodeOtherType, "AVIF"},
		{"tiff", []byte("II*\x00\x08\x00\x00\x00"), "", CodeOtherType, "TIFF"},
		{"svg", []byte("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "", CodeOtherType, "SVG"},
		{"riff without webp", []byte("RIFF\x24\x00\x00\x00WEBX"), "", CodeNotImage, "not an image"},
		{"noise", []byte{0x00, 0x13, 0x37, 0xC0, 0xDE, 0x01, 0x02, 0xFE}, "", CodeNotImage, "not an image"},
		{"jpeg magic cut short", []byte{0xFF, 0xD8}, "", CodeNotImage, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff(tc.head)
			if tc.want != "" {
				if err != nil || got != tc.want {
					t.Fatalf("Sniff = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			refusedWith(t, err, tc.code)
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("message %q does not say %q", err, tc.says)
			}
		})
	}
}

func TestCheckAccepts(t *testing.T) {
	jpg := jpegBytes(t, picture(120, 80))
	for _, tc := range []struct {
		name          string
		data          []byte
		format        Format
		width, height int
	}{
		{"jpeg", jpg, JPEG, 120, 80},
		{"png", pngBytes(t, picture(64, 48)), PNG, 64, 48},
		{"webp lossy", testdata(t, "lossy-40x30.webp"), WebP, 40, 30},
		{"webp lossy with alpha", testdata(t, "alpha-48x32.webp"), WebP, 48, 32},
		{"webp lossless", testdata(t, "lossless-48x32.webp"), WebP, 48, 32},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Check(bytes.NewReader(tc.data), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(tc.data)
			if o.Format != tc.format || o.Width != tc.width || o.Height != tc.height || o.SHA256 != hex.EncodeToString(sum[:]) ||
				!bytes.Equal(o.Data, tc.data) || o.Orientation != 1 {
				t.Errorf("checked %s %dx%d orientation %d sha %s", o.Format, o.Width, o.Height, o.Orientation, o.SHA256)
			}
			img, err := Decode(o)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := Renditions(img, o.Orientation, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Width != tc.width || rs[0].Height != tc.height || rs[0].MIME != "image/jpeg" {
				t.Fatalf("renditions %+v: want one at the picture's own size", rs)
			}
			back, err := jpeg.Decode(bytes.NewReader(rs[0].Data))
			if err != nil || back.Bounds().Dx() != tc.width {
				t.Errorf("rendition does not decode as a %d px JPEG: %v", tc.width, err)
			}
		})
	}
}

func TestCheckRefuses(t *testing.T) {
	jpg := jpegBytes(t, picture(300, 200))
	png := pngBytes(t, picture(300, 200))
	corruptPNG := append([]byte{}, png...)
	corruptPNG[len(corruptPNG)-20] ^= 0xFF // inside the pixel data: its CRC no longer matches
	for _, tc := range []struct {
		name string
		data []byte
		// code is the refusal of Check, or, when Check passes, of Decode.
		code string
	}{
		{"text named .jpg", []byte("This is not a photo, it is the caption.\n"), "text"},
		{"pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"), "pdf"},
		{"jpeg header only", jpg[:20], CodeDamaged},
		{"truncated jpeg", jpg[:len(jpg)/2], CodeDamaged},
		{"png signature only", png[:8], CodeDamaged},
		{"truncated png", png[:len(png)-30], CodeDamaged},
		{"corrupt png", corruptPNG, CodeDamaged},
		{"webp cut short", testdata(t, "lossy-40x30.webp")[:40], CodeDamaged},
		{"animated webp", testdata(t, "animated-48x32.webp"), CodeAnimated},
		{"png claiming 100000 x 100000", pngHeader(100000, 100000), CodeTooBig},
		{"png claiming 12001 x 10", pngHeader(12001, 10), CodeTooBig},
		{"png claiming 8000 x 7000 (56 megapixels)", pngHeader(8000, 7000), CodeTooMany},
		{"png claiming 0 x 10", pngHeader(0, 10), CodeDamaged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Check(bytes.NewReader(tc.data), Limits{})
			if err == nil {
				_, err = Decode(o)
			}
			refusedWith(t, err, tc.code)
		})
	}
}

// TestDecompressionBomb proves a PNG whose header claims 100,000 × 100,000
// pixels (40 GB decoded) is refused from its header: quickly, and without
// allocating more than a little.
func TestDecompressionBomb(t *testing.T) {
	bomb := pngHeader(100000, 100000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := Check(bytes.NewReader(bomb), Limits{})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	refusedWith(t, err, CodeTooBig)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("refusing the bomb allocated %d bytes, want under 1 MiB", alloc)
	}
	if took > time.Second {
		t.Errorf("refusing the bomb took %v", took)
	}
	if !strings.Contains(err.Error(), "100000 × 100000") {
		t.Errorf("message %q does not give the size", err)
	}
}

// countingReader counts what is read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// TestHugeFile feeds a 1 GiB stream that starts like a JPEG: it is refused
// for its size, and reading stops just past the limit.
func TestHugeFile(t *testing.T) {
	head := jpegBytes(t, picture(16, 16))
	r := &countingReader{r: io.MultiReader(bytes.NewReader(head), io.LimitReader(zeros{}, 1<<30))}
	_, err := Check(r, Limits{MaxBytes: 2 << 20})
	refusedWith(t, err, CodeTooLarge)
	if r.n > 2<<20+1 {
		t.Errorf("read %d bytes of a refused upload, want at most the limit + 1", r.n)
	}
	if !strings.Contains(err.Error(), "2 MB") {
		t.Errorf("message %q does not give the limit", err)
	}
	// A file of exactly the limit is fine.
	exact := append(append([]byte{}, head...), make([]byte, 4096-len(head))...)
	if _, err := Check(bytes.NewReader(exact), Limits{MaxBytes: 4096}); err != nil {
		t.Errorf("a file of exactly the limit: %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A reader that fails is the reader's error, not a refusal.
func TestCheckReadError(t *testing.T) {
	boom := errors.New("connection reset")
	_, err := Check(io.MultiReader(bytes.NewReader(jpegBytes(t, picture(8, 8))), errReader{boom}), Limits{})
	var e *Error
	if !errors.Is(err, boom) || errors.As(err, &e) {
		t.Errorf("error %v, want the reader's", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		want string
	}{
		{3000, 2000, "[(400,267) (800,533) (1600,1067)]"},
		{1600, 900, "[(400,225) (800,450) (1600,900)]"},
		{1000, 500, "[(400,200) (800,400) (1000,500)]"},
		{300, 200, "[(300,200)]"},
		{400, 4000, "[(400,4000)]"},
		{5000, 1, "[(400,1) (800,1) (1600,1)]"},
		{0, 10, "[]"},
	} {
		if got := fmt.Sprint(Plan(tc.w, tc.h, DefaultWidths)); got != tc.want {
			t.Errorf("Plan(%d, %d) = %s, want %s", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestRenditionSizes(t *testing.T) {
	// Small widths keep the test quick under the race detector; Plan is
	// checked with the real ones above.
	small := Limits{Widths: []int{100, 200, 400}}
	o, err := Check(bytes.NewReader(jpegBytes(t, picture(500, 250))), small)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Decode(o)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Renditions(img, 1, small)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		m, err := jpeg.Decode(bytes.NewReader(r.Data))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%dx%d=%dx%d", r.Width, r.Height, m.Bounds().Dx(), m.Bounds().Dy()))
		if r.Width != 100 && len(r.Data) < 1000 {
			t.Errorf("%d px rendition is only %d bytes", r.Width, len(r.Data))
		}
	}
	if fmt.Sprint(got) != "[100x50=100x50 200x100=200x100 400x200=400x200]" {
		t.Errorf("renditions %v", got)
	}
	// The red corner stays red and the blue field blue after scaling.
	m, _ := jpeg.Decode(bytes.NewReader(rs[0].Data))
	if c := colorAt(m, 4, 4); c != "red" {
		t.Errorf("top-left of the 100 px rendition is %s, want red", c)
	}
	if c := colorAt(m, 50, 40); c != "blue" {
		t.Errorf("middle of the 100 px rendition is %s, want blue", c)
	}
}

// colorAt names the dominant channel at (x, y).
func colorAt(m image.Image, x, y int) string {
	r, g, b, _ := m.At(m.Bounds().Min.X+x, m.Bounds().Min.Y+y).RGBA()
	switch {
	case r > g && r > b:
		return "red"
	case g > r && g > b:
		return "green"
	case b > r && b > g:
		return "blue"
	}
	return fmt.Sprintf("grey(%d,%d,%d)", r>>8, g>>8, b>>8)
}

// TestOrientation checks every EXIF orientation: the rendition is upright,
// with the stored top-left (red) and top-right (green) corners where the
// orientation puts them, and the size turned when it should be.
func TestOrientation(t *testing.T) {
	const w, h = 120, 80
	jpg := jpegBytes(t, picture(w, h))
	type corner struct{ x, y int }
	tl, tr, bl, br := corner{0, 0}, corner{1, 0}, corner{0, 1}, corner{1, 1}
	want := map[int][2]corner{ // orientation: where red and green end up
		1: {tl, tr}, 2: {tr, tl}, 3: {br, bl}, 4: {bl, br},
		5: {tl, bl}, 6: {tr, br}, 7: {br, tr}, 8: {bl, tl},
	}
	for o := 1; o <= 8; o++ {
		for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
			t.Run(fmt.Sprintf("%d/%v", o, bo), func(t *testing.T) {
				data := withEXIF(jpg, exifApp1(o, bo))
				if got := Orientation(data); got != o {
					t.Fatalf("Orientation = %d, want %d", got, o)
				}
				c, err := Check(bytes.NewReader(data), Limits{})
				if err != nil {
					t.Fatal(err)
				}
				uw, uh := c.Upright()
				if swapsAxes(o) != (uw == h) {
					t.Errorf("upright size %dx%d for orientation %d", uw, uh, o)
				}
				img, err := Decode(c)
				if err != nil {
					t.Fatal(err)
				}
				rs, err := Renditions(img, c.Orientation, Limits{})
				if err != nil {
					t.Fatal(err)
				}
				m, err := jpeg.Decode(bytes.NewReader(rs[0].Data))
				if err != nil {
					t.Fatal(err)
				}
				if m.Bounds().Dx() != uw || m.Bounds().Dy() != uh {
					t.Fatalf("rendition %v, want %dx%d", m.Bounds(), uw, uh)
				}
				at := func(c corner) string { return colorAt(m, 5+c.x*(uw-11), 5+c.y*(uh-11)) }
				if got := at(want[o][0]); got != "red" {
					t.Errorf("red corner: %s there", got)
				}
				if got := at(want[o][1]); got != "green" {
					t.Errorf("green corner: %s there", got)
				}
			})
		}
	}
}

func TestOrientationMalformed(t *testing.T) {
	jpg := jpegBytes(t, picture(16, 16))
	good := exifApp1(6, binary.BigEndian)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"no exif", jpg},
		{"not a jpeg", []byte("hello")},
		{"empty", nil},
		{"orientation 9", withEXIF(jpg, exifApp1(9, binary.LittleEndian))},
		{"no orientation tag", withEXIF(jpg, exifApp1(0, binary.LittleEndian))},
		{"segment longer than the file", append([]byte{0xFF, 0xD8}, good[:30]...)},
		{"bad byte order", withEXIF(jpg, bytes.Replace(good, []byte("MM\x00*"), []byte("XX\x00*"), 1))},
		{"bad magic", withEXIF(jpg, bytes.Replace(good, []byte("MM\x00*"), []byte("MM\x00+"), 1))},
		{"IFD offset past the end", withEXIF(jpg, bytes.Replace(good, []byte("MM\x00*\x00\x00\x00\x08"), []byte("MM\x00*\x7F\xFF\xFF\xFF"), 1))},
		{"zero-length segment", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0xFF, 0xE1}},
	} {
		if got := Orientation(tc.data); got != 1 {
			t.Errorf("%s: Orientation = %d, want 1", tc.name, got)
		}
	}
}

// TestNoMetadataInRenditions is the privacy promise: a JPEG carrying EXIF
// with a GPS position and a camera serial goes in, and no rendition has an
// APPn segment, "Exif", the serial or the GPS values; the original keeps
// them, as uploaded.
func TestNoMetadataInRenditions(t *testing.T) {
	data := withEXIF(jpegBytes(t, picture(600, 400)), exifApp1(1, binary.LittleEndian))
	small := Limits{Widths: []int{100, 200, 400}}
	if !bytes.Contains(data, []byte(secret)) || !bytes.Contains(data, []byte("Exif\x00\x00")) {
		t.Fatal("the fixture lacks its EXIF block")
	}
	o, err := Check(bytes.NewReader(data), small)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(o.Data, data) {
		t.Error("the original was changed")
	}
	img, err := Decode(o)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Renditions(img, o.Orientation, small)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d renditions, want 3", len(rs))
	}
	gps := []byte{33, 0, 0, 0, 1, 0, 0, 0, 41, 0, 0, 0, 1, 0, 0, 0} // the latitude's rationals, little-endian
	for _, r := range rs {
		for _, m := range segments(t, r.Data) {
			if m >= 0xE0 && m <= 0xEF {
				t.Errorf("%d px rendition has an APP%d segment", r.Width, m-0xE0)
			}
		}
		for _, leak := range [][]byte{[]byte("Exif"), []byte(secret), gps} {
			if bytes.Contains(r.Data, leak) {
				t.Errorf("%d px rendition contains %q", r.Width, leak)
			}
		}
	}
}

// TestTransparencyOnWhite: JPEG has no alpha, so a transparent corner
// becomes white rather than black.
func TestTransparencyOnWhite(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 60, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 60; x++ {
			if x >= 30 {
				m.SetNRGBA(x, y, color.NRGBA{20, 40, 200, 255})
			}
		}
	}
	for _, data := range [][]byte{pngBytes(t, m), testdata(t, "alpha-48x32.webp")} {
		o, err := Check(bytes.NewReader(data), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(o)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := Renditions(img, 1, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := jpeg.Decode(bytes.NewReader(rs[0].Data))
		r, g, b, _ := out.At(2, 2).RGBA()
		if r>>8 < 235 || g>>8 < 235 || b>>8 < 235 {
			t.Errorf("%s: transparent corner came out (%d,%d,%d), want white", o.Format, r>>8, g>>8, b>>8)
		}
	}
}

func TestPaths(t *testing.T) {
	for _, tc := range []struct {
		ref, file string
		ok        bool
	}{
		{"12-0123456789abcdef", "800.jpg", true},
		{"12-0123456789abcdef", "800.webp", true},
		{"12-0123456789ABCDEF", "800.jpg", false},
		{"12-0123456789abcde", "800.jpg", false},
		{"012-0123456789abcdef", "800.jpg", false},
		{"-0123456789abcdef", "800.jpg", false},
		{"12-0123456789abcdef", "800.png", false},
		{"12-0123456789abcdef", "0.jpg", false},
		{"12-0123456789abcdef", "800", false},
		{"12-0123456789abcdef", "123456.jpg", false},
		{"99999999999999999999-0123456789abcdef", "800.jpg", false},
		{"12-0123456789abcdef", "../x.jpg", false},
	} {
		_, _, _, _, ok := ParsePath(tc.ref, tc.file)
		if ok != tc.ok {
			t.Errorf("ParsePath(%q, %q) ok = %v, want %v", tc.ref, tc.file, ok, tc.ok)
		}
	}
}
