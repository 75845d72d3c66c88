package segment

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/qasid/qasid/internal/lang"
)

// ChangeKind says how a segment changed between two versions.
type ChangeKind string

// The change kinds.
const (
	ChangeSame    ChangeKind = "same"
	ChangeAdded   ChangeKind = "added"
	ChangeRemoved ChangeKind = "removed"
	ChangeEdited  ChangeKind = "edited"
)

// Change is one segment of either version. Old is nil for an added segment,
// New is nil for a removed one.
type Change struct {
	Kind     ChangeKind
	Old, New *Segment
}

// editedFloor is the similarity from which a removed and an added segment
// count as one edited segment rather than two unrelated ones.
const editedFloor = 0.5

// maxLCSCells bounds the table of the longest-common-subsequence step
// (4 bytes a cell). Beyond it, which takes a body of thousands of
// sentences rewritten throughout, only the common start and end and exact
// moves are found; the rest shows as removed and added.
const maxLCSCells = 4 << 20

// Diff aligns two versions' segments: a longest common subsequence over
// exact text anchors the unchanged ones; a left-over segment whose exact
// text reappears elsewhere counts as the same (moved, so its translation
// still holds: Old tells where it was); then left-over removed and added
// segments between the same anchors are paired as edited when they have the
// same kind and a word similarity (character similarity for Chinese) of at
// least 50%. Changes come in the new version's order; a removed segment is
// placed where it was, before the added ones of its stretch unless an
// edited segment it followed comes first.
func Diff(old, new Doc) []Change {
	a, b := old.Segments, new.Segments
	n, m := len(a), len(b)
	code := new.Lang
	if code == "" {
		code = old.Lang
	}

	oldTo := make([]int, n) // the new index each old segment went to, or -1
	newFrom := make([]int, m)
	anchor := make([]bool, m) // newFrom[j] is an LCS anchor
	for i := range oldTo {
		oldTo[i] = -1
	}
	for j := range newFrom {
		newFrom[j] = -1
	}
	for _, p := range lcs(a, b) {
		oldTo[p[0]], newFrom[p[1]], anchor[p[1]] = p[1], p[0], true
	}

	// Moves: the same text elsewhere, first unmatched occurrence in order.
	unmatched := make(map[string][]int)
	for i := range a {
		if oldTo[i] < 0 {
			unmatched[a[i].Text] = append(unmatched[a[i].Text], i)
		}
	}
	for j := range b {
		if newFrom[j] >= 0 {
			continue
		}
		if q := unmatched[b[j].Text]; len(q) > 0 {
			oldTo[q[0]], newFrom[j] = j, q[0]
			unmatched[b[j].Text] = q[1:]
		}
	}

	// Edits, within each stretch between anchors.
	edited := make([]bool, m)
	lo, loOld := 0, 0
	for j := 0; j <= m; j++ {
		if j < m && !anchor[j] {
			continue
		}
		hiOld := n
		if j < m {
			hiOld = newFrom[j]
		}
		pairEdits(code, a, b, loOld, hiOld, lo, j, oldTo, newFrom, edited)
		lo, loOld = j+1, hiOld+1
	}

	// Emit in the new order, flushing removed segments where they stood.
	out := make([]Change, 0, max(n, m))
	next := 0 // the first old index not yet considered for removal
	flush := func(before int) {
		for ; next < before && next < n; next++ {
			if oldTo[next] < 0 {
				out = append(out, Change{Kind: ChangeRemoved, Old: &a[next]})
			}
		}
	}
	// nextOld[j] is the old index of the first anchored or edited segment
	// at or after j: an added segment waits for the removed ones before it.
	nextOld := make([]int, m+1)
	nextOld[m] = n
	for j := m - 1; j >= 0; j-- {
		nextOld[j] = nextOld[j+1]
		if anchor[j] || edited[j] {
			nextOld[j] = newFrom[j]
		}
	}
	for j := range b {
		switch {
		case anchor[j]:
			flush(newFrom[j])
			out = append(out, Change{Kind: ChangeSame, Old: &a[newFrom[j]], New: &b[j]})
		case edited[j]:
			flush(newFrom[j])
			out = append(out, Change{Kind: ChangeEdited, Old: &a[newFrom[j]], New: &b[j]})
		case newFrom[j] >= 0:
			flush(nextOld[j])
			out = append(out, Change{Kind: ChangeSame, Old: &a[newFrom[j]], New: &b[j]})
		default:
			flush(nextOld[j])
			out = append(out, Change{Kind: ChangeAdded, New: &b[j]})
		}
	}
	flush(n)
	return out
}

