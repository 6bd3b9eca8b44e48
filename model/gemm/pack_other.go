//go:build (!amd64 && !arm64) || purego

package gemm

// packT sets dst[p*ldd+r] = src[r*lds+p] for r < rows, p < cols.
func packT(src []float32, lds int, dst []float32, ldd, rows, cols int) {
	packTGo(src, lds, dst, ldd, 0, rows, 0, cols)
}

// packRows16 copies n rows of 16 values, src rows lds apart, into
// consecutive rows of dst.
func packRows16(src []float32, lds int, dst []float32, n int) {
	packRows16Go(src, lds, dst, n)
}
