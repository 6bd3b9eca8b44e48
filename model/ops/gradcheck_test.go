package ops

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/gemm"
	"fashionlab/model/parallel"
)

// gradCase builds an op's output from its inputs; the check compares the
// gradients of L = Σ r⊙output (r fixed and random) found by ag.Backward with
// central finite differences.
type gradCase struct {
	name   string
	shapes [][2]int // rows, cols of each input
	// prepare may adjust the random inputs, e.g. keep them away from kinks.
	prepare func(inputs [][]float32)
	build   func(ws *Workspace, in []mat.Tensor) mat.Tensor
}

func randomInputs(rng *rand.Rand, shapes [][2]int) [][]float32 {
	out := make([][]float32, len(shapes))
	for i, s := range shapes {
		out[i] = make([]float32, s[0]*s[1])
		for j := range out[i] {
			out[i][j] = float32(rng.NormFloat64())
		}
	}
	return out
}

// spreadOut makes every value distinct and at least gap apart (in a shuffled
// order), so max-pools have no ties within a finite-difference step.
func spreadOut(rng *rand.Rand, v []float32, gap float32) {
	perm := rng.Perm(len(v))
	for i, p := range perm {
		v[p] = (float32(i) - float32(len(v))/2) * gap
	}
}

// spreadOffZero is spreadOut with every value half a gap away from 0, the
// kink of ReLU.
func spreadOffZero(rng *rand.Rand, v []float32, gap float32) {
	spreadOut(rng, v, gap)
	for i := range v {
		v[i] += gap / 2
	}
}

// awayFromZero pushes values out of (−margin, margin), the kink of ReLU.
func awayFromZero(v []float32, margin float32) {
	for i, x := range v {
		if x >= 0 && x < margin {
			v[i] = x + margin
		} else if x < 0 && x > -margin {
			v[i] = x - margin
		}
	}
}

func evaluate(c gradCase, inputs [][]float32, r []float32) float64 {
	ts := make([]mat.Tensor, len(inputs))
	for i, v := range inputs {
		ts[i] = Matrix(v, c.shapes[i][0], c.shapes[i][1])
	}
	y := data(c.build(nil, ts))
	var sum float64
	for i, v := range y {
		sum += float64(r[i]) * float64(v)
	}
	return sum
}

func runGradCheck(t *testing.T, c gradCase) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := randomInputs(rng, c.shapes)
	if c.prepare != nil {
		c.prepare(inputs)
	}
	ts := make([]mat.Tensor, len(inputs))
	params := make([]*mat.Dense[float32], len(inputs))
	for i, v := range inputs {
		params[i] = mat.NewDense[float32](mat.WithShape(c.shapes[i][0], c.shapes[i][1]), mat.WithBacking(append([]float32(nil), v...)), mat.WithGrad(true))
		ts[i] = params[i]
	}
	var ws Workspace
	out := c.build(&ws, ts)
	n := out.Value().Size()
	r := make([]float32, n)
	for i := range r {
		r[i] = float32(rng.NormFloat64())
	}
	rows, cols := rowsCols(out)
	out.AccGrad(Matrix(append([]float32(nil), r...), rows, cols))
	if err := ag.Backward(out); err != nil {
		t.Fatalf("backward: %v", err)
	}
	const h = 1e-2
	for i, p := range params {
		if !p.HasGrad() {
			t.Fatalf("input %d got no gradient", i)
		}
		analytic := p.Grad().Data().F32()
		// Check every element of small inputs, an evenly spaced sample of big ones.
		step := 1
		if len(inputs[i]) > 400 {
			step = len(inputs[i]) / 400
		}
		for j := 0; j < len(inputs[i]); j += step {
			orig := inputs[i][j]
			inputs[i][j] = orig + h
			plus := evaluate(c, inputs, r)
			inputs[i][j] = orig - h
			minus := evaluate(c, inputs, r)
			inputs[i][j] = orig
			numeric := (plus - minus) / (2 * h)
			got := float64(analytic[j])
			if diff := math.Abs(numeric - got); diff > 2e-2*math.Max(1, math.Abs(numeric)) {
				t.Fatalf("input %d element %d: analytic gradient %.6f, finite difference %.6f", i, j, got, numeric)
			}
		}
	}
}

