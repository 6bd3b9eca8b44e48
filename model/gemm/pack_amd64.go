//go:build !purego

package gemm

// transpose8 transposes nblk blocks of 8×8 values with AVX shuffles:
// dst[p*ldd+r] = src[r*lds+p] for r < 8, p < 8·nblk. packT calls it for
// strips of 8 rows; its portable twin is packTGo (TestPackT).
//
//go:noescape
func transpose8(src *float32, lds int, dst *float32, ldd int, nblk int)

// transpose4 is transpose8 for strips of 4 rows.
//
//go:noescape
func transpose4(src *float32, lds int, dst *float32, ldd int, nblk int)

// copy16 copies n rows of 16 values, src rows lds apart, into consecutive
// rows of dst with AVX loads and stores; its portable twin is packRows16Go
// (TestPackRows16).
//
//go:noescape
func copy16(src *float32, lds int, dst *float32, n int)

// packRows16 copies n rows of 16 values, src rows lds apart, into
// consecutive rows of dst.
func packRows16(src []float32, lds int, dst []float32, n int) {
	if !hasAVX2 {
		packRows16Go(src, lds, dst, n)
		return
	}
	_ = src[(n-1)*lds+15]
	_ = dst[n*16-1]
	copy16(&src[0], lds, &dst[0], n)
}

// packT sets dst[p*ldd+r] = src[r*lds+p] for r < rows, p < cols.
// Strips of 8 and 4 rows go through AVX in-register transposes, which
// replace a strided scalar store per element with a few shuffles; the
// leftover rows and columns are done in Go.
func packT(src []float32, lds int, dst []float32, ldd, rows, cols int) {
	if !hasAVX2 || cols < 8 {
		packTGo(src, lds, dst, ldd, 0, rows, 0, cols)
		return
	}
	nblk := cols / 8
	r := 0
	for ; r+8 <= rows; r += 8 {
		// Bounds: last source element read and last destination written.
		_ = src[(r+7)*lds+8*nblk-1]
		_ = dst[(8*nblk-1)*ldd+r+7]
		transpose8(&src[r*lds], lds, &dst[r], ldd, nblk)
	}
	for ; r+4 <= rows; r += 4 {
		_ = src[(r+3)*lds+8*nblk-1]
		_ = dst[(8*nblk-1)*ldd+r+3]
		transpose4(&src[r*lds], lds, &dst[r], ldd, nblk)
	}
	packTGo(src, lds, dst, ldd, r, rows, 0, cols)
	packTGo(src, lds, dst, ldd, 0, r, 8*nblk, cols)
}
