// The page's one mutable state object, its run queue, and change
// notification. Every other module reads `state` and changes it through
// the functions exported here; `state.internal` holds the little
// bookkeeping of the other modules (request sequence numbers, a timer, the
// calls waiting for the canvas, the last announcement).

import { FIELD_NAMES } from './fields.js';

const COLORS = ['#2f6fde', '#e4572e', '#29a36a', '#9b51e0', '#c98a1b', '#17a2b8', '#d6336c', '#6c757d'];

/**
 * The page's state. worker is the worker's own report: loading, idle,
 * running, paused, or dead (between a crash and its restart).
 */
export const state = {
  presets: null, // presets.json: {classes, demos}
  demo: 'q1',
  embed: false,
  present: false, // presentation mode (present.js)
  mode: 'maps',
  worker: 'loading',
  ready: null, // {train, val, test}
  limits: null, // ready.limits of the worker, when it sends them
  runs: [], // every run on the page, in order
  queue: [], // runs waiting, in order
  current: null, // the run the worker trains (or starts, or holds paused)
  networkRun: null, // the run whose network the worker holds (for maps, predictions, weights)
  nextRunId: 1,
  form: { params: null, bytes: null, problems: [], pending: true },
  predictions: null,
  maps: null,
  equivariance: null,
  labImage: null,
  weights: null,
  weightsRun: null,
  saved: {}, // run id -> {epoch, step} of its latest checkpoint kept in the browser
  canvasReady: false,
  errors: [], // uncaught exceptions of the page itself
  messages: [], // the message area's current messages: {key, text, kind}
  restarts: 0,
  workers: null, // {requested, forced, count, simd}: Go instances training a step (the worker's Workers event) and whether its SIMD kernels run
  internal: { formSeq: 0, formTimer: 0, matchSeq: 0, canvasWaiting: [], lastAnnounced: '', labMark: '' },
  timing: { readyMs: null, firstStepMs: null, frames: { count: 0, maxGapMs: 0, last: 0, since: 0 } }, // since navigation; the frame counter since the latest run started
};

const listeners = new Set();

/** subscribe calls fn(what) after every change; it returns an unsubscribe. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** changed tells the subscribers that part `what` of the state changed. */
export function changed(what) {
  for (const fn of listeners) fn(what);
}

/** setWorker records the worker's reported state. */
export function setWorker(s) {
  state.worker = s;
  changed('worker');
}

/** runById returns the run with the given id, or undefined. */
export function runById(id) {
  return state.runs.find((r) => r.id === id);
}

/**
 * addRuns puts runs [{label, config, settings, maxSteps}] on the page and
 * in the queue, behind what is already queued; it returns them.
 */
export function addRuns(specs, demo) {
  const added = specs.map((spec) => {
    const r = {
      id: state.nextRunId++, label: spec.label, demo, color: COLORS[state.runs.length % COLORS.length],
      config: spec.config, settings: spec.settings, maxSteps: spec.maxSteps || 0,
      status: 'queued', reason: '', detail: '', params: null, epochsTotal: spec.settings[FIELD_NAMES.Epochs], stepsPerEpoch: 0,
      epochs: [], stepLoss: [], stepNorm: [], smoothLoss: undefined, smoothNorm: undefined,
      stepsDone: 0, epochNow: 0, images: 0, seconds: 0, imagesPerSec: 0,
    };
    state.runs.push(r);
    state.queue.push(r);
    return r;
  });
  changed('runs');
  return added;
}

/**
 * addLoadedRun puts a network loaded from a file on the page as a run that
 * is done (it has no curves) and not queued; it returns it.
 */
export function addLoadedRun(spec) {
  const [r] = addRuns([spec], 'file');
  state.queue = state.queue.filter((q) => q !== r);
  Object.assign(r, { status: 'done', reason: 'loaded from a file', params: spec.params, layers: spec.layers });
  changed('runs');
  return r;
}

/** takeNext removes the first queued run, makes it current and returns it. */
export function takeNext() {
  const r = state.queue.shift() || null;
  state.current = r;
  if (r) r.status = 'starting';
  changed('runs');
  return r;
}

/**
 * cancelQueue marks every queued run as not started and empties the queue;
 * it returns how many there were.
 */
export function cancelQueue(why) {
  const n = state.queue.length;
  for (const r of state.queue) { r.status = 'cancelled'; r.reason = why; }
  state.queue = [];
  if (n) changed('runs');
  return n;
}

/** finishRun records how the current run (id) ended. */
export function finishRun(id, reason, detail) {
  const r = runById(id);
  if (r) { r.status = 'done'; r.reason = reason; r.detail = detail || ''; }
  if (state.current && state.current.id === id) state.current = null;
  changed('runs');
  return r;
}

/** failCurrent marks the current run as failed (it keeps its curves). */
export function failCurrent(why) {
  const r = state.current;
  if (r) { r.status = 'failed'; r.reason = why; }
  state.current = null;
  changed('runs');
  return r;
}

/**
 * ownRuns returns the runs that belong to the demo on show, which Remove
 * runs removes: its own runs (the custom view's are the custom runs and
 * the networks loaded from files, not the other questions' runs it
 * overlays).
 */
export function ownRuns() {
  return state.runs.filter((r) => r.demo === state.demo || (state.demo === 'custom' && r.demo === 'file'));
}

/**
 * removeRuns takes runs off the page and out of the queue, and what came
 * from their network; the current run stays current until the worker says
 * it ended. It returns whether the network the worker holds was theirs.
 */
