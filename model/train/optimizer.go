package train

import (
	"fmt"
	"math"

	"fashionlab/model"
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

// Step applies one update from the accumulated gradients and clears them.
func (o *Optimizer) Step(params []*model.Param) {
	o.Steps++
	switch o.Kind {
	case Adam:
		t := float64(o.Steps)
		stepSize := float32(o.LearningRate / (1 - math.Pow(o.Beta1, t)))
		bc2Sqrt := float32(math.Sqrt(1 - math.Pow(o.Beta2, t)))
		b1, b2, eps := float32(o.Beta1), float32(o.Beta2), float32(o.Epsilon)
		for i, p := range params {
			w, g, m, v := p.Values(), p.Grads(), o.First[i], o.Second[i]
			for j, gj := range g {
				m[j] += (1 - b1) * (gj - m[j])
				v[j] = b2*v[j] + (1-b2)*gj*gj
				denom := float32(math.Sqrt(float64(v[j])))/bc2Sqrt + eps
				w[j] -= stepSize * m[j] / denom
			}
			clear(g)
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
