//go:build !purego

package train

import (
	"runtime"
	"unsafe"

	"fashionlab/model/gemm/wasmsimd"
)

// adamVector updates the longest prefix of w whose length is a multiple of
// 4 with the module's kernel that the worker installed (wasmsimd.Install), one call for the whole prefix, and returns
// its length. The kernel uses adamUpdateGo's float32 operations in the
// same order (WebAssembly has no fused multiply-add; sqrt and division are
// correctly rounded), so it computes the same bits.
func adamVector(w, g, m, v []float32, b1, b2, eps, stepSize, bc2Sqrt float32) int {
	n := len(g) &^ 3
	adam := wasmsimd.Installed().Adam
	if adam == nil || n == 0 {
		return 0
	}
	w, g, m, v = w[:n], g[:n], m[:n], v[:n]
	adam(addr(w), addr(g), addr(m), addr(v), n, 1-b1, b2, 1-b2, eps, stepSize, bc2Sqrt)
	runtime.KeepAlive(w)
	runtime.KeepAlive(g)
	runtime.KeepAlive(m)
	runtime.KeepAlive(v)
	return n
}

// addr is the byte offset of s[0] in the WebAssembly memory (s not empty).
func addr(s []float32) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }
