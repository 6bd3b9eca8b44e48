// Package goroutinetest checks, inside a test, that goroutines started by
// short-lived values (pools, engines) go away with them.
package goroutinetest

import (
	"runtime"
	"testing"
	"time"
)

// Settles collects garbage and waits up to 5 s for the number of
// goroutines to come back to at most base+2 (a little room for the
// runtime's own); it fails the test when it does not, naming what was
// created (as in "the Pools") in the message.
func Settles(t testing.TB, base int, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		runtime.GC()
		if runtime.NumGoroutine() <= base+2 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d goroutines, %d before creating %s", runtime.NumGoroutine(), base, what)
}
