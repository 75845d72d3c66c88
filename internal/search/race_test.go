//go:build race

package search

// raceEnabled: the tests run under the race detector, which makes
// indexing several times slower; the corpus test then indexes a subset.
const raceEnabled = true
