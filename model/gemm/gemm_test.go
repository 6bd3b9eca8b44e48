package gemm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"fashionlab/internal/goroutinetest"
	"fashionlab/model/parallel"
)

// guard is the number of values on each side of a test matrix that no
// call may touch.
const guard = 16

// guarded is a test slice inside a larger buffer whose guard bands, guard
// values on each side, hold a sentinel: a kernel that reads past either end
// gets NaN into its result, one that writes there is caught by intact.
type guarded struct {
	buf  []float32
	body []float32
}

func newGuarded(n int, sentinel float32) guarded {
	buf := make([]float32, n+2*guard)
	for i := range buf {
		buf[i] = sentinel
	}
	return guarded{buf: buf, body: buf[guard : guard+n : guard+n]}
}

// intact returns an error if a guard band lost its sentinel.
func (g guarded) intact(name string, sentinel float32) error {
	n := len(g.body)
	for i, v := range g.buf {
		if i >= guard && i < guard+n {
			continue
		}
		if v != sentinel && !(v != v && sentinel != sentinel) {
			return fmt.Errorf("%s: guard value %d (offset %d from the slice) changed to %v", name, i, i-guard, v)
		}
	}
	return nil
}

// mat is a row-major test matrix whose padding (columns past the width) is
// filled with NaN, so a kernel that reads past a row's end is caught, in
// NaN guard bands, so one that reads before its start or past its end is
// caught too.
func mat(rng *rand.Rand, rows, cols, ld int) guarded {
	g := newGuarded(max(0, (rows-1)*ld+cols), float32(math.NaN()))
	s := g.body
	if rows == 0 || cols == 0 {
		return g
	}
	for i := range s {
		if i%ld < cols {
			s[i] = rng.Float32()*2 - 1
		}
	}
	return g
}

type shape struct {
	m, n, k        int
	transA, transB bool
}

// operands returns the rows and columns of A and B as stored (before any
// transposition) for the product s.
func (s shape) operands() (ar, ac, br, bc int) {
	ar, ac = s.m, s.k
	if s.transA {
		ar, ac = s.k, s.m
	}
	br, bc = s.k, s.n
	if s.transB {
		br, bc = s.n, s.k
	}
	return ar, ac, br, bc
}

func (s shape) String() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%dx%dx%d_%s%s", s.m, s.n, s.k, t(s.transA), t(s.transB))
}

// cSentinel fills C's padding and guard bands: Gemm must leave it alone.
const cSentinel = 12345

