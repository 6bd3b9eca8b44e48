package ops

import (
	"math"
	"strconv"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"

	"fashionlab/model/parallel"
)

// ConvPool2D is a convolution with bias followed by relu and a 2×2
// max-pool, relu(maxpool(conv(x) + b)), as one op. It computes the
// convolution a chunk of a few images at a time (im2col, matrix product,
// pool), so that the full-size convolution output and its patch matrix
// live only in a cache-sized scratch buffer and are never written to
// memory for the whole batch; its backward pass recomputes a chunk's
// patches instead of keeping them.
//
// Chunks are fixed by the geometry alone. Each chunk's weight and bias
// gradients are computed on their own and then added in chunk order, so
// the result does not depend on how many goroutines ran the chunks; the
// chunks are shared out among the pool's threads, each running
// single-threaded matrix products, which keeps both cores busy without a
// hand-off per product.
type ConvPool2D struct {
	x, w, b  mat.Tensor
	geom     ConvGeometry
	pool     *parallel.Pool
	ws       *Workspace
	batch    int
	chunk    int       // images per chunk
	cells    int       // adaptive pool to cells×cells; 0: 2×2 max-pool
	portable bool      // never use the vector scatter; tests set it to compare
	wHWC     []float32 // the weights with their columns in im2col order
	y        []float32 // pooled output, relu applied
	arg      []int32   // winner of each pooled element: index in its image's convolution output
}

// convPoolChunkBytes bounds a chunk's scratch (patches and convolution
// output): well inside a core's L2 cache.
const convPoolChunkBytes = 640 << 10

// NewConvPool2D returns the fused op over x (batch × InH·InW·InC), w
// (OutC × PatchSize) and b (OutC values). It panics on mismatched shapes or
// an output map smaller than 2×2.
func NewConvPool2D(pool *parallel.Pool, ws *Workspace, geom ConvGeometry, x, w, b mat.Tensor) *ConvPool2D {
	return newConvPool(pool, ws, geom, x, w, b, 0)
}

func newConvPool(pool *parallel.Pool, ws *Workspace, geom ConvGeometry, x, w, b mat.Tensor, cells int) *ConvPool2D {
	if err := geom.Validate(); err != nil {
		panic(err.Error())
	}
	batch, in := rowsCols(x)
	if in != geom.InH*geom.InW*geom.InC {
		panic("ops: ConvPool2D input width does not match the geometry")
	}
	if r, c := rowsCols(w); r != geom.OutC || c != geom.PatchSize() {
		panic("ops: ConvPool2D weight shape does not match the geometry")
	}
	if b.Value().Size() != geom.OutC {
		panic("ops: ConvPool2D bias size does not match the output channels")
	}
	if cells == 0 && (geom.OutH() < 2 || geom.OutW() < 2) {
		panic("ops: ConvPool2D needs at least a 2x2 convolution output")
	}
	return &ConvPool2D{x: x, w: w, b: b, geom: geom, pool: pool, ws: ws, batch: batch, chunk: ConvPoolChunk(geom, batch), cells: cells}
}

// minChunks is the number of chunks a batch is cut into at least, when
// it has that many images.
const minChunks = 8

// NewConvAdaptivePool2D returns the fused op relu(adaptivemaxpool(conv(x)
// + b)) to cells×cells, with AdaptiveMaxPool2D's semantics and output
// order (channel-major).
func NewConvAdaptivePool2D(pool *parallel.Pool, ws *Workspace, geom ConvGeometry, cells int, x, w, b mat.Tensor) *ConvPool2D {
	if cells < 1 {
		panic("ops: ConvAdaptivePool2D needs a positive output size")
	}
	return newConvPool(pool, ws, geom, x, w, b, cells)
}

// ConvAdaptivePoolReLU adds relu(adaptivemaxpool(conv(x) + b)) to
// cells×cells to the graph as one op.
func ConvAdaptivePoolReLU(pool *parallel.Pool, ws *Workspace, geom ConvGeometry, cells int, x, w, b mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewConvAdaptivePool2D(pool, ws, geom, cells, x, w, b)).Run()
}

// ConvPoolReLU adds relu(maxpool2x2(conv(x) + b)) to the graph as one op.
func ConvPoolReLU(pool *parallel.Pool, ws *Workspace, geom ConvGeometry, x, w, b mat.Tensor) mat.Tensor {
	return ag.NewOperator(NewConvPool2D(pool, ws, geom, x, w, b)).Run()
}

// Operands returns x, W and b.
func (c *ConvPool2D) Operands() []mat.Tensor { return []mat.Tensor{c.x, c.w, c.b} }

func (c *ConvPool2D) chunks() int { return (c.batch + c.chunk - 1) / c.chunk }

func (c *ConvPool2D) pooledSize() int {
	g := c.geom
	if c.cells > 0 {
		return c.cells * c.cells * g.OutC
	}
	return g.OutH() / 2 * (g.OutW() / 2) * g.OutC
}

