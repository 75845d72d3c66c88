package media

import (
	"bytes"
	"testing"
)

// BenchmarkUploadPath measures the whole path for a 24-megapixel camera
// JPEG (6000 × 4000): checks, decode, and the three renditions. It reports
// the time and the bytes allocated per photo; it asserts nothing.
func BenchmarkUploadPath(b *testing.B) {
	data := jpegBytes(b, picture(6000, 4000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		o, err := Check(bytes.NewReader(data), Limits{})
		if err != nil {
			b.Fatal(err)
		}
		img, err := Decode(o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Renditions(img, o.Orientation, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
