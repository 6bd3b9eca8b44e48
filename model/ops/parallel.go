package ops

import (
	"runtime"
	"sync"
)

// minParallelWork is the number of float32 values below which an
// element-wise pass stays on the calling goroutine: starting another one
// costs about a microsecond, the time to stream some 64 KB.
const minParallelWork = 1 << 15

// parallelFor splits [0, n) into contiguous chunks, one per usable
// processor (runtime.GOMAXPROCS, so a single-threaded build such as wasm
// never starts a goroutine), and calls fn on each; it returns when all are
// done. work is the total number of values touched, used to keep small
// passes serial. fn must write disjoint outputs per index, so that the
// result does not depend on the partition: every caller in this package
// splits over images or over independent elements, never over a sum.
func parallelFor(n, work int, fn func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n, max(1, work/minParallelWork))
	if workers <= 1 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 1; w < workers; w++ {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, n/workers)
	wg.Wait()
}
