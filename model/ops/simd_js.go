//go:build !purego

package ops

import (
	"runtime"
	"syscall/js"
	"unsafe"

	"fashionlab/model/gemm/wasmsimd"
)

// wasmOps holds the WebAssembly SIMD128 kernels of package wasmsimd that
// the worker installed (site/simd.js), each a function value or undefined.
type wasmOps struct {
	maxPool, scatter, im2col, col2im js.Value
}

// simdOps is looked up once, at start-up: the worker installs the module
// before Go starts, and nothing changes it afterwards.
var simdOps = lookupSIMDOps()

func lookupSIMDOps() wasmOps {
	k := js.Global().Get(wasmsimd.GlobalKernelsName)
	if k.Type() != js.TypeObject {
		return wasmOps{}
	}
	fn := func(name string) js.Value {
		if f := k.Get(name); f.Type() == js.TypeFunction {
			return f
		}
		return js.Undefined()
	}
	return wasmOps{maxPool: fn(wasmsimd.ExportMaxPool), scatter: fn(wasmsimd.ExportScatter),
		im2col: fn(wasmsimd.ExportIm2col), col2im: fn(wasmsimd.ExportCol2im)}
}

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
	if simdOps.maxPool.IsUndefined() || g.C%4 != 0 || n < 1 {
		return false
	}
	inSize, outSize := g.H*g.W*g.C, g.H/2*(g.W/2)*g.C
	x, y, arg = x[:n*inSize], y[:n*outSize], arg[:n*outSize]
	r := 0
	if relu {
		r = 1
	}
	nan := simdOps.maxPool.Invoke(addr(x), addr(y), addr(arg), n, g.H, g.W, g.C, r, base, baseStep).Int()
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
	if simdOps.scatter.IsUndefined() || C%4 != 0 || n < 1 || positions < 1 {
		return false
	}
	m := n * positions * C
	d, y, dy, arg, gb = d[:n*mapSize], y[:m], dy[:m], arg[:m], gb[:C]
	simdOps.scatter.Invoke(addr(d), addr(y), addr(dy), addr(arg), addr(gb), n, positions, C, 4*mapSize)
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
	return patchSIMD(simdOps.im2col, g, b0, b1, x, cols)
}

// col2imSIMD is col2imHWC with the module's kernel (after clearing dx's
// images, which it then adds to), for unpadded convolutions; it reports
// false, having done nothing, where it does not apply.
func col2imSIMD(g ConvGeometry, b0, b1 int, dcols, dx []float32) bool {
	if simdOps.col2im.IsUndefined() || g.Padding != 0 || b1 <= b0 {
		return false
	}
	imgSize := g.InH * g.InW * g.InC
	clear(dx[b0*imgSize : b1*imgSize])
	return patchSIMD(simdOps.col2im, g, b0, b1, dx, dcols)
}

func patchSIMD(fn js.Value, g ConvGeometry, b0, b1 int, x, cols []float32) bool {
	if fn.IsUndefined() || g.Padding != 0 || b1 <= b0 {
		return false
	}
	oh, ow := g.OutH(), g.OutW()
	imgSize, rows := g.InH*g.InW*g.InC, oh*ow
	x = x[b0*imgSize : b1*imgSize]
	cols = cols[b0*rows*g.PatchSize() : b1*rows*g.PatchSize()]
	fn.Invoke(addr(x), addr(cols), b1-b0, g.InH, g.InW, g.InC, g.Kernel, g.Stride, oh, ow)
	runtime.KeepAlive(x)
	runtime.KeepAlive(cols)
	return true
}
