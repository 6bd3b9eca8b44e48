// FashionLab page: start-up and wiring. Reads the address (demo, embed,
// autostart, and every setting: see url-state.js), loads presets.json, starts the training worker and the
// canvas, routes the worker's events, and redraws what changed once per
// animation frame. window.fashionlab.state() lets tests and embedding
// pages read the state; nothing there can act on the page.

import { state, subscribe, setWorker, patch, recordError, markTime, countFrame, restartFrames } from './state.js';
import { WorkerClient, Event } from './worker-client.js';
import { LIMITS } from './protocol.js';
import { isConvolutional } from './fields.js';
import { show, dismiss } from './messages.js';
import { announce, initReasons } from './a11y.js';
import { initForm, checkForm, checkMatcher, showLimits, setConvDefaults } from './form.js';
import { drawCharts, describeCharts } from './charts.js';
import { renderView, initViews } from './figures.js';
import { redrawGallery } from './gallery.js';
import { watchCanvas } from './canvas-bridge.js';
import { loadPresets, buildNav, selectDemo, demoById } from './demos.js';
import { renderButtons, renderStatus, renderLegend, askStart } from './controls.js';
import { Training } from './training.js';
import { Visual } from './visual.js';
import { Exchange } from './exchange.js';
import { openStorage, Saved } from './saved.js';
import { parse, readWeights, readWorkers } from './url-state.js';
import { addressDefaults, writeControls, formDiffers, syncAddress } from './address.js';
import { loadGate, needsCanvas, oneAtATime, initCopy } from './embed.js';
import { initPresent } from './present.js';
import { registerOffline } from './offline.js';

const $ = (id) => document.getElementById(id);

/** readAddress applies ?demo, ?embed and ?autostart; it returns whether to autostart. */
function readAddress() {
  const params = new URLSearchParams(location.search);
  const ids = state.presets.demos.map((d) => d.id);
  const demo = params.get('demo');
  if (demo !== null && !ids.includes(demo)) show(`Unknown demo "${demo}" in the address; showing q1. Choose one of ${ids.join(', ')}.`, 'error', 'address-demo');
  else if (demo) patch({ demo }, 'demo');
  const embed = params.get('embed');
  if (embed !== null && embed !== '0' && embed !== '1') show(`The address parameter embed must be 0 or 1, not "${embed}"; showing the full page.`, 'error', 'address-embed');
  patch({ embed: embed === '1' }, 'embed');
  document.body.classList.toggle('embed', state.embed);
  const auto = params.get('autostart');
  if (auto !== null && auto !== '0' && auto !== '1') show(`The address parameter autostart must be 0 or 1, not "${auto}"; not starting.`, 'error', 'address-autostart');
  return auto === '1';
}

/**
 * readSettings parses the settings of the address against the demo's
 * defaults and the form's limits; it shows one message naming every
 * parameter refused (each keeps its default) and returns the values.
 */
function readSettings() {
  const { values, problems } = parse(location.search, LIMITS, addressDefaults(state.demo));
  if (problems.length) show(problems.map((p) => p.message).join(' '), 'error', 'address');
  return values;
}


