package gemm

import (
	"math"
	"math/rand/v2"
	"testing"

	"fashionlab/model/parallel"
)

// TestExactKernelsMatchGo runs whole products on every exact kernel this
// CPU has besides the portable one (the NEON kernel on arm64) and on the
// portable kernel, and requires the same bits: odd shapes, the training
// shapes and their transposes, more than one k slab and m block, padded
// operands, with the engines as New makes them and with every block packed.
// With two threads the split is fixed to a grid of C, since the automatic
// choice between splitting C and splitting k depends on the kernel's tile.
func TestExactKernelsMatchGo(t *testing.T) {
	var exact []*kernel
	for _, kr := range kernels() {
		if kr.exact && kr != goKernel {
			exact = append(exact, kr)
		}
	}
	if len(exact) == 0 {
		t.Skip("no exact kernel besides the portable one on this CPU")
	}
	for _, kr := range exact {
		t.Run(kr.name, func(t *testing.T) {
			compareOnShapes(t, kr, 31, []tuning{{}, {forcePacked: true}}, testing.Short())
		})
	}
}

// compareOnShapes compares kr with the portable kernel (compareKernels) on
// comparedShapes, with 1 and 2 threads and each of tunings (with two
// threads the split fixed to a grid of C), cycling through alphaBeta and
// paddings of 0 to 2; rng streams start from seed. With halve it skips
// every other shape.
func compareOnShapes(t *testing.T, kr *kernel, seed uint64, tunings []tuning, halve bool) {
	t.Helper()
	shapes := comparedShapes()
	for _, th := range []int{1, 2} {
		for ti, tu := range tunings {
			if th > 1 {
				tu.split = splitGrid
			}
			goEng, eng := newEngine(parallel.New(th), goKernel), newEngine(parallel.New(th), kr)
			goEng.tune, eng.tune = tu, tu
			rng := rand.New(rand.NewPCG(seed, uint64(3*th+ti)))
			for si, s := range shapes {
				if halve && si%2 == 1 {
					continue
				}
				ab := alphaBeta[si%len(alphaBeta)]
				compareKernels(t, goEng, eng, rng, s, ab[0], ab[1], si%3)
			}
		}
	}
}

// comparedShapes are the products a kernel is compared with the portable
// one on: the odd shapes, the training shapes in both transpositions, and
// two past one k slab (kc = 256) and one m block, with edge tiles.
func comparedShapes() []shape {
	shapes := oddShapes()
	for _, s := range trainingShapes(true) {
		shapes = append(shapes, s, shape{s.m, s.n, s.k, !s.transA, !s.transB})
	}
	return append(shapes, shape{517, 13, 700, false, false}, shape{9, 1030, 259, true, true})
}

// compareKernels runs one product on both engines and requires identical
// bits everywhere in C, padding included.
func compareKernels(t *testing.T, want, got *Engine, rng *rand.Rand, s shape, alpha, beta float32, pad int) {
	t.Helper()
	ar, ac, br, bc := s.operands()
	lda, ldb, ldc := ac+pad, bc+pad, s.n+pad
	a := mat(rng, ar, ac, lda).body
	b := mat(rng, br, bc, ldb).body
	c := mat(rng, s.m, s.n, ldc).body
	for i := range c {
		if i%ldc >= s.n {
			c[i] = 12345
		}
	}
	cw := append([]float32(nil), c...)
	cg := append([]float32(nil), c...)
	want.Gemm(s.transA, s.transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, cw, ldc)
	got.Gemm(s.transA, s.transB, s.m, s.n, s.k, alpha, a, lda, b, ldb, beta, cg, ldc)
	bad := 0
	for i := range cw {
		if math.Float32bits(cw[i]) != math.Float32bits(cg[i]) {
			if bad < 3 {
				t.Errorf("%v alpha=%v beta=%v pad=%d threads=%d: C[%d,%d] = %v, pure Go %v", s, alpha, beta, pad, got.Threads(), i/ldc, i%ldc, cg[i], cw[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%v: %d elements differ from the pure-Go kernel", s, bad)
	}
}
