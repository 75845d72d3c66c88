package blob

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestDir(t *testing.T) {
	ctx := t.Context()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Put(ctx, "images/1/800.jpg", strings.NewReader("pixels"), 6, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	r, n, err := d.Open(ctx, "images/1/800.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "pixels" || n != 6 {
		t.Errorf("read %q (%d bytes)", b, n)
	}
	// A short write is refused and leaves the old blob in place.
	if err := d.Put(ctx, "images/1/800.jpg", strings.NewReader("pix"), 6, "image/jpeg"); err == nil {
		t.Error("a short write was accepted")
	}
	if r, _, err := d.Open(ctx, "images/1/800.jpg"); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(r)
		r.Close()
		if string(b) != "pixels" {
			t.Errorf("after a failed put the blob holds %q", b)
		}
	}
	if err := d.Delete(ctx, "images/1/800.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Open(ctx, "images/1/800.jpg"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
	if err := d.Delete(ctx, "images/1/800.jpg"); err != nil {
		t.Errorf("deleting an absent blob: %v", err)
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b"} {
		if err := d.Put(ctx, bad, strings.NewReader(""), 0, ""); err == nil {
			t.Errorf("key %q accepted", bad)
		}
		if _, _, err := d.Open(ctx, bad); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("open %q: %v, want a bad-key error", bad, err)
		}
	}
}
