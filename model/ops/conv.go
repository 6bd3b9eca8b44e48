package ops

import (
	"fmt"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/gemm"
)

// ConvGeometry describes a 2-D convolution over square kernels on
// channels-last feature maps.
type ConvGeometry struct {
	InH, InW, InC int // input height, width, channels
	OutC          int // output channels
	Kernel        int // kernel height and width
	Stride        int // step between kernel positions (>= 1)
	Padding       int // zeros added on every side
}

// OutH returns the output height: (InH + 2·Padding − Kernel)/Stride + 1.
func (g ConvGeometry) OutH() int { return (g.InH+2*g.Padding-g.Kernel)/g.Stride + 1 }

// OutW returns the output width.
func (g ConvGeometry) OutW() int { return (g.InW+2*g.Padding-g.Kernel)/g.Stride + 1 }

// PatchSize returns InC·Kernel², the length of one im2col row.
func (g ConvGeometry) PatchSize() int { return g.InC * g.Kernel * g.Kernel }

// Validate reports whether the geometry yields a non-empty output.
func (g ConvGeometry) Validate() error {
	switch {
	case g.InH < 1 || g.InW < 1 || g.InC < 1 || g.OutC < 1:
		return fmt.Errorf("ops: convolution needs positive sizes, got input %dx%dx%d and %d output channels", g.InH, g.InW, g.InC, g.OutC)
	case g.Kernel < 1 || g.Stride < 1 || g.Padding < 0:
		return fmt.Errorf("ops: convolution needs kernel >= 1, stride >= 1 and padding >= 0, got %d, %d, %d", g.Kernel, g.Stride, g.Padding)
	case g.OutH() < 1 || g.OutW() < 1:
		return fmt.Errorf("ops: a %dx%d kernel with padding %d does not fit a %dx%d input", g.Kernel, g.Kernel, g.Padding, g.InH, g.InW)
	}
	return nil
}

// Conv2D is a batched 2-D convolution with bias, computed as an im2col
// matrix product: y = cols·Wᵀ + b, where row (b, oy, ox) of cols holds the
// input patch under output pixel (oy, ox) of image b in (channel, kernel
// row, kernel column) order, and W is out channels × PatchSize.
type Conv2D struct {
	x, w, b mat.Tensor
	geom    ConvGeometry
	eng     *gemm.Engine
	ws      *Workspace
	batch   int
	cols    []float32 // patch rows in (kernel row, kernel column, channel) order
	wHWC    []float32 // the weights with their columns in that order
}

// NewConv2D returns the convolution op. x is batch × (InH·InW·InC), w is
// OutC × PatchSize and b has OutC elements. It panics if they disagree with
// the geometry.
func NewConv2D(eng *gemm.Engine, ws *Workspace, geom ConvGeometry, x, w, b mat.Tensor) *Conv2D {
	if err := geom.Validate(); err != nil {
		panic(err.Error())
	}
	batch, in := rowsCols(x)
	if in != geom.InH*geom.InW*geom.InC {
		panic("ops: Conv2D input width does not match the geometry")
	}
	if r, c := rowsCols(w); r != geom.OutC || c != geom.PatchSize() {
		panic("ops: Conv2D weight shape does not match the geometry")
	}
	if b.Value().Size() != geom.OutC {
		panic("ops: Conv2D bias size does not match the output channels")
	}
	return &Conv2D{x: x, w: w, b: b, geom: geom, eng: eng, ws: ws, batch: batch}
}

// Convolve adds the convolution to the graph.
func Convolve(eng *gemm.Engine, ws *Workspace, geom ConvGeometry, x, w, b mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewConv2D(eng, ws, geom, x, w, b)).Run()
}

// Operands returns x, W and b.
func (c *Conv2D) Operands() []mat.Tensor { return []mat.Tensor{c.x, c.w, c.b} }

// Forward computes the convolution. The patch rows are gathered in
// (kernel row, kernel column, channel) order, in which every kernel row of
// a patch is one contiguous run of the channels-last input, and the
// weights' columns are permuted to match; for one input channel the two
// orders coincide.
func (c *Conv2D) Forward() (mat.Tensor, error) {
	g := c.geom
	m := c.batch * g.OutH() * g.OutW()
	k := g.PatchSize()
	c.cols = c.ws.Floats("conv.cols", m*k)
	rowsPerImage := g.OutH() * g.OutW() * k
	x := data(c.x)
	c.eng.Pool().For(c.batch, c.batch*rowsPerImage, func(b0, b1 int) {
		im2colHWC(g, b0, b1, x, c.cols)
	})
	c.wHWC = data(c.w)
	if g.InC > 1 {
		c.wHWC = c.ws.Floats("conv.whwc", g.OutC*k)
		permuteColumns(c.wHWC, data(c.w), g.OutC, g.InC, g.Kernel*g.Kernel, false)
	}
	y := c.ws.Floats("conv.y", m*g.OutC)
	bias := data(c.b)
	c.eng.Pool().For(m, m*g.OutC, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			copy(y[r*g.OutC:(r+1)*g.OutC], bias)
		}
	})
	c.eng.Gemm(false, true, m, g.OutC, k, 1, c.cols, k, c.wHWC, k, 1, y, g.OutC)
	return NewValue(y, c.batch, g.OutH()*g.OutW()*g.OutC), nil
}

