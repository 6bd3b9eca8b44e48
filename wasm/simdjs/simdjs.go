//go:build js

// Package simdjs plugs the WebAssembly SIMD128 module of package wasmsimd
// into Go from the top: the worker script instantiates the module next to
// Go's and sets its exports as the global object
// wasmsimd.GlobalKernelsName (site/simd.js); Install wraps them as
// wasmsimd.Kernels and installs them, so that the model's packages call
// plain Go functions and never look at JavaScript themselves. The training
// worker calls Install first thing in main; the GOOS=js test binaries of
// the model's packages call it in their tests.
package simdjs

import (
	"syscall/js"

	"fashionlab/model/gemm/wasmsimd"
)

// Lookup returns the module's exports that the worker script set, and
// whether it set them.
func Lookup() (wasmsimd.Kernels, bool) {
	exports := js.Global().Get(wasmsimd.GlobalKernelsName)
	if exports.Type() != js.TypeObject {
		return wasmsimd.Kernels{}, false
	}
	fn := func(name string) wasmsimd.Func {
		f := exports.Get(name)
		if f.Type() != js.TypeFunction {
			return nil
		}
		return func(args ...any) int {
			r := f.Invoke(args...)
			if r.Type() != js.TypeNumber {
				return 0
			}
			return r.Int()
		}
	}
	return wasmsimd.Kernels{
		Gemm:    fn(wasmsimd.ExportName),
		PackBT:  fn(wasmsimd.ExportPackName),
		MaxPool: fn(wasmsimd.ExportMaxPool),
		Scatter: fn(wasmsimd.ExportScatter),
		Im2col:  fn(wasmsimd.ExportIm2col),
		Col2im:  fn(wasmsimd.ExportCol2im),
		Adam:    fn(wasmsimd.ExportAdam),
	}, true
}

// Install installs the module's exports (wasmsimd.Install) when the worker
// script set them, and reports whether it did.
func Install() bool {
	k, ok := Lookup()
	if ok {
		wasmsimd.Install(k)
	}
	return ok
}
