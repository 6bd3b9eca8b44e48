package train

import (
	"fmt"
	"math"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// Optimizers.
const (
	Adam = "adam"
	SGD  = "sgd"
)

// Optimizer updates parameters from their gradients with PyTorch's update
// rules, in float32: Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected) or SGD
// with momentum (no dampening). Its state is exported so that checkpoints
// can save and restore it exactly.
type Optimizer struct {
	Kind         string      `json:"kind"`
	LearningRate float64     `json:"lr"`
	Momentum     float64     `json:"momentum,omitempty"`
	Beta1        float64     `json:"beta1,omitempty"`
	Beta2        float64     `json:"beta2,omitempty"`
	Epsilon      float64     `json:"eps,omitempty"`
	Steps        int         `json:"steps"`
	First        [][]float32 `json:"-"` // Adam's first moments, or SGD's momentum buffers
	Second       [][]float32 `json:"-"` // Adam's second moments
}

// NewOptimizer returns the optimizer kind (adam or sgd) for params.
func NewOptimizer(kind string, lr, momentum float64, params []*model.Param) (*Optimizer, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("train: learning rate must be a positive number, got %g", lr)
	}
	o := &Optimizer{Kind: kind, LearningRate: lr}
	switch kind {
	case Adam:
		o.Beta1, o.Beta2, o.Epsilon = 0.9, 0.999, 1e-8
		o.First, o.Second = zerosLike(params), zerosLike(params)
	case SGD:
		if momentum < 0 || momentum >= 1 {
			return nil, fmt.Errorf("train: SGD momentum must be in [0, 1), got %g", momentum)
		}
		o.Momentum = momentum
		o.First = zerosLike(params)
	default:
		return nil, fmt.Errorf("train: unknown optimizer %q (want adam or sgd)", kind)
	}
	return o, nil
}

func zerosLike(params []*model.Param) [][]float32 {
	out := make([][]float32, len(params))
	for i, p := range params {
		out[i] = make([]float32, len(p.Values()))
	}
	return out
}

// Step applies one update from the accumulated gradients and clears them;
// pool runs Adam's element-wise passes.
func (o *Optimizer) Step(pool *parallel.Pool, params []*model.Param) {
	o.Steps++
	switch o.Kind {
	case Adam:
		t := float64(o.Steps)
		stepSize := float32(o.LearningRate / (1 - math.Pow(o.Beta1, t)))
		bc2Sqrt := float32(math.Sqrt(1 - math.Pow(o.Beta2, t)))
		b1, b2, eps := float32(o.Beta1), float32(o.Beta2), float32(o.Epsilon)
		for i, p := range params {
			w, g, m, v := p.Values(), p.Grads(), o.First[i], o.Second[i]
			// Every element is updated on its own, so splitting the work
			// does not change the result.
			parallelFor(pool, len(g), func(lo, hi int) {
				adamUpdate(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], b1, b2, eps, stepSize, bc2Sqrt)
			})
		}
	case SGD:
		lr, mu := float32(o.LearningRate), float32(o.Momentum)
		for i, p := range params {
			w, g, buf := p.Values(), p.Grads(), o.First[i]
			for j, gj := range g {
				if mu != 0 {
					if o.Steps == 1 {
						buf[j] = gj
					} else {
						buf[j] = mu*buf[j] + gj
					}
					gj = buf[j]
				}
				w[j] -= lr * gj
			}
			clear(g)
		}
	}
}

// adamUpdate applies one Adam step to w from the gradient g and the moments
// m and v (all the same length), and clears g for the next step.
func adamUpdate(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) {
	done := adamVector(w, g, m, v, b1, b2, eps, stepSize, bc2Sqrt)
	adamUpdateGo(w[done:], g[done:], m[done:], v[done:], b1, b2, eps, stepSize, bc2Sqrt)
}

// adamUpdateGo is adamUpdate in portable code.
func adamUpdateGo(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) {
	w, m, v = w[:len(g)], m[:len(g)], v[:len(g)]
	for j, gj := range g {
		mj := m[j] + (1-b1)*(gj-m[j])
		vj := b2*v[j] + (1-b2)*gj*gj
		m[j], v[j] = mj, vj
		denom := float32(math.Sqrt(float64(vj)))/bc2Sqrt + eps
		w[j] -= stepSize * mj / denom
	}
	clear(g)
}

// minParallelParams is the parameter count below which an update stays on
// the calling goroutine: a goroutine hand-off costs about a microsecond,
// the time to update some 4,000 values.
const minParallelParams = 1 << 14

// parallelFor calls fn on contiguous chunks of [0, n) on pool's threads,
// at most one chunk per minParallelParams values, and waits for them.
func parallelFor(pool *parallel.Pool, n int, fn func(lo, hi int)) {
	pool.For(n, n/minParallelParams*parallel.MinParallelWork, fn)
}
