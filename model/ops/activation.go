package ops

import (
	"fmt"
	"math"
	"strings"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/parallel"
)

// ActivationKind names an element-wise non-linearity.
type ActivationKind int

// The activations of the homework's networks.
const (
	ReLU ActivationKind = iota
	Tanh
	Sigmoid
)

// String returns the activation's name as used in configurations.
func (k ActivationKind) String() string {
	switch k {
	case ReLU:
		return "relu"
	case Tanh:
		return "tanh"
	case Sigmoid:
		return "sigmoid"
	}
	return fmt.Sprintf("ActivationKind(%d)", int(k))
}

// ActivationKinds returns every activation, in the order configurations
// list them.
func ActivationKinds() []ActivationKind { return []ActivationKind{ReLU, Tanh, Sigmoid} }

// ParseActivation returns the activation called name (relu, tanh, sigmoid).
func ParseActivation(name string) (ActivationKind, error) {
	kinds := ActivationKinds()
	names := make([]string, len(kinds))
	for i, k := range kinds {
		if k.String() == name {
			return k, nil
		}
		names[i] = k.String()
	}
	last := len(names) - 1
	return 0, fmt.Errorf("ops: unknown activation %q (want %s or %s)", name, strings.Join(names[:last], ", "), names[last])
}

// Activation applies an element-wise non-linearity to a whole batch. Its
// backward pass uses the output only, so it keeps no copy of the input.
type Activation struct {
	x    mat.Tensor
	kind ActivationKind
	pool *parallel.Pool
	ws   *Workspace
	y    []float32
}

// NewActivation returns the op kind(x); pool runs its passes.
func NewActivation(pool *parallel.Pool, ws *Workspace, kind ActivationKind, x mat.Tensor) *Activation {
	return &Activation{x: x, kind: kind, pool: pool, ws: ws}
}

// Activate adds kind(x) to the graph.
func Activate(pool *parallel.Pool, ws *Workspace, kind ActivationKind, x mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewActivation(pool, ws, kind, x)).Run()
}

// Operands returns x.
func (a *Activation) Operands() []mat.Tensor { return []mat.Tensor{a.x} }

// Forward applies the activation.
func (a *Activation) Forward() (mat.Tensor, error) {
	rows, cols := rowsCols(a.x)
	x := data(a.x)
	y := a.ws.Floats("act.y", len(x))
	switch a.kind {
	case ReLU, Tanh, Sigmoid:
	default:
		return nil, fmt.Errorf("ops: unknown activation %v", a.kind)
	}
	kind := a.kind
	a.pool.For(len(x), len(x), func(lo, hi int) {
		x, y := x[lo:hi], y[lo:hi]
		switch kind {
		case ReLU:
			for i, v := range x {
				// max is branch-free (the sign is random, so a branch
				// mispredicts half the time), keeps NaN visible instead of
				// hiding it as 0 and maps −0 to +0.
				y[i] = max(v, 0)
			}
		case Tanh:
			for i, v := range x {
				y[i] = float32(math.Tanh(float64(v)))
			}
		case Sigmoid:
			for i, v := range x {
				y[i] = float32(1 / (1 + math.Exp(-float64(v))))
			}
		}
	})
	a.y = y
	return NewValue(y, rows, cols), nil
}

// Backward propagates gy through the activation.
func (a *Activation) Backward(gy mat.Tensor) error {
	if !a.x.RequiresGrad() {
		return nil
	}
	rows, cols := rowsCols(a.x)
	g := data(gy)
	gx := a.ws.Floats("act.gx", len(g))
	kind := a.kind
	a.pool.For(len(g), len(g), func(lo, hi int) {
		g, gx, y := g[lo:hi], gx[lo:hi], a.y[lo:hi]
		switch kind {
		case ReLU:
			for i, v := range y {
				// v > 0 (not NaN) is bits in [1, +Inf]: tested on the bits
				// so that it compiles to a conditional move.
				d := math.Float32bits(g[i])
				if math.Float32bits(v)-1 >= 0x7f800000 {
					d = 0
				}
				gx[i] = math.Float32frombits(d)
			}
		case Tanh:
			for i, v := range y {
				gx[i] = g[i] * (1 - v*v)
			}
		case Sigmoid:
			for i, v := range y {
				gx[i] = g[i] * v * (1 - v)
			}
		}
	})
	a.x.AccGrad(Matrix(gx, rows, cols))
	return nil
}
