//go:build race

package app_test

// raceEnabled: the race detector is on; timing bounds widen.
const raceEnabled = true
