//go:build !purego

package ops

// addNEON adds src[i] to dst[i] for i < n, n a multiple of 4, one float32
// addition each. Its portable twin is the loop at the end of addTo
// (TestAddTo compares them).
//
//go:noescape
func addNEON(dst, src *float32, n int)

// addTo adds src to dst element-wise (len(src) values); each sum is one
// float32 addition, as in the portable loop, so the bits are the same.
func addTo(dst, src []float32) {
	n := len(src) &^ 3
	if n > 0 {
		_ = dst[len(src)-1]
		addNEON(&dst[0], &src[0], n)
	}
	d := dst[n:len(src)]
	for i, v := range src[n:] {
		d[i] += v
	}
}
