package gemm

import (
	"runtime"
	"sync"
)

// args is one Gemm call, kept in a pooled job so workers can read it.
type args struct {
	transA, transB bool
	m, n, k        int
	alpha          float32
	a              []float32
	lda            int
	b              []float32
	ldb            int
	beta           float32
	c              []float32
	ldc            int
}

// part is one thread's share of a call: rows [i0,i1) and columns [j0,j1)
// of C over the k range [p0,p1). out holds element (i0, j0) at index 0 with
// leading dimension ldo; it is either C itself or a private k-split buffer.
type part struct {
	i0, i1, j0, j1, p0, p1 int
	out                    []float32
	ldo                    int
	beta                   float32
}

type job struct {
	e     *Engine
	x     args
	parts []part
	red   []float32 // private outputs of k-split parts 1..n-1
	kspl  bool
	wg    sync.WaitGroup
}

type task struct {
	j *job
	i int
}

// workspace holds one part's packing buffers; it is reused across calls.
type workspace struct {
	a, b, tile []float32
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

const (
	splitAuto = iota
	splitGrid
	splitK
)

// Below this many multiply-adds per thread, handing work to another
// goroutine costs more than it saves.
const minFMAPerThread = 1 << 16

// useDirect reports whether packing would cost more than it saves: tiny
// products, and products so thin that each packed element is used only once
// or twice.
func useDirect(m, n, k int) bool {
	return m*n*k <= 4096 || m <= 2 || n <= 2
}

func (e *Engine) startWorkers() {
	e.tasks = make(chan task, 4*e.threads)
	for i := 1; i < e.threads; i++ {
		go worker(e.tasks)
	}
	// The workers hold only the channel, so an unreachable Engine can be
	// collected; closing the channel then lets them exit.
	runtime.AddCleanup(e, func(ch chan task) { close(ch) }, e.tasks)
}

func worker(ch chan task) {
	for t := range ch {
		t.j.run(t.i)
		t.j.wg.Done()
	}
}

func (j *job) run(i int) {
	ws := j.e.wsPool.Get().(*workspace)
	gemmPart(j.e.kern, ws, &j.x, &j.parts[i])
	j.e.wsPool.Put(ws)
}

// packed runs a call through the packed, blocked path, split over threads.
func (e *Engine) packed(x args) {
	kr := e.kern
	m, n, k := x.m, x.n, x.k
	t := e.threads
	if maxT := m * n * k / minFMAPerThread; t > maxT {
		t = max(1, maxT)
	}
	j := e.jobPool.Get().(*job)
	j.e = e
	j.x = x
	j.parts = j.parts[:0]
	j.kspl = false
	if t == 1 {
		j.parts = append(j.parts, part{0, m, 0, n, 0, k, x.c, x.ldc, x.beta})
	} else {
		tm, tn, gridCost := bestGrid(kr, m, n, k, t)
		useK := kSplitCost(kr, m, n, k, t) < gridCost
		if e.split == splitGrid {
			useK = false
		} else if e.split == splitK {
			useK = true
		}
		if useK {
			j.kspl = true
			j.red = grow(j.red, (t-1)*m*n)
			for i := 0; i < t; i++ {
				p := part{i0: 0, i1: m, j0: 0, j1: n, p0: i * k / t, p1: (i + 1) * k / t}
				if i == 0 {
					p.out, p.ldo, p.beta = x.c, x.ldc, x.beta
				} else {
					p.out, p.ldo = j.red[(i-1)*m*n:i*m*n], n
				}
				j.parts = append(j.parts, p)
			}
		} else {
			mt, nt := ceilDiv(m, kr.mr), ceilDiv(n, kr.nr)
			for ti := 0; ti < tm; ti++ {
				i0, i1 := min(m, ti*mt/tm*kr.mr), min(m, (ti+1)*mt/tm*kr.mr)
				for tj := 0; tj < tn; tj++ {
					j0, j1 := min(n, tj*nt/tn*kr.nr), min(n, (tj+1)*nt/tn*kr.nr)
					if i0 == i1 || j0 == j1 {
						continue
					}
					j.parts = append(j.parts, part{i0, i1, j0, j1, 0, k, x.c[i0*x.ldc+j0:], x.ldc, x.beta})
				}
			}
		}
	}

	if len(j.parts) > 1 {
		e.startOnce.Do(e.startWorkers)
		j.wg.Add(len(j.parts) - 1)
		for i := 1; i < len(j.parts); i++ {
			select {
			case e.tasks <- task{j, i}:
			default:
				// Workers are busy (another caller shares this Engine):
				// doing the part here beats waiting in line.
				j.run(i)
				j.wg.Done()
			}
		}
	}
	j.run(0)
	j.wg.Wait()

	if j.kspl {
		reduce(j, m, n)
	}
	for i := range j.parts {
		j.parts[i].out = nil
	}
	j.x = args{}
	e.jobPool.Put(j)
}

// reduce adds the private k-split outputs into C.
func reduce(j *job, m, n int) {
	c, ldc := j.x.c, j.x.ldc
	np := len(j.parts) - 1
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for q := 0; q < np; q++ {
			src := j.red[q*m*n+i*n : q*m*n+i*n+n]
			for jj, v := range src {
				row[jj] += v
			}
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// Relative costs for choosing a partition, in units of one scalar
// multiply-add: a packed element costs about as much as a vector of FMAs.
const (
	costPack   = 16
	costReduce = 8
)

// bestGrid picks a tm×tn grid of C blocks (tm·tn <= t) minimising the time
// of the slowest part: its tiles' work plus packing its share of A and B,
// which is duplicated across the grid's rows and columns.
func bestGrid(kr *kernel, m, n, k, t int) (tm, tn, cost int) {
	mt, nt := ceilDiv(m, kr.mr), ceilDiv(n, kr.nr)
	cost = -1
	for a := 1; a <= t; a++ {
		b := t / a
		if a > mt || b > nt || b == 0 {
			continue
		}
		rows, cols := ceilDiv(mt, a)*kr.mr, ceilDiv(nt, b)*kr.nr
		c := (rows*cols + costPack*(rows+cols)) * k
		if cost < 0 || c < cost {
			tm, tn, cost = a, b, c
		}
	}
	if cost < 0 {
		return 1, 1, (mt*kr.mr*nt*kr.nr + costPack*(m+n)) * k
	}
	return tm, tn, cost
}

// kSplitCost estimates the slowest part when k is split t ways: every part
// packs a 1/t slab of both operands, and the caller then adds t-1 private
// m×n outputs.
func kSplitCost(kr *kernel, m, n, k, t int) int {
	rows, cols := ceilDiv(m, kr.mr)*kr.mr, ceilDiv(n, kr.nr)*kr.nr
	return (rows*cols+costPack*(rows+cols))*ceilDiv(k, t) + costReduce*(t-1)*m*n
}

// blocks cuts length into the fewest pieces of at most max, of equal size
// rounded up to a multiple of unit.
func blocks(length, maxb, unit int) int {
	nb := ceilDiv(length, maxb)
	return ceilDiv(ceilDiv(length, nb), unit) * unit
}

// gemmPart runs the blocked loops for one part.
func gemmPart(kr *kernel, ws *workspace, x *args, p *part) {
	m, n, k := p.i1-p.i0, p.j1-p.j0, p.p1-p.p0
	if k == 0 {
		// Only a k-split part can be empty; it still owes its output.
		scaleC(m, n, p.beta, p.out, p.ldo)
		return
	}
	kcb := blocks(k, kr.kc, 1)
	mcb := blocks(m, kr.mc, kr.mr)
	ncb := blocks(n, kr.nc, kr.nr)
	ws.a = grow(ws.a, mcb*kcb)
	ws.b = grow(ws.b, ncb*kcb)
	ws.tile = grow(ws.tile, kr.mr*kr.nr)
	for jc := 0; jc < n; jc += ncb {
		nb := min(ncb, n-jc)
		for pc := 0; pc < k; pc += kcb {
			kb := min(kcb, k-pc)
			packB(kr.nr, x, p.p0+pc, kb, p.j0+jc, nb, ws.b)
			beta := p.beta
			if pc > 0 {
				beta = 1
			}
			for ic := 0; ic < m; ic += mcb {
				mb := min(mcb, m-ic)
				packA(kr, x, p.i0+ic, mb, p.p0+pc, kb, ws.a)
				macro(kr, kb, mb, nb, ws.a, ws.b, p.out[ic*p.ldo+jc:], p.ldo, beta, ws.tile)
			}
		}
	}
}

// macro multiplies a packed mb×kb block of A by a packed kb×nb block of B
// into c. The B panel is the outer loop so it stays in L1 while the A
// panels stream from L2.
func macro(kr *kernel, kb, mb, nb int, ap, bp, c []float32, ldc int, beta float32, tile []float32) {
	nr := kr.nr
	for jr := 0; jr < nb; jr += nr {
		nw := min(nr, nb-jr)
		b := bp[jr*kb : jr*kb+nr*kb]
		off := 0
		for ir := 0; ir < mb; {
			h, fn := kr.panel(mb - ir)
			a := ap[off : off+h*kb]
			rows := min(h, mb-ir)
			cc := c[ir*ldc+jr:]
			if rows == h && nw == nr {
				fn(kb, a, b, cc, ldc, beta)
			} else {
				fn(kb, a, b, tile, nr, 0)
				merge(tile, nr, cc, ldc, rows, nw, beta)
			}
			off += h * kb
			ir += h
		}
	}
}

// merge writes the valid rows×cols corner of a scratch tile into c.
func merge(tile []float32, ldt int, c []float32, ldc, rows, cols int, beta float32) {
	for r := 0; r < rows; r++ {
		src := tile[r*ldt : r*ldt+cols]
		dst := c[r*ldc : r*ldc+cols]
		if beta == 0 {
			copy(dst, src)
			continue
		}
		for j, v := range src {
			dst[j] = v + beta*dst[j]
		}
	}
}

// scaleC sets C = beta·C, treating beta == 0 as an overwrite with zeros.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// direct is the unpacked path for tiny and thin products. With transB the
// rows of B are contiguous in k, so it takes dot products; otherwise it adds
// scaled rows of B into rows of C.
func direct(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !transB {
		reference(transA, false, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			brow := b[j*ldb : j*ldb+k]
			var s float32
			if transA {
				for p, bv := range brow {
					s += a[p*lda+i] * bv
				}
			} else {
				arow := a[i*lda : i*lda+k]
				for p, bv := range brow {
					s += arow[p] * bv
				}
			}
			if beta == 0 {
				row[j] = alpha * s
			} else {
				row[j] = alpha*s + beta*row[j]
			}
		}
	}
}
