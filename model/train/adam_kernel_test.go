package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestAdamKernels checks that adamUpdate (the vector kernel where the CPU
// has one) computes the same bits as the portable code, over several
// steps, on lengths that leave a tail.
func TestAdamKernels(t *testing.T) {
	checkAdamBits(t, "kernel", rand.New(rand.NewPCG(41, 42)), []int{1, 7, 8, 9, 15, 16, 17, 100, 4099},
		func(w, g, m, v []float32, stepSize, bc2 float32) {
			adamUpdate(w, g, m, v, 0.9, 0.999, 1e-8, stepSize, bc2)
		})
}

// checkAdamBits runs update and adamUpdateGo side by side for five steps on
// each length n (random weights, gradients with zeros, tiny and large
// values) and fails unless w, m and v have the same bits after every step
// and update cleared the gradient. kind names update in the failure.
func checkAdamBits(t *testing.T, kind string, rng *rand.Rand, lengths []int, update func(w, g, m, v []float32, stepSize, bc2 float32)) {
	t.Helper()
	for _, n := range lengths {
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
			update(w, g, m, v, stepSize, bc2)
			adamUpdateGo(w2, g2, m2, v2, 0.9, 0.999, 1e-8, stepSize, bc2)
			for i := range w {
				if math.Float32bits(w[i]) != math.Float32bits(w2[i]) || math.Float32bits(m[i]) != math.Float32bits(m2[i]) || math.Float32bits(v[i]) != math.Float32bits(v2[i]) || g[i] != 0 {
					t.Fatalf("n=%d step %d element %d: %s w %g m %g v %g g %g, portable w %g m %g v %g", n, step, i, kind, w[i], m[i], v[i], g[i], w2[i], m2[i], v2[i])
				}
			}
		}
	}
}