// checkCase runs one product on e and compares C with reference. Errors are
// measured against alpha·|A|·|B| + |beta·C|, the scale float32 rounding
// works at, so the tolerance does not depend on cancellation. It returns an
// error rather than failing t, so that goroutines can call it.
func checkCase(e *Engine, rng *rand.Rand, s shape, alpha, beta float32, pad int) error {
	m, n, k := s.m, s.n, s.k
	ar, ac := m, k
	if s.transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if s.transB {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+pad, bc+2*pad, n+pad
	ga := mat(rng, ar, ac, lda)
	gb := mat(rng, br, bc, ldb)
	a, b := ga.body, gb.body
	c0 := mat(rng, m, n, ldc).body
	if beta == 0 {
		for i := range c0 {
			c0[i] = float32(math.NaN())
		}
	}
	// Sentinel padding in C must survive.
	for i := range c0 {
		if i%ldc >= n {
			c0[i] = cSentinel
		}
	}
	gc := newGuarded(len(c0), cSentinel)
	got := gc.body
	copy(got, c0)
	want := append([]float32(nil), c0...)
	e.Gemm(s.transA, s.transB, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
	reference(s.transA, s.transB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	for _, err := range []error{ga.intact("A", float32(math.NaN())), gb.intact("B", float32(math.NaN())), gc.intact("C", cSentinel)} {
		if err != nil {
			return fmt.Errorf("%v alpha=%v beta=%v pad=%d: %w", s, alpha, beta, pad, err)
		}
	}

	abs := func(x []float32) []float32 {
		y := make([]float32, len(x))
		for i, v := range x {
			y[i] = float32(math.Abs(float64(v)))
			if v != v {
				y[i] = 0
			}
		}
		return y
	}
	bound := abs(c0)
	bb := beta
	if beta == 0 {
		bb = 1
	}
	reference(s.transA, s.transB, m, n, k, float32(math.Abs(float64(alpha))), abs(a), lda, abs(b), ldb, float32(math.Abs(float64(bb))), bound, ldc)
	tol := 2e-6*math.Sqrt(float64(k)) + 1e-6
	var errs []error
	bad := 0
	for i := 0; i < m; i++ {
		for j := 0; j < ldc && i*ldc+j < len(got); j++ {
			idx := i*ldc + j
			g, w := got[idx], want[idx]
			if j >= n {
				if g != cSentinel {
					return fmt.Errorf("%v: C padding (%d,%d) overwritten: %v", s, i, j, g)
				}
				continue
			}
			if g != g || math.IsInf(float64(g), 0) || math.Abs(float64(g-w)) > tol*float64(bound[idx])+1e-30 {
				if bad < 5 {
					errs = append(errs, fmt.Errorf("C[%d,%d] = %v, want %v (bound %v)", i, j, g, w, bound[idx]))
				}
				bad++
			}
		}
	}
	if bad > 0 {
		return fmt.Errorf("%v alpha=%v beta=%v pad=%d: %d wrong elements: %w", s, alpha, beta, pad, bad, errors.Join(errs...))
	}
	return nil
}

// mustCase is checkCase for the test's own goroutine.
func mustCase(t *testing.T, e *Engine, rng *rand.Rand, s shape, alpha, beta float32, pad int) {
	t.Helper()
	if err := checkCase(e, rng, s, alpha, beta, pad); err != nil {
		t.Fatal(err)
	}
}

var alphaBeta = [][2]float32{{1, 0}, {1, 1}, {-0.5, 0.25}, {2, -1}, {0.75, 0}}

// trainingShapes are the products of one training step at batch 128, with
// the transposes the layers use; the convolution ones are scaled down (more
// so in short mode).
func trainingShapes(short bool) []shape {
	// The full batch of 128 is what the benchmarks run; a quarter of it
	// already has every blocking and partition case.
	conv := 32
	if short {
		conv = 8
	}
	return []shape{
		{128, 256, 784, false, true}, // MLP forward
		{128, 256, 256, false, true},
		{128, 10, 256, false, true},
		{128, 784, 256, false, false}, // dX
		{128, 256, 10, false, false},
		{256, 784, 128, true, false}, // dW
		{10, 256, 128, true, false},
		{conv * 26 * 26, 16, 9, false, true}, // conv forward
		{conv * 11 * 11, 32, 144, false, true},
		{conv * 3 * 3, 48, 288, false, true},
		{16, 9, conv * 26 * 26, true, false}, // conv dW
		{32, 144, conv * 11 * 11, true, false},
		{48, 288, conv * 3 * 3, true, false},
		{conv * 26 * 26, 9, 16, false, false}, // conv dCols
		{conv * 11 * 11, 144, 32, false, false},
		{conv * 3 * 3, 288, 48, false, false},
	}
}

func oddShapes() []shape {
	dims := []int{1, 3, 7, 17, 33}
	var out []shape
	for _, m := range dims {
		for _, n := range dims {
			for _, k := range dims {
				for tr := 0; tr < 4; tr++ {
					out = append(out, shape{m, n, k, tr&1 != 0, tr&2 != 0})
				}
			}
		}
	}
	for _, d := range [][3]int{{65, 65, 65}, {129, 31, 70}, {29, 129, 300}, {57, 47, 600}, {300, 20, 5}, {64, 64, 0}, {0, 5, 5}, {5, 0, 5}} {
		for tr := 0; tr < 4; tr++ {
			out = append(out, shape{d[0], d[1], d[2], tr&1 != 0, tr&2 != 0})
		}
	}
	return out
}

func testEngines(kr *kernel) []*Engine {
	var es []*Engine
	for _, th := range []int{1, 2, 3} {
		for _, sp := range []int{splitAuto, splitGrid, splitK} {
			if th == 1 && sp != splitAuto {
				continue
			}
			for _, noIn := range []bool{false, true} {
				e := newEngine(parallel.New(th), kr)
				e.tune = tuning{split: sp, forcePacked: true, noInPlace: noIn, allThreads: true}
				es = append(es, e)
			}
		}
	}
	return es
}

func TestKernels(t *testing.T) {
	for _, kr := range kernels() {
		t.Run(kr.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			for ei, e := range testEngines(kr) {
				for si, s := range oddShapes() {
					if raceEnabled && (si+ei)%3 != 0 {
						continue
					}
					ab := alphaBeta[(si+ei)%len(alphaBeta)]
					mustCase(t, e, rng, s, ab[0], ab[1], (si+ei)%2*3)
				}
			}
		})
	}
}

func TestDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	e := newEngine(parallel.New(1), goKernel)
	for si, s := range oddShapes() {
		if !useDirect(goKernel, s.m, s.n, s.k) {
			continue
		}
		ab := alphaBeta[si%len(alphaBeta)]
		mustCase(t, e, rng, s, ab[0], ab[1], si%2*2)
	}
}

func TestTrainingShapes(t *testing.T) {
	if raceEnabled {
		// The reference loop is too slow under the race detector; the
		// partitions and hand-offs are covered by TestKernels there.
		t.Skip("skipped with -race")
	}
	for _, kr := range kernels() {
		t.Run(kr.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			for ti, th := range []int{1, 2} {
				e := newEngine(parallel.New(th), kr)
				e.tune.noInPlace = ti == 1 && kr.inPlace
				for si, s := range trainingShapes(testing.Short()) {
					ab := alphaBeta[(si+ti)%len(alphaBeta)]
					mustCase(t, e, rng, s, ab[0], ab[1], 0)
					// The same shape inside larger buffers, with the other
					// transposes, exercises every packing routine at scale.
					s2 := s
					s2.transA, s2.transB = !s.transA, !s.transB
					mustCase(t, e, rng, s2, ab[1]+0.5, ab[0], 5)
				}
			}
		})
	}
}

