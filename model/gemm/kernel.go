package gemm

// micro computes one tile C = A·B + beta·C from a packed A panel (k steps of
// h values) and a packed B panel (k steps of nr values), where h is the
// panel height the function was built for. When beta == 0 it must not read
// C. c holds element (0, 0) of the tile at index 0 with leading dimension
// ldc.
type micro func(k int, a, b, c []float32, ldc int, beta float32)

// kernel is a family of micro-kernels sharing one tile width, with the
// block sizes tuned for it.
type kernel struct {
	name       string
	mr, nr     int // main tile; mr is the tallest panel height
	kc, mc, nc int // block sizes: k slab, rows of A and columns of B per block

	heights []int   // available panel heights, descending, heights[0] == mr
	fns     []micro // fns[i] computes heights[i]×nr tiles

	// byRem[r] indexes the panel used when r rows remain (1 <= r <= mr):
	// the shortest height that still covers them.
	byRem []int8
}

func newKernel(name string, nr, kc, mc, nc int, heights []int, fns []micro) *kernel {
	kr := &kernel{name: name, mr: heights[0], nr: nr, kc: kc, mc: mc, nc: nc, heights: heights, fns: fns}
	kr.byRem = make([]int8, kr.mr+1)
	for r := 1; r <= kr.mr; r++ {
		best := 0
		for i, h := range heights {
			if h >= r {
				best = i
			}
		}
		kr.byRem[r] = int8(best)
	}
	return kr
}

// panel returns the height and function for the next panel when rem rows
// of a block remain.
func (kr *kernel) panel(rem int) (int, micro) {
	if rem >= kr.mr {
		return kr.mr, kr.fns[0]
	}
	i := kr.byRem[rem]
	return kr.heights[i], kr.fns[i]
}

// goKernel is the portable kernel. A 4×4 tile keeps its 16 accumulators in
// registers (amd64 has 15 usable float registers besides the zero register,
// and WebAssembly engines map locals to about as many), and loads 8 values
// per 16 multiply-adds.
var goKernel = newKernel("go", 4, 256, 128, 1024, []int{4}, []micro{microGo4x4})
