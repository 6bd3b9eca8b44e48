package ops

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/parallel"
)

// PoolGeometry describes the input of a pooling op: channels-last maps of
// H×W pixels and C channels.
type PoolGeometry struct {
	H, W, C int
}

// MaxPool2D takes the maximum over non-overlapping 2×2 windows (kernel 2,
// stride 2, no padding, floor mode: a last odd row or column is dropped),
// like PyTorch's MaxPool2d(2). NaN wins a window, so divergence stays visible.
//
// With ReLU set it computes relu(maxpool(x)), which equals maxpool(relu(x))
// (relu is non-decreasing, so it commutes with max) including the gradient:
// a window whose maximum is not positive passes no gradient either way. It
// so applies the activation to a quarter of the values and saves the
// activation's full-size buffers.
type MaxPool2D struct {
	x     mat.Tensor
	geom  PoolGeometry
	pool  *parallel.Pool
	ws    *Workspace
	batch int
	relu  bool
	y     []float32
	arg   []int32 // for each output element, the index into the batch's input data
}

// NewMaxPool2D returns the 2×2 max-pool op over x (batch × H·W·C).
// It panics if the geometry does not match x or the map is smaller than 2×2.
func NewMaxPool2D(pool *parallel.Pool, ws *Workspace, geom PoolGeometry, x mat.Tensor) *MaxPool2D {
	batch, in := rowsCols(x)
	if in != geom.H*geom.W*geom.C {
		panic("ops: MaxPool2D input width does not match the geometry")
	}
	if geom.H < 2 || geom.W < 2 {
		panic(fmt.Sprintf("ops: MaxPool2D needs at least a 2x2 map, got %dx%d", geom.H, geom.W))
	}
	return &MaxPool2D{x: x, geom: geom, pool: pool, ws: ws, batch: batch}
}

// MaxPool adds the 2×2 max-pool to the graph.
func MaxPool(pool *parallel.Pool, ws *Workspace, geom PoolGeometry, x mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewMaxPool2D(pool, ws, geom, x)).Run()
}

// Operands returns x.
func (p *MaxPool2D) Operands() []mat.Tensor { return []mat.Tensor{p.x} }

// Forward computes the pooled maps (batch × (H/2)·(W/2)·C).
func (p *MaxPool2D) Forward() (mat.Tensor, error) {
	g := p.geom
	oh, ow := g.H/2, g.W/2
	outSize := oh * ow * g.C
	inSize := g.H * g.W * g.C
	x := data(p.x)
	y := p.ws.Floats("maxpool.y", p.batch*outSize)
	arg := p.ws.Ints("maxpool.arg", p.batch*outSize)
	p.pool.For(p.batch, p.batch*inSize, func(b0, b1 int) {
		if poolImagesSIMD(g, p.relu, x[b0*inSize:], y[b0*outSize:], arg[b0*outSize:], b1-b0, int32(b0*inSize), int32(inSize)) {
			return
		}
		for b := b0; b < b1; b++ {
			maxPoolImage(g, p.relu, x[b*inSize:(b+1)*inSize], y[b*outSize:(b+1)*outSize], arg[b*outSize:(b+1)*outSize], int32(b*inSize))
		}
	})
	p.y, p.arg = y, arg
	return NewValue(y, p.batch, outSize), nil
}

// maxPoolImage pools one image x into y, storing in arg the batch-wide
// index (base + index in x) of each window's winner.
func maxPoolImage(g PoolGeometry, relu bool, x, y []float32, arg []int32, base int32) {
	if poolRows != nil && g.C%16 == 0 {
		// The vector kernel computes the same bits as maxPoolImageGo; it
		// stops at a NaN, whose window the portable code then handles.
		W, C, ow := g.W, g.C, g.W/2
		for oy := 0; oy < g.H/2; oy++ {
			top := x[2*oy*W*C : (2*oy+1)*W*C]
			bottom := x[(2*oy+1)*W*C : (2*oy+2)*W*C]
			yo, ao := y[oy*ow*C:(oy+1)*ow*C], arg[oy*ow*C:(oy+1)*ow*C]
			if poolRows(&top[0], &bottom[0], &yo[0], &ao[0], ow, C/16, base+int32(2*oy*W*C), int32(C), int32(W*C), relu) {
				maxPoolImageGo(g, relu, x, y, arg, base)
				return
			}
		}
		return
	}
	maxPoolImageGo(g, relu, x, y, arg, base)
}

