//go:build js && !purego

package gemm

import (
	"runtime"
	"syscall/js"
	"unsafe"

	"fashionlab/model/gemm/wasmsimd"
)

// bestKernel returns the WebAssembly SIMD kernel when the page installed it
// (see package wasmsimd and site/simd.js), else the portable kernel.
func bestKernel() *kernel {
	if k := simdKernel(); k != nil {
		return k
	}
	return goKernel
}

// kernels lists every kernel this build can run, for tests and benchmarks.
func kernels() []*kernel {
	ks := []*kernel{goKernel}
	if k := simdKernel(); k != nil {
		ks = append(ks, k)
	}
	return ks
}

// simdKernel returns a kernel calling the SIMD128 macro-kernel the worker
// installed as the global function wasmsimd.GlobalName, or nil if there is
// none (no SIMD support in the engine, or not set up). The function is looked
// up here, once per Engine, and kept in the kernel.
//
// The k slabs are those of the portable kernel (same kc) and the module adds
// every element's products in the same order without fused multiply-adds,
// so both kernels give bit-identical results; the other block sizes only
// change the order of the work. Each call covers a whole mc×nc block, so the
// microseconds a call from Go to JavaScript costs are spread over a block's
// product; mc is larger than the portable kernel's for that reason.
func simdKernel() *kernel {
	fn := js.Global().Get(wasmsimd.GlobalName)
	if fn.Type() != js.TypeFunction {
		return nil
	}
	return &kernel{name: "wasm-simd", unit: wasmsimd.TileRows, mr: wasmsimd.TileRows, nr: wasmsimd.TileCols,
		kc: goKernel.kc, mc: 512, nc: 1024, maskCols: true,
		macro: func(bk *block) { runSIMD(fn, bk) }}
}

// runSIMD multiplies one block of packed panels with the module's kernel,
// which works on the slices in place in Go's linear memory. The slicing
// checks that every element the kernel touches is inside its slice.
func runSIMD(fn js.Value, bk *block) {
	kr := bk.kr
	ap := bk.ap[:ceilDiv(bk.mb, kr.mr)*kr.mr*bk.kb]
	bp := bk.bp[:ceilDiv(bk.nb, kr.nr)*kr.nr*bk.kb]
	c := bk.c[:(bk.mb-1)*bk.ldc+bk.nb]
	tile := bk.tile[:kr.mr*kr.nr]
	fn.Invoke(bk.kb, bk.mb, bk.nb, address(ap), address(bp), address(c), bk.ldc, bk.x.alpha, bk.beta, address(tile))
	runtime.KeepAlive(ap)
	runtime.KeepAlive(bp)
	runtime.KeepAlive(c)
	runtime.KeepAlive(tile)
}

// address is the byte offset of s[0] in the WebAssembly memory.
func address(s []float32) int { return int(uintptr(unsafe.Pointer(unsafe.SliceData(s)))) }
