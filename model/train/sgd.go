package train

import (
	"fmt"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// sgdMethod is PyTorch's SGD with momentum (no dampening, no Nesterov),
// with the momentum buffers as its slot.
type sgdMethod struct{}

func (sgdMethod) Name() string    { return SGD }
func (sgdMethod) Slots() []string { return []string{"momentum"} }

func (sgdMethod) Configure(o *Optimizer, _, momentum float64) error {
	if !(momentum >= 0 && momentum < 1) {
		return fmt.Errorf("train: SGD momentum must be in [0, 1), got %g", momentum)
	}
	o.Momentum = momentum
	return nil
}

func (sgdMethod) Update(o *Optimizer, _ *parallel.Pool, params []*model.Param) {
	lr, mu := float32(o.LearningRate), float32(o.Momentum)
	for i, p := range params {
		w, g, buf := p.Values(), p.Grads(), o.State[0][i]
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