async function main() {
  window.addEventListener('error', (e) => recordError(e.message));
  window.addEventListener('unhandledrejection', (e) => recordError(e.reason));
  initReasons();
  // The saved runs' database opens meanwhile (an embed's is its demo's own, opened later).
  const storage = new URLSearchParams(location.search).get('embed') === '1' ? null : openStorage();
  try {
    patch({ presets: await loadPresets() }, 'presets');
    performance.mark('fashionlab:presets');
  } catch (err) {
    show(`The page could not load its demos (${err.message}). Reload the page; if it persists, the site was not built completely.`, 'error', 'presets');
    return;
  }
  const autostart = readAddress();
  const settings = readSettings();
  const workers = readWorkers(location.search);
  if (workers.problem) show(workers.problem, 'error', 'address-workers');
  patch({ workers: { requested: workers.workers, forced: workers.forced, count: null, simd: null } }, 'workers');
  initPresent(() => { syncAddress(); drawCharts(); });
  await loadGate(demoById(state.demo)); // an embed waits until it is seen or asked for
  const weights = readWeights(location.search, location.href);
  if (weights.problem) show(weights.problem, 'error', 'address-weights');
  patch({ limits: LIMITS }, 'limits'); // the worker reports the same in ready

  let training, visual, exchange, saved, everReady = false;
  const client = new WorkerClient({
    start: self.fashionlabBoot.start, // index.html: the one way a worker starts
    workers: workers.forced ? workers.workers : 'auto',
    early: self.fashionlabBoot.early, // started by index.html while the page was parsed
    onEvent: (m) => {
      if (m.kind === Event.ready) return saved.ready.then(() => onReady(m));
      if (m.kind === Event.workers) return patch({ workers: Object.assign({}, state.workers, { count: m.workers, requested: m.requested, simd: m.simd }) }, 'workers');
      if (saved.handle(m) || training.handle(m) || visual.handle(m) || exchange.handle(m)) return;
      if (m.kind === Event.error) {
        const text = m.problems && m.problems.length ? m.problems.map((p) => p.message).join(' ') : m.message;
        show(m.command && m.command.startsWith('get_') && !state.networkRun ? 'That needs a trained network: start a run first.' : text, 'error', 'worker-' + (m.command || m.event || 'error'));
      }
    },
    onDeath: (why) => training.onDeath(why),
  });
  training = new Training(client);
  oneAtATime(() => training.pause());
  visual = new Visual(client);
  exchange = new Exchange(client);
  saved = new Saved(client, (runs) => { training.remove(runs); drawCharts(); describeCharts(); }, storage);

  function onReady(m) {
    patch({ ready: { train: m.train, val: m.val, test: m.test }, limits: m.limits || LIMITS }, 'ready');
    if (state.timing.readyMs === null) markTime('readyMs', performance.mark('fashionlab:ready').startTime);
    setWorker('idle');
    showLimits();
    checkForm(client);
    if (state.restarts) announce('The new training worker is ready.');
    else announce(`Ready: ${m.train.toLocaleString('en-US')} training images loaded. Press Start to train.`);
    // The network comes back: the address's weights file on the first
    // start, else the last saved run's (also after a worker restart).
    if (!everReady && weights.url) exchange.loadURL(weights.url);
    else if (everReady || !autostart) saved.restoreNetwork();
    if (!everReady && autostart) {
      syncAddress(); // autostart is dropped so a reload does not train again
      show('Training started automatically because the address says autostart=1. Press Stop to end it; reloading the page will not start again.', 'info', 'autostart');
      training.start();
    }
    // The requests for the page's panels go after an autostarted run's
    // start, which the worker then handles first.
    checkMatcher(client);
    visual.onReady();
    everReady = true;
  }

  // Controls.
  $('btn-start').addEventListener('click', () => {
    performance.mark('fashionlab:start-pressed');
    const d = demoById(state.demo);
    const name = d.id === 'custom' ? 'your configuration' : d.short;
    if (!state.current) { training.start(); return; }
    askStart(name, (answer) => {
      if (answer === 'replace') training.start('now');
      else if (answer === 'queue') training.start('queue');
      $('btn-start').focus();
    });
  });
  // Pause and Resume hand the focus to each other, so that a person on
  // the keyboard stays on the control that acts next.
  $('btn-pause').addEventListener('click', () => { training.pause(); if (document.activeElement === $('btn-pause')) $('btn-resume').focus(); });
  $('btn-resume').addEventListener('click', () => { training.resume(); if (document.activeElement === $('btn-resume')) $('btn-pause').focus(); });
  $('btn-stop').addEventListener('click', () => training.stop());

  // Demos and the form.
  const choose = (id, announceIt) => selectDemo(id, (mode) => visual.setMode(mode), announceIt);
  // Messages about the demo left behind no longer apply to the new one.
  const leftBehind = ['exchange', 'start', 'form', 'stop', 'remove', 'diverged', 'run-failed', 'resume'];
  buildNav((id) => { for (const key of leftBehind) dismiss(key); choose(id, true); syncAddress(); checkForm(client); });
  // An edit of a demo's form makes it the custom configuration, keeping what the form shows.
  initForm(client, () => {
    if (state.demo === 'custom') return;
    const shown = [...$('config-form').elements].map((el) => [el, el.value, el.checked]);
    choose('custom', true);
    for (const [el, value, checked] of shown) { el.value = value; el.checked = checked; }
    syncAddress();
  });
  const cnn = state.presets.demos.flatMap((d) => d.runs).find((r) => isConvolutional(r.config));
  if (cnn) setConvDefaults(cnn.config);
  choose(state.demo, false);
  // The address's settings: a changed form means the custom configuration.
  if (state.demo !== 'custom' && formDiffers(settings, addressDefaults(state.demo))) choose('custom', false);
  writeControls(settings);
  if (settings.view !== state.mode) visual.setMode(settings.view);
  else if (state.mode === 'lab') visual.updateLab();
  showLimits();
  checkForm(client);
  checkMatcher(client);
  // The canvas (the largest download) loads for the demos that show it.
  const loadCanvas = () => {
    const frame = $('canvas-frame');
    if (!frame.getAttribute('src') && needsCanvas(state.demo)) frame.src = frame.dataset.src;
  };
  loadCanvas();
  watchCanvas();
  initCopy();
  initViews(() => { dirty.add('all'); });
  // Offline use: the full page keeps the site once its big files are in (an embed does not download for it).
  let offlineAsked = false;
  subscribe(() => {
    if (!offlineAsked && !state.embed && state.ready && state.canvasReady) { offlineAsked = true; registerOffline(); }
    loadCanvas();
  });
  // Every change of a setting is written into the address.
  for (const ev of ['input', 'change']) document.addEventListener(ev, (e) => { if (e.target.closest('#config-form, #lab-controls')) syncAddress(); });
  subscribe((what) => { if (what === 'mode' || what === 'demo') syncAddress(); });
  syncAddress();

  // Redraw what changed, at most once per frame.
  let dirty = new Set(['all']);
  subscribe((what) => {
    dirty.add(what);
    if (what === 'steps' && state.timing.firstStepMs === null) markTime('firstStepMs', performance.mark('fashionlab:first-step').startTime);
    if (what === 'network') restartFrames(); // a run started
  });
  const frame = (t) => {
    countFrame(t);
    if (dirty.size) {
      const d = dirty;
      dirty = new Set();
      renderButtons();
      exchange.render();
      renderStatus();
      const view = d.has('runs') || d.has('epoch') || d.has('all') || d.has('demo') || d.has('present') || d.has('presets');
      if (view) { renderLegend(); describeCharts(); }
      if (view || d.has('steps')) { renderView(); drawCharts(); }
      visual.noNetworkNotes();
      if (d.has('all')) redrawGallery();
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.addEventListener('resize', () => dirty.add('all'));

  fetch('build.json', { cache: 'no-cache' }).then((r) => r.json()).then((m) => {
    $('build-info').textContent = `subset of ${m.train.toLocaleString('en-US')} training images`;
  }).catch(() => {});
}

// Read-only view of the page for tests and embedding pages.
window.fashionlab = Object.freeze({
  /** state returns a copy of what the page shows. */
  state() {
    const runs = state.runs.map((r) => ({
      id: r.id, label: r.label, demo: r.demo, status: r.status, reason: r.reason, params: r.params, stepsDone: r.stepsDone,
      epochsTotal: r.epochsTotal, imagesPerSec: r.imagesPerSec, images: r.images, seconds: r.seconds, epochs: r.epochs,
      config: r.config, settings: r.settings,
    }));
    return JSON.parse(JSON.stringify({
      demo: state.demo, embed: state.embed, present: state.present, mode: state.mode, worker: state.worker, ready: state.ready, limits: state.limits,
      errors: state.errors, messages: state.messages, form: state.form, canvasReady: state.canvasReady, restarts: state.restarts,
      equivariance: state.equivariance, maps: state.maps, predictions: state.predictions,
      workers: state.workers && state.workers.count, simd: state.workers && state.workers.simd,
      readyMs: state.timing.readyMs, firstStepMs: state.timing.firstStepMs,
      frames: { count: state.timing.frames.count, maxGapMs: state.timing.frames.maxGapMs, seconds: (performance.now() - state.timing.frames.since) / 1000 },
      saved: state.saved, queued: state.queue.map((r) => r.id), current: state.current ? state.current.id : null, networkRun: state.networkRun ? state.networkRun.id : null, runs,
    }));
  },
});

main().catch((err) => {
  recordError(err && err.stack || err);
  show(`The page failed to start: ${err.message || err}`, 'error', 'main');
});