// permuteColumns converts each of the rows of w between PyTorch's column
// order (channel, kernel position) and (kernel position, channel): with
// toCHW false, dst[r][p·channels+ch] = src[r][ch·positions+p]; with toCHW
// true the inverse.
func permuteColumns(dst, src []float32, rows, channels, positions int, toCHW bool) {
	n := channels * positions
	for r := 0; r < rows; r++ {
		d, s := dst[r*n:(r+1)*n], src[r*n:(r+1)*n]
		for ch := 0; ch < channels; ch++ {
			for p := 0; p < positions; p++ {
				if toCHW {
					d[ch*positions+p] = s[p*channels+ch]
				} else {
					d[p*channels+ch] = s[ch*positions+p]
				}
			}
		}
	}
}

// Backward propagates gy to x (through col2im), W and b.
func (c *Conv2D) Backward(gy mat.Tensor) error {
	g := c.geom
	m := c.batch * g.OutH() * g.OutW()
	k := g.PatchSize()
	dy := data(gy)
	if c.w.RequiresGrad() {
		if g.InC == 1 {
			accumulateParamGrad(c.ws, "conv.gw", c.w, g.OutC, k, func(gw []float32, beta float32) {
				c.eng.Gemm(true, false, g.OutC, k, m, 1, dy, g.OutC, c.cols, k, beta, gw, k)
			})
		} else {
			gwHWC := c.ws.Floats("conv.gwhwc", g.OutC*k)
			c.eng.Gemm(true, false, g.OutC, k, m, 1, dy, g.OutC, c.cols, k, 0, gwHWC, k)
			accumulateParamGrad(c.ws, "conv.gw", c.w, g.OutC, k, func(gw []float32, beta float32) {
				if beta == 0 {
					permuteColumns(gw, gwHWC, g.OutC, g.InC, g.Kernel*g.Kernel, true)
					return
				}
				// Adding to a zeroed gradient gives the same bits as writing.
				tmp := c.ws.Floats("conv.gwchw", g.OutC*k)
				permuteColumns(tmp, gwHWC, g.OutC, g.InC, g.Kernel*g.Kernel, true)
				for i, v := range tmp {
					gw[i] += v
				}
			})
		}
	}
	if c.b.RequiresGrad() {
		accumulateParamGrad(c.ws, "conv.gb", c.b, 1, g.OutC, func(gb []float32, beta float32) {
			sumRows(c.eng.Pool(), gb, beta, dy, m, g.OutC)
		})
	}
	if c.x.RequiresGrad() {
		// The patch matrix is not needed any more: reuse it for its gradient.
		dcols := c.cols
		c.eng.Gemm(false, false, m, k, g.OutC, 1, dy, g.OutC, c.wHWC, k, 0, dcols, k)
		gx := c.ws.Floats("conv.gx", c.batch*g.InH*g.InW*g.InC)
		rowsPerImage := g.OutH() * g.OutW() * k
		c.eng.Pool().For(c.batch, c.batch*rowsPerImage, func(b0, b1 int) {
			col2imHWC(g, b0, b1, dcols, gx)
		})
		c.x.AccGrad(Matrix(gx, c.batch, g.InH*g.InW*g.InC))
	}
	return nil
}

// kernelRowSpan returns, for a kernel row at input row iy whose first
// column lands on input column x0, the range [a, b) of kernel columns that
// fall inside the image; ok is false when the whole row is padding.
func kernelRowSpan(g ConvGeometry, iy, x0 int) (a, b int, ok bool) {
	if iy < 0 || iy >= g.InH {
		return 0, 0, false
	}
	a, b = max(0, -x0), min(g.Kernel, g.InW-x0)
	return a, b, a < b
}

// im2colHWC writes the patch rows of images [b0, b1) in (kernel row,
// kernel column, channel) order: each kernel row is a single copy.
func im2colHWC(g ConvGeometry, b0, b1 int, x, cols []float32) {
	if !im2colSIMD(g, b0, b1, x, cols) {
		im2colHWCGo(g, b0, b1, x, cols)
	}
}

