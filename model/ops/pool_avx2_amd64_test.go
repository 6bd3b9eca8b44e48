//go:build !purego

package ops

import (
	"testing"

	"golang.org/x/sys/cpu"
)

// TestPoolRowAVX2 runs TestMaxPoolImageKernels' comparison with the AVX2
// row kernel, which a CPU with AVX-512 would not otherwise run.
func TestPoolRowAVX2(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Skip("no AVX2")
	}
	saved := poolRows
	defer func() { poolRows = saved }()
	poolRows = poolRowAVX2
	checkMaxPoolKernel(t)
}

// TestAddAVX2 checks the AVX2 addition against a plain loop, bit for bit.
func TestAddAVX2(t *testing.T) {
	if !hasAddAVX2 {
		t.Skip("no AVX2")
	}
	for _, n := range []int{8, 16, 24, 1000} {
		dst, src := make([]float32, n+8), make([]float32, n)
		for i := range dst {
			dst[i] = float32(i)*0.37 - 11
		}
		for i := range src {
			src[i] = 1/float32(i+1) - 0.3
		}
		want := append([]float32(nil), dst...)
		for i, v := range src {
			want[i] += v
		}
		addAVX2(&dst[0], &src[0], n)
		for i := range dst {
			if dst[i] != want[i] {
				t.Fatalf("n=%d element %d: %g, want %g", n, i, dst[i], want[i])
			}
		}
	}
}

// TestScatterAVX2 runs TestScatterKernel's comparison with the AVX2
// scatter, which a CPU with AVX-512 would not otherwise run.
func TestScatterAVX2(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Skip("no AVX2")
	}
	checkScatterKernel(t, scatterAVX2)
}
