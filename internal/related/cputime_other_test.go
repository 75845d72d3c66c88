//go:build !unix

package related_test

import "time"

// cpuTime is not measured outside Unix.
func cpuTime() time.Duration { return 0 }
