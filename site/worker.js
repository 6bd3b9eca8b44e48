// FashionLab training worker: loads the Go wasm trainer and the data subset.
// The subset comes in parts: the first (header, labels and the first
// training images) is fetched beside the wasm binary, so that training can
// start; the Go program asks for the rest (fashionlabFetchRest) once it has
// trained its first step, and receives it chunk by chunk as it streams in.
// Messages that arrive before Go is running are queued for it.
'use strict';
self.fashionlabPending = [];
self.onmessage = (e) => self.fashionlabPending.push(e.data);

(async () => {
  const manifest = await (await fetch('build.json', { cache: 'no-cache' })).json();
  importScripts(manifest.wasm_exec);
  importScripts('simd.js', 'shards.js');
  const go = new Go();
  const parts = manifest.subset_parts;
  const [first, wasm] = await Promise.all([
    fetch(parts[0]).then((r) => {
      if (!r.ok) throw new Error(`data subset: HTTP ${r.status}`);
      return r.arrayBuffer();
    }),
    WebAssembly.instantiateStreaming(fetch(manifest.worker), go.importObject),
  ]);
  self.fashionlabSubset = new Uint8Array(first);
  // The helper workers start after the first step (which asks for the rest
  // of the data) or after a second without one.
  const shards = fashionlabShardHost(wasm.module, manifest.wasm_exec);
  if (shards) setTimeout(shards.start, 1000);
  // fetchRest streams the other parts to onChunk(Uint8Array), then calls
  // onEnd('') or onEnd(message) on a failure.
  self.fashionlabFetchRest = (onChunk, onEnd) => {
    if (shards) shards.start();
    (async () => {
      for (const name of parts.slice(1)) {
        const r = await fetch(name);
        if (!r.ok) throw new Error(`data subset: HTTP ${r.status}`);
        const reader = r.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          onChunk(value);
        }
      }
      onEnd('');
    })().catch((err) => onEnd(String(err.message || err)));
  };
  await fashionlabInstallSIMD(wasm.instance.exports.mem, 'gemm-simd.wasm');
  go.run(wasm.instance);
})().catch((err) => {
  self.postMessage({ kind: 'error', command: '', message: `The training worker could not start: ${err.message || err}` });
});
