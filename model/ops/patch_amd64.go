//go:build !purego

package ops

// copyRunsAVX copies runs runs of n values (n a multiple of 8), src runs
// lds values apart, into consecutive runs of dst, with AVX loads and
// stores; its portable twin is copyRunsGo (TestCopyRuns).
//
//go:noescape
func copyRunsAVX(dst, src *float32, n, runs, lds int)

// copyRuns copies runs runs of n values, src runs lds values apart, into
// consecutive runs of dst: one call per patch instead of a copy per kernel
// row.
func copyRuns(dst, src []float32, n, runs, lds int) {
	if !hasAddAVX2 || n%8 != 0 || n == 0 || runs == 0 {
		copyRunsGo(dst, src, n, runs, lds)
		return
	}
	_ = src[(runs-1)*lds+n-1]
	_ = dst[runs*n-1]
	copyRunsAVX(&dst[0], &src[0], n, runs, lds)
}
