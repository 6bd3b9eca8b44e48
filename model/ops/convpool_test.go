package ops

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/gemm"
	"fashionlab/model/parallel"
)

// TestConvPoolMatchesSeparateOps checks the fused convolution+relu+pool
// against Convolve followed by MaxPoolReLU: the same outputs and gradients
// up to rounding (the fused op sums the weight and bias gradients chunk by
// chunk), over batches that fill several chunks and a partial last one.
func TestConvPoolMatchesSeparateOps(t *testing.T) {
	eng := gemm.New(parallel.New(2))
	for _, tc := range []struct {
		g     ConvGeometry
		cells int // adaptive pool; 0: 2x2
	}{
		{ConvGeometry{InH: 28, InW: 28, InC: 1, OutC: 16, Kernel: 3, Stride: 1}, 0},
		{ConvGeometry{InH: 13, InW: 13, InC: 16, OutC: 32, Kernel: 3, Stride: 1}, 0},
		{ConvGeometry{InH: 9, InW: 8, InC: 3, OutC: 5, Kernel: 3, Stride: 2, Padding: 1}, 0},
		{ConvGeometry{InH: 5, InW: 5, InC: 32, OutC: 48, Kernel: 3, Stride: 1}, 4},
		{ConvGeometry{InH: 9, InW: 8, InC: 3, OutC: 5, Kernel: 3, Stride: 1}, 4},
	} {
		g := tc.g
		for _, batch := range []int{1, 7, 37} {
			t.Run(fmt.Sprintf("%dx%dx%d->%d/cells=%d/batch=%d", g.InH, g.InW, g.InC, g.OutC, tc.cells, batch), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(uint64(batch), uint64(g.OutC)))
				shapes := [][2]int{{batch, g.InH * g.InW * g.InC}, {g.OutC, g.PatchSize()}, {1, g.OutC}}
				inputs := randomInputs(rng, shapes)
				outSize := (g.OutH() / 2) * (g.OutW() / 2) * g.OutC
				if tc.cells > 0 {
					outSize = tc.cells * tc.cells * g.OutC
				}
				r := make([]float32, batch*outSize)
				for i := range r {
					r[i] = float32(rng.NormFloat64())
				}
				run := func(build func(ws *Workspace, in []mat.Tensor) mat.Tensor) [][]float32 {
					ts := make([]mat.Tensor, 3)
					ps := make([]*mat.Dense[float32], 3)
					for i, v := range inputs {
						ps[i] = mat.NewDense[float32](mat.WithShape(shapes[i][0], shapes[i][1]), mat.WithBacking(slices.Clone(v)), mat.WithGrad(true))
						ts[i] = ps[i]
					}
					var ws Workspace
					out := build(&ws, ts)
					rows, cols := rowsCols(out)
					out.AccGrad(Matrix(slices.Clone(r), rows, cols))
					if err := ag.Backward(out); err != nil {
						t.Fatal(err)
					}
					res := [][]float32{slices.Clone(data(out))}
					for _, p := range ps {
						res = append(res, slices.Clone(p.Grad().Data().F32()))
					}
					return res
				}
				fused := run(func(ws *Workspace, in []mat.Tensor) mat.Tensor {
					if tc.cells > 0 {
						return ConvAdaptivePoolReLU(eng.Pool(), ws, g, tc.cells, in[0], in[1], in[2])
					}
					return ConvPoolReLU(eng.Pool(), ws, g, in[0], in[1], in[2])
				})
				separate := run(func(ws *Workspace, in []mat.Tensor) mat.Tensor {
					pg := PoolGeometry{H: g.OutH(), W: g.OutW(), C: g.OutC}
					y := Convolve(eng, ws, g, in[0], in[1], in[2])
					if tc.cells > 0 {
						return AdaptiveMaxPoolReLU(eng.Pool(), ws, pg, tc.cells, tc.cells, y)
					}
					return MaxPoolReLU(eng.Pool(), ws, pg, y)
				})
				for i, name := range []string{"output", "input gradient", "weight gradient", "bias gradient"} {
					a, b := fused[i], separate[i]
					if len(a) != len(b) {
						t.Fatalf("%s: %d values, want %d", name, len(a), len(b))
					}
					for j := range a {
						if d := math.Abs(float64(a[j] - b[j])); d > 1e-4*math.Max(1, math.Abs(float64(b[j]))) {
							t.Fatalf("%s %d: fused %g, separate %g", name, j, a[j], b[j])
						}
					}
				}
			})
		}
	}
}

// TestConvPoolScatterKernel checks that the vector scatter of the pooled
// gradient gives the same gradients, bit for bit, as the portable loop.
func TestConvPoolScatterKernel(t *testing.T) {
	if scatterRows == nil {
		t.Skip("no vector scatter on this CPU")
	}
	g := ConvGeometry{InH: 13, InW: 13, InC: 16, OutC: 32, Kernel: 3, Stride: 1}
	const batch = 9
	rng := rand.New(rand.NewPCG(61, 62))
	shapes := [][2]int{{batch, g.InH * g.InW * g.InC}, {g.OutC, g.PatchSize()}, {1, g.OutC}}
	inputs := randomInputs(rng, shapes)
	r := make([]float32, batch*(g.OutH()/2)*(g.OutW()/2)*g.OutC)
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	run := func(portable bool) [][]float32 {
		ps := make([]*mat.Dense[float32], 3)
		for i, v := range inputs {
			ps[i] = mat.NewDense[float32](mat.WithShape(shapes[i][0], shapes[i][1]), mat.WithBacking(slices.Clone(v)), mat.WithGrad(true))
		}
		op := NewConvPool2D(parallel.New(1), nil, g, ps[0], ps[1], ps[2])
		op.portable = portable
		out := ag.NewOperator(op).Run()
		rows, cols := rowsCols(out)
		out.AccGrad(Matrix(slices.Clone(r), rows, cols))
		if err := ag.Backward(out); err != nil {
			t.Fatal(err)
		}
		var res [][]float32
		for _, p := range ps {
			res = append(res, slices.Clone(p.Grad().Data().F32()))
		}
		return res
	}
	vec := run(false)
	portable := run(true)
	for i := range vec {
		for j := range vec[i] {
			if math.Float32bits(vec[i][j]) != math.Float32bits(portable[i][j]) {
				t.Fatalf("input %d gradient %d: vector %g, portable %g", i, j, vec[i][j], portable[i][j])
			}
		}
	}
}
