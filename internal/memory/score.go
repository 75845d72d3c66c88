package memory

// MinFuzzy is the lowest score the desk shows as a fuzzy match, the usual
// floor of CAT tools: below it, editing the match is slower than
// translating afresh.
const MinFuzzy = 70

// Prepared is a segment normalised and split into words once, so that one
// query can be scored against many memory segments without redoing that
// work for the query each time.
type Prepared struct {
	norm   string
	tokens []string
}

// Prepare normalises and tokenises a segment for Prepared.Score.
func Prepare(lang, s string) Prepared {
	n := Normalize(lang, s)
	return Prepared{norm: n, tokens: tokenTexts(tokenize(n))}
}

// Score returns the fuzzy match percentage between a query segment a and a
// memory source segment b; see Prepared.Score.
func Score(lang, a, b string) int {
	return Prepare(lang, a).Score(Prepare(lang, b))
}

// Score returns the fuzzy match percentage between two prepared segments,
// 0 to 100, computed as CAT tools do: 100 × (1 − d / n), rounded down, where
// d is the word-level Levenshtein distance (insert, delete and substitute
// one word each cost 1, so swapping two neighbouring words costs 2) and n
// the longer segment's word count. Chinese is compared by characters, as
// each Han character is a word (see Tokens).
//
// 100 means the comparison forms are equal (see Normalize). Segments whose
// words are equal but whose punctuation differs score 99, so a translator
// never takes such a match for an exact one. Two segments without any word
// that still differ score 0.
func (p Prepared) Score(q Prepared) int {
	if p.norm == q.norm {
		return 100
	}
	n := max(len(p.tokens), len(q.tokens))
	if n == 0 {
		return 0
	}
	d := wordDistance(p.tokens, q.tokens)
	s := 100 * (n - d) / n
	if s >= 100 {
		return 99
	}
	return max(s, 0)
}

// wordDistance is the Levenshtein distance between two word sequences,
// with two rows of the shorter's length.
func wordDistance(a, b []string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
