//go:build js && !purego

package gemm

import (
	"runtime"
	"unsafe"

	"fashionlab/model/gemm/wasmsimd"
)

// bestKernel returns the WebAssembly SIMD kernel when the worker installed
// it (wasmsimd.Install), else the portable kernel.
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
// installed (wasmsimd.Install), or nil if there is none (no SIMD support in
// the engine, or not set up). It is looked up here, once per Engine, and
// kept in the kernel.
//
// The k slabs are those of the portable kernel (same kc) and the module adds
// every element's products in the same order without fused multiply-adds,
// so both kernels give bit-identical results; the other block sizes only
// change the order of the work. Each call covers a whole mc×nc block, so the
// microseconds a call from Go to JavaScript costs are spread over a block's
// product; mc is larger than the portable kernel's for that reason. The
// kernel reads A in place whatever its layout (each value is broadcast
// from memory) and B in place when it is row-major, so the scalar Go
// packing runs only for Bᵀ and for partial panels.
func simdKernel() *kernel {
	k := wasmsimd.Installed()
	fn := k.Gemm
	if fn == nil {
		return nil
	}
	kr := &kernel{name: "wasm-simd", unit: wasmsimd.TileRows, mr: wasmsimd.TileRows, nr: wasmsimd.TileCols,
		kc: goKernel.kc, mc: 512, nc: 1024, inPlace: true,
		macro: func(bk block) { runSIMD(fn, &bk) }}
	if pack := k.PackBT; pack != nil {
		kr.packBT = func(x *args, p0, kb, j0, nb int, dst []float32) { packSIMD(pack, x, p0, kb, j0, nb, dst) }
	}
	return kr
}

// packSIMD packs the k slab [p0, p0+kb) of columns [j0, j0+nb) of op(B) =
// Bᵀ into panels with the module's packing function, as packB does.
func packSIMD(fn wasmsimd.Func, x *args, p0, kb, j0, nb int, dst []float32) {
	const nr = wasmsimd.TileCols
	src := x.b[j0*x.ldb+p0 : (j0+nb-1)*x.ldb+p0+kb]
	dst = dst[:ceilDiv(nb, nr)*nr*kb]
	fn(address(src), 4*x.ldb, address(dst), nb, kb)
	runtime.KeepAlive(src)
	runtime.KeepAlive(dst)
}

// runSIMD multiplies one block with the module's kernel, which works on the
// slices in place in Go's linear memory (addresses and strides in bytes).
// The indexing below checks that every element the kernel reads or writes
// is inside its slice.
func runSIMD(fn wasmsimd.Func, bk *block) {
	const f = 4 // bytes per float32
	kr, x, kb, mb, nb := bk.kr, bk.x, bk.kb, bk.mb, bk.nb
	var a []float32
	var ars, aps, apan int
	switch {
	case !bk.aIn:
		a = bk.ap[:ceilDiv(mb, kr.mr)*kr.mr*kb]
		ars, aps, apan = f, f*kr.mr, f*kr.mr*kb
	case x.transA:
		a = x.a[bk.p0*x.lda+bk.i0 : (bk.p0+kb-1)*x.lda+bk.i0+mb]
		ars, aps, apan = f, f*x.lda, f*kr.mr
	default:
		a = x.a[bk.i0*x.lda+bk.p0 : (bk.i0+mb-1)*x.lda+bk.p0+kb]
		ars, aps, apan = f*x.lda, f, f*kr.mr*x.lda
	}
	full := nb / kr.nr * kr.nr
	var b, edge []float32
	var bps, bpan int
	if bk.bIn {
		// The driver packed the partial last panel at the start of bp.
		if full > 0 {
			b = x.b[bk.p0*x.ldb+bk.j0 : (bk.p0+kb-1)*x.ldb+bk.j0+full]
		}
		bps, bpan = f*x.ldb, f*kr.nr
		if full < nb {
			edge = bk.bp[:kr.nr*kb]
		}
	} else {
		b = bk.bp[:ceilDiv(nb, kr.nr)*kr.nr*kb]
		bps, bpan = f*kr.nr, f*kr.nr*kb
		if full < nb {
			edge = b[full*kb:]
		}
	}
	c := bk.c[:(mb-1)*bk.ldc+nb]
	tile := bk.tile[:kr.mr*kr.nr]
	fn(kb, mb, nb, address(a), ars, aps, apan, address(b), bps, bpan, address(edge),
		address(c), bk.ldc, x.alpha, bk.beta, address(tile))
	runtime.KeepAlive(a)
	runtime.KeepAlive(b)
	runtime.KeepAlive(edge)
	runtime.KeepAlive(c)
	runtime.KeepAlive(tile)
}

// address is the byte offset of s[0] in the WebAssembly memory, 0 for an
// empty slice (which the kernel then does not read).
func address(s []float32) int {
	if len(s) == 0 {
		return 0
	}
	return int(uintptr(unsafe.Pointer(unsafe.SliceData(s))))
}
