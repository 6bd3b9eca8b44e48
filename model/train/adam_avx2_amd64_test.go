//go:build !purego

package train

import (
	"math/rand/v2"
	"testing"
)

// TestAdamAVX2 checks the AVX2 kernel directly (adamUpdate prefers the
// AVX-512 one where the CPU has both) against the portable code, bit for
// bit, over several steps, with tiny, zero and large gradients.
func TestAdamAVX2(t *testing.T) {
	if !hasAdamAVX2 {
		t.Skip("no AVX2")
	}
	checkAdamBits(t, "AVX2", rand.New(rand.NewPCG(43, 44)), []int{8, 16, 24, 4096},
		func(w, g, m, v []float32, stepSize, bc2 float32) {
			adamAVX2(&w[0], &g[0], &m[0], &v[0], len(w), 0.9, 0.999, 1e-8, stepSize, bc2)
		})
}
