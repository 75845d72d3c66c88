package search

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

func count(t *testing.T, ix *Index) uint64 {
	t.Helper()
	n, err := ix.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func position(t *testing.T, ix *Index) int64 {
	t.Helper()
	p, err := ix.Position()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApplyReplacesAndDeletes(t *testing.T) {
	ctx := context.Background()
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	p := Doc{StoryID: 20, Lang: "en", Headline: "Harbour opens", Body: "The new harbour opens.", Public: true, Desk: true}
	w := Doc{StoryID: 20, Lang: "en", Headline: "Harbour opens", Body: "The new harbour opens with a ferry.", Working: true, Desk: true}
	other := Doc{StoryID: 21, Lang: "en", Headline: "Harbour closes", Body: "The old harbour closes.", Public: true, Desk: true}
	if err := ix.Apply(ctx, []Doc{p, w, other}, nil, 3); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 3 {
		t.Fatalf("count %d, want 3", n)
	}
	// The story comes again without its working copy: the copy goes.
	if err := ix.Apply(ctx, []Doc{p}, nil, 4); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 2 {
		t.Fatalf("count %d after replacing story 20 without its working copy, want 2", n)
	}
	if res := mustSearch(t, ix, Request{Query: "ferry", Scope: ScopeDesk}); res.Total != 0 {
		t.Errorf("the removed working copy is still found: %v", ids(res))
	}
	// Deleting a story removes both its documents; other stories stay.
	if err := ix.Apply(ctx, []Doc{w}, nil, 5); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, nil, []int64{20, 999}, 6); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 1 {
		t.Fatalf("count %d after deleting story 20, want 1", n)
	}
	if res := mustSearch(t, ix, Request{Query: "harbour", Scope: ScopeDesk}); !slices.Equal(ids(res), []int64{21}) {
		t.Errorf("after delete: %v, want [21]", ids(res))
	}
	// A story both deleted and given in docs ends up with the docs given.
	if err := ix.Apply(ctx, []Doc{p}, []int64{20}, 7); err != nil {
		t.Fatal(err)
	}
	if n := count(t, ix); n != 2 {
		t.Errorf("count %d, want 2", n)
	}
	if got := position(t, ix); got != 7 {
		t.Errorf("position %d, want 7", got)
	}
}

func TestApplyRejectsBadDocs(t *testing.T) {
	ctx := context.Background()
	ix, err := OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	good := Doc{StoryID: 1, Lang: "en", Headline: "Good", Public: true}
	for _, bad := range []Doc{
		{StoryID: 2, Lang: "de", Headline: "Schlecht"},
		{StoryID: 2, Lang: "", Headline: "none"},
		{StoryID: 0, Lang: "en", Headline: "no id"},
		{StoryID: -4, Lang: "en", Headline: "negative id"},
	} {
		if err := ix.Apply(ctx, []Doc{good, bad}, nil, 9); err == nil {
			t.Errorf("Apply accepted %+v", bad)
		}
	}
	// Nothing of a refused batch was written, position included.
	if n, p := count(t, ix), position(t, ix); n != 0 || p != 0 {
		t.Errorf("after refused batches: count %d, position %d", n, p)
	}
	if err := ix.Apply(ctx, nil, nil, -1); err == nil {
		t.Error("negative position accepted")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := ix.Apply(cancelled, []Doc{good}, nil, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestPositionRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := position(t, ix); got != 0 {
		t.Errorf("new index at position %d", got)
	}
	if err := ix.Apply(ctx, fixtureDocs(), nil, 41); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, nil, nil, 0); err != nil {
		t.Fatal(err)
	}
	if got := position(t, ix); got != 41 {
		t.Errorf("position %d after a batch with seq 0, want 41", got)
	}
	if err := ix.Apply(ctx, nil, []int64{14}, 42); err != nil {
		t.Fatal(err)
	}
	want := count(t, ix)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Close: %v", err)
	}
	if _, err := ix.Search(ctx, Request{Query: "x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search on a closed index: %v", err)
	}

	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := position(t, ix); got != 42 {
		t.Errorf("reopened at position %d, want 42", got)
	}
	if got := count(t, ix); got != want {
		t.Errorf("reopened with %d docs, want %d", got, want)
	}
	if res := mustSearch(t, ix, Request{Query: "karachi", Langs: []string{"en"}}); len(res.Hits) == 0 {
		t.Error("reopened index finds nothing")
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestMappingVersionReset: an index written with another mapping version
// is emptied on open, position back to 0.
func TestMappingVersionReset(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, fixtureDocs(), nil, 17); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Same version: kept.
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, p := count(t, ix), position(t, ix); n == 0 || p != 17 {
		t.Fatalf("reopened: count %d, position %d", n, p)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Pretend an older release wrote it.
	raw, err := bleve.OpenUsing(dir, scorchConfig())
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.SetInternal(keyMappingVersion, []byte("0-older")); err != nil {
		t.Fatal(err)
	}
	if err := flush(raw); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, p := count(t, ix), position(t, ix); n != 0 || p != 0 {
		t.Errorf("index of another mapping version: count %d, position %d; want it emptied", n, p)
	}
	// And it works.
	if err := ix.Apply(ctx, fixtureDocs()[:1], nil, 3); err != nil {
		t.Fatal(err)
	}
	if res := mustSearch(t, ix, Request{Query: "karachi"}); !slices.Equal(ids(res), []int64{1}) {
		t.Errorf("after reset: %v", ids(res))
	}
}

func TestReset(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{"", filepath.Join(t.TempDir(), "index")} {
		var ix *Index
		var err error
		if dir == "" {
			ix, err = OpenMemory()
		} else {
			ix, err = Open(dir)
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Apply(ctx, fixtureDocs(), nil, 9); err != nil {
			t.Fatal(err)
		}
		if err := ix.Reset(); err != nil {
			t.Fatal(err)
		}
		if n, p := count(t, ix), position(t, ix); n != 0 || p != 0 {
			t.Errorf("dir %q after Reset: count %d, position %d", dir, n, p)
		}
		if err := ix.Apply(ctx, fixtureDocs(), nil, 2); err != nil {
			t.Fatal(err)
		}
		if res := mustSearch(t, ix, Request{Query: "karachi", Langs: []string{"en"}}); len(res.Hits) != 2 {
			t.Errorf("dir %q after Reset and Apply: %v", dir, ids(res))
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpenNeedsFolder(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
}
