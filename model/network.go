package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/nlpodyssey/spago/mat"
	"github.com/nlpodyssey/spago/nn"

	"fashionlab/model/gemm"
	"fashionlab/model/ops"
	"fashionlab/model/parallel"
)

// Param is a trainable tensor of a network, named and shaped as in the
// equivalent PyTorch nn.Sequential ("0.weight" of shape [16 1 3 3]). Its
// value is a spago parameter holding the tensor as a matrix in the same
// row-major order.
type Param struct {
	*nn.Param
	Name  string
	Shape []int
}

// Values returns the parameter's values without copying.
func (p *Param) Values() []float32 { return p.Value().Data().F32() }

// Grads returns the parameter's accumulated gradient without copying.
func (p *Param) Grads() []float32 { return p.Grad().Data().F32() }

// Layer describes one module of the network for summaries.
type Layer struct {
	Index  int    // position in the equivalent nn.Sequential
	Kind   string // Conv2d, Linear, ReLU, MaxPool2d, ...
	Detail string // e.g. "1->16, k3 s1 p0"
	Out    string // output shape, e.g. "16x26x26"
	Params int
}

// Network is an MLP or CNN built from a Config. It holds its parameters and
// the buffers its ops reuse across training steps, so one Network runs one
// forward/backward pass at a time.
type Network struct {
	config Config
	pool   *parallel.Pool
	eng    *gemm.Engine
	// gradMu serializes the ops' in-place writes into the parameters'
	// gradients (ops.Workspace.SetParamLock).
	gradMu sync.Mutex
	act    ops.ActivationKind
	convs  []convBlock
	denses []denseBlock
	params []*Param
	layers []Layer
}

type convBlock struct {
	convLayer
	w, b        *Param
	ws          ops.Workspace
	index       int // Sequential index of the Conv2d
	channelsOut int
}

type denseBlock struct {
	w, b  *Param
	ws    ops.Workspace
	last  bool // the output layer: no activation
	index int
}

// New builds the network described by cfg with PyTorch's default
// initialization (weights and biases uniform in ±1/√fan_in) drawn from a
// PCG generator seeded with seed. pool runs every parallel pass of its
// forward and backward passes, the matrix products included.
func New(cfg Config, seed uint64, pool *parallel.Pool) (*Network, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	act, _ := ops.ParseActivation(cfg.Activation)
	n := &Network{config: cfg.Clone(), pool: pool, eng: gemm.New(pool), act: act}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	index := 0
	width := ImageSize * ImageSize
	if cfg.Net == CNN {
		geoms, _ := cfg.convGeometries()
		for _, l := range geoms {
			g := l.geom
			fanIn := g.PatchSize()
			b := convBlock{convLayer: l, index: index, channelsOut: g.OutC}
			b.w = n.newParam(rng, fmt.Sprintf("%d.weight", index), []int{g.OutC, g.InC, g.Kernel, g.Kernel}, g.OutC, fanIn, fanIn)
			b.b = n.newParam(rng, fmt.Sprintf("%d.bias", index), []int{g.OutC}, 1, g.OutC, fanIn)
			n.layers = append(n.layers,
				Layer{Index: index, Kind: "Conv2d", Detail: fmt.Sprintf("%d->%d, k%d s%d p%d", g.InC, g.OutC, g.Kernel, g.Stride, g.Padding), Out: fmt.Sprintf("%dx%dx%d", g.OutC, g.OutH(), g.OutW()), Params: fanIn*g.OutC + g.OutC},
				Layer{Index: index + 1, Kind: activationModule(act), Out: fmt.Sprintf("%dx%dx%d", g.OutC, g.OutH(), g.OutW())})
			index += 2
			if l.pooled {
				n.layers = append(n.layers, Layer{Index: index, Kind: "MaxPool2d", Detail: "2", Out: fmt.Sprintf("%dx%dx%d", g.OutC, l.outH, l.outW)})
			} else {
				n.layers = append(n.layers, Layer{Index: index, Kind: "AdaptiveMaxPool2d", Detail: "4x4", Out: fmt.Sprintf("%dx4x4", g.OutC)})
			}
			index++
			n.convs = append(n.convs, b)
			width = g.OutC * AdaptiveCells * AdaptiveCells
		}
	}
	n.layers = append(n.layers, Layer{Index: index, Kind: "Flatten", Out: fmt.Sprint(width)})
	index++
	sizes := append(append([]int(nil), cfg.Hidden...), Classes)
	for i, out := range sizes {
		d := denseBlock{index: index, last: i == len(sizes)-1}
		d.w = n.newParam(rng, fmt.Sprintf("%d.weight", index), []int{out, width}, out, width, width)
		d.b = n.newParam(rng, fmt.Sprintf("%d.bias", index), []int{out}, 1, out, width)
		n.layers = append(n.layers, Layer{Index: index, Kind: "Linear", Detail: fmt.Sprintf("%d->%d", width, out), Out: fmt.Sprint(out), Params: width*out + out})
		index++
		if !d.last {
			n.layers = append(n.layers, Layer{Index: index, Kind: activationModule(act), Out: fmt.Sprint(out)})
			index++
		}
		n.denses = append(n.denses, d)
		width = out
	}
	n.layers = append(n.layers, Layer{Index: index, Kind: "Softmax", Detail: "dim=1", Out: fmt.Sprint(Classes)})
	for i := range n.convs {
		n.convs[i].ws.SetParamLock(&n.gradMu)
	}
	for i := range n.denses {
		n.denses[i].ws.SetParamLock(&n.gradMu)
	}
	return n, nil
}

