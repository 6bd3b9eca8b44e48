// FashionLab training worker: loads the Go wasm trainer and the data subset.
// The subset comes in parts: the first (header, labels and the first
// training images) is fetched beside the wasm binary, so that training can
// start; the Go program asks for the rest (fashionlabFetchRest) once it has
// trained its first step, and receives it chunk by chunk as it streams in.
// Messages that arrive before Go is running are queued for it.
// Performance marks named fashionlab:… time the start-up (cmd/benchbrowser
// -timeline prints them). The globals this script and the ones it loads
// (shards.js, simd.js; shard-worker.js in the helpers) share with Go are
// the contract of wasm/protocol/globals.go: one constant per name, a test
// fails on any other.
'use strict';
// The site build writes build.json's content here, saving a round trip;
// the worker reads build.json when it is not there.
const fashionlabManifest = null;
self.fashionlabPending = [];
// The page's first message configures the worker: {boot: {workers,
// fromPage}} (index.html, fashionlabBoot.start). workers is the count of Go
// instances that train together, or 'auto'. With fromPage, the page
// compiles the Go program and fetches the first part of the data, and
// sends both in a second message ({boot: {module, first}} or {boot:
// {error}}); else the worker does. Commands that come before Go runs wait
// in fashionlabPending.
let fashionlabConfigured, fashionlabBooted;
const fashionlabConfiguration = new Promise((resolve) => { fashionlabConfigured = resolve; });
const fashionlabPageBoot = new Promise((resolve) => { fashionlabBooted = resolve; });
self.onmessage = (e) => {
  const boot = e.data && e.data.boot;
  if (boot && 'workers' in boot) fashionlabConfigured(boot);
  else if (boot) fashionlabBooted(boot);
  else self.fashionlabPending.push(e.data);
};

/** fashionlabFetchFirst fetches the first part of the data subset. */
function fashionlabFetchFirst(name) {
  return fetch(name).then((r) => {
    if (!r.ok) throw new Error(`data subset: HTTP ${r.status}`);
    return r.arrayBuffer();
  }).then((b) => { performance.mark('fashionlab:subset-first-part'); return b; });
}

/** fashionlabBoot returns [first part of the data, compiled module], from the page or fetched here. */
async function fashionlabBoot(manifest, configuration) {
  if (configuration.fromPage) {
    const boot = await fashionlabPageBoot;
    if (boot.error) throw new Error(boot.error);
    performance.mark('fashionlab:subset-first-part');
    performance.mark('fashionlab:compiled');
    return [boot.first, boot.module];
  }
  const compiled = WebAssembly.compileStreaming(fetch(manifest.worker))
    .then((m) => { performance.mark('fashionlab:compiled'); return m; });
  return Promise.all([fashionlabFetchFirst(manifest.subset_parts[0]), compiled]);
}

(async () => {
  const asked = fashionlabManifest || fetch('build.json', { cache: 'no-cache' }).then((r) => r.json());
  const configuration = await fashionlabConfiguration;
  const manifest = await asked;
  performance.mark('fashionlab:manifest');
  // Everything the first step needs is asked for at once, before the
  // scripts below are read: the Go program (compiled as it streams in), the
  // first part of the data and the SIMD kernel's small module.
  const needed = fashionlabBoot(manifest, configuration);
  needed.catch(() => {}); // awaited below; reported there, not as unhandled
  const parts = manifest.subset_parts;
  const simd = fetch('gemm-simd.wasm').then((r) => (r.ok ? r.arrayBuffer() : 'gemm-simd.wasm'), () => 'gemm-simd.wasm');
  importScripts(manifest.wasm_exec, 'simd.js', 'shards.js');
  performance.mark('fashionlab:scripts');
  const go = new Go();
  const [first, module] = await needed;
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const wasm = { module, instance };
  self.fashionlabSubset = new Uint8Array(first);
  // The helper workers start after the first step (which asks for the rest
  // of the data) or after a second without one.
  const shards = fashionlabShardHost(wasm.module, manifest.wasm_exec, configuration.workers);
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
  await fashionlabInstallSIMD(wasm.instance.exports.mem, await simd);
  performance.mark('fashionlab:go-run');
  go.run(wasm.instance);
})().catch((err) => {
  self.postMessage({ kind: 'error', command: '', message: `The training worker could not start: ${err.message || err}` });
});
