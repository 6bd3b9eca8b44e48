// FashionLab helper worker: runs the training worker's Go program in helper
// mode (fashionlabShardHelper) on the compiled module the training worker
// sends, then answers each shard request with the shard's gradient
// (fashionlabShard, installed by the Go program), moving the gradient's buffer
// back. Requests that arrive before Go is running wait for it.
'use strict';
self.fashionlabShardHelper = true;
let fashionlabQueue = [];

function fashionlabAnswer(req) {
  const out = self.fashionlabShard(req);
  self.postMessage(out, out.grad ? [out.grad.buffer] : []);
}

self.onmessage = (e) => {
  const d = e.data;
  if (d && d.module) {
    fashionlabStartHelper(d).catch((err) => self.postMessage({ failed: String(err.message || err) }));
  } else if (fashionlabQueue) {
    fashionlabQueue.push(d);
  } else {
    fashionlabAnswer(d);
  }
};

async function fashionlabStartHelper({ module, wasmExec }) {
  importScripts(wasmExec, 'simd.js');
  const go = new Go();
  // The Go program ends only when it dies (out of memory, say): the host
  // then answers this helper's shard with an error and goes on without it.
  go.exit = (code) => self.postMessage({ failed: `its Go program ended with status ${code}` });
  const instance = await WebAssembly.instantiate(module, go.importObject);
  await fashionlabInstallSIMD(instance.exports.mem, 'gemm-simd.wasm');
  self.fashionlabShardReady = () => {
    const queued = fashionlabQueue;
    fashionlabQueue = null;
    self.postMessage({ ready: true });
    queued.forEach(fashionlabAnswer);
  };
  go.run(instance);
}
