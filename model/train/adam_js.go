//go:build !purego

package train

import (
	"runtime"
	"syscall/js"
	"unsafe"

	"fashionlab/model/gemm/wasmsimd"
)

// adamSIMD is the module's Adam kernel the worker installed (package
// wasmsimd, site/simd.js), or undefined; it is looked up once, at start-up,
// as the worker installs the module before Go starts.
var adamSIMD = func() js.Value {
	k := js.Global().Get(wasmsimd.GlobalKernelsName)
	if k.Type() != js.TypeObject {
		return js.Undefined()
	}
	if f := k.Get(wasmsimd.ExportAdam); f.Type() == js.TypeFunction {
		return f
	}
	return js.Undefined()
}()

// adamVector updates the longest prefix of w whose length is a multiple of
// 4 with the module's kernel, one call for the whole prefix, and returns
// its length. The kernel uses adamUpdateGo's float32 operations in the
// same order (WebAssembly has no fused multiply-add; sqrt and division are
// correctly rounded), so it computes the same bits.
func adamVector(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) int {
	n := len(g) &^ 3
	if adamSIMD.IsUndefined() || n == 0 {
		return 0
	}
	w, g, m, v = w[:n], g[:n], m[:n], v[:n]
	adamSIMD.Invoke(addr(w), addr(g), addr(m), addr(v), n, 1-b1, b2, 1-b2, eps, stepSize, bc2Sqrt)
	runtime.KeepAlive(w)
	runtime.KeepAlive(g)
	runtime.KeepAlive(m)
	runtime.KeepAlive(v)
	return n
}

// addr is the byte offset of s[0] in the WebAssembly memory (s not empty).
func addr(s []float32) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }
