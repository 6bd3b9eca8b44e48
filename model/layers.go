package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/ops"
)

// A network is a list of layers (Config.plan). Each layer knows the
// modules of the equivalent PyTorch nn.Sequential it stands for, the
// parameters it needs, the bytes of its buffers and its forward pass, so
// that building (New), running (Forward), counting (ParamCount) and sizing
// (ActivationBytes) a network are each one walk over the list. Adding a
// layer kind is a type implementing layer and a line in plan.

// layer is one entry of a network's layer list: one module of the
// nn.Sequential, or a few that run fused (a convolution with its
// activation and pool).
type layer interface {
	// modules describes the modules the layer stands for, in order; the
	// walk fills in their Index and Params.
	modules() []Layer
	// params lists the parameters the layer needs, in nn.Sequential order.
	params() []paramSpec
	// bind hands the layer its parameters, created as params lists them,
	// and the lock its ops take to add into their gradients.
	bind(ps []*Param, gradMu *sync.Mutex)
	// bytes estimates the bytes of the buffers the layer's ops keep (see
	// Config.ActivationBytes), adding and multiplying with s.
	bytes(r batchRows, s *sizer) int64
	// forward adds the layer to the graph for the batch h.
	forward(n *Network, h mat.Tensor, p *pass) mat.Tensor
}

// paramSpec is one parameter a layer needs: the module it belongs to (its
// position among the layer's modules), its name there ("weight"), its
// PyTorch shape, the rows×cols matrix it is stored as, and the fan-in of
// PyTorch's default initialization.
type paramSpec struct {
	module     int
	name       string
	shape      []int
	rows, cols int
	fanIn      int
}

// batchRows are the batch sizes the buffers are sized for: training steps
// of batch images, evaluation passes of eval images, workers goroutines
// running the fused convolutions' chunks.
type batchRows struct {
	batch, eval, workers int
	forward, backward    int64 // rows of the forward and backward buffers
}

// pass is the state of one forward pass that layers share.
type pass struct {
	masks    *Masks // nil: evaluation, no dropout
	keepMaps bool
	maps     []FeatureMap
	module   int // the nn.Sequential index of the current layer's first module
}

// Masks selects the dropout masks of one training pass. Every dropout
// layer draws its mask from a generator seeded with Seed, Pass and the
// layer's index, so the masks depend on nothing else: a run is
// reproducible, and a resumed run draws the masks it would have drawn.
type Masks struct {
	Seed uint64 // the run's seed
	Pass uint64 // the pass's number in the run, e.g. its global step
}

// plan is a configuration's layer list with the walk's results: the
// modules with their indices and parameter counts, and the parameters'
// full names ("4.weight") and total count.
type plan struct {
	layers  []layer
	first   []int // per layer, the index of its first module
	modules []Layer
	names   [][]string // per layer, its parameters' names
	params  int64
}

// plan lists the layers of a network of c and walks them once for their
// modules and parameters, with overflow-checked counts.
func (c Config) plan() (*plan, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	act, _ := ops.ParseActivation(c.Activation)
	var layers []layer
	width := ImageSize * ImageSize
	if c.Net == CNN {
		geoms, _ := c.convGeometries()
		for i, g := range geoms {
			layers = append(layers, &convBlock{convLayer: g, nth: i, act: act})
			width = g.geom.OutC * AdaptiveCells * AdaptiveCells
		}
	}
	layers = append(layers, flatten{width: width})
	sizes := append(append([]int(nil), c.Hidden...), Classes)
	for i, out := range sizes {
		layers = append(layers, &linear{in: width, out: out, first: i == 0 && c.Net == MLP})
		if i < len(sizes)-1 {
			layers = append(layers, &activation{kind: act, width: out})
			if c.Dropout > 0 {
				layers = append(layers, &dropout{p: c.Dropout, width: out})
			}
		}
		width = out
	}
	layers = append(layers, softmax{})

	p := &plan{layers: layers, first: make([]int, len(layers)), names: make([][]string, len(layers))}
	var s sizer
	for i, l := range layers {
		first := len(p.modules)
		p.first[i] = first
		for j, m := range l.modules() {
			m.Index = first + j
			p.modules = append(p.modules, m)
		}
		for _, ps := range l.params() {
			size := s.mul(int64(ps.rows), int64(ps.cols))
			m := &p.modules[first+ps.module]
			m.Params = int(s.add(int64(m.Params), size))
			p.params = s.add(p.params, size)
			p.names[i] = append(p.names[i], fmt.Sprintf("%d.%s", m.Index, ps.name))
		}
	}
	if s.overflow || p.params > math.MaxInt {
		return nil, fmt.Errorf("model: the network %s has too many parameters to count", c)
	}
	return p, nil
}

