//go:build !purego

package train

// adamNEON applies adamUpdate's step to the first n values (n a multiple
// of 4) with the float32 operations of adamUpdateGo as the Go compiler
// builds it for arm64, in the same order: the two multiply-adds it fuses
// (m + (1-b1)·(g-m), and b2·v + g·((1-b2)·g)) are fused FMLAs here too,
// sqrt and division are correctly rounded in both. So it computes the same
// bits (TestAdamKernels compares them).
//
//go:noescape
func adamNEON(w, grad, m, v *float32, n int, b1, b2, eps, stepSize, bc2Sqrt float32)

// adamVector updates the longest prefix of w that the vector kernel
// handles and returns its length.
func adamVector(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) int {
	n := len(g) &^ 3
	if n == 0 {
		return 0
	}
	w, m, v = w[:n], m[:n], v[:n]
	adamNEON(&w[0], &g[0], &m[0], &v[0], n, b1, b2, eps, stepSize, bc2Sqrt)
	return n
}
