package bake

import (
	"os"
	"path/filepath"
	"testing"
)

// TestWriteNew: a page in a fresh folder is written under its own name,
// readable by others; a name that is already taken is an error that leaves
// what was there alone, and so is a name that cannot be created.
func TestWriteNew(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "12-a-story")
	if err := writeNew(name, []byte("<p>first</p>")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(name)
	if err != nil || fi.Mode().Perm() != 0o644&^umask(t) {
		t.Fatalf("written file: %v %v", fi, err)
	}
	if err := writeNew(name, []byte("<p>second</p>")); err == nil {
		t.Error("a second write of the same name succeeded")
	}
	if got, _ := os.ReadFile(name); string(got) != "<p>first</p>" {
		t.Errorf("the refused write changed the file: %q", got)
	}
	// A name in a folder that does not exist cannot be created.
	missing := filepath.Join(dir, "no-such-folder", "page")
	if err := writeNew(missing, []byte("x")); err == nil {
		t.Error("a write into a missing folder succeeded")
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a failed write left %s: %v", missing, err)
	}
}

// umask is the process's file creation mask, which OpenFile's mode passes
// through.
func umask(t *testing.T) os.FileMode {
	t.Helper()
	probe := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(probe, os.O_WRONLY|os.O_CREATE, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(probe)
	if err != nil {
		t.Fatal(err)
	}
	return 0o777 &^ fi.Mode().Perm()
}
