//go:build !purego

package gemm

// transpose4x4 transposes nblk blocks of 4×4 values with NEON zips:
// dst[p*ldd+r] = src[r*lds+p] for r < 4, p < 4·nblk. packT calls it for
// strips of 4 rows; its portable twin is packTGo (TestPackT).
//
//go:noescape
func transpose4x4(src *float32, lds int, dst *float32, ldd int, nblk int)

// copy16 copies n rows of 16 values, src rows lds apart, into consecutive
// rows of dst with NEON loads and stores; its portable twin is
// packRows16Go (TestPackRows16).
//
//go:noescape
func copy16(src *float32, lds int, dst *float32, n int)

// packRows16 copies n rows of 16 values, src rows lds apart, into
// consecutive rows of dst.
func packRows16(src []float32, lds int, dst []float32, n int) {
	if n <= 0 {
		return
	}
	_ = src[(n-1)*lds+15]
	_ = dst[n*16-1]
	copy16(&src[0], lds, &dst[0], n)
}

// packT sets dst[p*ldd+r] = src[r*lds+p] for r < rows, p < cols.
// Strips of 4 rows go through NEON in-register transposes of 4×4 blocks;
// the leftover rows and columns are done in Go.
func packT(src []float32, lds int, dst []float32, ldd, rows, cols int) {
	if cols < 4 {
		packTGo(src, lds, dst, ldd, 0, rows, 0, cols)
		return
	}
	nblk := cols / 4
	r := 0
	for ; r+4 <= rows; r += 4 {
		// Bounds: last source element read and last destination written.
		_ = src[(r+3)*lds+4*nblk-1]
		_ = dst[(4*nblk-1)*ldd+r+3]
		transpose4x4(&src[r*lds], lds, &dst[r], ldd, nblk)
	}
	packTGo(src, lds, dst, ldd, r, rows, 0, cols)
	packTGo(src, lds, dst, ldd, 0, r, 4*nblk, cols)
}
