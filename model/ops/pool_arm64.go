//go:build !purego

package ops

// poolRowNEON is poolRowAVX512 for arm64 NEON: the same contract, order
// keys and first-winner rule, each block of 16 channels in four quarters
// of 4, so it computes the same bits as maxPoolImageGo
// (TestMaxPoolImageKernels compares them under qemu).
//
//go:noescape
func poolRowNEON(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool

// poolRows is the vector row kernel.
var poolRows = poolRowNEON

// scatterNEON is scatterAVX512 for arm64 NEON, with the same contract
// and order (TestConvPoolScatterKernel and TestScatterKernel compare it
// with scatterImageGo under qemu).
//
//go:noescape
func scatterNEON(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)

// scatterRows is the vector scatter.
var scatterRows = scatterNEON
