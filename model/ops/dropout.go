package ops

import (
	"fmt"
	"math/rand/v2"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// Dropout multiplies a batch element-wise by a mask of kept units' scales:
// 0 for a dropped unit, 1/(1−p) for a kept one (inverted dropout, as
// PyTorch's nn.Dropout in training mode), so that evaluation, which drops
// nothing, needs no rescaling. Its backward pass multiplies the gradient by
// the same mask.
type Dropout struct {
	x    mat.Tensor
	mask []float32
	ws   *Workspace
}

// Drop adds x⊙mask to the graph; mask has one value per element of x and
// must stay unchanged until the backward pass.
func Drop(ws *Workspace, x mat.Tensor, mask []float32) mat.Tensor {
	if n := x.Value().Size(); len(mask) != n {
		panic(fmt.Sprintf("ops: a dropout mask of %d values for %d elements", len(mask), n))
	}
	return ag.NewOperator(&Dropout{x: x, mask: mask, ws: ws}).Run()
}

// Operands returns x.
func (d *Dropout) Operands() []mat.Tensor { return []mat.Tensor{d.x} }

// Forward multiplies x by the mask.
func (d *Dropout) Forward() (mat.Tensor, error) {
	rows, cols := rowsCols(d.x)
	x := data(d.x)
	y := d.ws.Floats("dropout.y", len(x))
	for i, v := range x {
		y[i] = v * d.mask[i]
	}
	return NewValue(y, rows, cols), nil
}

// Backward propagates gy through the mask.
func (d *Dropout) Backward(gy mat.Tensor) error {
	if !d.x.RequiresGrad() {
		return nil
	}
	rows, cols := rowsCols(d.x)
	g := data(gy)
	gx := d.ws.Floats("dropout.gx", len(g))
	for i, v := range g {
		gx[i] = v * d.mask[i]
	}
	d.x.AccGrad(Matrix(gx, rows, cols))
	return nil
}

// DropoutMask fills mask with the scales of a dropout of probability p
// (0 ≤ p < 1): each unit is dropped (0) with probability p, else kept with
// scale 1/(1−p). The draws come from rng in order, so the same generator
// state gives the same mask.
func DropoutMask(mask []float32, p float64, rng *rand.Rand) {
	scale := float32(1 / (1 - p))
	for i := range mask {
		if rng.Float64() < p {
			mask[i] = 0
		} else {
			mask[i] = scale
		}
	}
}