func activationModule(k ops.ActivationKind) string {
	switch k {
	case ops.Tanh:
		return "Tanh"
	case ops.Sigmoid:
		return "Sigmoid"
	}
	return "ReLU"
}

// newParam creates a rows×cols parameter drawn uniformly from ±1/√fanIn,
// with a zeroed gradient buffer that the optimizer clears in place.
func (n *Network) newParam(rng *rand.Rand, name string, shape []int, rows, cols, fanIn int) *Param {
	bound := 1 / math.Sqrt(float64(fanIn))
	v := make([]float32, rows*cols)
	for i := range v {
		v[i] = float32((rng.Float64()*2 - 1) * bound)
	}
	p := &Param{Param: nn.NewParam(ops.Matrix(v, rows, cols)), Name: name, Shape: shape}
	p.AccGrad(ops.Matrix(make([]float32, rows*cols), rows, cols))
	n.params = append(n.params, p)
	return p
}

// Pool returns the pool the network runs on; its trainer uses it too.
func (n *Network) Pool() *parallel.Pool { return n.pool }

// Config returns the network's configuration.
func (n *Network) Config() Config { return n.config.Clone() }

// Params returns the trainable parameters in nn.Sequential order.
func (n *Network) Params() []*Param { return n.params }

// NumParams returns the number of trainable scalars.
func (n *Network) NumParams() int {
	total := 0
	for _, p := range n.params {
		total += p.Value().Size()
	}
	return total
}

// Layers describes the modules of the equivalent nn.Sequential.
func (n *Network) Layers() []Layer { return n.layers }

// ZeroGrads clears every parameter gradient in place.
func (n *Network) ZeroGrads() {
	for _, p := range n.params {
		clear(p.Grads())
	}
}

// FeatureMap is the activation of one convolution layer for a batch, after
// its non-linearity and before pooling: channels-last, element (b, y, x, c)
// at Data[((b*H+y)*W+x)*C+c].
type FeatureMap struct {
	Layer   int // 0-based convolution layer
	H, W, C int
	Data    []float32
}

// Forward adds the network to the graph for a batch x (batch × 784, one
// image per row) and returns the logits (batch × 10). The softmax is part
// of the loss (ops.SoftmaxCrossEntropy).
func (n *Network) Forward(x mat.Tensor) mat.Tensor {
	logits, _ := n.forward(x, false)
	return logits
}

// ForwardMaps is Forward that also returns every convolution layer's
// feature maps (copies, valid after later passes).
func (n *Network) ForwardMaps(x mat.Tensor) (mat.Tensor, []FeatureMap) {
	return n.forward(x, true)
}

func (n *Network) forward(x mat.Tensor, keepMaps bool) (mat.Tensor, []FeatureMap) {
	var maps []FeatureMap
	h := x
	for i := range n.convs {
		c := &n.convs[i]
		g := c.geom
		if n.act == ops.ReLU && !keepMaps {
			// Convolution, relu and pool in one op, a few images at a
			// time: the full-size convolution output stays in cache.
			if c.pooled {
				h = ops.ConvPoolReLU(n.pool, &c.ws, g, h, c.w.Param, c.b.Param)
			} else {
				h = ops.ConvAdaptivePoolReLU(n.pool, &c.ws, g, AdaptiveCells, h, c.w.Param, c.b.Param)
			}
			continue
		}
		h = ops.Convolve(n.eng, &c.ws, g, h, c.w.Param, c.b.Param)
		pg := ops.PoolGeometry{H: g.OutH(), W: g.OutW(), C: g.OutC}
		h = ops.Activate(n.pool, &c.ws, n.act, h)
		if keepMaps {
			maps = append(maps, FeatureMap{Layer: i, H: g.OutH(), W: g.OutW(), C: g.OutC, Data: append([]float32(nil), h.Value().Data().F32()...)})
		}
		if c.pooled {
			h = ops.MaxPool(n.pool, &c.ws, pg, h)
		} else {
			h = ops.AdaptiveMaxPool(n.pool, &c.ws, pg, AdaptiveCells, AdaptiveCells, h)
		}
	}
	for i := range n.denses {
		d := &n.denses[i]
		h = ops.Affine(n.eng, &d.ws, h, d.w.Param, d.b.Param)
		if !d.last {
			h = ops.Activate(n.pool, &d.ws, n.act, h)
		}
	}
	return h, maps
}
