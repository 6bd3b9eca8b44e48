package model

import (
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
	Params int    // trainable scalars of the module
}

// Network is an MLP or CNN built from a Config: its list of layers (see
// layer) with their parameters. It holds the buffers its ops reuse across
// training steps, so one Network runs one forward/backward pass at a time.
type Network struct {
	config Config
	pool   *parallel.Pool
	eng    *gemm.Engine
	// gradMu serializes the ops' in-place writes into the parameters'
	// gradients (ops.Workspace.SetParamLock).
	gradMu  sync.Mutex
	layers  []layer // the layer list, walked by forward
	first   []int   // per layer, the index of its first module
	params  []*Param
	modules []Layer // what Layers returns
}

// New builds the network described by cfg with PyTorch's default
// initialization (weights and biases uniform in ±1/√fan_in) drawn from a
// PCG generator seeded with seed. pool runs every parallel pass of its
// forward and backward passes, the matrix products included.
func New(cfg Config, seed uint64, pool *parallel.Pool) (*Network, error) {
	p, err := cfg.plan()
	if err != nil {
		return nil, err
	}
	n := &Network{config: cfg.Clone(), pool: pool, eng: gemm.New(pool), layers: p.layers, first: p.first, modules: p.modules}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for i, l := range p.layers {
		specs := l.params()
		ps := make([]*Param, len(specs))
		for j, spec := range specs {
			ps[j] = n.newParam(rng, p.names[i][j], spec)
		}
		l.bind(ps, &n.gradMu)
	}
	return n, nil
}

// newParam creates the parameter spec describes, drawn uniformly from
// ±1/√fanIn, with a zeroed gradient buffer that the optimizer clears in
// place.
func (n *Network) newParam(rng *rand.Rand, name string, spec paramSpec) *Param {
	bound := 1 / math.Sqrt(float64(spec.fanIn))
	rows, cols := spec.rows, spec.cols
	v := make([]float32, rows*cols)
	for i := range v {
		v[i] = float32((rng.Float64()*2 - 1) * bound)
	}
	p := &Param{Param: nn.NewParam(ops.Matrix(v, rows, cols)), Name: name, Shape: spec.shape}
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
func (n *Network) Layers() []Layer { return n.modules }

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
// image per row) in evaluation mode (no dropout) and returns the logits
// (batch × 10). The softmax is part of the loss (ops.SoftmaxCrossEntropy).
func (n *Network) Forward(x mat.Tensor) mat.Tensor {
	return n.forward(x, &pass{})
}

// ForwardTraining is Forward in training mode: the dropout layers drop
// units with the masks m selects. A network without dropout computes the
// same as Forward.
func (n *Network) ForwardTraining(x mat.Tensor, m Masks) mat.Tensor {
	return n.forward(x, &pass{masks: &m})
}

// ForwardMaps is Forward that also returns every convolution layer's
// feature maps (copies, valid after later passes).
func (n *Network) ForwardMaps(x mat.Tensor) (mat.Tensor, []FeatureMap) {
	p := &pass{keepMaps: true}
	return n.forward(x, p), p.maps
}

func (n *Network) forward(x mat.Tensor, p *pass) mat.Tensor {
	h := x
	for i, l := range n.layers {
		p.module = n.first[i]
		h = l.forward(n, h, p)
	}
	return h
}
