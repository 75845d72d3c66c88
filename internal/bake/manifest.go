package bake

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// The manifest is one JSON object, {"seq": N, "pages": {path: [tags]}},
// with seq first. At a hundred thousand pages it runs to tens of
// megabytes, so it is written a page at a time as the bake goes and read
// a page at a time by the next bake since it, rather than held whole.

// manifestWriter streams a manifest into a temporary file that becomes
// the manifest only on commit.
type manifestWriter struct {
	out   string
	f     *os.File
	w     *bufio.Writer
	pages int
	done  bool
}

func createManifest(out string, seq int64) (*manifestWriter, error) {
	f, err := os.CreateTemp(out, ".qasid-bake-*")
	if err != nil {
		return nil, fmt.Errorf("bake: manifest: %w", err)
	}
	m := &manifestWriter{out: out, f: f, w: bufio.NewWriterSize(f, 256<<10)}
	fmt.Fprintf(m.w, `{"seq":%d,"pages":{`, seq)
	return m, nil
}

// add writes one page's entry. Each path is added once.
func (m *manifestWriter) add(p string, tags []string) error {
	k, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("bake: manifest: %w", err)
	}
	if tags == nil {
		tags = []string{}
	}
	v, err := json.Marshal(tags)
	if err != nil {
		return fmt.Errorf("bake: manifest: %w", err)
	}
	if m.pages > 0 {
		m.w.WriteByte(',')
	}
	m.pages++
	m.w.WriteByte('\n') // one page a line, for people reading it
	m.w.Write(k)
	m.w.WriteByte(':')
	// A failed write sticks in the bufio.Writer and surfaces on commit.
	_, err = m.w.Write(v)
	return err
}

// commit ends the manifest and gives it its name, replacing the previous
// one.
func (m *manifestWriter) commit() error {
	m.w.WriteString("}}\n")
	err := m.w.Flush()
	if err == nil {
		err = m.f.Chmod(0o644)
	}
	if cerr := m.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(m.f.Name(), filepath.Join(m.out, ManifestName))
	}
	if err != nil {
		os.Remove(m.f.Name())
		return fmt.Errorf("bake: manifest: %w", err)
	}
	m.done = true
	return nil
}

// abort drops the temporary file of a manifest not committed.
func (m *manifestWriter) abort() {
	if !m.done {
		m.f.Close()
		os.Remove(m.f.Name())
		m.done = true
	}
}

// manifestReader reads a manifest a page at a time.
type manifestReader struct {
	f   *os.File
	dec *json.Decoder
	seq int64
}

// openManifest opens the manifest in out and reads its position; it
// returns nil when there is none.
func openManifest(out string) (*manifestReader, error) {
	f, err := os.Open(filepath.Join(out, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("bake: manifest: %w", err)
	}
	m := &manifestReader{f: f, dec: json.NewDecoder(bufio.NewReaderSize(f, 256<<10))}
	if err := m.head(); err != nil {
		f.Close()
		return nil, damaged(err)
	}
	return m, nil
}

func (m *manifestReader) close() { m.f.Close() }

func damaged(err error) error {
	return fmt.Errorf("bake: manifest %s is damaged (delete it to bake everything): %w", ManifestName, err)
}

// head reads up to the position, which must come first.
func (m *manifestReader) head() error {
	if err := m.delim('{'); err != nil {
		return err
	}
	if k, err := m.key(); err != nil || k != "seq" {
		return errors.Join(err, fmt.Errorf("want seq first, found %q", k))
	}
	if err := m.dec.Decode(&m.seq); err != nil {
		return fmt.Errorf("seq: %w", err)
	}
	if m.seq < 0 {
		return fmt.Errorf("seq %d", m.seq)
	}
	return nil
}

// pages calls fn for every page in the manifest, in the manifest's order,
// and checks that the manifest is whole.
func (m *manifestReader) pages(fn func(p string, tags []string) error) error {
	found := false
	for m.dec.More() {
		k, err := m.key()
		if err != nil {
			return damaged(err)
		}
		if k != "pages" {
			// A field of a later version: not ours to read.
			var skip json.RawMessage
			if err := m.dec.Decode(&skip); err != nil {
				return damaged(err)
			}
			continue
		}
		found = true
		if err := m.delim('{'); err != nil {
			return damaged(fmt.Errorf("pages: %w", err))
		}
		for m.dec.More() {
			p, err := m.key()
			if err != nil {
				return damaged(err)
			}
			var tags []string
			if err := m.dec.Decode(&tags); err != nil {
				return damaged(fmt.Errorf("page %q: %w", p, err))
			}
			if err := fn(p, tags); err != nil {
				return err
			}
		}
		if err := m.delim('}'); err != nil {
			return damaged(err)
		}
	}
	if err := m.delim('}'); err != nil {
		return damaged(err)
	}
	if !found {
		return damaged(errors.New("no pages"))
	}
	if _, err := m.dec.Token(); err != io.EOF {
		return damaged(fmt.Errorf("more after the end: %v", err))
	}
	return nil
}

func (m *manifestReader) delim(want json.Delim) error {
	t, err := m.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %v, found %v", want, t)
	}
	return nil
}

func (m *manifestReader) key() (string, error) {
	t, err := m.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := t.(string)
	if !ok {
		return "", fmt.Errorf("want a name, found %v", t)
	}
	return k, nil
}