// dropoutTestMask is a dropout mask of 5×8 units with p 0.4 that drops
// some units and keeps others.
var dropoutTestMask = func() []float32 {
	m := make([]float32, 5*8)
	DropoutMask(m, 0.4, rand.New(rand.NewPCG(17, 18)))
	return m
}()

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	eng := gemm.New(parallel.New(2))
	conv := func(g ConvGeometry) gradCase {
		return gradCase{
			shapes: [][2]int{{3, g.InH * g.InW * g.InC}, {g.OutC, g.PatchSize()}, {1, g.OutC}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return Convolve(eng, ws, g, in[0], in[1], in[2])
			},
		}
	}
	cases := []gradCase{
		{
			name:   "linear layer x·Wᵀ+b",
			shapes: [][2]int{{5, 7}, {4, 7}, {1, 4}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return Affine(eng, ws, in[0], in[1], in[2])
			},
		},
		{
			name:    "relu",
			shapes:  [][2]int{{4, 9}},
			prepare: func(in [][]float32) { awayFromZero(in[0], 0.05) },
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return Activate(eng.Pool(), ws, ReLU, in[0])
			},
		},
		{
			name:   "tanh",
			shapes: [][2]int{{4, 9}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return Activate(eng.Pool(), ws, Tanh, in[0])
			},
		},
		{
			name:   "sigmoid",
			shapes: [][2]int{{4, 9}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return Activate(eng.Pool(), ws, Sigmoid, in[0])
			},
		},
		{
			name:   "max-pool 2x2 over an odd 5x5 map with 3 channels",
			shapes: [][2]int{{2, 5 * 5 * 3}},
			prepare: func(in [][]float32) {
				spreadOut(rand.New(rand.NewPCG(3, 4)), in[0], 0.05)
			},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return MaxPool(eng.Pool(), ws, PoolGeometry{H: 5, W: 5, C: 3}, in[0])
			},
		},
		{
			name:   "adaptive max-pool 5x5 to 4x4 with overlapping windows",
			shapes: [][2]int{{2, 5 * 5 * 2}},
			prepare: func(in [][]float32) {
				spreadOut(rand.New(rand.NewPCG(5, 6)), in[0], 0.05)
			},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return AdaptiveMaxPool(eng.Pool(), ws, PoolGeometry{H: 5, W: 5, C: 2}, 4, 4, in[0])
			},
		},
		{
			name:   "adaptive max-pool upsampling 3x3 to 4x4",
			shapes: [][2]int{{2, 3 * 3 * 2}},
			prepare: func(in [][]float32) {
				spreadOut(rand.New(rand.NewPCG(7, 8)), in[0], 0.05)
			},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return AdaptiveMaxPool(eng.Pool(), ws, PoolGeometry{H: 3, W: 3, C: 2}, 4, 4, in[0])
			},
		},
		{
			name:   "max-pool 2x2 fused with relu over an odd 5x5 map",
			shapes: [][2]int{{2, 5 * 5 * 3}},
			prepare: func(in [][]float32) {
				spreadOffZero(rand.New(rand.NewPCG(9, 10)), in[0], 0.05)
			},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return MaxPoolReLU(eng.Pool(), ws, PoolGeometry{H: 5, W: 5, C: 3}, in[0])
			},
		},
		{
			name:   "max-pool 2x2 fused with relu over an even 4x6 map",
			shapes: [][2]int{{3, 4 * 6 * 2}},
			prepare: func(in [][]float32) {
				spreadOffZero(rand.New(rand.NewPCG(11, 12)), in[0], 0.05)
			},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return MaxPoolReLU(eng.Pool(), ws, PoolGeometry{H: 4, W: 6, C: 2}, in[0])
			},
		},
		{
			name:   "adaptive max-pool 3x3 to 4x4 fused with relu",
			shapes: [][2]int{{2, 3 * 3 * 2}},
			prepare: func(in [][]float32) {
				spreadOffZero(rand.New(rand.NewPCG(13, 14)), in[0], 0.05)
			},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return AdaptiveMaxPoolReLU(eng.Pool(), ws, PoolGeometry{H: 3, W: 3, C: 2}, 4, 4, in[0])
			},
		},
		{
			// A fixed mask: the draws are not part of the function.
			name:   "dropout with p 0.4 and a fixed mask",
			shapes: [][2]int{{5, 8}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return Drop(ws, in[0], dropoutTestMask)
			},
		},
		{
			name:   "softmax cross-entropy",
			shapes: [][2]int{{6, 10}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				loss, _ := Loss(ws, in[0], []uint8{0, 3, 9, 9, 5, 1})
				return loss
			},
		},
	}
	for _, g := range []struct {
		name string
		geom ConvGeometry
	}{
		{"convolution 3x3 on one channel", ConvGeometry{InH: 6, InW: 6, InC: 1, OutC: 4, Kernel: 3, Stride: 1}},
		{"convolution 3x3 with padding, stride 2 and 3 channels", ConvGeometry{InH: 7, InW: 6, InC: 3, OutC: 2, Kernel: 3, Stride: 2, Padding: 1}},
		{"convolution 1x1", ConvGeometry{InH: 4, InW: 4, InC: 3, OutC: 5, Kernel: 1, Stride: 1}},
		{"convolution whose kernel covers the whole image", ConvGeometry{InH: 5, InW: 5, InC: 2, OutC: 3, Kernel: 5, Stride: 1}},
	} {
		c := conv(g.geom)
		c.name = g.name
		cases = append(cases, c)
	}
	for _, g := range []struct {
		name string
		geom ConvGeometry
	}{
		{"convolution 3x3 on one channel fused with relu and 2x2 max-pool", ConvGeometry{InH: 7, InW: 7, InC: 1, OutC: 3, Kernel: 3, Stride: 1}},
		{"convolution 3x3 with 3 channels and padding fused with relu and max-pool over an odd map", ConvGeometry{InH: 5, InW: 5, InC: 3, OutC: 2, Kernel: 3, Stride: 1, Padding: 1}},
		{"convolution with stride 2 fused with relu and max-pool", ConvGeometry{InH: 9, InW: 8, InC: 2, OutC: 2, Kernel: 3, Stride: 2}},
	} {
		cases = append(cases, gradCase{
			name:   g.name,
			shapes: [][2]int{{3, g.geom.InH * g.geom.InW * g.geom.InC}, {g.geom.OutC, g.geom.PatchSize()}, {1, g.geom.OutC}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return ConvPoolReLU(eng.Pool(), ws, g.geom, in[0], in[1], in[2])
			},
		})
	}
	for _, g := range []struct {
		name  string
		geom  ConvGeometry
		cells int
	}{
		{"convolution 3x3 fused with relu and adaptive max-pool upsampling 3x3 to 4x4", ConvGeometry{InH: 5, InW: 5, InC: 1, OutC: 3, Kernel: 3, Stride: 1}, 4},
		{"convolution 3x3 fused with relu and adaptive max-pool 5x4 to 4x4", ConvGeometry{InH: 7, InW: 6, InC: 1, OutC: 2, Kernel: 3, Stride: 1}, 4},
	} {
		cases = append(cases, gradCase{
			name: g.name,
			// Distinct inputs and a dominant centre tap keep the windows'
			// winners and relu's sign away from a switch within a
			// finite-difference step.
			prepare: func(in [][]float32) {
				spreadOffZero(rand.New(rand.NewPCG(15, 16)), in[0], 0.02)
				taps := g.geom.Kernel * g.geom.Kernel
				for i := range in[1] {
					in[1][i] *= 1e-4
					if i%taps == taps/2 {
						in[1][i] = 1
					}
				}
			},
			shapes: [][2]int{{3, g.geom.InH * g.geom.InW * g.geom.InC}, {g.geom.OutC, g.geom.PatchSize()}, {1, g.geom.OutC}},
			build: func(ws *Workspace, in []mat.Tensor) mat.Tensor {
				return ConvAdaptivePoolReLU(eng.Pool(), ws, g.geom, g.cells, in[0], in[1], in[2])
			},
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runGradCheck(t, c) })
	}
}
