// FashionLab SIMD kernels: instantiates gemm-simd.wasm (a WebAssembly SIMD128
// matrix-multiply kernel built by the Go package model/gemm/wasmsimd) on the
// Go instance's own memory, and exposes its kernel and packing functions as
// the globals fashionlabGemmSIMD and fashionlabGemmSIMDPackBT (which
// cmd/benchbrowser checks), and all its exports (the pooling, patch and Adam
// kernels too) as fashionlabSIMDKernels, which the Go worker's main wraps and
// installs into the model (package wasm/simdjs) before it builds a network.
// Call fashionlabInstallSIMD(goInstance.exports.mem, url) after
// instantiating Go's module and before go.run(). Without SIMD support, or if
// anything fails, it installs nothing and Go keeps its pure-Go kernel.
//
// The kernel works on Go's memory through the addresses Go passes; it keeps no
// typed-array view of that memory, so Go's memory growing (which replaces
// memory.buffer) needs no care here.
'use strict';

// A module whose only function uses SIMD128 instructions (i8x16.splat,
// i8x16.popcnt): it validates exactly where the engine supports them.
const fashionlabSIMDProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0,
  10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

// fashionlabInstallSIMD resolves to true when the kernel is installed. source
// is the module's URL or its bytes.
async function fashionlabInstallSIMD(memory, source) {
  try {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(fashionlabSIMDProbe)) {
      return false;
    }
    let bytes = source;
    if (typeof source === 'string') {
      const r = await fetch(source);
      if (!r.ok) throw new Error(`${source}: HTTP ${r.status}`);
      bytes = await r.arrayBuffer();
    }
    const { instance } = await WebAssembly.instantiate(bytes, { env: { mem: memory } });
    globalThis.fashionlabGemmSIMD = instance.exports.gemm;
    globalThis.fashionlabGemmSIMDPackBT = instance.exports.packbt;
    globalThis.fashionlabSIMDKernels = instance.exports;
    return true;
  } catch (err) {
    console.warn(`FashionLab: SIMD kernels unavailable, using pure Go: ${err.message || err}`);
    return false;
  }
}
globalThis.fashionlabInstallSIMD = fashionlabInstallSIMD;
