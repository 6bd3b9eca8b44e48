//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

//go:generate go run asmgen.go

// k512Kernel runs on AVX-512F: 28 rows × 16 columns is 28 of the 32 zmm
// registers as accumulators; 28 FMAs per loaded row of B keep the two FMA
// ports busy without saturating the load ports. kc = 256 keeps the B panel
// (16 KiB) and an A panel (28 KiB) within the 48 KiB L1.
var k512Kernel = newKernel("avx512", 16, 256, 336, 1024, k512Heights, k512Fns)

// k256Kernel runs on AVX2+FMA: 6 rows × 2 ymm leave 4 of the 16 registers
// for B and the broadcast A values.
var k256Kernel = newKernel("avx2", 16, 256, 288, 1024, k256Heights, k256Fns)

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
