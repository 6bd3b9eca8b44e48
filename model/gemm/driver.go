package gemm

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

// job is one packed call, cut into parts; the Engine's pool runs them.
type job struct {
	e     *Engine
	x     args
	parts []part
	red   []float32 // private outputs of k-split parts 1..n-1
	kspl  bool
}

// workspace holds one part's packing buffers; it is reused across calls.
type workspace struct {
	a, b, tile []float32
	plan       []int
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

// Below this many multiply-adds per thread (a few microseconds of kernel
// time), waking another goroutine costs more than it saves.
const minFMAPerThread = 1 << 19

// useDirect reports whether the blocked path would cost more than it saves:
// tiny products, and for the portable kernel (which packs everything, in
// scalar code) products so thin that each packed element is used only once
// or twice. The SIMD kernels read most operands in place and pack with
// vector code, so thin products still gain from them. The WebAssembly
// kernel (a macro kernel) keeps the portable kernel's rule, so that both
// give the same bits.
func useDirect(kr *kernel, m, n, k int) bool {
	if kr.inPlace && kr.macro == nil {
		return m*n*k <= 2048
	}
	return m*n*k <= 4096 || m <= 2 || n <= 2
}

// Part runs part i; it makes a job a parallel.Parts.
func (j *job) Part(_, i int) { j.run(i) }

func (j *job) run(i int) {
	ws := j.e.wsPool.Get().(*workspace)
	gemmPart(j.e.kern, ws, &j.x, &j.parts[i], !j.e.tune.noInPlace)
	j.e.wsPool.Put(ws)
}

// packed runs a call through the packed, blocked path, split over threads.
func (e *Engine) packed(x args) {
	kr := e.kern
	m, n, k := x.m, x.n, x.k
	// The cut depends on the shape and the thread count only, never on
	// who runs the parts, so the bits of C do not depend on machine load.
	t := e.run.Threads()
	if maxT := m * n * k / minFMAPerThread; t > maxT && !e.tune.allThreads {
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
		tm, tn, gridCost := bestGrid(kr, &x, t, !e.tune.noInPlace)
		useK := kSplitCost(kr, &x, t, !e.tune.noInPlace) < gridCost
		if e.tune.split == splitGrid {
			useK = false
		} else if e.tune.split == splitK {
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
			mu, nt := ceilDiv(m, kr.unit), ceilDiv(n, kr.nr)
			for ti := 0; ti < tm; ti++ {
				i0, i1 := min(m, ti*mu/tm*kr.unit), min(m, (ti+1)*mu/tm*kr.unit)
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

	if len(j.parts) == 1 {
		j.run(0)
	} else {
		e.run.Run(len(j.parts), j)
	}

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
// multiply-add (the kernels do about 32 per cycle): every operand element a
// part touches has to come from memory at least once, packing moves an
// element at a fraction of a cycle, a transposing pack at about twice that,
// and the k-split reduction reads and adds one element per output per extra
// part.
const (
	costRead      = 4
	costCopy      = 8
	costTranspose = 16
	costReduce    = 12
)

// partCost estimates one part of rows×cols outputs over k steps, including
// the packing gemmPart will do for it.
func partCost(kr *kernel, x *args, rows, cols, k int, inPlace bool) int {
	r, c := ceilDiv(rows, kr.unit)*kr.unit, ceilDiv(cols, kr.nr)*kr.nr
	cost := r*c*k + costRead*(rows+cols)*k
	inPlace = inPlace && kr.inPlace
	switch {
	case inPlace && aInPlace(x):
	case x.transA:
		cost += costCopy * r * k
	default:
		cost += costTranspose * r * k
	}
	switch {
	case inPlace && bInPlace(x, rows):
	case x.transB:
		cost += costTranspose * c * k
	default:
		cost += costCopy * c * k
	}
	return cost
}

// bestGrid picks a tm×tn grid of C blocks (tm·tn <= t) minimising the cost
// of the largest part. Rows are split in units of the kernel's panel-height
// step, columns in whole tiles.
func bestGrid(kr *kernel, x *args, t int, inPlace bool) (tm, tn, cost int) {
	mu, nt := ceilDiv(x.m, kr.unit), ceilDiv(x.n, kr.nr)
	tm, tn, cost = 1, 1, -1
	for a := 1; a <= t; a++ {
		b := t / a
		if a > mu || b > nt {
			continue
		}
		c := partCost(kr, x, ceilDiv(mu, a)*kr.unit, ceilDiv(nt, b)*kr.nr, x.k, inPlace)
		if cost < 0 || c < cost {
			tm, tn, cost = a, b, c
		}
	}
	if cost < 0 {
		cost = partCost(kr, x, x.m, x.n, x.k, inPlace)
	}
	return tm, tn, cost
}

// kSplitCost estimates the largest part when k is split t ways, plus the
// caller's reduction of the t-1 private outputs.
func kSplitCost(kr *kernel, x *args, t int, inPlace bool) int {
	return partCost(kr, x, x.m, x.n, ceilDiv(x.k, t), inPlace) + costReduce*(t-1)*x.m*x.n
}

// blocks cuts length into the fewest pieces of at most max, of equal size
// rounded up to a multiple of unit.
func blocks(length, maxb, unit int) int {
	nb := ceilDiv(length, maxb)
	return ceilDiv(ceilDiv(length, nb), unit) * unit
}

// inPlaceRows reports whether a row-major A with leading dimension lda can
// be read in place: a panel's rows are read in parallel, and with a stride
// near a multiple of 4 KiB they would all fall in the same few L1 sets and
// evict each other.
func inPlaceRows(lda int) bool {
	var sets [64]uint8
	for r := 0; r < 28; r++ {
		s := (r * lda * 4 / 64) % 64
		sets[s]++
		if sets[s] > 8 {
			return false
		}
	}
	return true
}

// Parts with at most this many rows read a non-transposed B in place:
// packing B costs about as much as the few A panels that would reuse it.
const inPlaceBRows = 64

// Operands read in place one k step per row (Aᵀ and B) touch a new row of
// the matrix at every step; past a 4 KiB stride that is a new page per step,
// and the TLB misses cost more than packing.
const inPlaceMaxStride = 1024

func aInPlace(x *args) bool {
	if x.transA {
		return x.lda <= inPlaceMaxStride
	}
	return inPlaceRows(x.lda)
}

func bInPlace(x *args, rows int) bool {
	return !x.transB && rows <= inPlaceBRows && x.ldb <= inPlaceMaxStride
}

// block is one (m block, n block, k slab) of a part, ready for macro.
type block struct {
	kr         *kernel
	x          *args
	i0, j0, p0 int // origin in op(A) rows, op(B) columns and k
	mb, nb, kb int
	aIn, bIn   bool
	plan       []int
	ap, bp     []float32 // packed A panels and B panels
	c          []float32 // C at (i0, j0)
	ldc        int
	beta       float32
	tile       []float32
}

// gemmPart runs the blocked loops for one part.
func gemmPart(kr *kernel, ws *workspace, x *args, p *part, inPlace bool) {
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
	bk := block{kr: kr, x: x, ap: ws.a, bp: ws.b, tile: ws.tile, ldc: p.ldo}
	bk.aIn = inPlace && kr.inPlace && aInPlace(x)
	bk.bIn = inPlace && kr.inPlace && bInPlace(x, m)
	nr := kr.nr
	for jc := 0; jc < n; jc += ncb {
		bk.nb = min(ncb, n-jc)
		bk.j0 = p.j0 + jc
		for pc := 0; pc < k; pc += kcb {
			bk.kb = min(kcb, k-pc)
			bk.p0 = p.p0 + pc
			if !bk.bIn {
				kr.packB(x, bk.p0, bk.kb, bk.j0, bk.nb, ws.b)
			} else if full := bk.nb / nr * nr; full < bk.nb && !kr.maskCols {
				// In place except the partial last panel, which would
				// read past the rows' ends (masking kernels do not).
				packB(nr, x, bk.p0, bk.kb, bk.j0+full, bk.nb-full, ws.b)
			}
			bk.beta = p.beta
			if pc > 0 {
				bk.beta = 1
			}
			for ic := 0; ic < m; ic += mcb {
				bk.mb = min(mcb, m-ic)
				bk.i0 = p.i0 + ic
				ws.plan = kr.plan(bk.mb, ws.plan)
				bk.plan = ws.plan
				if !bk.aIn {
					packA(bk.plan, x, bk.i0, bk.mb, bk.p0, bk.kb, ws.a)
				} else if tot := sum(bk.plan); tot > bk.mb {
					// In place except a partial last panel.
					ir := tot - bk.plan[len(bk.plan)-1]
					packA(bk.plan[len(bk.plan)-1:], x, bk.i0+ir, bk.mb-ir, bk.p0, bk.kb, ws.a)
				}
				bk.c = p.out[ic*p.ldo+jc:]
				bk.run()
			}
		}
	}
}

func sum(s []int) int {
	t := 0
	for _, v := range s {
		t += v
	}
	return t
}

// run multiplies one block panel by panel. The B panel is the outer loop
// so it stays in L1 while the A panels stream from L2.
func (bk *block) run() {
	if bk.kr.macro != nil {
		bk.kr.macro(*bk)
		return
	}
	kr, x := bk.kr, bk.x
	nr, kb := kr.nr, bk.kb
	for jr := 0; jr < bk.nb; jr += nr {
		nw := min(nr, bk.nb-jr)
		b, bs := bk.bp[jr*kb:], nr
		if bk.bIn {
			if nw == nr || kr.maskCols {
				b, bs = x.b[bk.p0*x.ldb+bk.j0+jr:], x.ldb
			} else {
				b = bk.bp
			}
		}
		ir, off := 0, 0
		for _, h := range bk.plan {
			rows := min(h, bk.mb-ir)
			a, rs, ps := bk.ap[off:], 1, h
			if bk.aIn {
				switch {
				case rows < h:
					a = bk.ap
				case x.transA:
					a, ps = x.a[bk.p0*x.lda+bk.i0+ir:], x.lda
				default:
					a, rs, ps = x.a[(bk.i0+ir)*x.lda+bk.p0:], x.lda, 1
				}
			}
			cc := bk.c[ir*bk.ldc+jr:]
			fn := kr.fn(h)
			if nw < nr && !kr.maskCols {
				fn(kb, a, rs, ps, b, bs, bk.tile, nr, x.alpha, 0, rows, nr)
				merge(bk.tile, nr, cc, bk.ldc, rows, nw, bk.beta)
			} else {
				fn(kb, a, rs, ps, b, bs, cc, bk.ldc, x.alpha, bk.beta, rows, nw)
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
