package gemm

import (
	"sync"

	"fashionlab/model/parallel"
)

// Engine multiplies matrices, cutting each product into one part per
// thread of its parallel.Pool, which runs them. It is safe for concurrent
// use by multiple goroutines; create one with New.
type Engine struct {
	pool *parallel.Pool
	run  runner // runs the parts: pool, or a test's stand-in
	kern *kernel

	tune tuning

	wsPool  sync.Pool // *workspace, one per running part
	jobPool sync.Pool // *job, one per packed call
}

// tuning overrides the heuristics so tests reach every path with small
// shapes; the zero value is what New uses.
type tuning struct {
	split       int  // splitAuto, splitGrid or splitK
	forcePacked bool // never take the direct path
	noInPlace   bool // pack every operand
	allThreads  bool // split even tiny products across all threads
}

// New returns an Engine that splits each product over the threads of
// pool, whose goroutines run the parts.
func New(pool *parallel.Pool) *Engine { return newEngine(pool, bestKernel()) }

// Pool returns the pool that runs the Engine's products.
func (e *Engine) Pool() *parallel.Pool { return e.pool }

// runner runs the parts of a product; *parallel.Pool is the one New uses,
// tests substitute others to show that the parts' schedule does not
// change the result.
type runner interface {
	Threads() int
	Run(n int, parts parallel.Parts)
}

func newEngine(pool *parallel.Pool, k *kernel) *Engine {
	e := &Engine{pool: pool, run: pool, kern: k}
	e.wsPool.New = func() any { return new(workspace) }
	e.jobPool.New = func() any { return new(job) }
	return e
}

// Threads reports how many goroutines the Engine uses per multiplication.
func (e *Engine) Threads() int { return e.run.Threads() }

// Kernel names the micro-kernel the Engine runs (see KernelName).
func (e *Engine) Kernel() string { return e.kern.name }

// KernelName names the micro-kernel New picks on this CPU: "avx512",
// "avx2", "neon", "wasm-simd" or "go" (the portable one).
func KernelName() string { return bestKernel().name }

// Gemm computes C = alpha·op(A)·op(B) + beta·C where op(A) is m×k, op(B) is
// k×n and C is m×n. If transA is false A is m×k with leading dimension lda,
// otherwise A is k×m; likewise B is k×n (transB false) or n×k. When beta is
// 0, C is overwritten without being read (NaNs in C do not propagate);
// when alpha is 0 or k is 0, A and B are not read.
//
// Gemm panics with a "gemm: " message if a slice is too short for its shape.
func (e *Engine) Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkShapes(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	if !e.tune.forcePacked && useDirect(e.kern, m, n, k) {
		direct(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	e.packed(args{transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc})
}

func checkShapes(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("gemm: negative dimension")
	}
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	need := func(name string, s []float32, rows, cols, ld int) {
		if rows == 0 || cols == 0 {
			return
		}
		if ld < cols {
			panic("gemm: leading dimension of " + name + " smaller than its column count")
		}
		if len(s) < (rows-1)*ld+cols {
			panic("gemm: slice " + name + " too short for its shape")
		}
	}
	need("A", a, ar, ac, lda)
	need("B", b, br, bc, ldb)
	need("C", c, m, n, ldc)
}

// reference is the plain triple loop every kernel is tested against:
//
//	C[i][j] = alpha * Σ_p op(A)[i][p]·op(B)[p][j] + beta * C[i][j]
func reference(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			av *= alpha
			if transB {
				for j := range row {
					row[j] += av * b[j*ldb+p]
				}
			} else {
				brow := b[p*ldb : p*ldb+n]
				for j, bv := range brow {
					row[j] += av * bv
				}
			}
		}
	}
}
