//go:build !purego

package train

import (
	"math"
	"math/rand/v2"
	"testing"

	"fashionlab/model/gemm/wasmsimd"
)

// TestSIMDAdam checks the module's Adam kernel against adamUpdateGo on
// slices inside larger buffers: it must update the whole multiple-of-4
// prefix with the same bits (w, m, v, and g cleared) and leave the values
// past it, which adamUpdate leaves to the portable code, untouched.
func TestSIMDAdam(t *testing.T) {
	if wasmsimd.Installed().Adam == nil {
		t.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	rng := rand.New(rand.NewPCG(43, 44))
	const pad, guard = 3, -777
	for _, n := range []int{3, 4, 5, 8, 11, 1027} {
		bufs := make([][]float32, 4) // w, g, m, v
		for i := range bufs {
			bufs[i] = make([]float32, n+2*pad)
			for j := range bufs[i] {
				bufs[i][j] = guard
			}
			for j := pad; j < pad+n; j++ {
				bufs[i][j] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(6)-3)))
			}
		}
		for j := pad; j < pad+n; j++ {
			bufs[3][j] = float32(math.Abs(float64(bufs[3][j]))) // v ≥ 0
		}
		want := make([][]float32, 4)
		for i := range bufs {
			want[i] = append([]float32(nil), bufs[i]...)
		}
		s := func(b []float32) []float32 { return b[pad : pad+n] }
		done := adamVector(s(bufs[0]), s(bufs[1]), s(bufs[2]), s(bufs[3]), 0.9, 0.999, 1e-8, 3e-4, 0.05)
		if done != n&^3 {
			t.Fatalf("n=%d: the kernel updated %d values, want %d", n, done, n&^3)
		}
		wd := func(b []float32) []float32 { return b[pad : pad+done] }
		adamUpdateGo(wd(want[0]), wd(want[1]), wd(want[2]), wd(want[3]), 0.9, 0.999, 1e-8, 3e-4, 0.05)
		for i, name := range []string{"w", "g", "m", "v"} {
			for j := range want[i] {
				if math.Float32bits(bufs[i][j]) != math.Float32bits(want[i][j]) {
					t.Fatalf("n=%d: %s[%d] = %g, pure Go %g (guard %d values each side)", n, name, j-pad, bufs[i][j], want[i][j], pad)
				}
			}
		}
	}
}

// BenchmarkSIMDAdam times one Adam update of the largest parameter tensor
// of the default MLP (784×256 weights) with the pure-Go loop (go) and the
// module's kernel (simd).
func BenchmarkSIMDAdam(b *testing.B) {
	if wasmsimd.Installed().Adam == nil {
		b.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	const n = 784 * 256
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	b.Run("go", func(b *testing.B) {
		for b.Loop() {
			adamUpdateGo(w, g, m, v, 0.9, 0.999, 1e-8, 1e-3, 0.5)
		}
	})
	b.Run("simd", func(b *testing.B) {
		for b.Loop() {
			adamVector(w, g, m, v, 0.9, 0.999, 1e-8, 1e-3, 0.5)
		}
	})
}
