package train

import (
	"math"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// adamMethod is PyTorch's Adam: β1 0.9, β2 0.999, ε 1e-8, bias-corrected,
// with the first and second moments as its slots.
type adamMethod struct{}

func (adamMethod) Name() string    { return Adam }
func (adamMethod) Slots() []string { return []string{"adam_m", "adam_v"} }

func (adamMethod) Configure(o *Optimizer, _, _ float64) error {
	o.Beta1, o.Beta2, o.Epsilon = 0.9, 0.999, 1e-8
	return nil
}

func (adamMethod) Update(o *Optimizer, pool *parallel.Pool, params []*model.Param) {
	t := float64(o.Steps)
	stepSize := float32(o.LearningRate / (1 - math.Pow(o.Beta1, t)))
	bc2Sqrt := float32(math.Sqrt(1 - math.Pow(o.Beta2, t)))
	b1, b2, eps := float32(o.Beta1), float32(o.Beta2), float32(o.Epsilon)
	for i, p := range params {
		w, g, m, v := p.Values(), p.Grads(), o.State[0][i], o.State[1][i]
		// Every element is updated on its own, so splitting the work
		// does not change the result.
		parallelFor(pool, len(g), func(lo, hi int) {
			adamUpdate(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], b1, b2, eps, stepSize, bc2Sqrt)
		})
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
