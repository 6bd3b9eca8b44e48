//go:build !purego

package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAdamAVX2 checks the AVX2 kernel directly (adamUpdate prefers the
// AVX-512 one where the CPU has both) against the portable code, bit for
// bit, over several steps, with tiny, zero and large gradients.
func TestAdamAVX2(t *testing.T) {
	if !hasAdamAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(43, 44))
	for _, n := range []int{8, 16, 24, 4096} {
		w := make([]float32, n)
		m, v := make([]float32, n), make([]float32, n)
		for i := range w {
			w[i] = float32(rng.NormFloat64())
		}
		w2, m2, v2 := slices.Clone(w), slices.Clone(m), slices.Clone(v)
		for step := 1; step <= 5; step++ {
			g := make([]float32, n)
			for i := range g {
				switch rng.IntN(10) {
				case 0:
					g[i] = 0
				case 1:
					g[i] = float32(rng.NormFloat64() * 1e-30)
				default:
					g[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(6)-3)))
				}
			}
			g2 := slices.Clone(g)
			stepSize := float32(1e-4 / (1 - math.Pow(0.9, float64(step))))
			bc2 := float32(math.Sqrt(1 - math.Pow(0.999, float64(step))))
			adamAVX2(&w[0], &g[0], &m[0], &v[0], n, 0.9, 0.999, 1e-8, stepSize, bc2)
			adamUpdateGo(w2, g2, m2, v2, 0.9, 0.999, 1e-8, stepSize, bc2)
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || math.Float32bits(m[i]) != math.Float32bits(m2[i]) || math.Float32bits(v[i]) != math.Float32bits(v2[i]) || g[i] != 0 {
					t.Fatalf("n=%d step %d element %d: AVX2 w %g m %g v %g g %g, portable w %g m %g v %g", n, step, i, w[i], m[i], v[i], g[i], w2[i], m2[i], v2[i])
				}
			}
		}
	}
}
