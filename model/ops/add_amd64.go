//go:build !purego

package ops

import "golang.org/x/sys/cpu"

// addAVX512 adds src[i] to dst[i] for i < n, n a multiple of 16. Its
// portable twin is the loop at the end of addTo (TestAddTo compares them).
//
//go:noescape
func addAVX512(dst, src *float32, n int)

// addAVX2 is addAVX512 for AVX2, n a multiple of 8.
//
//go:noescape
func addAVX2(dst, src *float32, n int)

var (
	hasAddAVX512 = cpu.X86.HasAVX512F
	hasAddAVX2   = cpu.X86.HasAVX2
)

// addTo adds src to dst element-wise (len(src) values); each sum is one
// float32 addition, as in the portable loop, so the bits are the same.
func addTo(dst, src []float32) {
	n := 0
	switch {
	case hasAddAVX512 && len(src) >= 16:
		n = len(src) &^ 15
		_ = dst[len(src)-1]
		addAVX512(&dst[0], &src[0], n)
	case hasAddAVX2 && len(src) >= 8:
		n = len(src) &^ 7
		_ = dst[len(src)-1]
		addAVX2(&dst[0], &src[0], n)
	}
	d := dst[n:len(src)]
	for i, v := range src[n:] {
		d[i] += v
	}
}