// maxPoolImageGo is maxPoolImage in portable code.
func maxPoolImageGo(g PoolGeometry, relu bool, x, y []float32, arg []int32, base int32) {
	C, W := g.C, g.W
	o := 0
	for oy := 0; oy < g.H/2; oy++ {
		top := x[2*oy*W*C : (2*oy+1)*W*C]
		bottom := x[(2*oy+1)*W*C : (2*oy+2)*W*C]
		for ox := 0; ox < W/2; ox++ {
			at := 2 * ox * C
			t0, t1 := top[at:at+C], top[at+C:at+2*C]
			b0, b1 := bottom[at:at+C], bottom[at+C:at+2*C]
			yo, ao := y[o:o+C], arg[o:o+C]
			i00 := base + int32(2*oy*W*C+at)
			i10 := i00 + int32(W*C)
			for c := range yo {
				v0, v1, v2, v3 := t0[c], t1[c], b0[c], b1[c]
				u0, u1, u2, u3 := math.Float32bits(v0), math.Float32bits(v1), math.Float32bits(v2), math.Float32bits(v3)
				// Compare order keys (integers ordered like the floats,
				// −0 below +0) with conditional moves, not branches:
				// which of the four wins is unpredictable. Strict
				// comparisons keep the first winner.
				best, win := orderKey(u0), i00
				if k := orderKey(u1); k > best {
					best, win = k, i00+int32(C)
				}
				if k := orderKey(u2); k > best {
					best, win = k, i10
				}
				if k := orderKey(u3); k > best {
					best, win = k, i10+int32(C)
				}
				if relu {
					// −0 and negatives become +0, as in Activation,
					// branch-free: the sign is unpredictable.
					best &^= best >> 31
				}
				out := math.Float32frombits(uint32(orderKey(uint32(best))))
				if max(u0&0x7fffffff, u1&0x7fffffff, u2&0x7fffffff, u3&0x7fffffff) > 0x7f800000 {
					// The first NaN wins, passed on unchanged.
					win, out = nanWinner(v0, v1, v2, v3, i00, i10, int32(C))
				}
				yo[c] = out
				ao[c] = win + int32(c)
			}
			o += C
		}
	}
}

// orderKey maps the bits of a float32 to an integer key that orders
// like the float (−0 just below +0, NaNs beyond ±Inf); it is its own
// inverse.
func orderKey(u uint32) int32 {
	k := int32(u)
	return k ^ (k >> 31 & 0x7fffffff)
}

// isNaNBits reports whether the float32 bits u are a NaN.
func isNaNBits(u uint32) bool { return u&0x7fffffff > 0x7f800000 }

// nanWinner returns the index and value of the first NaN among a window's
// values v0, v1, v2 and v3 (at i00, i00+C, i10 and i10+C).
func nanWinner(v0, v1, v2, v3 float32, i00, i10, C int32) (int32, float32) {
	switch {
	case v0 != v0:
		return i00, v0
	case v1 != v1:
		return i00 + C, v1
	case v2 != v2:
		return i10, v2
	}
	return i10 + C, v3
}

// Backward routes each output gradient to the input element that won its
// window. Windows do not overlap, so it writes every input gradient once
// (the winner's, zeros elsewhere) instead of clearing and scattering.
func (p *MaxPool2D) Backward(gy mat.Tensor) error {
	if !p.x.RequiresGrad() {
		return nil
	}
	g := p.geom
	oh, ow := g.H/2, g.W/2
	outSize := oh * ow * g.C
	inSize := g.H * g.W * g.C
	rows, cols := rowsCols(p.x)
	gx := p.ws.Floats("maxpool.gx", rows*cols)
	dy := data(gy)
	y, arg, relu := p.y, p.arg, p.relu
	p.pool.For(p.batch, p.batch*inSize, func(b0, b1 int) {
		for b := b0; b < b1; b++ {
			base := b * inSize
			if g.H%2 != 0 || g.W%2 != 0 {
				// The dropped last row or column gets no gradient.
				clear(gx[base : base+inSize])
			}
			o := b * outSize
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					i00 := base + ((2*oy)*g.W+2*ox)*g.C
					i01 := i00 + g.C
					i10 := i00 + g.W*g.C
					i11 := i10 + g.C
					for c := 0; c < g.C; c++ {
						d := math.Float32bits(dy[o])
						// relu passes gradient where y > 0 (not NaN): bits in
						// [1, +Inf]. Tested on bits so that it compiles to a
						// conditional move; the sign of the test is random.
						if relu && math.Float32bits(y[o])-1 >= 0x7f800000 {
							d = 0
						}
						// Write all four in one pass, the winner's selected by
						// conditional moves: no second, dependent store.
						a := int(arg[o])
						var d00, d01, d10, d11 uint32
						if a == i00+c {
							d00 = d
						}
						if a == i01+c {
							d01 = d
						}
						if a == i10+c {
							d10 = d
						}
						if a == i11+c {
							d11 = d
						}
						gx[i00+c] = math.Float32frombits(d00)
						gx[i01+c] = math.Float32frombits(d01)
						gx[i10+c] = math.Float32frombits(d10)
						gx[i11+c] = math.Float32frombits(d11)
						o++
					}
				}
			}
		}
	})
	p.x.AccGrad(Matrix(gx, rows, cols))
	return nil
}

