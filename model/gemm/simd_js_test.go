//go:build js && !purego

package gemm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"fashionlab/model/parallel"
)

// TestSIMDMatchesGo checks that the WebAssembly SIMD kernel gives the
// portable kernel's results bit for bit, for every transpose combination,
// the odd and edge sizes and the training shapes, with and without beta,
// leading dimensions past the width, and C's padding left untouched. It
// runs where the SIMD kernel is installed (the runners in
// model/gemm/wasmsimd and internal/e2e install it) and is skipped otherwise.
func TestSIMDMatchesGo(t *testing.T) {
	simd := simdKernel()
	if simd == nil {
		t.Skip("the SIMD kernel is not installed (run through site/simd.js)")
	}
	// The engines as New makes them (thin products take the direct loop
	// on both), with every block packed, and with operands read in place.
	// With two threads the split is fixed to a grid of C: the automatic
	// choice between splitting C and splitting k depends on the kernel's
	// tile, and a k split changes the summation order.
	compareOnShapes(t, simd, 11, []tuning{{}, {forcePacked: true, noInPlace: true}, {forcePacked: true}}, false)
}

// TestSIMDPackMatchesGo compares the module's transposing pack with packB
// for partial and whole panels and k slabs around its 4-step blocks, inside
// larger buffers; the values past each panel's columns must be zeros.
func TestSIMDPackMatchesGo(t *testing.T) {
	simd := simdKernel()
	if simd == nil || simd.packBT == nil {
		t.Skip("the SIMD kernel is not installed (run through site/simd.js)")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for _, nb := range []int{1, 3, 7, 8, 9, 16, 17, 30} {
		for _, kb := range []int{1, 3, 4, 5, 8, 13, 40} {
			n, k := nb+3, kb+5 // op(B) is k×n; B itself n×k
			ldb := k + 2
			x := &args{transB: true, b: mat(rng, n, k, ldb).body, ldb: ldb, n: n, k: k}
			size := ceilDiv(nb, simd.nr) * simd.nr * kb
			want := make([]float32, size+4)
			got := make([]float32, size+4)
			for i := range got {
				want[i], got[i] = -7, -7
			}
			packB(simd.nr, x, 2, kb, 1, nb, want)
			simd.packB(x, 2, kb, 1, nb, got)
			for i := range want {
				if math.Float32bits(want[i]) != math.Float32bits(got[i]) {
					t.Fatalf("nb=%d kb=%d: dst[%d] = %v, packB gives %v", nb, kb, i, got[i], want[i])
				}
			}
		}
	}
}

// TestSIMDAfterMemoryGrowth multiplies operands that live in memory Go
// added to its WebAssembly instance after the kernel module was
// instantiated: the module imports the memory itself, not a view of it, so
// it must see the grown memory.
func TestSIMDAfterMemoryGrowth(t *testing.T) {
	simd := simdKernel()
	if simd == nil {
		t.Skip("the SIMD kernel is not installed (run through site/simd.js)")
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	const m, n, k = 67, 45, 300
	big := make([]float32, 24<<20) // 96 MiB
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if after.Sys <= before.Sys {
		t.Fatalf("the heap did not grow (Sys %d then %d bytes)", before.Sys, after.Sys)
	}
	rng := rand.New(rand.NewPCG(31, 32))
	tail := big[len(big)-(m*k+k*n+m*n):]
	for i := range tail {
		tail[i] = rng.Float32() - 0.5
	}
	a, b, c := tail[:m*k], tail[m*k:m*k+k*n], tail[m*k+k*n:]
	want := append([]float32(nil), c...)
	newEngine(parallel.New(1), goKernel).Gemm(false, true, m, n, k, 1, a, k, b, k, 0.5, want, n)
	newEngine(parallel.New(1), simd).Gemm(false, true, m, n, k, 1, a, k, b, k, 0.5, c, n)
	for i := range want {
		if math.Float32bits(want[i]) != math.Float32bits(c[i]) {
			t.Fatalf("C[%d] = %v, pure Go %v", i, c[i], want[i])
		}
	}
}