func TestBetaZeroIgnoresNaN(t *testing.T) {
	for _, kr := range kernels() {
		e := newEngine(parallel.New(2), kr)
		m, n, k := 70, 45, 33
		a := make([]float32, m*k)
		b := make([]float32, k*n)
		c := make([]float32, m*n)
		for i := range c {
			c[i] = float32(math.NaN())
		}
		e.Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n)
		for i, v := range c {
			if v != 0 {
				t.Fatalf("%s: c[%d] = %v, want 0", kr.name, i, v)
			}
		}
		for i := range c {
			c[i] = float32(math.NaN())
		}
		e.Gemm(false, false, m, n, 0, 1, a, k, b, n, 0, c, n)
		for i, v := range c {
			if v != 0 {
				t.Fatalf("%s: k=0: c[%d] = %v, want 0", kr.name, i, v)
			}
		}
	}
}

func TestShapePanics(t *testing.T) {
	e := New(parallel.New(1))
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("short slice did not panic")
		}
	}()
	e.Gemm(false, false, 4, 4, 4, 1, make([]float32, 15), 4, make([]float32, 16), 4, 0, make([]float32, 16), 4)
}

// TestConcurrent shares one Engine between goroutines that run different
// shapes at once; with -race it checks the pools and the worker hand-off.
func TestConcurrent(t *testing.T) {
	for _, th := range []int{2, 4} {
		t.Run(fmt.Sprint(th), func(t *testing.T) { testConcurrent(t, th) })
	}
}

func testConcurrent(t *testing.T, threads int) {
	e := New(parallel.New(threads))
	e.tune.allThreads = true
	shapes := []shape{{64, 48, 40, false, true}, {33, 70, 65, true, false}, {128, 16, 9, false, true}, {16, 9, 2000, true, false}}
	iters := 20
	if testing.Short() {
		iters = 4
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for it := 0; it < iters; it++ {
				mustCase(t, e, rng, shapes[(g+it)%len(shapes)], 1, float32(it%2), 0)
			}
		}(g)
	}
	wg.Wait()
}

