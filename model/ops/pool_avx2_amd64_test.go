//go:build !purego

package ops

import (
	"math"
	"math/rand/v2"
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

// TestScatterAVX2 compares the AVX2 scatter with scatterImageGo on pooled
// values that relu passes or stops (±0, negatives, +Inf, NaNs), several
// channel counts and positions, winners spread over a larger map whose
// other elements must stay untouched.
func TestScatterAVX2(t *testing.T) {
	if !cpu.X86.HasAVX2 {
		t.Skip("no AVX2")
	}
	rng := rand.New(rand.NewPCG(81, 82))
	specials := []float32{0, float32(math.Copysign(0, -1)), -1.5, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 1e-40}
	for _, C := range []int{16, 32, 48} {
		for _, positions := range []int{1, 3, 9} {
			n := positions * C
			y, dy := make([]float32, n), make([]float32, n)
			for i := range y {
				if rng.IntN(3) == 0 {
					y[i] = specials[rng.IntN(len(specials))]
				} else {
					y[i] = float32(rng.NormFloat64())
				}
				dy[i] = float32(rng.NormFloat64())
			}
			mapSize := 4 * n
			arg := make([]int32, n)
			for i, p := range rng.Perm(mapSize)[:n] {
				arg[i] = int32(p)
			}
			d1, d2 := make([]float32, mapSize), make([]float32, mapSize)
			for i := range d1 {
				d1[i] = 777
				d2[i] = 777
			}
			gb1, gb2 := make([]float32, C), make([]float32, C)
			for i := range gb1 {
				gb1[i] = float32(i) / 7
				gb2[i] = gb1[i]
			}
			scatterAVX2(&d1[0], &y[0], &dy[0], &arg[0], &gb1[0], positions, C/16)
			scatterImageGo(d2, y, dy, arg, gb2)
			for i := range d1 {
				if math.Float32bits(d1[i]) != math.Float32bits(d2[i]) {
					t.Fatalf("C=%d positions=%d: d[%d] = %g, portable %g", C, positions, i, d1[i], d2[i])
				}
			}
			for i := range gb1 {
				if math.Float32bits(gb1[i]) != math.Float32bits(gb2[i]) {
					t.Fatalf("C=%d positions=%d: gb[%d] = %g, portable %g", C, positions, i, gb1[i], gb2[i])
				}
			}
		}
	}
}