// im2colHWCGo is im2colHWC in portable code.
func im2colHWCGo(g ConvGeometry, b0, b1 int, x, cols []float32) {
	oh, ow, k, C := g.OutH(), g.OutW(), g.Kernel, g.InC
	patch := g.PatchSize()
	imgSize := g.InH * g.InW * C
	row := b0 * oh * ow
	if k == 3 && C == 1 && g.Stride == 1 && g.Padding == 0 {
		// The first layer's patches: nine values from three input rows,
		// as fixed-size copies.
		W := g.InW
		for b := b0; b < b1; b++ {
			img := x[b*imgSize : (b+1)*imgSize]
			for oy := 0; oy < oh; oy++ {
				r0, r1, r2 := img[oy*W:(oy+1)*W], img[(oy+1)*W:(oy+2)*W], img[(oy+2)*W:(oy+3)*W]
				dst := cols[row*9 : (row+ow)*9]
				row += ow
				for ox := 0; ox < ow; ox++ {
					d := (*[9]float32)(dst[ox*9 : ox*9+9])
					a, e, f := (*[3]float32)(r0[ox:ox+3]), (*[3]float32)(r1[ox:ox+3]), (*[3]float32)(r2[ox:ox+3])
					d[0], d[1], d[2] = a[0], a[1], a[2]
					d[3], d[4], d[5] = e[0], e[1], e[2]
					d[6], d[7], d[8] = f[0], f[1], f[2]
				}
			}
		}
		return
	}
	for b := b0; b < b1; b++ {
		img := x[b*imgSize : (b+1)*imgSize]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				dst := cols[row*patch : (row+1)*patch]
				row++
				y0, x0 := oy*g.Stride-g.Padding, ox*g.Stride-g.Padding
				if g.Padding == 0 && k*C > 16 {
					// Every kernel row lies inside the image: k runs of
					// k·C values, W·C apart.
					copyRuns(dst, img[(y0*g.InW+x0)*C:], k*C, k, g.InW*C)
					continue
				}
				if g.Padding == 0 {
					// Every kernel row lies inside the image.
					for ky := 0; ky < k; ky++ {
						d := dst[ky*k*C : (ky+1)*k*C]
						at := ((y0+ky)*g.InW + x0) * C
						s := img[at : at+k*C]
						if k*C <= 16 {
							// A plain loop beats memmove's call overhead
							// on short runs (every run of the first layer).
							for i := range d {
								d[i] = s[i]
							}
						} else {
							copy(d, s)
						}
					}
					continue
				}
				for ky := 0; ky < k; ky++ {
					d := dst[ky*k*C : (ky+1)*k*C]
					a, e, ok := kernelRowSpan(g, y0+ky, x0)
					if !ok {
						clear(d)
						continue
					}
					src := (y0+ky)*g.InW + x0
					clear(d[:a*C])
					copy(d[a*C:e*C], img[(src+a)*C:(src+e)*C])
					clear(d[e*C:])
				}
			}
		}
	}
}

// copyRunsGo copies runs runs of n values, src runs lds values apart, into
// consecutive runs of dst: the portable copyRuns.
func copyRunsGo(dst, src []float32, n, runs, lds int) {
	for r := 0; r < runs; r++ {
		copy(dst[r*n:(r+1)*n], src[r*lds:r*lds+n])
	}
}

// col2imHWC is the adjoint of im2colHWC for images [b0, b1): it overwrites
// their input gradients with the sum of the patch gradients over them. Each
// image's patches only reach that image, so images are independent, and
// the patches are added in a fixed order.
func col2imHWC(g ConvGeometry, b0, b1 int, dcols, dx []float32) {
	if !col2imSIMD(g, b0, b1, dcols, dx) {
		col2imHWCGo(g, b0, b1, dcols, dx)
	}
}

// col2imHWCGo is col2imHWC in portable code.
func col2imHWCGo(g ConvGeometry, b0, b1 int, dcols, dx []float32) {
	oh, ow, k, C := g.OutH(), g.OutW(), g.Kernel, g.InC
	patch := g.PatchSize()
	imgSize := g.InH * g.InW * C
	clear(dx[b0*imgSize : b1*imgSize])
	row := b0 * oh * ow
	for b := b0; b < b1; b++ {
		img := dx[b*imgSize : (b+1)*imgSize]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				src := dcols[row*patch : (row+1)*patch]
				row++
				y0, x0 := oy*g.Stride-g.Padding, ox*g.Stride-g.Padding
				for ky := 0; ky < k; ky++ {
					a, e, ok := 0, k, true
					if g.Padding != 0 {
						a, e, ok = kernelRowSpan(g, y0+ky, x0)
					}
					if !ok {
						continue
					}
					at := (y0+ky)*g.InW + x0
					addTo(img[(at+a)*C:(at+e)*C], src[(ky*k+a)*C:(ky*k+e)*C])
				}
			}
		}
	}
}
