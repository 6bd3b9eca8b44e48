// FashionLab training worker: runs the Go wasm trainer on the data subset.
// The subset comes in parts: the first (header, labels and the first
// training images) comes from the page with the compiled program, so that
// training can start; the Go program asks for the rest
// (fashionlabFetchRest) once it has trained its first step, and receives
// it chunk by chunk as it streams in.
// Messages that arrive before Go is running are queued for it.
// Performance marks named fashionlab:… time the start-up (cmd/benchbrowser
// -timeline prints them). The globals this script and the ones it loads
// (shards.js, simd.js; shard-worker.js in the helpers) share with Go are
// the contract of wasm/protocol/globals.go: one constant per name, a test
// fails on any other.
'use strict';
self.fashionlabPending = [];
// The page starts every training worker the same way (index.html,
// fashionlabBoot.start) and tells it everything in two messages: first its
// configuration, {boot: {workers, manifest}} (workers: the count of Go
// instances that train together, or 'auto'; manifest: build.json), then
// the Go program the page compiled as it streamed in and the first part of
// the data it fetched, {boot: {module, first}}, or why it could not,
// {boot: {error}}. Commands that come before Go runs wait in
// fashionlabPending.
// fashionlabWait returns a promise with its resolve and reject.
function fashionlabWait() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {}); // awaited below; a failure is reported there
  return { promise, resolve, reject };
}
const fashionlabConfiguration = fashionlabWait();
const fashionlabProgram = fashionlabWait();
self.onmessage = (e) => {
  const boot = e.data && e.data.boot;
  if (!boot) self.fashionlabPending.push(e.data);
  else if (boot.error) for (const w of [fashionlabConfiguration, fashionlabProgram]) w.reject(new Error(boot.error));
  else if (boot.manifest) fashionlabConfiguration.resolve(boot);
  else fashionlabProgram.resolve(boot);
};

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
  // The SIMD kernel's small module is asked for at once.
  const simd = fetch('gemm-simd.wasm').then((r) => (r.ok ? r.arrayBuffer() : 'gemm-simd.wasm'), () => 'gemm-simd.wasm');
  const configuration = await fashionlabConfiguration.promise;
  const manifest = configuration.manifest;
  performance.mark('fashionlab:manifest');
  const parts = manifest.subset_parts;
  importScripts(manifest.wasm_exec, 'simd.js', 'shards.js');
  performance.mark('fashionlab:scripts');
  const go = new Go();
  fashionlabReportExit(go);
  const { first, module } = await fashionlabProgram.promise;
  performance.mark('fashionlab:subset-first-part');
  performance.mark('fashionlab:compiled');
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