// lcs returns the index pairs of a longest common subsequence of the two
// texts' segments, compared by exact text.
func lcs(a, b []Segment) [][2]int {
	var pairs [][2]int
	// The common start and end cost nothing and are most of a typical
	// revision.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre].Text == b[pre].Text {
		pairs = append(pairs, [2]int{pre, pre})
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf].Text == b[len(b)-1-suf].Text {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	if n > 0 && m > 0 && n*m <= maxLCSCells {
		// Texts become small integers so the table compares ints.
		ids := make(map[string]int)
		id := func(s string) int {
			v, ok := ids[s]
			if !ok {
				v = len(ids)
				ids[s] = v
			}
			return v
		}
		x, y := make([]int, n), make([]int, m)
		for i := range ma {
			x[i] = id(ma[i].Text)
		}
		for j := range mb {
			y[j] = id(mb[j].Text)
		}
		// t[i*(m+1)+j] is the LCS length of x[i:] and y[j:].
		w := m + 1
		t := make([]int32, (n+1)*w)
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if x[i] == y[j] {
					t[i*w+j] = t[(i+1)*w+j+1] + 1
				} else {
					t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
				}
			}
		}
		for i, j := 0, 0; i < n && j < m; {
			switch {
			case x[i] == y[j]:
				pairs = append(pairs, [2]int{pre + i, pre + j})
				i++
				j++
			case t[(i+1)*w+j] >= t[i*w+j+1]:
				i++
			default:
				j++
			}
		}
	}
	for k := suf; k > 0; k-- {
		pairs = append(pairs, [2]int{len(a) - k, len(b) - k})
	}
	return pairs
}

// maxPairs is how many removed-added pairs of one stretch are all
// compared; beyond it each added segment meets the pairWindow old ones on
// either side of its proportional place.
const (
	maxPairs   = 10000
	pairWindow = 50
)

// pairEdits pairs the unmatched old segments in [loOld, hiOld) with the
// unmatched new ones in [lo, hi): most similar pair first, same kind only,
// at least editedFloor.
func pairEdits(code string, a, b []Segment, loOld, hiOld, lo, hi int, oldTo, newFrom []int, edited []bool) {
	type cand struct {
		i, j int
		sim  float64
	}
	// A long stretch (a body rewritten throughout) compares each segment
	// only with old ones near the same place in the stretch, so the work
	// stays linear.
	window := hiOld - loOld
	if (hi-lo)*(hiOld-loOld) > maxPairs {
		window = pairWindow
	}
	// Each segment is cut into words once, not once per pair.
	oldUnits, newUnits := make(map[int][]string), make(map[int][]string)
	units := func(k int, segs []Segment, memo map[int][]string) []string {
		u, ok := memo[k]
		if !ok {
			u = unitsOf(code, segs[k].Text)
			memo[k] = u
		}
		return u
	}
	var cands []cand
	for j := lo; j < hi; j++ {
		if newFrom[j] >= 0 {
			continue
		}
		at := loOld + (j-lo)*(hiOld-loOld)/max(hi-lo, 1)
		for i := max(loOld, at-window); i < min(hiOld, at+window+1); i++ {
			if oldTo[i] >= 0 || a[i].Kind != b[j].Kind {
				continue
			}
			if s := score(units(i, a, oldUnits), units(j, b, newUnits)); s >= editedFloor {
				cands = append(cands, cand{i, j, s})
			}
		}
	}
	// Stable, so that ties keep the document order.
	slices.SortStableFunc(cands, func(x, y cand) int { return cmp.Compare(y.sim, x.sim) })
	for _, c := range cands {
		if oldTo[c.i] >= 0 || newFrom[c.j] >= 0 {
			continue
		}
		oldTo[c.i], newFrom[c.j], edited[c.j] = c.j, c.i, true
	}
}

// similarity scores two texts from 0 to 1 as one minus their edit distance
// over the longer length, counted in words, or in characters for Chinese,
// which has no spaces between words. Case, Unicode form and punctuation are
// ignored; two texts of punctuation alone score 0.
func similarity(code, x, y string) float64 {
	return score(unitsOf(code, x), unitsOf(code, y))
}

func score(tx, ty []string) float64 {
	if len(tx) == 0 || len(ty) == 0 {
		return 0
	}
	long := max(len(tx), len(ty))
	// The distance is at least the difference in length: skip the table
	// when that alone rules the pair out.
	if float64(long-min(len(tx), len(ty))) > (1-editedFloor)*float64(long) {
		return 0
	}
	return 1 - float64(editDistance(tx, ty))/float64(long)
}

// unitsOf cuts text into the words (or Chinese characters) it is compared by.
func unitsOf(code, s string) []string {
	s = strings.ToLower(lang.NormalizeText(s))
	keep := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	if code == "zh" {
		var out []string
		for _, r := range s {
			if keep(r) {
				out = append(out, string(r))
			}
		}
		return out
	}
	return strings.FieldsFunc(s, func(r rune) bool { return !keep(r) })
}

// editDistance is the Levenshtein distance over units, in two rows.
func editDistance(x, y []string) int {
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = i
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}
