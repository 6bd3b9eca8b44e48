//go:build !purego

package gemm

// neonKernel runs on every arm64 CPU (NEON is part of ARMv8-A): up to 6
// rows × 16 columns, 24 of the 32 128-bit registers as accumulators. A k
// step loads 16 values of B and up to 6 of A (88 bytes) and issues 24
// FMLAs of 4 lanes, 96 multiply-adds: 1.09 multiply-adds per loaded byte
// (see asmgen.go, genNEON). It takes packed panels only and the block
// sizes of the portable kernel (kc = 256 in particular), so that a product
// gives the same bits as with goKernel on this architecture
// (TestNEONMatchesGo).
var neonKernel = &kernel{name: "neon", unit: 1, mr: 6, nr: 16, kc: 256, mc: 288, nc: 1024,
	fns: neonFns, maskCols: true, exact: true}

func bestKernel() *kernel { return neonKernel }

// kernels lists every kernel this CPU runs, for tests and benchmarks.
func kernels() []*kernel { return []*kernel{goKernel, neonKernel} }

// storeTile writes the rows×cols corner of a 16-wide tile t holding
// alpha·A·B into c: c = t when beta is 0, else t + beta·c, the epilogue of
// microRef.
func storeTile(t, c []float32, ldc int, beta float32, rows, cols int) {
	merge(t, 16, c, ldc, rows, cols, beta)
}
