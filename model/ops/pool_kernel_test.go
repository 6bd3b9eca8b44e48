package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxPoolImageKernels checks that maxPoolImage (the vector kernel where
// the CPU has one) gives the same bits and winners as the portable code,
// over ties, signed zeros, infinities and NaNs, with and without relu.
func TestMaxPoolImageKernels(t *testing.T) {
	if poolRows == nil {
		t.Log("no vector kernel on this CPU: checking the portable code against itself")
	}
	checkMaxPoolKernel(t)
}

// checkMaxPoolKernel compares maxPoolImage, with whichever row kernel
// poolRows holds, with maxPoolImageGo.
func checkMaxPoolKernel(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	specials := []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, g := range []PoolGeometry{{H: 26, W: 26, C: 16}, {H: 11, W: 11, C: 32}, {H: 5, W: 4, C: 48}, {H: 2, W: 2, C: 16}} {
		for _, relu := range []bool{false, true} {
			for _, nanRate := range []int{0, 500} {
				t.Run(fmt.Sprintf("%dx%dx%d/relu=%v/nan=%v", g.H, g.W, g.C, relu, nanRate > 0), func(t *testing.T) {
					x := make([]float32, g.H*g.W*g.C)
					for i := range x {
						switch r := rng.IntN(1000); {
						case r < nanRate/100:
							x[i] = math.Float32frombits(0x7fc00000 | uint32(rng.IntN(1<<22)) | uint32(rng.IntN(2))<<31)
						case r < 300:
							x[i] = specials[rng.IntN(len(specials))]
						default:
							x[i] = float32(rng.NormFloat64())
						}
					}
					n := g.H / 2 * (g.W / 2) * g.C
					y1, y2 := make([]float32, n), make([]float32, n)
					a1, a2 := make([]int32, n), make([]int32, n)
					maxPoolImage(g, relu, x, y1, a1, 1000)
					maxPoolImageGo(g, relu, x, y2, a2, 1000)
					for i := range y1 {
						if math.Float32bits(y1[i]) != math.Float32bits(y2[i]) || a1[i] != a2[i] {
							t.Fatalf("element %d: kernel %g (bits %#x) at %d, portable %g (bits %#x) at %d", i, y1[i], math.Float32bits(y1[i]), a1[i], y2[i], math.Float32bits(y2[i]), a2[i])
						}
					}
				})
			}
		}
	}
}

// TestAddTo checks addTo against a plain loop on lengths around the
// vector width.
func TestAddTo(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, n := range []int{0, 1, 7, 8, 9, 15, 16, 17, 48, 100} {
		dst, src := make([]float32, n+3), make([]float32, n)
		for i := range dst {
			dst[i] = float32(rng.NormFloat64())
		}
		for i := range src {
			src[i] = float32(rng.NormFloat64())
		}
		want := append([]float32(nil), dst...)
		for i, v := range src {
			want[i] += v
		}
		addTo(dst, src)
		for i := range dst {
			if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
				t.Fatalf("n=%d element %d: %g, want %g", n, i, dst[i], want[i])
			}
		}
	}
}

// TestAdaptivePoolFastPath checks that the adaptive pool's register path
// gives the same bits and winners as the general one, over ties, signed
// zeros, infinities and NaNs, upsampling and downsampling.
func TestAdaptivePoolFastPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	specials := []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, float32(math.Inf(1)), float32(math.Inf(-1))}
	for _, g := range []PoolGeometry{{H: 3, W: 3, C: 48}, {H: 5, W: 6, C: 3}, {H: 11, W: 11, C: 2}} {
		for _, relu := range []bool{false, true} {
			for _, nan := range []bool{false, true} {
				x := make([]float32, g.H*g.W*g.C)
				for i := range x {
					switch r := rng.IntN(100); {
					case nan && r < 2:
						x[i] = math.Float32frombits(0x7fc00000 | uint32(rng.IntN(1<<22)) | uint32(rng.IntN(2))<<31)
					case r < 30:
						x[i] = specials[rng.IntN(len(specials))]
					default:
						x[i] = float32(rng.NormFloat64())
					}
				}
				p := &AdaptiveMaxPool2D{geom: g, outH: 4, outW: 4, relu: relu}
				n := 16 * g.C
				run := func(fast bool) ([]float32, []int32) {
					p.noFast = !fast
					y, arg := make([]float32, n), make([]int32, n)
					p.poolImage(x, y, arg, 7, make([]float32, g.C), make([]int32, g.C), make([]int32, g.C))
					return y, arg
				}
				y1, a1 := run(true)
				y2, a2 := run(false)
				for i := range y1 {
					if math.Float32bits(y1[i]) != math.Float32bits(y2[i]) || a1[i] != a2[i] {
						t.Fatalf("%v relu=%v nan=%v element %d: fast %g at %d, general %g at %d", g, relu, nan, i, y1[i], a1[i], y2[i], a2[i])
					}
				}
			}
		}
	}
}

// TestScatterKernel compares the vector scatter this CPU runs with
// scatterImageGo (see checkScatterKernel).
func TestScatterKernel(t *testing.T) {
	if scatterRows == nil {
		t.Skip("no vector scatter on this CPU")
	}
	checkScatterKernel(t, scatterRows)
}

// checkScatterKernel compares a vector scatter with scatterImageGo on
// pooled values that relu passes or stops (±0, negatives, +Inf, NaNs),
// several channel counts and positions, winners spread over a larger map
// whose other elements must stay untouched.
func checkScatterKernel(t *testing.T, scatter func(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)) {
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
			scatter(&d1[0], &y[0], &dy[0], &arg[0], &gb1[0], positions, C/16)
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

// TestCopyRuns compares copyRuns, whatever it runs on, with copyRunsGo,
// with guard bands around the destination and run lengths around the
// vector width.
func TestCopyRuns(t *testing.T) {
	for _, n := range []int{1, 7, 8, 16, 48, 96} {
		for _, runs := range []int{1, 3} {
			lds := n + 5
			src := make([]float32, (runs-1)*lds+n)
			for i := range src {
				src[i] = float32(i) + 0.5
			}
			const guard = 8
			got := make([]float32, runs*n+2*guard)
			want := make([]float32, runs*n+2*guard)
			for i := range got {
				got[i], want[i] = -1, -1
			}
			copyRuns(got[guard:guard+runs*n], src, n, runs, lds)
			copyRunsGo(want[guard:guard+runs*n], src, n, runs, lds)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("n=%d runs=%d: element %d (guard %d) = %g, want %g", n, runs, i, guard, got[i], want[i])
				}
			}
		}
	}
}
