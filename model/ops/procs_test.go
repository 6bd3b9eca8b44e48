package ops

import "runtime"

// setProcs sets GOMAXPROCS, which bounds the ops' own parallelism, and
// returns a function restoring it.
func setProcs(n int) func() {
	old := runtime.GOMAXPROCS(n)
	return func() { runtime.GOMAXPROCS(old) }
}
