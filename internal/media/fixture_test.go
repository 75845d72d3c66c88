package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"
)

// Fixtures are made here with Go's encoders, except the WebP files in
// testdata, which were encoded from Go-made PNGs with libwebp's cwebp and
// img2webp (Debian package webp) for these tests.

// picture is a w × h test card: blue, with a red block at the stored
// top-left corner and a green one at the stored top-right, so that a test
// can tell where each corner went.
func picture(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	block := max(2, min(w, h)/4)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{20, 40, 200, 255}
			switch {
			case x < block && y < block:
				c = color.RGBA{230, 20, 20, 255}
			case x >= w-block && y < block:
				c = color.RGBA{20, 210, 30, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return m
}

func jpegBytes(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func pngBytes(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// secret is text only the EXIF block of a test photo holds: finding it in
// a rendition would mean metadata leaked through.
const secret = "QASID-SECRET-CAMERA-SN-4471"

// exifApp1 builds an APP1 segment (marker included) with a little- or
// big-endian TIFF structure: IFD0 holds the orientation (unless 0), an
// ImageDescription carrying secret, and a pointer to a GPS IFD with a
// latitude of 33° 41' 4" N and a longitude of 73° 2' 52" E.
func exifApp1(orientation int, bo binary.ByteOrder) []byte {
	var t bytes.Buffer
	if bo == binary.LittleEndian {
		t.WriteString("II")
	} else {
		t.WriteString("MM")
	}
	w16 := func(v uint16) { binary.Write(&t, bo, v) }
	w32 := func(v uint32) { binary.Write(&t, bo, v) }
	w16(42)
	w32(8) // IFD0 right after the header
	type entry struct {
		tag, typ uint16
		count    uint32
		value    uint32 // or offset
		short    bool
	}
	n := 2
	if orientation > 0 {
		n++
	}
	ifd0End := 8 + 2 + 12*n + 4
	descOff := ifd0End
	desc := secret + "\x00"
	gpsOff := descOff + len(desc)
	var entries []entry
	if orientation > 0 {
		entries = append(entries, entry{tag: 0x0112, typ: 3, count: 1, value: uint32(orientation), short: true})
	}
	entries = append(entries, entry{tag: 0x010E, typ: 2, count: uint32(len(desc)), value: uint32(descOff)})
	entries = append(entries, entry{tag: 0x8825, typ: 4, count: 1, value: uint32(gpsOff)})
	w16(uint16(len(entries)))
	for _, e := range entries {
		w16(e.tag)
		w16(e.typ)
		w32(e.count)
		if e.short {
			w16(uint16(e.value))
			w16(0)
		} else {
			w32(e.value)
		}
	}
	w32(0) // no IFD1
	t.WriteString(desc)
	// The GPS IFD: LatitudeRef, Latitude, LongitudeRef, Longitude.
	gpsEntries := 4
	ratOff := gpsOff + 2 + 12*gpsEntries + 4
	w16(uint16(gpsEntries))
	w16(1)
	w16(2)
	w32(2)
	t.WriteString("N\x00\x00\x00")
	w16(2)
	w16(5)
	w32(3)
	w32(uint32(ratOff))
	w16(3)
	w16(2)
	w32(2)
	t.WriteString("E\x00\x00\x00")
	w16(4)
	w16(5)
	w32(3)
	w32(uint32(ratOff + 24))
	w32(0)
	for _, v := range []uint32{33, 1, 41, 1, 4, 1, 73, 1, 2, 1, 52, 1} {
		w32(v)
	}
	body := append([]byte("Exif\x00\x00"), t.Bytes()...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

// withEXIF puts an APP1 segment right after a JPEG's SOI marker, where
// cameras write it.
func withEXIF(jpg, app1 []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// pngHeader is a PNG signature and an IHDR chunk (with a correct CRC)
// claiming w × h RGBA pixels, followed by a tiny IDAT and IEND: a
// "decompression bomb" that costs nothing to send.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1A\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// segments lists the markers of a JPEG up to its first scan.
func segments(t testing.TB, jpg []byte) []byte {
	t.Helper()
	var out []byte
	i := 2
	for i+4 <= len(jpg) {
		if jpg[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		m := jpg[i+1]
		out = append(out, m)
		if m == 0xDA {
			return out
		}
		i += 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	}
	return out
}
