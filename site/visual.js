// "Inside the network": the feature-maps and equivariance-lab views of the
// canvas, their controls, and the predictions of the network the worker
// holds (which run they show is always said).

import { state, patch, subscribe, setInternal } from './state.js';
import { Command, Event } from './worker-client.js';
import { withCanvas } from './canvas-bridge.js';
import { drawGallery, drawConfusion } from './gallery.js';
import { announce } from './a11y.js';
import { isConvolutional, FIELD_NAMES } from './fields.js';

const $ = (id) => document.getElementById(id);

/** Visual owns the worker client for its requests. */
export class Visual {
  /** @param {import('./worker-client.js').WorkerClient} client */
  constructor(client) {
    this.client = client;
    $('tab-maps').addEventListener('click', () => this.setMode('maps', true));
    $('tab-lab').addEventListener('click', () => this.setMode('lab', true));
    $('btn-maps').addEventListener('click', () => this.requestMaps());
    $('image-index').addEventListener('input', () => this.checkIndex());
    $('btn-predict').addEventListener('click', () => this.requestPredictions());
    for (const id of ['lab-dx', 'lab-dy', 'lab-deg', 'lab-source', 'lab-seed']) $(id).addEventListener('input', () => this.updateLab());
    // The trained first layer follows the network: a new one (a run
    // started, a file loaded, a saved run restored) and a run's end
    // redraw it with fresh weights. Steps count too: a short run's last
    // steps can be applied after its end was.
    subscribe((what) => {
      if (what !== 'network' && what !== 'runs' && what !== 'steps') return;
      const run = state.networkRun;
      const mark = run ? `${run.id}:${run.status}:${run.stepsDone > 0}` : '';
      if (mark === state.internal.labMark) return;
      setInternal({ labMark: mark });
      if (state.weightsRun !== null) patch({ weights: null, weightsRun: null }, 'weights');
      if (state.mode === 'lab' && $('lab-source').value === 'trained') this.updateLab();
    });
  }

  /** setMode shows the feature maps or the lab. */
  setMode(mode, byUser) {
    patch({ mode }, 'mode');
    $('tab-maps').setAttribute('aria-pressed', String(mode === 'maps'));
    $('tab-lab').setAttribute('aria-pressed', String(mode === 'lab'));
    $('maps-controls').hidden = mode !== 'maps';
    $('lab-controls').hidden = mode !== 'lab';
    document.body.dataset.mode = mode;
    withCanvas((c) => c.setMode(mode));
    if (mode === 'lab') this.updateLab();
    if (byUser) announce(mode === 'lab' ? 'Equivariance lab shown.' : 'Feature maps shown.');
  }

  /** onReady sets the image range and fetches the lab's image. */
  onReady() {
    $('image-index-hint').textContent = `(0–${(state.ready.val - 1).toLocaleString('en-US')})`;
    this.client.send(Command.getImage, { set: 'train', index: 0 });
    this.checkIndex();
  }

  /** checkIndex marks an image index outside the validation set; it returns the index or null. */
  checkIndex() {
    const input = $('image-index');
    const v = Number(input.value.trim());
    const ok = state.ready && input.value.trim() !== '' && Number.isInteger(v) && v >= 0 && v < state.ready.val;
    if (!ok && state.ready) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    if (!ok && state.ready) $('maps-note').textContent = `The validation image must be a whole number from 0 to ${state.ready.val - 1}.`;
    else if ($('maps-note').dataset.kind === 'index') $('maps-note').textContent = '';
    $('maps-note').dataset.kind = ok ? '' : 'index';
    return ok ? v : null;
  }

  /** requestMaps asks for the feature maps of the chosen validation image. */
  requestMaps() {
    const index = this.checkIndex();
    if (index === null || !state.networkRun) return;
    $('maps-note').textContent = 'Fetching the feature maps…';
    this.client.send(Command.getActivations, { index });
  }

  /** requestPredictions asks for the predictions of the network the worker holds. */
  requestPredictions() {
    if (!state.networkRun) return;
    $('predict-note').textContent = 'Fetching predictions…';
    this.client.send(Command.getPredictions, { n: 60 });
  }

  /** noNetworkNotes says, beside the buttons, why they wait. */
  noNetworkNotes() {
    const waiting = 'Available once a run has started.';
    if (state.networkRun) {
      if ($('maps-note').textContent === waiting) $('maps-note').textContent = 'Choose a validation image and press Show feature maps.';
      return;
    }
    $('predict-note').textContent = 'Available once a run has started: the predictions come from a trained network.';
    if ($('maps-note').dataset.kind !== 'index') $('maps-note').textContent = waiting;
  }

