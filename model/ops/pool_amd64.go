//go:build !purego

package ops

import "golang.org/x/sys/cpu"

// poolRowAVX512 pools one row of 2×2 windows: top and bottom are two input
// rows of a channels-last map with C = 16·blocks channels, n windows
// wide; y and arg receive n·C values. The winner of the window at top
// element i is stored as i00 + i (or its neighbour's index: + C to the
// right, + wc below). It uses the same order keys and first-winner rule
// as maxPoolImageGo, its portable twin, and so computes the same bits
// (TestMaxPoolImageKernels compares them). It returns true, leaving the
// row partly written, when an input is NaN.
//
//go:noescape
func poolRowAVX512(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool

// poolRowAVX2 is poolRowAVX512 for AVX2: the same contract, order keys
// and first-winner rule, each block of 16 channels in two halves of 8, so
// it computes the same bits as maxPoolImageGo too (TestMaxPoolImageKernels
// and TestPoolRowAVX2).
//
//go:noescape
func poolRowAVX2(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool

// poolRows is the vector row kernel, or nil where it cannot run.
var poolRows = func() func(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool {
	switch {
	case cpu.X86.HasAVX512F:
		return poolRowAVX512
	case cpu.X86.HasAVX2:
		return poolRowAVX2
	}
	return nil
}()

// scatterAVX512 routes one image's pooled gradient to its convolution
// output: for each of positions×16·blocks pooled elements o (channels
// innermost), v = dy[o] where y[o] is in (0, +Inf] (relu passed it) and
// 0 elsewhere; d[arg[o]] = v and gb[o mod C] += v, in the same order as
// its portable twin, scatterImageGo (TestConvPoolScatterKernel compares
// them).
//
//go:noescape
func scatterAVX512(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)

// scatterAVX2 is scatterAVX512 for AVX2, with the same contract and
// order (TestConvPoolScatterKernel and TestScatterAVX2 compare it with
// scatterImageGo).
//
//go:noescape
func scatterAVX2(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)

// scatterRows is the vector scatter, or nil where it cannot run.
var scatterRows = func() func(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int) {
	switch {
	case cpu.X86.HasAVX512F:
		return scatterAVX512
	case cpu.X86.HasAVX2:
		return scatterAVX2
	}
	return nil
}()
