// Package cputime reads how much CPU time this process, or the calling
// thread, has used. Measurements on a machine shared with other work
// report it beside wall time, which alone misleads: a call that waited
// for a core looks slow without having cost anything.
package cputime

import "time"

// Process is the CPU time, user and system, this process has used; 0
// where it cannot be read.
func Process() time.Duration { return process() }

// Thread is the CPU time of the calling thread (lock the goroutine to it
// with runtime.LockOSThread around what is measured); 0 outside Linux.
// Time spent waiting for a core is not in it.
func Thread() time.Duration { return thread() }
