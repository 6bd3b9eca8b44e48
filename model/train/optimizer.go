package train

import (
	"fmt"
	"math"
	"strings"

	"fashionlab/model"
	"fashionlab/model/parallel"
)

// Method is an optimization method: the update rule of an Optimizer of its
// kind and the state it keeps per parameter. Each method is one type,
// listed in methods; checkpoints, the memory estimate, the command line and
// the page's choices all take the methods from there, so adding an
// optimizer is adding a type and a line to methods.
type Method interface {
	// Name is the method's name in Settings.Optimizer, Optimizer.Kind
	// and checkpoints, e.g. "adam".
	Name() string
	// Slots names the method's state tensors, each one value per
	// parameter value: a checkpoint stores slot s of parameter p as
	// "s/p", and the memory estimate counts a copy of the parameters per
	// slot. Optimizer.State holds them in this order.
	Slots() []string
	// Configure sets o's hyper-parameters for the learning rate lr and
	// the momentum of the settings, or says why they do not fit.
	Configure(o *Optimizer, lr, momentum float64) error
	// Update applies o's step number o.Steps to params from their
	// accumulated gradients and clears the gradients; pool runs
	// element-wise passes.
	Update(o *Optimizer, pool *parallel.Pool, params []*model.Param)
}

// Optimizers.
const (
	Adam = "adam"
	SGD  = "sgd"
)

// methods returns the registered optimization methods, the default first.
func methods() []Method { return []Method{adamMethod{}, sgdMethod{}} }

// OptimizerNames returns the names of the optimizers, in registry order.
func OptimizerNames() []string {
	ms := methods()
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name()
	}
	return names
}

// LookupMethod returns the optimization method called name.
func LookupMethod(name string) (Method, error) {
	for _, m := range methods() {
		if m.Name() == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("train: unknown optimizer %q (want %s)", name, orList(OptimizerNames()))
}

// orList writes names as "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	last := len(names) - 1
	return strings.Join(names[:last], ", ") + " or " + names[last]
}

// Optimizer updates parameters from their gradients with PyTorch's update
// rules, in float32 (see the methods: adamMethod, sgdMethod). Its fields
// are what checkpoints save: the hyper-parameters of every method (unused
// ones are zero), the steps taken, and State, the method's slots (State[s]
// is slot s, one tensor per parameter), which a checkpoint stores as
// tensors rather than in the JSON form.
type Optimizer struct {
	Kind         string        `json:"kind"`
	LearningRate float64       `json:"lr"`
	Momentum     float64       `json:"momentum,omitempty"`
	Beta1        float64       `json:"beta1,omitempty"`
	Beta2        float64       `json:"beta2,omitempty"`
	Epsilon      float64       `json:"eps,omitempty"`
	Steps        int           `json:"steps"`
	State        [][][]float32 `json:"-"`
}

// NewOptimizer returns the optimizer kind (one of OptimizerNames) for
// params with zeroed state.
func NewOptimizer(kind string, lr, momentum float64, params []*model.Param) (*Optimizer, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("train: learning rate must be a positive number, got %g", lr)
	}
	m, err := LookupMethod(kind)
	if err != nil {
		return nil, err
	}
	o := &Optimizer{Kind: kind, LearningRate: lr}
	if err := m.Configure(o, lr, momentum); err != nil {
		return nil, err
	}
	o.State = make([][][]float32, len(m.Slots()))
	for s := range o.State {
		o.State[s] = zerosLike(params)
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
// pool runs element-wise passes. o.Kind must name a method (NewOptimizer
// and Resume check it).
func (o *Optimizer) Step(pool *parallel.Pool, params []*model.Param) {
	m, err := LookupMethod(o.Kind)
	if err != nil {
		panic(err.Error())
	}
	o.Steps++
	m.Update(o, pool, params)
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
