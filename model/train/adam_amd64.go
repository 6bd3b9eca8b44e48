//go:build !purego

package train

import "golang.org/x/sys/cpu"

// adamAVX512 applies adamUpdate's step to the first n values (n a multiple
// of 16) with the same float32 operations in the same order (no fused
// multiply-adds; sqrt and division are correctly rounded in both), so it
// computes the same bits as adamUpdateGo, its portable twin
// (TestAdamKernels compares them).
//
//go:noescape
func adamAVX512(w, grad, m, v *float32, n int, b1, b2, eps, stepSize, bc2Sqrt float32)

// adamAVX2 is adamAVX512 for AVX2, 8 values at a time (n a multiple of
// 8), with the same operations and so the same bits as adamUpdateGo.
//
//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, b1, b2, eps, stepSize, bc2Sqrt float32)

var (
	hasAdamAVX512 = cpu.X86.HasAVX512F
	hasAdamAVX2   = cpu.X86.HasAVX2
)

// adamVector updates the longest prefix of w that the vector kernel
// handles and returns its length.
func adamVector(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) int {
	switch n := len(g) &^ 15; {
	case hasAdamAVX512 && n > 0:
		w, m, v = w[:n], m[:n], v[:n]
		adamAVX512(&w[0], &g[0], &m[0], &v[0], n, b1, b2, eps, stepSize, bc2Sqrt)
		return n
	case hasAdamAVX2 && len(g) >= 8:
		n = len(g) &^ 7
		w, m, v = w[:n], m[:n], v[:n]
		adamAVX2(&w[0], &g[0], &m[0], &v[0], n, b1, b2, eps, stepSize, bc2Sqrt)
		return n
	}
	return 0
}
