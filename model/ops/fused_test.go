package ops

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/parallel"
)

// TestPoolReLUMatchesReLUThenPool checks that the fused pool+relu ops give
// bit-identical outputs and input gradients to relu followed by the pool,
// including ties at zero, all-negative windows and NaN (any NaN payload).
func TestPoolReLUMatchesReLUThenPool(t *testing.T) {
	geom := PoolGeometry{H: 7, W: 6, C: 3}
	const batch = 4
	tests := []struct {
		name     string
		fused    func(ws *Workspace, x mat.Tensor) mat.Tensor
		separate func(ws *Workspace, x mat.Tensor) mat.Tensor
	}{
		{
			"max-pool 2x2",
			func(ws *Workspace, x mat.Tensor) mat.Tensor { return MaxPoolReLU(parallel.New(2), ws, geom, x) },
			func(ws *Workspace, x mat.Tensor) mat.Tensor {
				return MaxPool(parallel.New(2), ws, geom, Activate(parallel.New(2), ws, ReLU, x))
			},
		},
		{
			"adaptive max-pool to 4x4",
			func(ws *Workspace, x mat.Tensor) mat.Tensor {
				return AdaptiveMaxPoolReLU(parallel.New(2), ws, geom, 4, 4, x)
			},
			func(ws *Workspace, x mat.Tensor) mat.Tensor {
				return AdaptiveMaxPool(parallel.New(2), ws, geom, 4, 4, Activate(parallel.New(2), ws, ReLU, x))
			},
		},
	}
	rng := rand.New(rand.NewPCG(21, 22))
	in := make([]float32, batch*geom.H*geom.W*geom.C)
	for i := range in {
		switch rng.IntN(8) {
		case 0:
			in[i] = 0
		case 1:
			in[i] = 0.5 // ties between positive values
		default:
			in[i] = float32(rng.NormFloat64())
		}
	}
	in[17] = float32(math.NaN())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run := func(build func(*Workspace, mat.Tensor) mat.Tensor) (y, gx []float32) {
				x := mat.NewDense[float32](mat.WithShape(batch, len(in)/batch), mat.WithBacking(slices.Clone(in)), mat.WithGrad(true))
				var ws Workspace
				out := build(&ws, x)
				r := make([]float32, out.Value().Size())
				for i := range r {
					r[i] = float32(i%7) - 3
				}
				rows, cols := rowsCols(out)
				out.AccGrad(Matrix(r, rows, cols))
				if err := ag.Backward(out); err != nil {
					t.Fatal(err)
				}
				return slices.Clone(data(out)), slices.Clone(x.Grad().Data().F32())
			}
			y1, g1 := run(tt.fused)
			y2, g2 := run(tt.separate)
			same := func(a, b []float32) bool {
				for i := range a {
					bothNaN := a[i] != a[i] && b[i] != b[i]
					if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !bothNaN {
						return false
					}
				}
				return len(a) == len(b)
			}
			if !same(y1, y2) {
				t.Errorf("outputs differ:\nfused    %v\nseparate %v", y1, y2)
			}
			if !same(g1, g2) {
				t.Errorf("input gradients differ:\nfused    %v\nseparate %v", g1, g2)
			}
		})
	}
}

// TestReLUEdgeValues pins relu's forward and gradient on the values its
// branch-free code treats specially.
func TestReLUEdgeValues(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	negZero := float32(math.Copysign(0, -1))
	tests := []struct {
		name  string
		x     float32
		isNaN bool
		y     float32 // when not NaN; compared bit for bit
		grad  float32 // gradient passed for an output gradient of 3
	}{
		{"positive", 1.5, false, 1.5, 3},
		{"negative", -2, false, 0, 0},
		{"+0", 0, false, 0, 0},
		{"-0 becomes +0", negZero, false, 0, 0},
		{"smallest subnormal", math.Float32frombits(1), false, math.Float32frombits(1), 3},
		{"+Inf", inf, false, inf, 3},
		{"-Inf", -inf, false, 0, 0},
		{"NaN stays visible and passes no gradient", nan, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := mat.NewDense[float32](mat.WithShape(1, 1), mat.WithBacking([]float32{tt.x}), mat.WithGrad(true))
			y := Activate(parallel.New(1), nil, ReLU, x)
			got := data(y)[0]
			if tt.isNaN != (got != got) || (!tt.isNaN && math.Float32bits(got) != math.Float32bits(tt.y)) {
				t.Errorf("relu(%v) = %v, want %v (NaN %v)", tt.x, got, tt.y, tt.isNaN)
			}
			y.AccGrad(Matrix([]float32{3}, 1, 1))
			if err := ag.Backward(y); err != nil {
				t.Fatal(err)
			}
			if g := x.Grad().Data().F32()[0]; g != tt.grad {
				t.Errorf("gradient at %v = %v, want %v", tt.x, g, tt.grad)
			}
		})
	}
}