// sizer multiplies and adds non-negative sizes, noting when a result does
// not fit in an int64 (the result is then meaningless).
type sizer struct{ overflow bool }

func (s *sizer) mul(xs ...int64) int64 {
	r := int64(1)
	for _, x := range xs {
		if x < 0 || (x != 0 && r > math.MaxInt64/x) {
			s.overflow = true
			return 0
		}
		r *= x
	}
	return r
}

func (s *sizer) add(xs ...int64) int64 {
	var r int64
	for _, x := range xs {
		if x < 0 || r > math.MaxInt64-x {
			s.overflow = true
			return 0
		}
		r += x
	}
	return r
}

// activationModule is the PyTorch module of an activation.
func activationModule(k ops.ActivationKind) string {
	switch k {
	case ops.Tanh:
		return "Tanh"
	case ops.Sigmoid:
		return "Sigmoid"
	}
	return "ReLU"
}

// convBlock is a convolution with its activation and its pool: a 2×2
// max-pool, or the adaptive max-pool to 4×4 after the last convolution.
type convBlock struct {
	convLayer
	nth  int // 0-based convolution layer
	act  ops.ActivationKind
	w, b *Param
	ws   ops.Workspace
}

func (c *convBlock) modules() []Layer {
	g := c.geom
	out := fmt.Sprintf("%dx%dx%d", g.OutC, g.OutH(), g.OutW())
	pool := Layer{Kind: "MaxPool2d", Detail: "2", Out: fmt.Sprintf("%dx%dx%d", g.OutC, c.outH, c.outW)}
	if !c.pooled {
		pool = Layer{Kind: "AdaptiveMaxPool2d", Detail: fmt.Sprintf("%dx%d", AdaptiveCells, AdaptiveCells), Out: fmt.Sprintf("%dx%dx%d", g.OutC, AdaptiveCells, AdaptiveCells)}
	}
	return []Layer{
		{Kind: "Conv2d", Detail: fmt.Sprintf("%d->%d, k%d s%d p%d", g.InC, g.OutC, g.Kernel, g.Stride, g.Padding), Out: out},
		{Kind: activationModule(c.act), Out: out},
		pool,
	}
}

func (c *convBlock) params() []paramSpec {
	g := c.geom
	fanIn := g.PatchSize()
	return []paramSpec{
		{name: "weight", shape: []int{g.OutC, g.InC, g.Kernel, g.Kernel}, rows: g.OutC, cols: fanIn, fanIn: fanIn},
		{name: "bias", shape: []int{g.OutC}, rows: 1, cols: g.OutC, fanIn: fanIn},
	}
}

func (c *convBlock) bind(ps []*Param, gradMu *sync.Mutex) {
	c.w, c.b = ps[0], ps[1]
	c.ws.SetParamLock(gradMu)
}

