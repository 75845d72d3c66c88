package media

import (
	"bytes"
	"net/http"
	"strings"
	"unicode/utf8"
)

// sniffLen is how much of a file Sniff needs: what http.DetectContentType
// reads, which covers every signature below.
const sniffLen = 512

// Sniff tells a file's format from its first bytes, never from its name or
// the type the browser claimed: a PNG named photo.jpg is a PNG, and a text
// file named photo.jpg is refused. It returns an *Error that says what the
// file is when it is not a JPEG, PNG or WebP image.
func Sniff(head []byte) (Format, error) {
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	switch {
	case len(head) == 0:
		return "", refuse(CodeEmpty, "the file is empty")
	case bytes.HasPrefix(head, []byte("\xFF\xD8\xFF")):
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1A\n")):
		return PNG, nil
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		// http.DetectContentType knows this one too, but the check is
		// ours so that it cannot loosen under us: RIFF, a size, WEBP.
		return WebP, nil
	}
	if name := otherImage(head); name != "" {
		return "", refuseFormat(name)
	}
	if kind := otherKind(head); kind != "" {
		return "", refuseKind(kind)
	}
	return "", refuse(CodeNotImage, "this file is not an image Qasid can read; upload a JPEG, PNG or WebP photo")
}

// otherImage names image formats people upload that we do not take.
func otherImage(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return "GIF"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "TIFF"
	case bytes.HasPrefix(head, []byte("\xFF\x0A")), bytes.HasPrefix(head, []byte("\x00\x00\x00\x0CJXL \r\n\x87\n")):
		return "JPEG XL"
	case bytes.HasPrefix(head, []byte("BM")) && len(head) >= 14 && http.DetectContentType(head) == "image/bmp":
		return "BMP"
	case bytes.HasPrefix(head, []byte("\x00\x00\x01\x00")):
		return "ICO"
	case bytes.HasPrefix(head, []byte("8BPS")):
		return "Photoshop (PSD)"
	}
	if brand := ftypBrand(head); brand != "" {
		switch brand {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return "HEIC"
		case "avif", "avis":
			return "AVIF"
		}
	}
	if isSVG(head) {
		return "SVG"
	}
	return ""
}

// ftypBrand is the major brand of an ISO base media file (MP4, MOV, HEIC,
// AVIF), "" for any other file.
func ftypBrand(head []byte) string {
	if len(head) < 12 || string(head[4:8]) != "ftyp" {
		return ""
	}
	return string(head[8:12])
}

// isSVG finds an <svg element near the start of a text file, after an
// optional XML declaration, comments or a doctype.
func isSVG(head []byte) bool {
	t := strings.TrimLeft(string(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))), " \t\r\n")
	if !strings.HasPrefix(t, "<") {
		return false
	}
	return strings.Contains(strings.ToLower(t), "<svg")
}

// otherKind names the common files that are not images at all.
func otherKind(head []byte) string {
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return "pdf"
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return "zip"
	}
	if brand := ftypBrand(head); brand != "" {
		if strings.HasPrefix(brand, "M4A") {
			return "audio"
		}
		return "video" // mp41, mp42, isom, qt, 3gp...
	}
	ct := http.DetectContentType(head)
	switch {
	case strings.HasPrefix(ct, "text/html"):
		return "html"
	case strings.HasPrefix(ct, "text/") && textLike(head):
		return "text"
	case strings.HasPrefix(ct, "audio/"), ct == "application/ogg":
		return "audio"
	case strings.HasPrefix(ct, "video/"):
		return "video"
	case ct == "application/pdf":
		return "pdf"
	case ct == "application/zip":
		return "zip"
	}
	return ""
}

// textLike reports whether head reads as UTF-8 text (a rune cut by the end
// of head aside, or a UTF-16 byte order mark): DetectContentType calls any
// run of bytes without control characters text, even two bytes of a JPEG.
func textLike(head []byte) bool {
	if bytes.HasPrefix(head, []byte("\xFE\xFF")) || bytes.HasPrefix(head, []byte("\xFF\xFE")) {
		return true
	}
	for cut := 0; cut < utf8.UTFMax && cut < len(head); cut++ {
		if utf8.Valid(head[:len(head)-cut]) {
			return true
		}
	}
	return false
}