// AdaptiveMaxPool2D pools any H×W map to OutH×OutW cells with PyTorch's
// AdaptiveMaxPool2d semantics: output cell i covers input rows
// floor(i·H/OutH) … ceil((i+1)·H/OutH)−1, and likewise for columns. Windows
// may overlap, and a map smaller than the output is upsampled.
//
// Its output row is in PyTorch's flatten order, channel-major: cell
// (c, i, j) is at column (c·OutH+i)·OutW+j.
type AdaptiveMaxPool2D struct {
	x          mat.Tensor
	geom       PoolGeometry
	outH, outW int
	pool       *parallel.Pool
	ws         *Workspace
	batch      int
	relu       bool // apply relu after pooling, as in MaxPool2D
	noFast     bool // never use poolCellFast; tests set it to compare
	y          []float32
	arg        []int32
}

// NewAdaptiveMaxPool2D returns the adaptive max-pool op over x
// (batch × H·W·C) to outH×outW cells. It panics on mismatched shapes.
func NewAdaptiveMaxPool2D(pool *parallel.Pool, ws *Workspace, geom PoolGeometry, outH, outW int, x mat.Tensor) *AdaptiveMaxPool2D {
	batch, in := rowsCols(x)
	if in != geom.H*geom.W*geom.C {
		panic("ops: AdaptiveMaxPool2D input width does not match the geometry")
	}
	if outH < 1 || outW < 1 {
		panic("ops: AdaptiveMaxPool2D needs a positive output size")
	}
	return &AdaptiveMaxPool2D{x: x, geom: geom, outH: outH, outW: outW, pool: pool, ws: ws, batch: batch}
}

// AdaptiveMaxPool adds the adaptive max-pool to the graph.
func AdaptiveMaxPool(pool *parallel.Pool, ws *Workspace, geom PoolGeometry, outH, outW int, x mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewAdaptiveMaxPool2D(pool, ws, geom, outH, outW, x)).Run()
}

// AdaptiveWindow returns the input range [start, end) that output cell i of
// n covers along an axis of length size.
func AdaptiveWindow(i, n, size int) (start, end int) {
	start = i * size / n
	end = ((i+1)*size + n - 1) / n
	return start, end
}

// Operands returns x.
func (p *AdaptiveMaxPool2D) Operands() []mat.Tensor { return []mat.Tensor{p.x} }

// Forward computes the pooled cells.
func (p *AdaptiveMaxPool2D) Forward() (mat.Tensor, error) {
	g := p.geom
	outSize := g.C * p.outH * p.outW
	x := data(p.x)
	y := p.ws.Floats("adaptive.y", p.batch*outSize)
	arg := p.ws.Ints("adaptive.arg", p.batch*outSize)
	inSize := g.H * g.W * g.C
	p.pool.For(p.batch, p.batch*inSize, func(b0, b1 int) {
		best := make([]float32, g.C)
		keys := make([]int32, g.C)
		at := make([]int32, g.C)
		for b := b0; b < b1; b++ {
			p.poolImage(x[b*inSize:(b+1)*inSize], y[b*outSize:(b+1)*outSize], arg[b*outSize:(b+1)*outSize], int32(b*inSize), best, keys, at)
		}
	})
	p.y, p.arg = y, arg
	return NewValue(y, p.batch, outSize), nil
}

// poolImage pools one image x into y and arg (batch-wide indices, base
// being the image's offset). best and at are scratch vectors of one value
// per channel: each window is reduced position by position over all
// channels at once, which walks the channels-last input contiguously.
func (p *AdaptiveMaxPool2D) poolImage(x, y []float32, arg []int32, base int32, best []float32, keys, at []int32) {
	g := p.geom
	C := g.C
	for i := 0; i < p.outH; i++ {
		y0, y1 := AdaptiveWindow(i, p.outH, g.H)
		for j := 0; j < p.outW; j++ {
			x0, x1 := AdaptiveWindow(j, p.outW, g.W)
			if !p.noFast && p.poolCellFast(x, y, arg, base, i, j, y0, y1, x0, x1) {
				continue
			}
			first := (y0*g.W + x0) * C
			if !p.reduceWindow(x, y0, y1, x0, x1, first, keys, at) {
				// A NaN in the window: the first NaN wins, which the
				// order keys do not tell.
				copy(best, x[first:first+C])
				for c := range at {
					at[c] = int32(first + c)
				}
				for yy := y0; yy < y1; yy++ {
					for xx := x0; xx < x1; xx++ {
						pos := (yy*g.W + xx) * C
						if pos == first {
							continue
						}
						row := x[pos : pos+C]
						for c, v := range row {
							nb := max(best[c], v)
							if best[c] == best[c] && math.Float32bits(nb) != math.Float32bits(best[c]) {
								at[c] = int32(pos + c)
							}
							best[c] = nb
						}
					}
				}
			}
			for c, a := range at {
				// The winner's own value: max may change a NaN's bits.
				v := x[a]
				if p.relu {
					v = max(v, 0) // as in maxPoolImage
				}
				o := (c*p.outH+i)*p.outW + j
				y[o] = v
				arg[o] = base + a
			}
		}
	}
}

