//go:build !purego

package ops

import (
	"runtime"
	"unsafe"

	"fashionlab/model/gemm/wasmsimd"
)

// The WebAssembly SIMD128 kernels of package wasmsimd that the worker
// installed (wasmsimd.Install) run the passes below; each reports false,
// and the caller runs its pure-Go twin, where a kernel is missing.

// addr is the byte offset of s[0] in the WebAssembly memory (s not empty).
func addr[T float32 | int32](s []T) int {
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(s))))
}

// poolImagesSIMD is n calls of maxPoolImage on consecutive images (image i
// at x[i·H·W·C:], y and arg at i·(H/2)·(W/2)·C, its index base
// base + i·baseStep) in one call of the module's kernel, which computes
// maxPoolImageGo's bits. It reports false, having maybe written part of y
// and arg, when it did not pool them all: no kernel, C not a multiple of 4,
// or a NaN among the inputs (whose window the caller pools in Go).
func poolImagesSIMD(g PoolGeometry, relu bool, x, y []float32, arg []int32, n int, base, baseStep int32) bool {
	maxPool := wasmsimd.Installed().MaxPool
	if maxPool == nil || g.C%4 != 0 || n < 1 {
		return false
	}
	inSize, outSize := g.H*g.W*g.C, g.H/2*(g.W/2)*g.C
	x, y, arg = x[:n*inSize], y[:n*outSize], arg[:n*outSize]
	r := 0
	if relu {
		r = 1
	}
	nan := maxPool(addr(x), addr(y), addr(arg), n, g.H, g.W, g.C, r, int(base), int(baseStep))
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
	runtime.KeepAlive(arg)
	return nan == 0
}

// scatterSIMD is ConvPool2D.Backward's loop over the pooled elements of n
// images with the module's kernel: y, dy and arg hold n·positions·C pooled
// values, d the images' convolution-output gradients (mapSize values
// each, where every arg must point), gb the C bias-gradient sums. It
// reports false, having done nothing, when there is no kernel or C is not a
// multiple of 4.
func scatterSIMD(d, y, dy []float32, arg []int32, gb []float32, n, positions, C, mapSize int) bool {
	scatter := wasmsimd.Installed().Scatter
	if scatter == nil || C%4 != 0 || n < 1 || positions < 1 {
		return false
	}
	m := n * positions * C
	d, y, dy, arg, gb = d[:n*mapSize], y[:m], dy[:m], arg[:m], gb[:C]
	scatter(addr(d), addr(y), addr(dy), addr(arg), addr(gb), n, positions, C, 4*mapSize)
	runtime.KeepAlive(d)
	runtime.KeepAlive(y)
	runtime.KeepAlive(dy)
	runtime.KeepAlive(arg)
	runtime.KeepAlive(gb)
	return true
}

// im2colSIMD is im2colHWC with the module's kernel, for unpadded
// convolutions whose kernel rows hold at least one vector (k·C ≥ 4: the
// first layer's rows of 3 values copy as fast in Go); it reports false,
// having done nothing, where it does not apply.
func im2colSIMD(g ConvGeometry, b0, b1 int, x, cols []float32) bool {
	if g.Kernel*g.InC < 4 {
		return false
	}
	return patchSIMD(wasmsimd.Installed().Im2col, g, b0, b1, x, cols)
}

// col2imSIMD is col2imHWC with the module's kernel (after clearing dx's
// images, which it then adds to), for unpadded convolutions; it reports
// false, having done nothing, where it does not apply.
func col2imSIMD(g ConvGeometry, b0, b1 int, dcols, dx []float32) bool {
	col2im := wasmsimd.Installed().Col2im
	if col2im == nil || g.Padding != 0 || b1 <= b0 {
		return false
	}
	imgSize := g.InH * g.InW * g.InC
	clear(dx[b0*imgSize : b1*imgSize])
	return patchSIMD(col2im, g, b0, b1, dx, dcols)
}

func patchSIMD(fn wasmsimd.Func, g ConvGeometry, b0, b1 int, x, cols []float32) bool {
	if fn == nil || g.Padding != 0 || b1 <= b0 {
		return false
	}
	oh, ow := g.OutH(), g.OutW()
	imgSize, rows := g.InH*g.InW*g.InC, oh*ow
	x = x[b0*imgSize : b1*imgSize]
	cols = cols[b0*rows*g.PatchSize() : b1*rows*g.PatchSize()]
	fn(addr(x), addr(cols), b1-b0, g.InH, g.InW, g.InC, g.Kernel, g.Stride, oh, ow)
	runtime.KeepAlive(x)
	runtime.KeepAlive(cols)
	return true
}