// adaptive returns the adaptive pool applied per image, and per-worker
// scratch for it.
func (c *ConvPool2D) adaptive(workers int) (*AdaptiveMaxPool2D, [][]float32, [][]int32) {
	g := c.geom
	p := &AdaptiveMaxPool2D{geom: PoolGeometry{H: g.OutH(), W: g.OutW(), C: g.OutC}, outH: c.cells, outW: c.cells, relu: true}
	best, keysAt := make([][]float32, workers), make([][]int32, workers)
	for i := range workers {
		best[i] = c.ws.Floats(workerName("convpool.best", i), g.OutC)
		keysAt[i] = c.ws.Ints(workerName("convpool.keys", i), 2*g.OutC)
	}
	return p, best, keysAt
}

// workers returns the number of goroutines that run the chunks and their
// scratch buffers (patches, convolution output), taken from the workspace
// before any goroutine starts.
func (c *ConvPool2D) workers() (int, [][]float32, [][]float32) {
	g := c.geom
	n := min(c.pool.Threads(), c.chunks())
	rows := c.chunk * g.OutH() * g.OutW()
	cols, out := make([][]float32, n), make([][]float32, n)
	for i := range n {
		cols[i] = c.ws.Floats(workerName("convpool.cols", i), rows*g.PatchSize())
		out[i] = c.ws.Floats(workerName("convpool.out", i), rows*g.OutC)
	}
	return n, cols, out
}

func workerName(prefix string, i int) string { return prefix + "." + strconv.Itoa(i) }

// Forward computes the pooled maps (batch × (OutH/2)·(OutW/2)·OutC).
func (c *ConvPool2D) Forward() (mat.Tensor, error) {
	g := c.geom
	k := g.PatchSize()
	c.wHWC = data(c.w)
	if g.InC > 1 {
		c.wHWC = c.ws.Floats("convpool.whwc", g.OutC*k)
		permuteColumns(c.wHWC, data(c.w), g.OutC, g.InC, g.Kernel*g.Kernel, false)
	}
	outSize := c.pooledSize()
	c.y = c.ws.Floats("convpool.y", c.batch*outSize)
	c.arg = c.ws.Ints("convpool.arg", c.batch*outSize)
	x, bias := data(c.x), data(c.b)
	imgSize := g.InH * g.InW * g.InC
	mapSize := g.OutH() * g.OutW() * g.OutC
	pg := PoolGeometry{H: g.OutH(), W: g.OutW(), C: g.OutC}
	eng := c.ws.serialEngine()
	workers, colsBuf, outBuf := c.workers()
	var ap *AdaptiveMaxPool2D
	var best [][]float32
	var keysAt [][]int32
	if c.cells > 0 {
		ap, best, keysAt = c.adaptive(workers)
	}
	c.pool.Do(c.chunks(), func(w, ch int) {
		b0 := ch * c.chunk
		nb := min(c.batch, b0+c.chunk) - b0
		rows := nb * g.OutH() * g.OutW()
		cols, out := colsBuf[w][:rows*k], outBuf[w][:rows*g.OutC]
		im2colHWC(g, 0, nb, x[b0*imgSize:], cols)
		for r := range rows {
			copy(out[r*g.OutC:(r+1)*g.OutC], bias)
		}
		eng.Gemm(false, true, rows, g.OutC, k, 1, cols, k, c.wHWC, k, 1, out, g.OutC)
		if ap == nil && poolImagesSIMD(pg, true, out, c.y[b0*outSize:], c.arg[b0*outSize:], nb, 0, 0) {
			return
		}
		for i := range nb {
			b := b0 + i
			img, y, arg := out[i*mapSize:(i+1)*mapSize], c.y[b*outSize:(b+1)*outSize], c.arg[b*outSize:(b+1)*outSize]
			if ap != nil {
				ap.poolImage(img, y, arg, 0, best[w], keysAt[w][:g.OutC], keysAt[w][g.OutC:])
			} else {
				maxPoolImage(pg, true, img, y, arg, 0)
			}
		}
	})
	return NewValue(c.y, c.batch, outSize), nil
}

