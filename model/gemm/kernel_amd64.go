//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

//go:generate go run asmgen.go

// k512Kernel runs on AVX-512F: up to 28 rows × 16 columns, 28 of the 32 zmm
// registers as accumulators; 28 FMAs per loaded row of B keep both FMA
// ports busy without saturating the load ports. kc = 192 keeps the B panel
// (12 KiB) and the A panel streaming past it (21 KiB) well within the 48 KiB
// L1; 256 fills it and measured slower.
var k512Kernel = &kernel{name: "avx512", unit: 4, mr: 28, nr: 16, kc: 192, mc: 336, nc: 1024,
	fns: k512Fns, inPlace: true, maskCols: true}

// k256Kernel runs on AVX2+FMA: up to 6 rows × 2 ymm, leaving 4 of the 16
// registers for B and the broadcast A values.
var k256Kernel = &kernel{name: "avx2", unit: 1, mr: 6, nr: 16, kc: 256, mc: 288, nc: 1024,
	fns: k256Fns, inPlace: true}

var (
	hasAVX512 = cpu.X86.HasAVX512F
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

func bestKernel() *kernel {
	switch {
	case hasAVX512:
		return k512Kernel
	case hasAVX2:
		return k256Kernel
	}
	return goKernel
}

// kernels lists every kernel this CPU can run, for tests and benchmarks.
func kernels() []*kernel {
	ks := []*kernel{goKernel}
	if hasAVX2 {
		ks = append(ks, k256Kernel)
	}
	if hasAVX512 {
		ks = append(ks, k512Kernel)
	}
	return ks
}