  /** updateLab sends the lab's settings to the canvas and writes its numbers. */
  updateLab() {
    const dx = Number($('lab-dx').value), dy = Number($('lab-dy').value), deg = Number($('lab-deg').value);
    $('lab-dx-out').textContent = dx; $('lab-dy-out').textContent = dy; $('lab-deg-out').textContent = deg + '°';
    const source = $('lab-source').value;
    const seedInput = $('lab-seed');
    $('lab-seed-label').textContent = source === 'trained' ? 'Channel' : 'Seed';
    const stats = (t) => { $('lab-stats').textContent = t; };
    if (!state.labImage) { stats('Waiting for the training worker to send an image…'); return; }
    const seed = Number(seedInput.value.trim());
    const req = { image: state.labImage, dx, dy, degrees: deg, source, seed };
    let hint = 'Any whole number from 0 picks another random kernel.';
    let valid = seedInput.value.trim() !== '' && Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 31;
    if (source === 'trained') {
      const run = state.networkRun;
      // A CNN that has trained here, or one loaded from a file.
      if (!run || !isConvolutional(run.config) || !(run.stepsDone > 0 || run.demo === 'file')) {
        $('lab-seed-hint').textContent = 'Channel of the trained first layer: needs a CNN that has trained or was loaded from a file.';
        stats('The trained layer comes from the latest run, which must be a CNN: press Start (q1 trains one) or load a CNN\'s weights file; the lab then shows its first layer.');
        return;
      }
      const channels = run.config[FIELD_NAMES.Channels][0];
      hint = `Channel of the trained first layer: 0 to ${channels - 1} (it has ${channels}).`;
      $('lab-seed-hint').textContent = hint;
      valid = valid && seed < channels;
      if (valid && (!state.weights || state.weightsRun !== run.id)) {
        patch({ weightsRun: run.id, weights: null }, 'weights');
        this.client.send(Command.getWeights);
        stats('Fetching the trained weights…');
        return;
      }
      if (valid) Object.assign(req, { config: run.config, weight: state.weights[0].data, bias: state.weights[1].data });
    }
    $('lab-seed-hint').textContent = hint;
    if (valid) seedInput.removeAttribute('aria-invalid'); else seedInput.setAttribute('aria-invalid', 'true');
    if (!valid) { stats(`Not drawn: ${hint}`); return; }
    withCanvas(async (c) => {
      const res = await c.setLab(req); // a result, or a promise of it
      if (!res) return;
      if (res.error) { stats(res.error); return; }
      patch({ equivariance: { dx, dy, degrees: deg, source, shiftMax: res.shiftMax, rotateMax: res.rotateMax, scale: res.scale } }, 'lab');
      let text = `Interior max |difference|: shift ${res.shiftMax.toFixed(4)}, rotation ${res.rotateMax.toFixed(4)} (max |f(x)| ${res.scale.toFixed(3)}).`;
      if (res.note) text = res.note; // the canvas's own explanation (e.g. f(x) is zero)
      else if (!(res.scale > 0)) text = `f(x) is zero everywhere for this ${source === 'trained' ? 'channel' : 'seed'}: relu cut every value, so the panels are blank. Try another ${source === 'trained' ? 'channel' : 'seed'}.`;
      stats(text);
    });
  }

  /** handle applies one visual event of the worker; it returns false for other events. */
  handle(m) {
    const classes = state.presets.classes;
    switch (m.kind) {
      case Event.image:
        patch({ labImage: m.pixels }, 'lab');
        this.updateLab();
        return true;
      case Event.activations: {
        patch({ maps: { index: m.index, label: m.label, pred: m.pred, layers: m.maps.map((fm) => ({ h: fm.h, w: fm.w, c: fm.c })) } }, 'maps');
        const run = state.networkRun;
        $('maps-note').dataset.kind = '';
        $('maps-note').textContent = `Image ${m.index}: ${classes[m.label]}, predicted ${classes[m.pred]} by ${run ? `"${run.label}"` : 'the latest run'}` +
          (m.maps.length === 0 ? '. An MLP has no feature maps: choose a CNN demo.' : `; ${m.maps.length} convolution layers.`);
        withCanvas((c) => c.setMaps({ image: m.image, label: m.label, pred: m.pred, maps: m.maps }));
        return true;
      }
      case Event.predictions: {
        const total = m.confusion.reduce((a, v) => a + v, 0);
        const right = m.confusion.reduce((a, v, i) => a + (i % 11 === 0 ? v : 0), 0);
        const run = state.networkRun;
        const accuracy = total ? right / total : 0;
        patch({ predictions: { n: m.n, accuracy, run: run ? run.id : null, preds: Array.from(m.preds) } }, 'predictions');
        drawGallery(m);
        drawConfusion(m.confusion);
        const when = run ? ` of "${run.label}" after ${run.stepsDone} steps${run.status === 'running' ? ' (still training)' : ''}` : '';
        $('predict-note').textContent = `Predictions${when}: validation accuracy ${(100 * accuracy).toFixed(1)} % on ${total.toLocaleString('en-US')} images.`;
        return true;
      }
      case Event.weights:
        patch({ weights: m.tensors }, 'weights');
        this.updateLab();
        return true;
      default:
        return false;
    }
  }
}