// Backward propagates gy to x, W and b, a chunk at a time: the pooled
// gradient is scattered to the chunk's convolution output (zero for the
// windows' losers and where relu cut), and the chunk's patches are
// gathered again.
func (c *ConvPool2D) Backward(gy mat.Tensor) error {
	g := c.geom
	k := g.PatchSize()
	needW, needB, needX := c.w.RequiresGrad(), c.b.RequiresGrad(), c.x.RequiresGrad()
	if !needW && !needB && !needX {
		return nil
	}
	chunks := c.chunks()
	var gwParts, gx []float32
	if needW {
		gwParts = c.ws.Floats("convpool.gwparts", chunks*g.OutC*k)
	}
	gbParts := c.ws.Floats("convpool.gbparts", chunks*g.OutC)
	imgSize := g.InH * g.InW * g.InC
	if needX {
		gx = c.ws.Floats("convpool.gx", c.batch*imgSize)
	}
	dy := data(gy)
	x := data(c.x)
	outSize := c.pooledSize()
	mapSize := g.OutH() * g.OutW() * g.OutC
	eng := c.ws.serialEngine()
	_, colsBuf, outBuf := c.workers()
	c.pool.Do(chunks, func(w, ch int) {
		b0 := ch * c.chunk
		nb := min(c.batch, b0+c.chunk) - b0
		rows := nb * g.OutH() * g.OutW()
		cols, dout := colsBuf[w][:rows*k], outBuf[w][:rows*g.OutC]
		clear(dout)
		// The bias gradient is the sum of the convolution output's
		// gradient, which is zero but at the windows' winners: sum the
		// pooled gradient instead, a quarter of the values.
		gb := gbParts[ch*g.OutC : (ch+1)*g.OutC]
		clear(gb)
		left := nb // images the loop below scatters
		if c.cells == 0 && !c.portable &&
			scatterSIMD(dout, c.y[b0*outSize:], dy[b0*outSize:], c.arg[b0*outSize:], gb, nb, outSize/g.OutC, g.OutC, mapSize) {
			left = 0
		}
		for i := range left {
			d := dout[i*mapSize : (i+1)*mapSize]
			o0 := (b0 + i) * outSize
			if c.cells > 0 {
				// Overlapping windows: an element may win several cells,
				// and gets their sum. Cells are channel-major.
				per := c.cells * c.cells
				y, arg, dyi := c.y[o0:o0+outSize], c.arg[o0:o0+outSize], dy[o0:o0+outSize]
				for o, a := range arg {
					v := dyi[o]
					if math.Float32bits(y[o])-1 >= 0x7f800000 {
						v = 0
					}
					d[a] += v
					gb[o/per] += v
				}
				continue
			}
			if scatterRows != nil && !c.portable && g.OutC%16 == 0 {
				_ = d[mapSize-1]
				scatterRows(&d[0], &c.y[o0], &dy[o0], &c.arg[o0], &gb[0], outSize/g.OutC, g.OutC/16)
				continue
			}
			scatterImageGo(d, c.y[o0:o0+outSize], dy[o0:o0+outSize], c.arg[o0:o0+outSize], gb)
		}
		im2colHWC(g, 0, nb, x[b0*imgSize:], cols)
		if needW {
			eng.Gemm(true, false, g.OutC, k, rows, 1, dout, g.OutC, cols, k, 0, gwParts[ch*g.OutC*k:(ch+1)*g.OutC*k], k)
		}
		if needX {
			// The patches are not needed any more: reuse them for their gradient.
			eng.Gemm(false, false, rows, k, g.OutC, 1, dout, g.OutC, c.wHWC, k, 0, cols, k)
			col2imHWC(g, 0, nb, cols, gx[b0*imgSize:])
		}
	})
	if needW {
		n := g.OutC * k
		accumulateParamGrad(c.ws, "convpool.gw", c.w, g.OutC, k, func(gw []float32, beta float32) {
			sum := gwParts[:n]
			for ch := 1; ch < chunks; ch++ {
				for i, v := range gwParts[ch*n : (ch+1)*n] {
					sum[i] += v
				}
			}
			if g.InC > 1 {
				tmp := c.ws.Floats("convpool.gwchw", n)
				permuteColumns(tmp, sum, g.OutC, g.InC, g.Kernel*g.Kernel, true)
				sum = tmp
			}
			if beta == 0 {
				copy(gw, sum)
				return
			}
			for i, v := range sum {
				gw[i] += v
			}
		})
	}
	if needB {
		accumulateParamGrad(c.ws, "convpool.gb", c.b, 1, g.OutC, func(gb []float32, beta float32) {
			sum := gbParts[:g.OutC]
			for ch := 1; ch < chunks; ch++ {
				for i, v := range gbParts[ch*g.OutC : (ch+1)*g.OutC] {
					sum[i] += v
				}
			}
			if beta == 0 {
				copy(gb, sum)
				return
			}
			for i, v := range sum {
				gb[i] += v
			}
		})
	}
	if needX {
		c.x.AccGrad(Matrix(gx, c.batch, imgSize))
	}
	return nil
}

// scatterImageGo routes one image's pooled gradient dy to its convolution
// output's gradient d: for each pooled element o (positions × C, channels
// innermost, C = len(gb)), v = dy[o] where relu passed it and 0 elsewhere;
// d[arg[o]] = v and gb[o mod C] += v.
func scatterImageGo(d, y, dy []float32, arg []int32, gb []float32) {
	C := len(gb)
	for p := 0; p < len(y); p += C {
		y, arg, dyp := y[p:p+C], arg[p:p+C], dy[p:p+C]
		gb := gb[:len(y)]
		for j, a := range arg {
			// relu passes gradient where y is in (0, +Inf], as in
			// MaxPool2D.Backward; tested on bits, branch-free.
			v := dyp[j]
			if math.Float32bits(y[j])-1 >= 0x7f800000 {
				v = 0
			}
			d[a] = v
			gb[j] += v
		}
	}
}
