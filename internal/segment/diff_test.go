package segment

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// change is a Change written compactly: kind, old text, new text.
type change struct {
	kind     ChangeKind
	old, new string
}

func compact(cs []Change) []change {
	out := make([]change, len(cs))
	for k, c := range cs {
		out[k].kind = c.Kind
		if c.Old != nil {
			out[k].old = c.Old.Text
		}
		if c.New != nil {
			out[k].new = c.New.Text
		}
	}
	return out
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, lang, old, new string
		want                 []change
	}{
		{
			name: "same", lang: "en",
			old: "One is here. Two is there.", new: "One is here. Two is there.",
			want: []change{{ChangeSame, "One is here.", "One is here."}, {ChangeSame, "Two is there.", "Two is there."}},
		},
		{
			name: "added", lang: "en",
			old: "One is here. Three is far.", new: "One is here. Two is new. Three is far.",
			want: []change{
				{ChangeSame, "One is here.", "One is here."},
				{ChangeAdded, "", "Two is new."},
				{ChangeSame, "Three is far.", "Three is far."},
			},
		},
		{
			name: "removed stays where it was", lang: "en",
			old: "One is here. Two goes away. Three is far.", new: "One is here. Three is far.",
			want: []change{
				{ChangeSame, "One is here.", "One is here."},
				{ChangeRemoved, "Two goes away.", ""},
				{ChangeSame, "Three is far.", "Three is far."},
			},
		},
		{
			name: "edited", lang: "en",
			old: "The river rose by two metres overnight. Schools shut.",
			new: "The river rose by three metres overnight. Schools shut.",
			want: []change{
				{ChangeEdited, "The river rose by two metres overnight.", "The river rose by three metres overnight."},
				{ChangeSame, "Schools shut.", "Schools shut."},
			},
		},
		{
			name: "rewritten is removed then added", lang: "en",
			old: "Start. The river rose by two metres overnight. End.",
			new: "Start. Officials blamed the broken dam upstream. End.",
			want: []change{
				{ChangeSame, "Start.", "Start."},
				{ChangeRemoved, "The river rose by two metres overnight.", ""},
				{ChangeAdded, "", "Officials blamed the broken dam upstream."},
				{ChangeSame, "End.", "End."},
			},
		},
		{
			name: "reordered sentences stay the same", lang: "en",
			old: "Alpha comes first. Beta comes next. Gamma ends it.",
			new: "Gamma ends it. Alpha comes first. Beta comes next.",
			want: []change{
				{ChangeSame, "Gamma ends it.", "Gamma ends it."},
				{ChangeSame, "Alpha comes first.", "Alpha comes first."},
				{ChangeSame, "Beta comes next.", "Beta comes next."},
			},
		},
		{
			name: "edit, removal and addition in one stretch", lang: "en",
			old: "Start. Old line goes. The toll rose to ten today. End.",
			new: "Start. The toll rose to twelve today. A new line. End.",
			want: []change{
				{ChangeSame, "Start.", "Start."},
				{ChangeRemoved, "Old line goes.", ""},
				{ChangeEdited, "The toll rose to ten today.", "The toll rose to twelve today."},
				{ChangeAdded, "", "A new line."},
				{ChangeSame, "End.", "End."},
			},
		},
		{
			name: "a heading and a sentence are never one edit", lang: "en",
			old: "## Flood waters rise\n\nEnd.", new: "Flood waters rise again.\n\nEnd.",
			want: []change{
				{ChangeRemoved, "Flood waters rise", ""},
				{ChangeAdded, "", "Flood waters rise again."},
				{ChangeSame, "End.", "End."},
			},
		},
		{
			name: "chinese compares characters", lang: "zh",
			old: "河水昨夜上涨两米。学校停课。", new: "河水昨夜上涨三米。学校停课。",
			want: []change{
				{ChangeEdited, "河水昨夜上涨两米。", "河水昨夜上涨三米。"},
				{ChangeSame, "学校停课。", "学校停课。"},
			},
		},
		{
			name: "chinese below half is not an edit", lang: "zh",
			old: "河水上涨。", new: "官员表示大坝已经修好。",
			want: []change{{ChangeRemoved, "河水上涨。", ""}, {ChangeAdded, "", "官员表示大坝已经修好。"}},
		},
		{
			name: "urdu edit", lang: "ur",
			old: "دریا کا پانی رات بھر بڑھتا رہا۔", new: "دریا کا پانی دن بھر بڑھتا رہا۔",
			want: []change{{ChangeEdited, "دریا کا پانی رات بھر بڑھتا رہا۔", "دریا کا پانی دن بھر بڑھتا رہا۔"}},
		},
		{
			name: "everything removed", lang: "en", old: "One. Two.", new: "",
			want: []change{{ChangeRemoved, "One.", ""}, {ChangeRemoved, "Two.", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, n := Split(tt.lang, "", "", tt.old), Split(tt.lang, "", "", tt.new)
			got := Diff(o, n)
			if c := compact(got); !slices.Equal(c, tt.want) {
				t.Errorf("Diff\n got %+v\nwant %+v", c, tt.want)
			}
			checkDiff(t, o, n, got)
		})
	}
}

