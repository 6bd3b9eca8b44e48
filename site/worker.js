// FashionLab training worker: loads the Go wasm trainer and the data subset.
// The subset comes in parts: the first (header, labels and the first
// training images) is fetched beside the wasm binary, so that training can
// start; the Go program asks for the rest (fashionlabFetchRest) once it has
// trained its first step, and receives it chunk by chunk as it streams in.
// Messages that arrive before Go is running are queued for it.
// Performance marks named fashionlab:… time the start-up (cmd/benchbrowser
// -timeline prints them).
'use strict';
// The site build writes build.json's content here, saving a round trip;
// the worker reads build.json when it is not there.
const fashionlabManifest = null;
self.fashionlabPending = [];
// With boot=page in the worker's name, the page compiles the Go program and
// fetches the first part of the data, and sends both in its first message
// ({fashionlabBoot: {module, first} or {error}}); else the worker does.
const fashionlabBootFromPage = /(?:^|\s)boot=page(?:$|\s)/.test(self.name);
let fashionlabBooted;
const fashionlabPageBoot = new Promise((resolve) => { fashionlabBooted = resolve; });
self.onmessage = (e) => {
  if (e.data && e.data.fashionlabBoot) fashionlabBooted(e.data.fashionlabBoot);
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
async function fashionlabBoot(manifest) {
  if (fashionlabBootFromPage) {
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

/**
 * fashionlabReportExit tells the page when the Go program ends, which it
 * only does when it dies (a fatal error such as running out of memory):
 * the worker would otherwise stay silent and the page wait for ever. The
 * last lines the program wrote to stderr say why.
 */
function fashionlabReportExit(go) {
  let tail = '';
  let cause = ''; // the first "fatal error: …" or "panic: …" line
  const decoder = new TextDecoder();
  const writeSync = globalThis.fs.writeSync;
  globalThis.fs.writeSync = function (fd, buf) {
    if (fd === 2 && !cause) {
      tail = (tail + decoder.decode(buf)).slice(-4000);
      const m = /(?:fatal error|panic): [^\n]*\n/.exec(tail);
      if (m) cause = m[0].trim();
    }
    return writeSync.call(this, fd, buf);
  };
  go.exit = (code) => {
    const why = /out of memory/.test(cause)
      ? 'it ran out of memory (a WebAssembly program cannot grow past what the browser allows, at most 4 GB)'
      : `it ended with status ${code}${cause ? ` (${cause.slice(0, 120)})` : ''}`;
    self.postMessage({ kind: 'error', command: '', fatal: true, message: `the training program stopped: ${why}` });
  };
}

(async () => {
  const manifest = fashionlabManifest || await (await fetch('build.json', { cache: 'no-cache' })).json();
  performance.mark('fashionlab:manifest');
  // Everything the first step needs is asked for at once, before the
  // scripts below are read: the Go program (compiled as it streams in), the
  // first part of the data and the SIMD kernel's small module.
  const needed = fashionlabBoot(manifest);
  needed.catch(() => {}); // awaited below; reported there, not as unhandled
  const parts = manifest.subset_parts;
  const simd = fetch('gemm-simd.wasm').then((r) => (r.ok ? r.arrayBuffer() : 'gemm-simd.wasm'), () => 'gemm-simd.wasm');
  importScripts(manifest.wasm_exec, 'simd.js', 'shards.js');
  performance.mark('fashionlab:scripts');
  const go = new Go();
  fashionlabReportExit(go);
  const [first, module] = await needed;
  const instance = await WebAssembly.instantiate(module, go.importObject);
  const wasm = { module, instance };
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
  await fashionlabInstallSIMD(wasm.instance.exports.mem, await simd);
  performance.mark('fashionlab:go-run');
  go.run(wasm.instance);
})().catch((err) => {
  self.postMessage({ kind: 'error', command: '', message: `The training worker could not start: ${err.message || err}` });
});
