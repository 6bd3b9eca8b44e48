package parallel_test

import (
	"fmt"

	"fashionlab/model/parallel"
)

// A Pool is made once per run and handed to everything that splits work.
// For cuts an element-wise pass into chunks, one per thread at most;
// each chunk writes its own elements, so the result does not depend on
// the number of threads.
func ExamplePool_For() {
	pool := parallel.New(2)
	x := make([]float32, 1<<16)
	pool.For(len(x), len(x), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x[i] = float32(i) * 0.5
		}
	})
	fmt.Println(pool.Threads(), x[1], x[len(x)-1])
	// Output:
	// 2 0.5 32767.5
}
