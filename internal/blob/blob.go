// Package blob keeps files that are not rows: image originals and
// renditions, voice-over audio. One interface, two homes: a folder under
// the data directory (the default) and an S3-compatible object store (for
// several nodes, which must all see the same files).
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrNotFound is returned for a key that holds nothing.
var ErrNotFound = errors.New("blob: not found")

// Store keeps blobs by key. Keys are slash-separated relative paths made
// by Qasid itself ("images/12/800.jpg"), never by users.
type Store interface {
	// Put writes the whole of r under key, replacing what was there; a
	// reader never sees half a blob.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Open returns the blob and its size; ErrNotFound if absent.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	Delete(ctx context.Context, key string) error // absent is not an error
}

// Dir is a Store in a folder of the local file system.
type Dir struct {
	root string
}

// NewDir keeps blobs under root, creating it if needed.
func NewDir(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Dir{root: root}, nil
}

// path turns a key into a file name under root, refusing keys that could
// leave it.
func (d *Dir) path(key string) (string, error) {
	clean := path.Clean(key)
	if key == "" || clean != key || strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "..") || !fs.ValidPath(clean) {
		return "", fmt.Errorf("blob: bad key %q", key)
	}
	return filepath.Join(d.root, filepath.FromSlash(clean)), nil
}

// Put writes to a temporary file beside the target and renames it into
// place, so a crash or a concurrent reader never meets a partial file.
func (d *Dir) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	defer os.Remove(f.Name()) // after a successful rename this finds nothing
	n, err := io.Copy(f, r)
	if err == nil && size >= 0 && n != size {
		err = fmt.Errorf("wrote %d bytes, want %d", n, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		return fmt.Errorf("blob: put %s: %w", key, err)
	}
	return nil
}

// Open opens a blob for reading.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("blob: %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("blob: open %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("blob: open %s: %w", key, err)
	}
	return f, st.Size(), nil
}

// Delete removes a blob.
func (d *Dir) Delete(ctx context.Context, key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: delete %s: %w", key, err)
	}
	return nil
}
