package ops

import (
	"sync"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/gemm"
	"fashionlab/model/parallel"
)

// Value is the output matrix of an op. It embeds a spago dense matrix and
// keeps its gradient without copying it: the first gradient an op receives
// is adopted as is (it lives in the producer's Workspace), later ones are
// added to it.
type Value struct {
	*mat.Dense[float32]
	mu   sync.Mutex
	grad *mat.Dense[float32]
}

var _ mat.Matrix = &Value{}

// NewValue wraps data as a rows×cols matrix without copying it.
func NewValue(data []float32, rows, cols int) *Value {
	if len(data) != rows*cols {
		panic("ops: value data does not match its shape")
	}
	return &Value{Dense: Matrix(data, rows, cols)}
}

// Matrix wraps data as a rows×cols spago matrix without copying it.
func Matrix(data []float32, rows, cols int) *mat.Dense[float32] {
	return mat.NewDense[float32](mat.WithShape(rows, cols), mat.WithBacking(data))
}

// Value returns v itself, so that the graph sees its gradient methods.
func (v *Value) Value() mat.Tensor { return v }

// Grad returns the accumulated gradient, or nil.
func (v *Value) Grad() mat.Tensor {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.grad == nil {
		return nil
	}
	return v.grad
}

// AccGrad accumulates gx into the gradient.
func (v *Value) AccGrad(gx mat.Tensor) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.grad == nil {
		if d, ok := gx.(*mat.Dense[float32]); ok {
			v.grad = d
			return
		}
		v.grad = gx.(mat.Matrix).Clone().(*mat.Dense[float32])
		return
	}
	dst := v.grad.Data().F32()
	for i, g := range gx.Data().F32() {
		dst[i] += g
	}
}

// ZeroGrad drops the gradient.
func (v *Value) ZeroGrad() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.grad = nil
}

// Workspace keeps an op's buffers across training steps. The zero value is
// ready to use; a nil *Workspace allocates fresh buffers on every call. A
// Workspace serves one graph at a time.
type Workspace struct {
	floats map[string][]float32
	ints   map[string][]int32
	serial *gemm.Engine
	// paramMu serializes in-place writes into parameter gradients, which
	// bypass the parameters' own locks; see SetParamLock.
	paramMu *sync.Mutex
}

// SetParamLock lets the ops using w add their parameter gradients into the
// parameters' gradient buffers in place, under mu, instead of through a
// scratch buffer and AccGrad. Every workspace whose ops may touch the same
// parameters must share one mutex: ops on parallel graph branches then
// still add one at a time. A network sets one lock on all its workspaces.
func (w *Workspace) SetParamLock(mu *sync.Mutex) { w.paramMu = mu }

// serialEngine returns a one-thread matrix engine kept with the workspace:
// ops that spread chunks over goroutines themselves run each chunk's
// products on it, on the chunk's goroutine.
func (w *Workspace) serialEngine() *gemm.Engine {
	if w == nil {
		return gemm.New(parallel.New(1))
	}
	if w.serial == nil {
		w.serial = gemm.New(parallel.New(1))
	}
	return w.serial
}

// Floats returns a float32 buffer of length n stored under name, reusing
// the previous one when it is large enough. Its content is unspecified.
func (w *Workspace) Floats(name string, n int) []float32 {
	if w == nil {
		return make([]float32, n)
	}
	if w.floats == nil {
		w.floats = make(map[string][]float32)
	}
	b := w.floats[name]
	if cap(b) < n {
		b = make([]float32, n)
		w.floats[name] = b
	}
	return b[:n]
}

// Ints returns an int32 buffer of length n stored under name, like Floats.
func (w *Workspace) Ints(name string, n int) []int32 {
	if w == nil {
		return make([]int32, n)
	}
	if w.ints == nil {
		w.ints = make(map[string][]int32)
	}
	b := w.ints[name]
	if cap(b) < n {
		b = make([]int32, n)
		w.ints[name] = b
	}
	return b[:n]
}

// data returns the float32 values of a tensor without copying.
func data(t mat.Tensor) []float32 { return t.Value().Data().F32() }

// rowsCols returns the shape of a matrix tensor.
func rowsCols(t mat.Tensor) (int, int) {
	s := t.Value().Shape()
	return s[0], s[1]
}

// accumulateParamGrad adds a gradient of n values to t. When the workspace
// has a parameter lock (SetParamLock) and t is a leaf (a parameter, not an
// op output) that already holds an n-value gradient buffer, as the
// network's parameters always do, compute(dst, 1) adds into that buffer
// directly, under the lock; otherwise compute(dst, 0) overwrites a scratch
// buffer of ws named name, which AccGrad then adds. compute follows the
// GEMM convention: dst = beta·dst + contribution. Writing in place saves a
// pass over the gradient and the scratch buffer.
func accumulateParamGrad(ws *Workspace, name string, t mat.Tensor, rows, cols int, compute func(dst []float32, beta float32)) {
	n := rows * cols
	if _, isOp := t.(*ag.Operator); !isOp && ws != nil && ws.paramMu != nil {
		if g, ok := t.Grad().(*mat.Dense[float32]); ok && g != nil && g.Size() == n {
			ws.paramMu.Lock()
			compute(g.Data().F32(), 1)
			ws.paramMu.Unlock()
			return
		}
	}
	dst := ws.Floats(name, n)
	compute(dst, 0)
	t.AccGrad(Matrix(dst, rows, cols))
}
