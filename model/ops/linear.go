package ops

import (
	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/parallel"

	"fashionlab/model/gemm"
)

// Linear is the affine map y = x·Wᵀ + b over a batch: x is batch×in, W is
// out×in (PyTorch's layout) and the bias row b (1×out) is broadcast to every
// row of y.
type Linear struct {
	x, w, b mat.Tensor
	eng     *gemm.Engine
	ws      *Workspace
	batch   int
	in, out int
}

// NewLinear returns the op y = x·Wᵀ + b. It panics if the shapes disagree.
func NewLinear(eng *gemm.Engine, ws *Workspace, x, w, b mat.Tensor) *Linear {
	batch, in := rowsCols(x)
	out, win := rowsCols(w)
	if win != in {
		panic("ops: Linear weight columns do not match the input width")
	}
	if b.Value().Size() != out {
		panic("ops: Linear bias size does not match the output width")
	}
	return &Linear{x: x, w: w, b: b, eng: eng, ws: ws, batch: batch, in: in, out: out}
}

// Affine adds y = x·Wᵀ + b to the graph.
func Affine(eng *gemm.Engine, ws *Workspace, x, w, b mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewLinear(eng, ws, x, w, b)).Run()
}

// Operands returns x, W and b.
func (l *Linear) Operands() []mat.Tensor { return []mat.Tensor{l.x, l.w, l.b} }

// Forward computes x·Wᵀ + b.
func (l *Linear) Forward() (mat.Tensor, error) {
	y := l.ws.Floats("linear.y", l.batch*l.out)
	bias := data(l.b)
	for r := 0; r < l.batch; r++ {
		copy(y[r*l.out:(r+1)*l.out], bias)
	}
	l.eng.Gemm(false, true, l.batch, l.out, l.in, 1, data(l.x), l.in, data(l.w), l.in, 1, y, l.out)
	return NewValue(y, l.batch, l.out), nil
}

// Backward propagates gy (batch×out) to x, W and b.
func (l *Linear) Backward(gy mat.Tensor) error {
	g := data(gy)
	if l.x.RequiresGrad() {
		gx := l.ws.Floats("linear.gx", l.batch*l.in)
		l.eng.Gemm(false, false, l.batch, l.in, l.out, 1, g, l.out, data(l.w), l.in, 0, gx, l.in)
		l.x.AccGrad(Matrix(gx, l.batch, l.in))
	}
	if l.w.RequiresGrad() {
		accumulateParamGrad(l.ws, "linear.gw", l.w, l.out, l.in, func(gw []float32, beta float32) {
			l.eng.Gemm(true, false, l.out, l.in, l.batch, 1, g, l.out, data(l.x), l.in, beta, gw, l.in)
		})
	}
	if l.b.RequiresGrad() {
		accumulateParamGrad(l.ws, "linear.gb", l.b, 1, l.out, func(gb []float32, beta float32) {
			sumRows(l.eng.Pool(), gb, beta, g, l.batch, l.out)
		})
	}
	return nil
}

// sumBlockRows is the number of rows sumRows adds up per block. The
// blocks are fixed by the row count alone, never by the thread count, so
// the sum is the same however many goroutines compute it.
const sumBlockRows = 512

// sumRows sets dst to beta·dst (beta 0 or 1) plus the column sums of the
// rows×cols matrix g. Rows are summed in blocks of sumBlockRows, in
// parallel when there are several, and the block sums are then added in
// block order.
func sumRows(pool *parallel.Pool, dst []float32, beta float32, g []float32, rows, cols int) {
	if beta == 0 {
		clear(dst)
	}
	blocks := (rows + sumBlockRows - 1) / sumBlockRows
	if blocks <= 1 {
		addRows(dst, g, 0, rows, cols)
		return
	}
	partial := make([]float32, blocks*cols)
	pool.For(blocks, rows*cols, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			addRows(partial[b*cols:(b+1)*cols], g, b*sumBlockRows, min(rows, (b+1)*sumBlockRows), cols)
		}
	})
	for b := 0; b < blocks; b++ {
		for j, v := range partial[b*cols : (b+1)*cols] {
			dst[j] += v
		}
	}
}

// addRows adds rows [r0, r1) of the matrix g (cols wide) to dst in order.
func addRows(dst, g []float32, r0, r1, cols int) {
	dst = dst[:cols]
	for r := r0; r < r1; r++ {
		row := g[r*cols : (r+1)*cols]
		for j, v := range row {
			dst[j] += v
		}
	}
}