func (c *convBlock) bytes(r batchRows, s *sizer) int64 {
	g := c.geom
	fb, bb := r.forward, r.backward
	k, outC := s.mul(int64(g.InC), int64(g.Kernel), int64(g.Kernel)), int64(g.OutC)
	mapSize := s.mul(int64(g.OutH()), int64(g.OutW()))
	inSize := s.mul(int64(g.InH), int64(g.InW), int64(g.InC))
	pooled := s.mul(int64(c.outH), int64(c.outW), outC)
	if c.adaptive {
		pooled = AdaptiveCells * AdaptiveCells * outC
	}
	// ops.ConvPoolChunk sizes a chunk from an image's bytes.
	s.mul(mapSize, s.add(k, outC), floatBytes)
	if s.overflow {
		return 0
	}
	needX := c.nth > 0 // the images themselves need no gradient
	var floats, ints int64
	if g.InC > 1 {
		floats = s.mul(2, outC, k) // weights in patch order, and the gradient's permutation back
	}
	if c.act == ops.ReLU {
		// Fused convolution, relu and pool, a chunk of images at a time.
		trainChunk := int64(ops.ConvPoolChunk(g, r.batch))
		chunk := max(int64(ops.ConvPoolChunk(g, max(r.batch, r.eval))), trainChunk)
		chunks := (bb + trainChunk - 1) / trainChunk
		w := min(int64(r.workers), max((fb+chunk-1)/chunk, chunks))
		floats = s.add(floats,
			s.mul(fb, pooled),                        // pooled output
			s.mul(w, chunk, mapSize, s.add(k, outC)), // patches and convolution output per worker
			s.mul(chunks, outC, s.add(k, 1)))         // each chunk's weight and bias gradients
		ints = s.mul(fb, pooled) // index of each window's winner
	} else {
		// Convolution over the whole batch, activation, pool.
		floats = s.add(floats,
			s.mul(fb, mapSize, s.add(k, outC)), // patches, convolution output
			s.mul(outC, k),                     // weight gradient in patch order
			s.mul(fb, mapSize, outC),           // activation
			s.mul(bb, mapSize, outC),           // activation gradient
			s.mul(fb, pooled),                  // pooled output
			s.mul(bb, mapSize, outC))           // pool's input gradient
		ints = s.mul(fb, pooled)
	}
	if needX {
		floats = s.add(floats, s.mul(bb, inSize))
	}
	return s.add(s.mul(floats, floatBytes), s.mul(ints, indexBytes))
}

func (c *convBlock) forward(n *Network, h mat.Tensor, p *pass) mat.Tensor {
	g := c.geom
	if c.act == ops.ReLU && !p.keepMaps {
		// Convolution, relu and pool in one op, a few images at a time:
		// the full-size convolution output stays in cache.
		if c.pooled {
			return ops.ConvPoolReLU(n.pool, &c.ws, g, h, c.w.Param, c.b.Param)
		}
		return ops.ConvAdaptivePoolReLU(n.pool, &c.ws, g, AdaptiveCells, h, c.w.Param, c.b.Param)
	}
	h = ops.Convolve(n.eng, &c.ws, g, h, c.w.Param, c.b.Param)
	h = ops.Activate(n.pool, &c.ws, c.act, h)
	if p.keepMaps {
		p.maps = append(p.maps, FeatureMap{Layer: c.nth, H: g.OutH(), W: g.OutW(), C: g.OutC, Data: append([]float32(nil), h.Value().Data().F32()...)})
	}
	pg := ops.PoolGeometry{H: g.OutH(), W: g.OutW(), C: g.OutC}
	if c.pooled {
		return ops.MaxPool(n.pool, &c.ws, pg, h)
	}
	return ops.AdaptiveMaxPool(n.pool, &c.ws, pg, AdaptiveCells, AdaptiveCells, h)
}

// flatten is nn.Flatten: the rows already hold each image's features in
// PyTorch's flatten order.
type flatten struct{ width int }

func (f flatten) modules() []Layer                                   { return []Layer{{Kind: "Flatten", Out: fmt.Sprint(f.width)}} }
func (flatten) params() []paramSpec                                  { return nil }
func (flatten) bind([]*Param, *sync.Mutex)                           {}
func (flatten) bytes(batchRows, *sizer) int64                        { return 0 }
func (flatten) forward(_ *Network, h mat.Tensor, _ *pass) mat.Tensor { return h }

// linear is a dense layer x·Wᵀ + b.
type linear struct {
	in, out int
	first   bool // its input is the images, which need no gradient
	w, b    *Param
	ws      ops.Workspace
}

func (l *linear) modules() []Layer {
	return []Layer{{Kind: "Linear", Detail: fmt.Sprintf("%d->%d", l.in, l.out), Out: fmt.Sprint(l.out)}}
}

