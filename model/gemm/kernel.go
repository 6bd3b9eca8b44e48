package gemm

// micro computes one tile
//
//	C[r][j] = alpha·Σ_p A(r,p)·B(p,j) + beta·C[r][j]   for r < rows, j < cols
//
// with A(r,p) = a[r*rs+p*ps] and B(p,j) = b[p*bs+j], over p < k. The
// function is built for one panel height h (rows <= h): it reads h rows of
// A and nr columns of B at every step whatever rows and cols are. rs == 1
// means the h values of a step are contiguous (a packed panel, or Aᵀ read
// in place); otherwise ps must be 1 (a row-major A read in place). When
// beta == 0 it does not read C.
type micro func(k int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32, rows, cols int)

// microRef is the micro contract as a plain loop, for any panel height:
// the portable twin every micro-kernel (microGo4x4 and the generated
// assembly ones) is tested against. It sums each element in k order, one
// multiply-add at a time (fused into one rounding where the compiler fuses
// s += a·b, as on arm64), then rounds alpha·s and adds beta·c (fused
// likewise): the explicit conversion fixes which product is rounded on its
// own, so that every kernel can follow the same order.
func microRef(k int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	for r := 0; r < rows; r++ {
		for j := 0; j < cols; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[r*rs+p*ps] * b[p*bs+j]
			}
			if beta == 0 {
				c[r*ldc+j] = alpha * s
			} else {
				c[r*ldc+j] = float32(alpha*s) + beta*c[r*ldc+j]
			}
		}
	}
}

// kernel is a family of micro-kernels sharing one tile width, with the
// block sizes tuned for it.
type kernel struct {
	name       string
	unit, mr   int // panel heights are the multiples of unit up to mr
	nr         int // tile width
	kc, mc, nc int // block sizes: k slab, rows of A and columns of B per block

	fns []micro // fns[i] computes panels (i+1)*unit tall

	// inPlace kernels accept the strided operand layouts, so operands that
	// already have a usable layout are not packed.
	inPlace bool
	// maskCols kernels store partial-width tiles themselves; for the
	// others the driver goes through a scratch tile.
	maskCols bool
	// exact kernels do microRef's float32 operations in microRef's order
	// as compiled for this architecture, so their tiles are bit-identical
	// to it (TestMicroKernels checks bits rather than a tolerance).
	exact bool

	// macro, when set, multiplies a whole block (operands packed or read
	// in place, see block) in one call instead of the driver calling fns
	// per tile (the WebAssembly SIMD kernel, for which every call from Go
	// costs microseconds). The block is passed by value: a pointer handed
	// to a function value would make every block escape to the heap.
	macro func(bk block)
	// packBT, when set, packs a slab of a transposed B in place of packB
	// (the WebAssembly SIMD packing function).
	packBT func(x *args, p0, kb, j0, nb int, dst []float32)
}

// packB packs a slab of op(B) into panels of kr.nr columns (see packB).
func (kr *kernel) packB(x *args, p0, kb, j0, nb int, dst []float32) {
	if kr.packBT != nil && x.transB {
		kr.packBT(x, p0, kb, j0, nb, dst)
		return
	}
	packB(kr.nr, x, p0, kb, j0, nb, dst)
}

func (kr *kernel) fn(h int) micro { return kr.fns[h/kr.unit-1] }

// plan splits mb rows into the fewest panels of at most mr rows, with
// heights (multiples of unit) as equal as possible: short panels run at a
// fraction of the speed of tall ones (too few accumulators to hide FMA
// latency), so 128 rows become 28+28+28+28+16 rather than 4×28+4 with the
// AVX-512 kernels, and 256 become 4×28+6×24. Only the last panel can be
// partly past mb, by less than unit rows.
func (kr *kernel) plan(mb int, dst []int) []int {
	units := ceilDiv(mb, kr.unit)
	np := ceilDiv(units, kr.mr/kr.unit)
	base, extra := units/np, units%np
	dst = dst[:0]
	for i := 0; i < np; i++ {
		u := base
		if i < extra {
			u++
		}
		dst = append(dst, u*kr.unit)
	}
	return dst
}

// goKernel is the portable kernel. A 4×4 tile keeps its 16 accumulators in
// registers (amd64 has 15 usable float registers besides the zero register,
// and WebAssembly engines map locals to about as many), and loads 8 values
// per 16 multiply-adds.
var goKernel = &kernel{name: "go", unit: 4, mr: 4, nr: 4, kc: 256, mc: 128, nc: 1024,
	fns: []micro{microGo4x4}, maskCols: true, exact: true}