// poolCellFast pools cell (i, j), covering input rows [y0, y1) and
// columns [x0, x1), one channel at a time with the window's running
// maximum in registers (order keys, conditional moves, first winner
// kept). It reports false, having maybe written part of the cell, when
// the window is too big for it or holds a NaN; poolImage then pools the
// cell again with NaN's first-wins rule.
func (p *AdaptiveMaxPool2D) poolCellFast(x, y []float32, arg []int32, base int32, i, j, y0, y1, x0, x1 int) bool {
	var posBuf [16]int
	if (y1-y0)*(x1-x0) > len(posBuf) {
		return false
	}
	g := p.geom
	C := g.C
	ps := posBuf[:0]
	for yy := y0; yy < y1; yy++ {
		for xx := x0; xx < x1; xx++ {
			ps = append(ps, (yy*g.W+xx)*C)
		}
	}
	first, rest := ps[0], ps[1:]
	cells := p.outH * p.outW
	o := i*p.outW + j
	var mag uint32 // the largest magnitude bits: above +Inf's for a NaN
	for c := 0; c < C; c++ {
		u := math.Float32bits(x[first+c])
		mag = max(mag, u&0x7fffffff)
		k, a := orderKey(u), first+c
		for _, q := range rest {
			u := math.Float32bits(x[q+c])
			mag = max(mag, u&0x7fffffff)
			if kv := orderKey(u); kv > k {
				k, a = kv, q+c
			}
		}
		if p.relu {
			k &^= k >> 31 // as in maxPoolImage
		}
		y[o+c*cells] = math.Float32frombits(uint32(orderKey(uint32(k))))
		arg[o+c*cells] = base + int32(a)
	}
	return mag <= 0x7f800000
}

// reduceWindow finds the first maximum of every channel over input rows
// [y0, y1) and columns [x0, x1) of the channels-last image x, first being
// the window's first position, and stores its index in at. It compares
// order keys with conditional moves: which value wins is unpredictable.
// It reports false, leaving at unspecified, if the window holds a NaN.
func (p *AdaptiveMaxPool2D) reduceWindow(x []float32, y0, y1, x0, x1, first int, keys, at []int32) bool {
	C, W := p.geom.C, p.geom.W
	nan := false
	for c, v := range x[first : first+C] {
		u := math.Float32bits(v)
		nan = nan || isNaNBits(u)
		keys[c] = orderKey(u)
		at[c] = int32(first + c)
	}
	for yy := y0; yy < y1; yy++ {
		for xx := x0; xx < x1; xx++ {
			pos := (yy*W + xx) * C
			if pos == first {
				continue
			}
			row := x[pos : pos+C]
			keys, at := keys[:len(row)], at[:len(row)]
			for c, v := range row {
				u := math.Float32bits(v)
				nan = nan || isNaNBits(u)
				k, a := keys[c], at[c]
				if kv := orderKey(u); kv > k {
					k, a = kv, int32(pos+c)
				}
				keys[c], at[c] = k, a
			}
		}
	}
	return !nan
}

// Backward routes each cell's gradient to the input element that won it;
// an input element that won several overlapping cells gets their sum.
func (p *AdaptiveMaxPool2D) Backward(gy mat.Tensor) error {
	if !p.x.RequiresGrad() {
		return nil
	}
	rows, cols := rowsCols(p.x)
	gx := p.ws.Floats("adaptive.gx", rows*cols)
	dy := data(gy)
	outSize := p.geom.C * p.outH * p.outW
	inSize := cols
	y, arg, relu := p.y, p.arg, p.relu
	// Every winner lies in its own image, so images are independent.
	p.pool.For(p.batch, p.batch*inSize, func(b0, b1 int) {
		clear(gx[b0*inSize : b1*inSize])
		for o := b0 * outSize; o < b1*outSize; o++ {
			if relu && !(y[o] > 0) {
				continue
			}
			gx[arg[o]] += dy[o]
		}
	})
	p.x.AccGrad(Matrix(gx, rows, cols))
	return nil
}