export function removeRuns(runs) {
  const gone = new Set(runs);
  state.runs = state.runs.filter((r) => !gone.has(r));
  state.queue = state.queue.filter((r) => !gone.has(r));
  const network = gone.has(state.networkRun);
  if (network) Object.assign(state, { networkRun: null, predictions: null, maps: null, weights: null, weightsRun: null });
  changed('runs');
  if (network) changed('predictions');
  return network;
}

/**
 * setInternal assigns fields to state.internal, the other modules'
 * bookkeeping; nothing is drawn from it, so no subscriber is told.
 */
export function setInternal(fields) {
  Object.assign(state.internal, fields);
}

/** nextSeq increments the sequence number state.internal[name] and returns it. */
export function nextSeq(name) {
  state.internal[name] += 1;
  return state.internal[name];
}

/** recordError keeps an uncaught error of the page itself (window.fashionlab.state() shows them). */
export function recordError(text) {
  state.errors.push(String(text));
}

/** markTime records the start-up instant state.timing[name] (ms since navigation), once. */
export function markTime(name, ms) {
  if (state.timing[name] === null) state.timing[name] = ms;
}

/** countFrame counts an animation frame drawn at time t and the longest gap between two. */
export function countFrame(t) {
  const f = state.timing.frames;
  if (f.last) f.maxGapMs = Math.max(f.maxGapMs, t - f.last);
  f.last = t;
  f.count++;
}

/** restartFrames starts counting frames again (a run started). */
export function restartFrames() {
  state.timing.frames = { count: 0, maxGapMs: 0, last: 0, since: performance.now() };
}

/** patch assigns fields to the state and notifies with `what`. */
export function patch(fields, what) {
  Object.assign(state, fields);
  changed(what);
}

/** patchRun assigns fields to a run and notifies with `what`. */
export function patchRun(r, fields, what) {
  Object.assign(r, fields);
  changed(what || 'runs');
}

/** isBusy reports whether a run is starting, training or paused. */
export function isBusy() {
  return state.current !== null;
}

/** addSteps adds a steps event's statistics to run r (smoothed curves, position, speed). */
export function addSteps(r, m) {
  for (let i = 0; i < m.loss.length; i++) {
    r.smoothLoss = r.smoothLoss === undefined ? m.loss[i] : 0.9 * r.smoothLoss + 0.1 * m.loss[i];
    r.smoothNorm = r.smoothNorm === undefined ? m.grad_norm[i] : 0.9 * r.smoothNorm + 0.1 * m.grad_norm[i];
    r.stepLoss.push(r.smoothLoss);
    r.stepNorm.push(r.smoothNorm);
  }
  r.stepsDone = m.first_step + m.loss.length - 1;
  r.epochNow = Math.min(m.epoch, r.epochsTotal || m.epoch);
  r.images += m.images;
  r.seconds += m.seconds;
  if (m.seconds > 0) {
    const ips = m.images / m.seconds;
    r.imagesPerSec = r.imagesPerSec ? 0.7 * r.imagesPerSec + 0.3 * ips : ips;
  }
  changed('steps');
}

/** addEpoch adds one line of the per-epoch log to run r. */
export function addEpoch(r, m) {
  r.epochs.push({ epoch: m.epoch, train_loss: m.train_loss, train_acc: m.train_acc, val_loss: m.val_loss, val_acc: m.val_acc, grad_norm: m.grad_norm, seconds: m.seconds, zero_grad_steps: m.zero_grad_steps, steps: m.steps, images: m.images });
  changed('epoch');
}

/**
 * restoreRuns puts runs saved by an earlier visit on the page, before the
 * runs of this visit; new runs get ids after theirs.
 */
export function restoreRuns(saved) {
  state.runs = [...saved, ...state.runs];
  state.nextRunId = Math.max(state.nextRunId, ...saved.map((r) => r.id + 1));
  changed('runs');
}

/** interruptCurrent marks the current run as interrupted (it can be resumed; it keeps its curves). */
export function interruptCurrent(why) {
  const r = state.current;
  if (r) { r.status = 'interrupted'; r.reason = why; }
  state.current = null;
  changed('runs');
  return r;
}

/** resumeRun makes interrupted run r the current one again. */
export function resumeRun(r) {
  state.current = r;
  r.status = 'starting';
  r.reason = '';
  changed('runs');
}

/**
 * rewindRun cuts run r's curves back to where its checkpoint stood: the
 * log of epochs 0…epoch and the first steps steps (the smoothed curves
 * continue from their value there).
 */
export function rewindRun(r, epoch, steps) {
  r.epochs = r.epochs.slice(0, epoch + 1);
  r.stepLoss = r.stepLoss.slice(0, steps);
  r.stepNorm = r.stepNorm.slice(0, steps);
  r.smoothLoss = r.stepLoss.length ? r.stepLoss[r.stepLoss.length - 1] : undefined;
  r.smoothNorm = r.stepNorm.length ? r.stepNorm[r.stepNorm.length - 1] : undefined;
  r.stepsDone = steps;
  r.epochNow = epoch;
  changed('runs');
}

/** restartRun forgets run r's curves so that it trains again from its beginning. */
export function restartRun(r) {
  Object.assign(r, { epochs: [], stepLoss: [], stepNorm: [], smoothLoss: undefined, smoothNorm: undefined, stepsDone: 0, epochNow: 0, images: 0, seconds: 0, imagesPerSec: 0 });
  changed('runs');
}
