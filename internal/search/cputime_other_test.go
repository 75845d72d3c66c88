//go:build !unix

package search

import "time"

// cpuTime is not measured outside Unix.
func cpuTime() time.Duration { return 0 }
