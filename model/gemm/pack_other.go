//go:build !amd64 || purego

package gemm

// packT sets dst[p*ldd+r] = alpha*src[r*lds+p] for r < rows, p < cols.
func packT(src []float32, lds int, dst []float32, ldd, rows, cols int, alpha float32) {
	packTGo(src, lds, dst, ldd, 0, rows, 0, cols, alpha)
}
