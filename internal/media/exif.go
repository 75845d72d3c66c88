package media

import "encoding/binary"

// Orientation reads the EXIF orientation (1 to 8) of a JPEG: how the
// camera was held, which the pixels do not show. Phones store a portrait
// photo as a landscape grid of pixels with orientation 6; a rendition that
// ignored it would lie on its side. It answers 1 (as stored) for a file
// without EXIF, a value outside 1 to 8, or any malformed structure.
//
// The parser reads only what it needs (the JPEG segments up to the first
// scan, the APP1 segment's TIFF header and its first directory), checks
// every offset against the bytes it has, and never allocates: it is fed
// uploads from anyone with a desk account, and fuzzed.
func Orientation(data []byte) int {
	app1 := exifSegment(data)
	if app1 == nil {
		return 1
	}
	return tiffOrientation(app1)
}

// maxSegments bounds the walk over JPEG segments: a real file has a dozen
// before its first scan.
const maxSegments = 256

// exifSegment finds the TIFF data of the first APP1 segment that starts
// with "Exif\0\0", or nil.
func exifSegment(data []byte) []byte {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil
	}
	i := 2
	for n := 0; n < maxSegments && i+4 <= len(data); n++ {
		if data[i] != 0xFF {
			return nil
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte before a marker
			i++
			continue
		}
		switch {
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2 // markers without a length
			continue
		case marker == 0xDA || marker == 0xD9:
			return nil // the scan (or the end) comes before any EXIF we would read
		}
		size := int(binary.BigEndian.Uint16(data[i+2 : i+4])) // counts its own two bytes
		if size < 2 || i+2+size > len(data) {
			return nil
		}
		body := data[i+4 : i+2+size]
		if marker == 0xE1 && len(body) >= 6 && string(body[:6]) == "Exif\x00\x00" {
			return body[6:]
		}
		i += 2 + size
	}
	return nil
}

const tagOrientation = 0x0112

// tiffOrientation reads the orientation tag from IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:4]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:8]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[off : off+2]))
	for k := int64(0); k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:e+2]) != tagOrientation {
			continue
		}
		typ, n := bo.Uint16(t[e+2:e+4]), bo.Uint32(t[e+4:e+8])
		if typ != 3 || n != 1 { // one SHORT, stored in the entry itself
			return 1
		}
		v := int(bo.Uint16(t[e+8 : e+10]))
		if v < 1 || v > 8 {
			return 1
		}
		return v
	}
	return 1
}

// swapsAxes reports whether an orientation turns the picture a quarter,
// so that its upright width is its stored height.
func swapsAxes(o int) bool { return o >= 5 && o <= 8 }
