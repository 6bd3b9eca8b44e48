// FashionLab helper workers for data-parallel training, loaded by worker.js.
// fashionlabShardHost(module, wasmExec) prepares self.fashionlabShards; its
// start() starts workers−1 helper Web Workers (the count comes from the
// page's configuration message, a number or 'auto'), each running the training
// worker's own compiled module in helper mode (shard-worker.js). worker.js
// calls start() after the first training step or once the page has been idle
// for a moment, so the helpers' start-up stays off the path to the first step.
// The
// Go training program (wasm/worker/shards.go) drives them through
// self.fashionlabShards: begin(seq) starts a step and returns workers−1, the
// helpers there are whether or not they are ready yet (every batch is cut into
// as many shards as there are workers, so a run's numbers depend on that count
// alone, never on when a helper became ready); post(i, request) hands shard i
// to the i-th helper, or returns false when it is not ready (the Go program
// then computes that shard itself); the helpers' answers come back through
// onresult(reply); onchange(ready) says how many helpers are ready. Requests and answers move their typed arrays' buffers
// (transfer), so nothing needs cross-origin isolation. A helper that fails is
// dropped: its shard is answered with an error and the Go program computes it
// itself.
'use strict';

/**
 * fashionlabChooseWorkers returns how many workers train when the address
 * does not say, for cores logical processors (navigator.hardwareConcurrency,
 * 1 when unknown). With 2 or fewer, one: on 2 cores two workers trained
 * slower than one (MLP 0.34x, default CNN 0.83x; README "Both cores"),
 * since the page, the compositor and the shard messages need the second
 * core. With more, half of them (logical processors are often two per
 * core), at most 4.
 */
function fashionlabChooseWorkers(cores) {
  const n = Number.isInteger(cores) && cores > 0 ? cores : 1;
  return n <= 2 ? 1 : Math.min(Math.floor(n / 2), 4);
}

/**
 * fashionlabWorkerCount returns the count of workers the page asked for:
 * a whole number from 1 to 16 is itself (clamped), 'auto' the count
 * fashionlabChooseWorkers picks for cores; anything else is 1.
 */
function fashionlabWorkerCount(workers, cores) {
  if (workers === 'auto') return fashionlabChooseWorkers(cores);
  return Number.isInteger(workers) ? Math.min(Math.max(workers, 1), 16) : 1;
}

/**
 * fashionlabShardHost prepares the helpers of module (a WebAssembly.Module;
 * wasmExec is wasm_exec.js's URL) for workers (the page's count or 'auto')
 * as self.fashionlabShards and returns it, or null when the worker trains
 * alone.
 */
function fashionlabShardHost(module, wasmExec, workers) {
  const helpers = fashionlabWorkerCount(workers, navigator.hardwareConcurrency) - 1;
  if (helpers < 1) return null;
  const host = {
    workers: helpers + 1, // the training worker and its helpers
    helpers: [],
    active: [],
    answered: 0, // shards the helpers computed
    onresult: null,
    onchange: null,
    ready() { return this.helpers.filter((h) => h.ready && !h.dead).length; },
    begin() {
      this.active = this.helpers.slice();
      return helpers;
    },
    post(i, req) {
      const h = this.active[i - 1];
      if (!h || h.dead || !h.ready) return false;
      h.pending = { seq: req.seq, shard: i };
      h.worker.postMessage(req, [req.weights.buffer, req.x.buffer, req.y.buffer]);
      return true;
    },
  };
  const changed = () => { if (host.onchange) host.onchange(host.ready()); };
  /** start starts the helpers (once). */
  host.start = () => {
    if (host.helpers.length) return;
    for (let k = 0; k < helpers; k++) host.helpers.push(startHelper(k));
  };
  const startHelper = (k) => {
    const h = { worker: new Worker('shard-worker.js', { name: `helper ${k + 1}` }), ready: false, dead: false, pending: null };
    const fail = (why) => {
      if (h.dead) return;
      h.dead = true;
      h.worker.terminate();
      console.warn(`FashionLab: helper worker ${k + 1} stopped (${why}); training continues without it`);
      if (h.pending && host.onresult) host.onresult({ seq: h.pending.seq, shard: h.pending.shard, error: why });
      h.pending = null;
      changed();
    };
    h.worker.onmessage = (e) => {
      const d = e.data || {};
      if (d.ready) {
        h.ready = true;
        changed();
      } else if (d.failed) {
        fail(d.failed);
      } else {
        h.pending = null;
        if (!d.error) host.answered++;
        if (host.onresult) host.onresult(d);
      }
    };
    h.worker.onerror = (e) => {
      e.preventDefault();
      fail(e.message || 'an uncaught error');
    };
    h.worker.onmessageerror = () => fail('a message could not be read');
    h.worker.postMessage({ module, wasmExec });
    return h;
  };
  self.fashionlabShards = host;
  return host;
}
