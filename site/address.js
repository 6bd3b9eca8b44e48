// The page's address as the record of its settings: reads the form, the
// lab's controls and the chosen panel into the values of url-state.js,
// writes them back into the controls, and keeps the address up to date
// (history.replaceState: no reload, no new history entry).

import { state } from './state.js';
import { defaultsFor, serialize, writeList, LIST_KEYS, BOOLEAN_KEYS } from './url-state.js';
import { demoById } from './demos.js';

const $ = (id) => document.getElementById(id);
const FORM_KEYS = ['net', ...LIST_KEYS, 'activation', 'optimizer', 'lr', 'momentum', 'batch_size', 'epochs', 'seed', 'train_limit', 'eval_train_size', 'max_steps', ...BOOLEAN_KEYS];
const LAB_INPUTS = { dx: 'lab-dx', dy: 'lab-dy', rot: 'lab-deg', f: 'lab-source', lab_seed: 'lab-seed' };

/** cnnDefaults returns the configuration of the first CNN of the demos (the convolution fields' defaults). */
function cnnDefaults() {
  const run = state.presets.demos.flatMap((d) => d.runs).find((r) => r.config.net === 'cnn');
  return run ? run.config : null;
}

/** addressDefaults returns the address defaults of demo id. */
export function addressDefaults(id) {
  return defaultsFor(demoById(id), cnnDefaults());
}

/** formKeys are the keys of the values that the configuration form holds. */
export { FORM_KEYS };

/**
 * readControls returns the values the page shows now; a field whose text
 * is not a number (or list of numbers) keeps the default of the demo.
 */
export function readControls() {
  const d = addressDefaults(state.demo);
  const v = { ...d };
  const f = $('config-form').elements;
  v.net = f.net.value;
  v.activation = f.activation.value;
  v.optimizer = f.optimizer.value;
  for (const k of LIST_KEYS) {
    const text = f[k].value.trim();
    const list = [];
    let ok = true;
    if (text !== '') {
      for (const item of text.split(',')) {
        const [a, n = '1'] = item.split('*').map((s) => s.trim());
        const x = Number(a), c = Number(n);
        if (a === '' || !Number.isFinite(x) || !Number.isInteger(c) || c < 1 || list.length + c > 10000) { ok = false; break; }
        for (let i = 0; i < c; i++) list.push(x);
      }
    }
    if (ok) v[k] = list;
  }
  for (const k of ['lr', 'momentum', 'batch_size', 'epochs', 'seed', 'train_limit', 'eval_train_size', 'max_steps']) {
    const text = f[k].value.trim();
    if (text !== '' && Number.isFinite(Number(text))) v[k] = Number(text);
  }
  v.normalize = f.normalize.checked;
  v.shuffle = f.shuffle.checked;
  v.dx = Number($('lab-dx').value);
  v.dy = Number($('lab-dy').value);
  v.rot = Number($('lab-deg').value);
  v.f = $('lab-source').value;
  const seed = $('lab-seed').value.trim();
  if (seed !== '' && Number.isFinite(Number(seed))) v.lab_seed = Number(seed);
  v.view = state.mode;
  return v;
}

/** writeControls puts values into the form and the lab's controls (not the panel). */
export function writeControls(v) {
  const f = $('config-form').elements;
  f.net.value = v.net;
  f.activation.value = v.activation;
  f.optimizer.value = v.optimizer;
  for (const k of LIST_KEYS) f[k].value = writeList(v[k]);
  for (const k of ['lr', 'momentum', 'batch_size', 'epochs', 'seed', 'train_limit', 'eval_train_size', 'max_steps']) f[k].value = String(v[k]);
  f.normalize.checked = v.normalize;
  f.shuffle.checked = v.shuffle;
  for (const [k, id] of Object.entries(LAB_INPUTS)) $(id).value = String(v[k]);
}

/** formDiffers reports whether values change any field of the form from defaults d. */
export function formDiffers(v, d) {
  return FORM_KEYS.some((k) => JSON.stringify(v[k]) !== JSON.stringify(d[k]));
}

/** syncAddress writes what the page shows into the address (autostart is dropped; embed, load, workers, present and weights kept). */
export function syncAddress() {
  if (!state.presets || !demoById(state.demo)) return;
  let search = serialize(readControls(), addressDefaults(state.demo));
  const load = new URLSearchParams(location.search).get('load');
  if (state.embed) search += (search ? '&' : '?') + 'embed=1';
  if (state.embed && (load === 'click' || load === 'visible')) search += '&load=' + load;
  if (state.workers && state.workers.forced) search += (search ? '&' : '?') + `workers=${state.workers.requested}`;
  if (state.present) search += (search ? '&' : '?') + 'present=1';
  const weights = new URLSearchParams(location.search).get('weights'); // a file to load stays in a shared link
  if (weights !== null) search += (search ? '&' : '?') + new URLSearchParams({ weights }).toString();
  if (search === location.search) return;
  // A URL object, not pathname + search: a path such as "//" would make
  // the relative form another host's address.
  const url = new URL(location.href);
  url.search = search;
  history.replaceState(null, '', url.href);
}
