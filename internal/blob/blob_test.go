package blob

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// storeBehaviour is what every Store must do: the one contract the folder
// store (TestDir) and the S3 store (TestS3) both run.
func storeBehaviour(t *testing.T, s Store) {
	ctx := context.Background()
	if err := s.Put(ctx, "images/1/800.jpg", strings.NewReader("pixels"), 6, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	r, n, err := s.Open(ctx, "images/1/800.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r)
	r.Close()
	if string(b) != "pixels" || n != 6 {
		t.Errorf("read %q (%d bytes)", b, n)
	}
	if err := s.Put(ctx, "images/1/800.jpg", strings.NewReader("pix"), 6, "image/jpeg"); err == nil {
		t.Error("a short write was accepted")
	}
	if r, _, err := s.Open(ctx, "images/1/800.jpg"); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(r)
		r.Close()
		if string(b) != "pixels" {
			t.Errorf("after a failed put the blob holds %q", b)
		}
	}
	if err := s.Put(ctx, "images/1/800.jpg", strings.NewReader("newer"), 5, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if r, n, err := s.Open(ctx, "images/1/800.jpg"); err != nil || n != 5 {
		t.Errorf("after replacing: %d bytes, %v", n, err)
	} else {
		r.Close()
	}
	if err := s.Delete(ctx, "images/1/800.jpg"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(ctx, "images/1/800.jpg"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "images/1/800.jpg"); err != nil {
		t.Errorf("deleting an absent blob: %v", err)
	}
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a//b", "a/./b"} {
		if err := s.Put(ctx, bad, strings.NewReader(""), 0, ""); err == nil {
			t.Errorf("key %q accepted", bad)
		}
		if _, _, err := s.Open(ctx, bad); err == nil || errors.Is(err, ErrNotFound) {
			t.Errorf("open %q: %v, want a bad-key error", bad, err)
		}
	}
}

func TestDir(t *testing.T) {
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	storeBehaviour(t, d)
}
