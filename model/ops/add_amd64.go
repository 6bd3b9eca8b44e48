//go:build !purego

package ops

import "golang.org/x/sys/cpu"

// addAVX512 adds src[i] to dst[i] for i < n, n a multiple of 16. Its
// portable twin is the loop at the end of addTo (TestAddTo compares them).
//
//go:noescape
func addAVX512(dst, src *float32, n int)

var hasAddAVX512 = cpu.X86.HasAVX512F

// addTo adds src to dst element-wise (len(src) values); each sum is one
// float32 addition, as in the portable loop, so the bits are the same.
func addTo(dst, src []float32) {
	n := len(src) &^ 15
	if hasAddAVX512 && n > 0 {
		_ = dst[len(src)-1]
		addAVX512(&dst[0], &src[0], n)
	} else {
		n = 0
	}
	d := dst[n:len(src)]
	for i, v := range src[n:] {
		d[i] += v
	}
}
