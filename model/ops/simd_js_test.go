//go:build !purego

package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"fashionlab/model/gemm/wasmsimd"
	"fashionlab/model/parallel"
)

// guard is the sentinel written around the kernels' outputs: the values
// past a slice's ends must keep it.
const guard = -12345

// fill returns n random values inside a buffer with pad guard values on
// each side, and the buffer.
func fill(rng *rand.Rand, n, pad int, specials bool) (s, buf []float32) {
	buf = make([]float32, n+2*pad)
	for i := range buf {
		buf[i] = guard
	}
	s = buf[pad : pad+n]
	sp := []float32{0, float32(math.Copysign(0, -1)), 0.5, -0.5, float32(math.Inf(1)), float32(math.Inf(-1))}
	for i := range s {
		if specials && rng.IntN(4) == 0 {
			s[i] = sp[rng.IntN(len(sp))]
			continue
		}
		s[i] = float32(rng.NormFloat64())
	}
	return s, buf
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %g (bits %#x), pure Go %g (bits %#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

func sameInts(t *testing.T, what string, got, want []int32) {
	t.Helper()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %d, pure Go %d", what, i, got[i], want[i])
		}
	}
}

// TestSIMDMaxPool compares the module's 2×2 max-pool over several images
// with maxPoolImageGo image by image: the same values and winners, bit for
// bit, over ties, signed zeros and infinities, odd map sizes (the dropped
// last row and column), with and without relu, nothing written past the
// outputs; with a NaN among the inputs it must report that it did not pool.
func TestSIMDMaxPool(t *testing.T) {
	if wasmsimd.Installed().MaxPool == nil {
		t.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	rng := rand.New(rand.NewPCG(71, 72))
	for _, g := range []PoolGeometry{{H: 26, W: 26, C: 16}, {H: 11, W: 11, C: 32}, {H: 5, W: 4, C: 48}, {H: 2, W: 2, C: 4}, {H: 3, W: 7, C: 12}} {
		for _, n := range []int{1, 3} {
			for _, relu := range []bool{false, true} {
				t.Run(fmt.Sprintf("%dx%dx%d/n=%d/relu=%v", g.H, g.W, g.C, n, relu), func(t *testing.T) {
					inSize, outSize := g.H*g.W*g.C, g.H/2*(g.W/2)*g.C
					x, _ := fill(rng, n*inSize, 4, true)
					// Ties: copy some values onto their window neighbours.
					for i := g.C; i < len(x); i += 7 {
						x[i] = x[i-g.C]
					}
					y, ybuf := fill(rng, n*outSize, 5, false)
					argBuf := make([]int32, n*outSize+10)
					for i := range argBuf {
						argBuf[i] = guard
					}
					arg := argBuf[5 : 5+n*outSize]
					const base = 1000
					if !poolImagesSIMD(g, relu, x, y, arg, n, base, int32(inSize)) {
						t.Fatal("the kernel did not pool inputs without NaN")
					}
					wy, wa := make([]float32, n*outSize), make([]int32, n*outSize)
					for b := range n {
						maxPoolImageGo(g, relu, x[b*inSize:(b+1)*inSize], wy[b*outSize:(b+1)*outSize], wa[b*outSize:(b+1)*outSize], int32(base+b*inSize))
					}
					sameBits(t, "y", y, wy)
					sameInts(t, "arg", arg, wa)
					for i := range 5 {
						if ybuf[i] != guard || ybuf[len(ybuf)-1-i] != guard || argBuf[i] != guard || argBuf[len(argBuf)-1-i] != guard {
							t.Fatal("the kernel wrote past its outputs")
						}
					}
					x[len(x)-1-rng.IntN(g.C)] = float32(math.NaN())
					if g.H%2 == 0 && g.W%2 == 0 && poolImagesSIMD(g, relu, x, y, arg, n, base, int32(inSize)) {
						t.Fatal("the kernel pooled an input with a NaN")
					}
				})
			}
		}
	}
}

// TestSIMDMaxPoolOp runs the MaxPool2D op, which pools through the kernel
// when the module is installed, against maxPoolImageGo on a batch with a
// NaN in one image: the op must fall back and give the pure-Go results.
func TestSIMDMaxPoolOp(t *testing.T) {
	if wasmsimd.Installed().MaxPool == nil {
		t.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	rng := rand.New(rand.NewPCG(73, 74))
	g := PoolGeometry{H: 6, W: 6, C: 8}
	for _, nan := range []bool{false, true} {
		const batch = 5
		inSize, outSize := g.H*g.W*g.C, g.H/2*(g.W/2)*g.C
		x, _ := fill(rng, batch*inSize, 0, true)
		if nan {
			x[3*inSize+17] = float32(math.NaN())
		}
		var ws Workspace
		y := data(MaxPoolReLU(parallel.New(1), &ws, g, Matrix(x, batch, inSize)))
		wy, wa := make([]float32, batch*outSize), make([]int32, batch*outSize)
		for b := range batch {
			maxPoolImageGo(g, true, x[b*inSize:(b+1)*inSize], wy[b*outSize:(b+1)*outSize], wa[b*outSize:(b+1)*outSize], int32(b*inSize))
		}
		sameBits(t, fmt.Sprintf("nan=%v y", nan), y, wy)
	}
}

// TestSIMDScatter compares the module's pooled-gradient scatter over
// several images with scatterImageGo: the same gradient images (every
// element, the winners' and the zeros, with guard values around) and the
// same bias-gradient sums, bit for bit.
func TestSIMDScatter(t *testing.T) {
	if wasmsimd.Installed().Scatter == nil {
		t.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	rng := rand.New(rand.NewPCG(75, 76))
	for _, g := range []PoolGeometry{{H: 26, W: 26, C: 16}, {H: 11, W: 11, C: 32}, {H: 3, W: 5, C: 4}} {
		for _, n := range []int{1, 4} {
			mapSize, outSize := g.H*g.W*g.C, g.H/2*(g.W/2)*g.C
			x, _ := fill(rng, n*mapSize, 0, true)
			y, arg := make([]float32, n*outSize), make([]int32, n*outSize)
			for b := range n {
				maxPoolImageGo(g, true, x[b*mapSize:(b+1)*mapSize], y[b*outSize:(b+1)*outSize], arg[b*outSize:(b+1)*outSize], 0)
			}
			// Some outputs where relu cut, +Inf and the largest float.
			for i := 0; i < len(y); i += 5 {
				y[i] = []float32{0, float32(math.Inf(1)), math.MaxFloat32, -1}[rng.IntN(4)]
			}
			dy, _ := fill(rng, n*outSize, 0, true)
			d, dbuf := fill(rng, n*mapSize, 6, false)
			clear(d)
			gb, gbuf := fill(rng, g.C, 3, false)
			wd, wgb := make([]float32, n*mapSize), append([]float32(nil), gb...)
			if !scatterSIMD(d, y, dy, arg, gb, n, outSize/g.C, g.C, mapSize) {
				t.Fatalf("%v: the kernel did not run", g)
			}
			for b := range n {
				scatterImageGo(wd[b*mapSize:(b+1)*mapSize], y[b*outSize:(b+1)*outSize], dy[b*outSize:(b+1)*outSize], arg[b*outSize:(b+1)*outSize], wgb)
			}
			sameBits(t, fmt.Sprintf("%v n=%d d", g, n), d, wd)
			sameBits(t, fmt.Sprintf("%v n=%d gb", g, n), gb, wgb)
			for _, b := range [][]float32{dbuf[:6], dbuf[len(dbuf)-6:], gbuf[:3], gbuf[len(gbuf)-3:]} {
				for _, v := range b {
					if v != guard {
						t.Fatalf("%v: the kernel wrote past its outputs", g)
					}
				}
			}
		}
	}
}

// TestSIMDPatches compares the module's im2col and col2im with their
// pure-Go twins on a range of images inside a batch, for kernel rows whose
// length is and is not a multiple of 4 (the first layer's 3 values), with
// strides 1 and 2: the same patches, and the same input gradients bit for
// bit (the same order of additions), nothing written outside the range.
func TestSIMDPatches(t *testing.T) {
	if wasmsimd.Installed().Im2col == nil || wasmsimd.Installed().Col2im == nil {
		t.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	rng := rand.New(rand.NewPCG(77, 78))
	for _, g := range []ConvGeometry{
		{InH: 28, InW: 28, InC: 1, OutC: 16, Kernel: 3, Stride: 1},
		{InH: 13, InW: 13, InC: 16, OutC: 32, Kernel: 3, Stride: 1},
		{InH: 5, InW: 5, InC: 32, OutC: 48, Kernel: 3, Stride: 1},
		{InH: 9, InW: 8, InC: 3, OutC: 5, Kernel: 2, Stride: 2},
		{InH: 7, InW: 9, InC: 5, OutC: 4, Kernel: 1, Stride: 1},
		{InH: 11, InW: 10, InC: 8, OutC: 4, Kernel: 5, Stride: 3},
	} {
		const batch, b0, b1 = 4, 1, 3
		imgSize, rows := g.InH*g.InW*g.InC, g.OutH()*g.OutW()
		k := g.PatchSize()
		x, _ := fill(rng, batch*imgSize, 0, false)
		cols, _ := fill(rng, batch*rows*k, 0, false)
		want := append([]float32(nil), cols...)
		// The kernel itself, also for rows shorter than a vector, which
		// im2colSIMD leaves to Go.
		if !patchSIMD(wasmsimd.Installed().Im2col, g, b0, b1, x, cols) {
			t.Fatalf("%+v: im2col did not run", g)
		}
		im2colHWCGo(g, b0, b1, x, want)
		sameBits(t, fmt.Sprintf("%+v cols", g), cols, want)

		dcols, _ := fill(rng, batch*rows*k, 0, true)
		dx, _ := fill(rng, batch*imgSize, 0, false)
		wdx := append([]float32(nil), dx...)
		if !col2imSIMD(g, b0, b1, dcols, dx) {
			t.Fatalf("%+v: col2im did not run", g)
		}
		col2imHWCGo(g, b0, b1, dcols, wdx)
		sameBits(t, fmt.Sprintf("%+v dx", g), dx, wdx)
	}
	padded := ConvGeometry{InH: 9, InW: 8, InC: 4, OutC: 5, Kernel: 3, Stride: 1, Padding: 1}
	if im2colSIMD(padded, 0, 1, make([]float32, 9*8*4), make([]float32, 72*36)) {
		t.Error("im2col ran for a padded convolution, which it does not handle")
	}
}

// BenchmarkSIMDKernels times each element-wise kernel against its pure-Go
// twin on a chunk of 16 images of the default CNN's layers (the fused
// op's chunk at batch 128): go runs the twin, simd the module's kernel.
// The figure of interest is the ratio of the two.
func BenchmarkSIMDKernels(b *testing.B) {
	if wasmsimd.Installed().MaxPool == nil {
		b.Skip("the SIMD kernels are not installed (run through site/simd.js)")
	}
	const n = 16
	rng := rand.New(rand.NewPCG(79, 80))
	for _, pg := range []PoolGeometry{{H: 26, W: 26, C: 16}, {H: 11, W: 11, C: 32}} {
		inSize, outSize := pg.H*pg.W*pg.C, pg.H/2*(pg.W/2)*pg.C
		x, _ := fill(rng, n*inSize, 0, false)
		y, arg := make([]float32, n*outSize), make([]int32, n*outSize)
		name := fmt.Sprintf("%dx%dx%d", pg.H, pg.W, pg.C)
		b.Run("maxpool/"+name+"/go", func(b *testing.B) {
			for b.Loop() {
				for i := range n {
					maxPoolImageGo(pg, true, x[i*inSize:(i+1)*inSize], y[i*outSize:(i+1)*outSize], arg[i*outSize:(i+1)*outSize], 0)
				}
			}
		})
		b.Run("maxpool/"+name+"/simd", func(b *testing.B) {
			for b.Loop() {
				poolImagesSIMD(pg, true, x, y, arg, n, 0, 0)
			}
		})
		dy, _ := fill(rng, n*outSize, 0, false)
		d, gb := make([]float32, n*inSize), make([]float32, pg.C)
		b.Run("scatter/"+name+"/go", func(b *testing.B) {
			for b.Loop() {
				for i := range n {
					scatterImageGo(d[i*inSize:(i+1)*inSize], y[i*outSize:(i+1)*outSize], dy[i*outSize:(i+1)*outSize], arg[i*outSize:(i+1)*outSize], gb)
				}
			}
		})
		b.Run("scatter/"+name+"/simd", func(b *testing.B) {
			for b.Loop() {
				scatterSIMD(d, y, dy, arg, gb, n, outSize/pg.C, pg.C, inSize)
			}
		})
	}
	for _, g := range []ConvGeometry{
		{InH: 28, InW: 28, InC: 1, OutC: 16, Kernel: 3, Stride: 1},
		{InH: 13, InW: 13, InC: 16, OutC: 32, Kernel: 3, Stride: 1},
		{InH: 5, InW: 5, InC: 32, OutC: 48, Kernel: 3, Stride: 1},
	} {
		x, _ := fill(rng, n*g.InH*g.InW*g.InC, 0, false)
		cols, _ := fill(rng, n*g.OutH()*g.OutW()*g.PatchSize(), 0, false)
		name := fmt.Sprintf("%dx%dx%d", g.InH, g.InW, g.InC)
		b.Run("im2col/"+name+"/go", func(b *testing.B) {
			for b.Loop() {
				im2colHWCGo(g, 0, n, x, cols)
			}
		})
		b.Run("im2col/"+name+"/simd", func(b *testing.B) {
			for b.Loop() {
				patchSIMD(wasmsimd.Installed().Im2col, g, 0, n, x, cols)
			}
		})
		if g.InC == 1 {
			continue // the first layer's input needs no gradient
		}
		b.Run("col2im/"+name+"/go", func(b *testing.B) {
			for b.Loop() {
				col2imHWCGo(g, 0, n, cols, x)
			}
		})
		b.Run("col2im/"+name+"/simd", func(b *testing.B) {
			for b.Loop() {
				col2imSIMD(g, 0, n, cols, x)
			}
		})
	}
}