// checkDiff checks what holds for every diff: each old and each new segment
// appears exactly once, pointers point into the documents, and new
// segments come in order.
func checkDiff(t *testing.T, o, n Doc, got []Change) {
	t.Helper()
	seenOld := make([]int, len(o.Segments))
	next := 0
	for _, c := range got {
		if c.Old != nil {
			if c.Old != &o.Segments[c.Old.Index] {
				t.Errorf("Old of %+v does not point into the old document", c)
			}
			seenOld[c.Old.Index]++
		}
		if c.New != nil {
			if c.New.Index != next || c.New != &n.Segments[c.New.Index] {
				t.Errorf("New segment %d out of order or not from the new document", c.New.Index)
			}
			next++
		}
		if (c.Kind == ChangeAdded) != (c.Old == nil) || (c.Kind == ChangeRemoved) != (c.New == nil) {
			t.Errorf("change %+v: Old/New do not fit its kind", c)
		}
	}
	if next != len(n.Segments) {
		t.Errorf("%d of %d new segments reported", next, len(n.Segments))
	}
	for i, k := range seenOld {
		if k != 1 {
			t.Errorf("old segment %d reported %d times", i, k)
		}
	}
}

// A long body rewritten throughout takes the windowed path and still
// pairs every sentence with its edit.
func TestDiffLongRewrite(t *testing.T) {
	var x, y strings.Builder
	for i := range 300 {
		fmt.Fprintf(&x, "The council met on day %d to talk about roads. ", i)
		fmt.Fprintf(&y, "The council met on day %d to discuss the roads. ", i)
	}
	o, n := Split("en", "", "", x.String()), Split("en", "", "", y.String())
	got := Diff(o, n)
	checkDiff(t, o, n, got)
	for _, c := range got {
		if c.Kind != ChangeEdited || c.Old.Index != c.New.Index {
			t.Fatalf("got %+v, want every sentence edited in place", c)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		lang, x, y string
		want       float64
	}{
		{"en", "The river rose.", "the river ROSE", 1},
		{"en", "The river rose today.", "The river fell today.", 0.75},
		{"en", "One two three four.", "Five six.", 0},
		{"zh", "河水上涨", "河水下降", 0.5},
		{"fr", "L'État a répondu.", "L'État a répondu hier.", 0.8},
		{"en", "...", "!!!", 0},
	}
	for _, tt := range tests {
		if got := similarity(tt.lang, tt.x, tt.y); got != tt.want {
			t.Errorf("similarity(%q, %q, %q) = %v, want %v", tt.lang, tt.x, tt.y, got, tt.want)
		}
	}
}
