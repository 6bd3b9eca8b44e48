// Package wasmsimd encodes a small WebAssembly module with a SIMD128
// matrix-multiply macro-kernel for the GOOS=js build of package gemm, and
// the element-wise kernels of the convolutional network's other passes and
// of Adam for packages ops and train.
//
// Go's WebAssembly port emits no SIMD instructions. This module, written
// byte by byte here (no external toolchain), imports the Go instance's
// linear memory (exported by Go as "mem", imported here as env.mem) and
// works on Go's slices in place: the address of a slice element in Go,
// uintptr(unsafe.Pointer(&s[i])), is its byte offset in that memory. The
// site's worker instantiates the module next to Go's and hands its exports
// to Go (Install), which calls the kernel once per block product (see
// package gemm).
//
// # The kernel
//
// The module exports the kernel
//
//	gemm(kb, mb, nb, a, ars, aps, apan, b, bps, bpan, bedge, c, ldc i32,
//	     alpha, beta f32, tile i32)
//
// which computes, for i < mb and j < nb,
//
//	C[i][j] = alpha·Σ_{p<kb} A(i,p)·B(p,j) + beta·C[i][j]
//
// in tiles of TileRows×TileCols. All addresses and strides are in bytes.
// A is read in place or packed, through strides: row r of row panel q (rows
// qTileRows…) at step p is at a + q·apan + r·ars + p·aps (a packed panel
// has ars = 4, aps = 4·TileRows; a row-major A has aps = 4; Aᵀ has ars = 4);
// rows past mb are never stored, and are read from the panel's first row.
// B is read TileCols contiguous values per step: a whole column panel q at
// b + q·bpan + p·bps (packed: bps = 4·TileCols; in place: the row stride),
// a partial last panel (nb not a multiple of TileCols) from a packed copy at
// bedge, 4·TileCols bytes per step, zero past nb. C is row-major with
// leading dimension ldc (in elements) at c; tile is TileRows·TileCols floats
// of scratch for edge tiles. When beta is 0, C is not read.
//
// A second function, packbt(src, lds, dst, nb, kb), packs a k slab of a
// transposed B (column j of op(B) is row j of src, lds bytes apart) into
// the column panels gemm reads, transposing 4×4 blocks in registers: the
// one packing Go would otherwise do element by element (see packKernel).
//
// Every element is summed in the order of package gemm's portable kernel
// (p ascending from 0, one multiply and one add per step, no fused
// multiply-add, which WebAssembly SIMD128 does not have), then scaled as
// alpha·sum + beta·C, so its results are bit-identical to the pure-Go path
// with the same k blocking. The module only accesses memory through the
// addresses it is given, so Go's memory growing between calls does not
// concern it.
//
// # The element-wise kernels
//
// maxpool, scatter, im2col, col2im and adam (see ops.go) each do a whole
// operation per call: the 2×2 max-pool of a chunk of images with its
// winners, its backward scatter with the bias-gradient sums, the patch
// matrix of an unpadded convolution and its adjoint, and Adam's update of
// a parameter tensor. Each computes the bits of its pure-Go twin.
// The site's worker script exposes them as the properties of the global
// object GlobalKernelsName; the worker hands them to Go's packages as
// Kernels (Install, see package fashionlab/wasm/simdjs).
package wasmsimd

// Tile shape of the macro-kernel: TileRows rows of A by TileCols columns of
// B, TileRows·TileCols/4 f32x4 accumulators (8, plus 2 B vectors and the
// broadcast A value, within the 16 vector registers of x86-64 and the 32 of
// arm64, so the engines keep them all in registers).
const (
	TileRows = 4
	TileCols = 8
)

// ExportName and ExportPackName are the names of the kernel and packing
// functions the module exports; ImportModule and ImportName name the
// memory it imports.
const (
	ExportName     = "gemm"
	ExportPackName = "packbt"
	ImportModule   = "env"
	ImportName     = "mem"
)

// FileName is the name the site build gives the module; GlobalName and
// GlobalPackName are the global functions through which the worker script
// (site/simd.js) hands its kernel and packing function to Go.
const (
	FileName       = "gemm-simd.wasm"
	GlobalName     = "fashionlabGemmSIMD"
	GlobalPackName = "fashionlabGemmSIMDPackBT"
	// GlobalKernelsName names the global object holding all the module's
	// exports, the element-wise kernels' among them (see ops.go).
	GlobalKernelsName = "fashionlabSIMDKernels"
)

// function is one function of the module: its export name, parameter and
// result types, and body.
type function struct {
	name    string
	params  []byte
	results []byte
	body    []byte
}

func i32s(n int) []byte {
	t := make([]byte, n)
	for i := range t {
		t[i] = typeI32
	}
	return t
}

// functions lists the module's functions in their index order.
func functions() []function {
	gemm := i32s(numParams)
	gemm[pAlpha], gemm[pBeta] = typeF32, typeF32
	adam := i32s(adParams)
	for i := adOmB1; i < adParams; i++ {
		adam[i] = typeF32
	}
	return []function{
		{ExportName, gemm, nil, macroKernel()},
		{ExportPackName, i32s(numPackParams), nil, packKernel()},
		{ExportMaxPool, i32s(mpParams), []byte{typeI32}, maxPoolKernel()},
		{ExportScatter, i32s(scParams), nil, scatterKernel()},
		{ExportIm2col, i32s(icParams), nil, patchKernel(false)},
		{ExportCol2im, i32s(icParams), nil, patchKernel(true)},
		{ExportAdam, adam, nil, adamKernel()},
	}
}

// Module returns the encoded module. It is deterministic: the same bytes on
// every call.
func Module() []byte {
	fns := functions()
	n := uint32(len(fns))
	var m buf
	m.byte(0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00)

	// Type section: function i has type i.
	var t buf
	t.u32(n)
	for _, f := range fns {
		t.byte(typeFunc)
		t.u32(uint32(len(f.params)))
		t.byte(f.params...)
		t.u32(uint32(len(f.results)))
		t.byte(f.results...)
	}
	m.section(1, t.b)

	// Import section: the memory, no maximum (Go's memory grows).
	var im buf
	im.u32(1)
	im.name(ImportModule)
	im.name(ImportName)
	im.byte(0x02, 0x00) // memory, limits without maximum
	im.u32(1)
	m.section(2, im.b)

	// Function section.
	var f buf
	f.u32(n)
	for i := range fns {
		f.u32(uint32(i))
	}
	m.section(3, f.b)

	// Export section.
	var ex buf
	ex.u32(n)
	for i, fn := range fns {
		ex.name(fn.name)
		ex.byte(0x00) // function
		ex.u32(uint32(i))
	}
	m.section(7, ex.b)

	// Code section.
	var c buf
	c.u32(n)
	for _, fn := range fns {
		c.u32(uint32(len(fn.body)))
		c.b = append(c.b, fn.body...)
	}
	m.section(10, c.b)
	return m.b
}
