// FashionLab training worker: loads the Go wasm trainer and the data subset.
// Messages that arrive before Go is running are queued for it.
'use strict';
self.fashionlabPending = [];
self.onmessage = (e) => self.fashionlabPending.push(e.data);

(async () => {
  const manifest = await (await fetch('build.json', { cache: 'no-cache' })).json();
  importScripts(manifest.wasm_exec);
  importScripts('simd.js');
  const go = new Go();
  const [subset, wasm] = await Promise.all([
    fetch(manifest.subset).then((r) => {
      if (!r.ok) throw new Error(`data subset: HTTP ${r.status}`);
      return r.arrayBuffer();
    }),
    WebAssembly.instantiateStreaming(fetch(manifest.worker), go.importObject),
  ]);
  self.fashionlabSubset = new Uint8Array(subset);
  await fashionlabInstallSIMD(wasm.instance.exports.mem, 'gemm-simd.wasm');
  go.run(wasm.instance);
})().catch((err) => {
  self.postMessage({ kind: 'error', command: '', message: `The training worker could not start: ${err.message || err}` });
});
