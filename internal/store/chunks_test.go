package store

import (
	"errors"
	"slices"
	"testing"
)

func TestInChunks(t *testing.T) {
	var got [][]int64
	collect := func(args []any) error {
		var c []int64
		for _, a := range args {
			c = append(c, a.(int64))
		}
		got = append(got, c)
		return nil
	}
	if err := inChunks([]int64{5, 3, 5, 9, 3, 1, 2, 7}, 2, collect); err != nil {
		t.Fatal(err)
	}
	want := [][]int64{{5, 3}, {9, 1}, {2, 7}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("chunks %v, want %v (distinct, first-seen order, full but for the last)", got, want)
	}
	got = nil
	if err := inChunks(nil, 2, collect); err != nil || got != nil {
		t.Errorf("no ids: %v, %v; want no call", got, err)
	}
	// The first error stops the work and comes back.
	boom := errors.New("boom")
	calls := 0
	err := inChunks([]int64{1, 2, 3, 4, 5}, 2, func([]any) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("error: %v after %d calls, want boom after 1", err, calls)
	}
}