func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items")
	}
	for _, kr := range kernels() {
		for _, th := range []int{1, 2} {
			e := newEngine(parallel.New(th), kr)
			for _, s := range []shape{{128, 256, 300, false, true}, {16, 9, 20000, true, false}} {
				rng := rand.New(rand.NewPCG(1, 1))
				a := mat(rng, s.m, s.k, s.k).body
				b := mat(rng, s.k, s.n, s.n).body
				c := make([]float32, s.m*s.n)
				lda, ldb := s.k, s.n
				if s.transA {
					lda = s.m
				}
				if s.transB {
					ldb = s.k
				}
				allocs := testing.AllocsPerRun(20, func() {
					e.Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
				})
				if allocs != 0 {
					t.Errorf("%s threads=%d %v: %v allocs per call", kr.name, th, s, allocs)
				}
			}
		}
	}
}

// TestPackT compares the transposing pack, whatever it runs on, with the
// scalar loop for every strip and tail combination.
func TestPackT(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for rows := 1; rows <= 29; rows++ {
		for _, cols := range []int{1, 7, 8, 9, 16, 23, 40} {
			lds, ldd := cols+3, rows+2
			src := mat(rng, rows, cols, lds)
			gg := newGuarded(cols*ldd, cSentinel)
			got := gg.body
			want := make([]float32, cols*ldd)
			for i := range want {
				want[i] = cSentinel
			}
			packT(src.body, lds, got, ldd, rows, cols)
			packTGo(src.body, lds, want, ldd, 0, rows, 0, cols)
			if err := gg.intact("dst", cSentinel); err != nil {
				t.Fatalf("rows=%d cols=%d: %v", rows, cols, err)
			}
			if err := src.intact("src", float32(math.NaN())); err != nil {
				t.Fatalf("rows=%d cols=%d: %v", rows, cols, err)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("rows=%d cols=%d: dst[%d] = %v, want %v", rows, cols, i, got[i], want[i])
				}
			}
		}
	}
}

// TestWorkersExit checks that an Engine's workers go away with it, so
// short-lived Engines do not leak goroutines.
func TestWorkersExit(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		for i := 0; i < 20; i++ {
			e := New(parallel.New(3))
			e.tune.allThreads = true
			a := make([]float32, 64*64)
			e.Gemm(false, false, 64, 64, 64, 1, a, 64, a, 64, 0, make([]float32, 64*64), 64)
		}
	}()
	goroutinetest.Settles(t, base, "the Engines")
}

// reverseRunner runs every part on the calling goroutine, last part first:
// the schedule of a Pool that found the machine busy, in the worst order.
type reverseRunner struct{ threads int }

func (r reverseRunner) Threads() int { return r.threads }

func (r reverseRunner) Run(n int, parts parallel.Parts) {
	for i := n - 1; i >= 0; i-- {
		parts.Part(0, i)
	}
}

// TestScheduleDoesNotChangeBits checks that a product's bits depend on its
// shape and thread count only: whether the parts run on workers, on the
// caller alone (as a Pool does while the machine is busy) or in another
// order, C is the same, for grid and k-split partitions alike.
func TestScheduleDoesNotChangeBits(t *testing.T) {
	shapes := []shape{
		{16, 9, 5000, true, false},  // a convolution weight gradient: k-split
		{48, 288, 900, true, false}, // k-split or grid, by the cost model
		{300, 64, 200, false, true}, // grid
	}
	for _, kr := range kernels() {
		for _, th := range []int{2, 3} {
			for _, sp := range []int{splitAuto, splitGrid, splitK} {
				for _, s := range shapes {
					pooled := newEngine(parallel.New(th), kr)
					serial := newEngine(parallel.New(th), kr)
					serial.run = reverseRunner{th}
					pooled.tune = tuning{split: sp, allThreads: true}
					serial.tune = pooled.tune
					rng := rand.New(rand.NewPCG(11, 12))
					ar, ac, br, bc := s.operands()
					a, b := mat(rng, ar, ac, ac).body, mat(rng, br, bc, bc).body
					c0 := mat(rng, s.m, s.n, s.n).body
					want := append([]float32(nil), c0...)
					serial.Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, ac, b, bc, 0.5, want, s.n)
					for rep := range 5 {
						got := append([]float32(nil), c0...)
						pooled.Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, ac, b, bc, 0.5, got, s.n)
						for i := range got {
							if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
								t.Fatalf("%s threads=%d split=%d %v run %d: C[%d] = %v on the pool, %v with every part on the caller", kr.name, th, sp, s, rep, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}
