package equivariance

import (
	"fmt"
	"math"
)

// Options are the transformations of a probe.
type Options struct {
	DX, DY        int           // shift in pixels, right and down
	Degrees       float64       // rotation, counter-clockwise as displayed
	Interpolation Interpolation // how rotations other than right angles read pixels
}

// HomeworkOptions returns the homework's transformations: a shift by (5, 5)
// and a rotation by 90 degrees.
func HomeworkOptions() Options { return Options{DX: 5, DY: 5, Degrees: 90} }

// Comparison holds one transformation T of a probe and its effect.
type Comparison struct {
	Name string // "shift (5, 5)" or "rotation 90°"
	TX   Map    // T(x), input size
	FTX  Map    // f(T(x)), output size
	TFX  Map    // T(f(x)), output size
	Diff Map    // |T(f(x)) − f(T(x))|, output size
	// Interior marks the pixels of Diff where the statistics below are
	// taken (see the package documentation); InteriorPixels counts them.
	Interior       []bool
	InteriorPixels int
	// Max and Mean summarize Diff over the interior; they are NaN when the
	// interior is empty.
	Max, Mean float64
	// MaxAll and MeanAll summarize Diff over the whole map.
	MaxAll, MeanAll float64
}

// Relative returns Max divided by scale (for example Result.Scale), or NaN
// when scale is not positive.
func (c Comparison) Relative(scale float64) float64 {
	if !(scale > 0) {
		return math.NaN()
	}
	return c.Max / scale
}

// Result is everything a probe computed.
type Result struct {
	Model   string  // the model's name
	Reach   int     // the model's reach
	Crop    int     // (input size − output size)/2
	Options Options // the transformations
	X       Map     // the input
	FX      Map     // f(x)
	// Scale is max |f(x)|, the size against which differences are read.
	Scale  float64
	Shift  Comparison
	Rotate Comparison
}

// Probe applies f to x, to shift(x) and to rotate(x) and compares the
// results with shift(f(x)) and rotate(f(x)). It fails if f's output is not
// cropped evenly from its input, which would put the two centres apart.
func Probe(x Map, f Model, o Options) (Result, error) {
	if f.Apply == nil {
		return Result{}, fmt.Errorf("equivariance: model %q has no Apply function", f.Name)
	}
	if f.Reach < 0 {
		return Result{}, fmt.Errorf("equivariance: model %q has a negative reach %d", f.Name, f.Reach)
	}
	if len(x.Pix) != x.H*x.W {
		return Result{}, fmt.Errorf("equivariance: a %dx%d map with %d pixels", x.H, x.W, len(x.Pix))
	}
	fx := f.Apply(x)
	dh, dw := x.H-fx.H, x.W-fx.W
	if dh != dw || dh%2 != 0 || len(fx.Pix) != fx.H*fx.W {
		return Result{}, fmt.Errorf("equivariance: model %q maps %dx%d to %dx%d, not an even crop on every side", f.Name, x.H, x.W, fx.H, fx.W)
	}
	r := Result{Model: f.Name, Reach: f.Reach, Crop: dh / 2, Options: o, X: x, FX: fx, Scale: float64(fx.MaxAbs())}

	sx := Shift(x, o.DX, o.DY)
	rx := RotateWith(x, o.Degrees, o.Interpolation)
	fsx, frx := f.Apply(sx), f.Apply(rx)
	for _, m := range []Map{fsx, frx} {
		if m.H != fx.H || m.W != fx.W || len(m.Pix) != m.H*m.W {
			return Result{}, fmt.Errorf("equivariance: model %q gave a %dx%d map for one input and %dx%d for another of the same size", f.Name, fx.H, fx.W, m.H, m.W)
		}
	}

	// Interiors are defined on input-frame positions: output pixel (i, j)
	// lies over input pixel (i+Crop, j+Crop).
	r.Shift = compare(fmt.Sprintf("shift (%d, %d)", o.DX, o.DY), sx, fsx, Shift(fx, o.DX, o.DY), r.Crop,
		func(u, v float64) bool {
			return inside(u, x.H, f.Reach, o.DY) && inside(v, x.W, f.Reach, o.DX)
		})
	cy, cx := float64(x.H-1)/2, float64(x.W-1)/2
	radius := float64(min(x.H, x.W)-1)/2 - float64(f.Reach) - 1
	exact := isRightAngle(o.Degrees) && x.H == x.W
	r.Rotate = compare(fmt.Sprintf("rotation %g°", o.Degrees), rx, frx, RotateWith(fx, o.Degrees, o.Interpolation), r.Crop,
		func(u, v float64) bool {
			if exact {
				return inside(u, x.H, f.Reach, 0) && inside(v, x.W, f.Reach, 0)
			}
			return (u-cy)*(u-cy)+(v-cx)*(v-cx) <= radius*radius
		})
	return r, nil
}

// inside reports whether input-frame coordinate u, of an axis of n pixels,
// lies at least reach from both ends and at least |d| more from the end
// that a shift by d fills with zeros.
func inside(u float64, n, reach, d int) bool {
	lo, hi := float64(reach+max(d, 0)), float64(n-1-reach+min(d, 0))
	return u >= lo && u <= hi
}

// compare builds a Comparison of maps of equal size; interior tells, for
// the input-frame position of an output pixel, whether it belongs to the
// interior.
func compare(name string, tx, ftx, tfx Map, crop int, interior func(u, v float64) bool) Comparison {
	c := Comparison{Name: name, TX: tx, FTX: ftx, TFX: tfx, Diff: AbsDiff(tfx, ftx)}
	c.Interior = make([]bool, len(c.Diff.Pix))
	var sum, sumAll float64
	c.Max = math.NaN()
	for y := range c.Diff.H {
		for x := range c.Diff.W {
			i := y*c.Diff.W + x
			d := float64(c.Diff.Pix[i])
			sumAll += d
			c.MaxAll = max(c.MaxAll, d)
			if !interior(float64(y+crop), float64(x+crop)) {
				continue
			}
			c.Interior[i] = true
			c.InteriorPixels++
			sum += d
			if c.InteriorPixels == 1 || d > c.Max {
				c.Max = d
			}
		}
	}
	c.Mean = math.NaN()
	if c.InteriorPixels > 0 {
		c.Mean = sum / float64(c.InteriorPixels)
	}
	if n := len(c.Diff.Pix); n > 0 {
		c.MeanAll = sumAll / float64(n)
	}
	return c
}