func (l *linear) params() []paramSpec {
	return []paramSpec{
		{name: "weight", shape: []int{l.out, l.in}, rows: l.out, cols: l.in, fanIn: l.in},
		{name: "bias", shape: []int{l.out}, rows: 1, cols: l.out, fanIn: l.in},
	}
}

func (l *linear) bind(ps []*Param, gradMu *sync.Mutex) {
	l.w, l.b = ps[0], ps[1]
	l.ws.SetParamLock(gradMu)
}

func (l *linear) bytes(r batchRows, s *sizer) int64 {
	floats := s.mul(r.forward, int64(l.out)) // output
	if !l.first {
		floats = s.add(floats, s.mul(r.backward, int64(l.in))) // input gradient
	}
	return s.mul(floats, floatBytes)
}

func (l *linear) forward(n *Network, h mat.Tensor, _ *pass) mat.Tensor {
	return ops.Affine(n.eng, &l.ws, h, l.w.Param, l.b.Param)
}

// activation is the non-linearity after a dense hidden layer.
type activation struct {
	kind  ops.ActivationKind
	width int
	ws    ops.Workspace
}

func (a *activation) modules() []Layer {
	return []Layer{{Kind: activationModule(a.kind), Out: fmt.Sprint(a.width)}}
}
func (a *activation) params() []paramSpec        { return nil }
func (a *activation) bind([]*Param, *sync.Mutex) {}

func (a *activation) bytes(r batchRows, s *sizer) int64 {
	return s.mul(s.add(r.forward, r.backward), int64(a.width), floatBytes) // output, its gradient
}

func (a *activation) forward(n *Network, h mat.Tensor, _ *pass) mat.Tensor {
	return ops.Activate(n.pool, &a.ws, a.kind, h)
}

// dropout is nn.Dropout after a dense hidden layer's activation: in
// training passes it drops each unit with probability p (ops.Drop), in
// evaluation passes it passes its input on.
type dropout struct {
	p     float64
	width int
	ws    ops.Workspace
}

func (d *dropout) modules() []Layer {
	return []Layer{{Kind: "Dropout", Detail: fmt.Sprintf("p=%g", d.p), Out: fmt.Sprint(d.width)}}
}
func (d *dropout) params() []paramSpec        { return nil }
func (d *dropout) bind([]*Param, *sync.Mutex) {}

// bytes counts the training passes' mask, output and gradient; evaluation
// passes keep nothing.
func (d *dropout) bytes(r batchRows, s *sizer) int64 {
	return s.mul(3, r.backward, int64(d.width), floatBytes)
}

// dropoutStream separates the dropout masks' generators from the others
// seeded with a run's seed (initialization, shuffling).
const dropoutStream = 0xd809_0a7e_5eed_0001

func (d *dropout) forward(_ *Network, h mat.Tensor, p *pass) mat.Tensor {
	if p.masks == nil {
		return h
	}
	mask := d.ws.Floats("dropout.mask", h.Value().Size())
	// The layer's index in the nn.Sequential tells its mask from the
	// other dropout layers' in the same pass.
	rng := rand.New(rand.NewPCG(p.masks.Seed^dropoutStream, p.masks.Pass<<20+uint64(p.module)))
	ops.DropoutMask(mask, d.p, rng)
	return ops.Drop(&d.ws, h, mask)
}

// softmax is nn.Softmax over the classes. The network's forward pass
// returns the logits: the softmax is part of the loss
// (ops.SoftmaxCrossEntropy), whose buffers it counts.
type softmax struct{}

func (softmax) modules() []Layer {
	return []Layer{{Kind: "Softmax", Detail: "dim=1", Out: fmt.Sprint(Classes)}}
}
func (softmax) params() []paramSpec        { return nil }
func (softmax) bind([]*Param, *sync.Mutex) {}

// bytes counts the loss's probabilities and their gradient.
func (softmax) bytes(r batchRows, s *sizer) int64 {
	return s.mul(s.add(r.forward, r.backward), Classes, floatBytes)
}

func (softmax) forward(_ *Network, h mat.Tensor, _ *pass) mat.Tensor { return h }
