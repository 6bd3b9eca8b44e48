// The page's address as the record of its settings: reads the form, the
// lab's controls and the chosen panel into the values of url-state.js,
// writes them back into the controls, and keeps the address up to date
// (history.replaceState: no reload, no new history entry).

import { state } from './state.js';
import { defaultsFor, serialize, FORM_KEYS } from './url-state.js';
import { readValues, writeValues } from './form.js';
import { parseNumber, isConvolutional } from './fields.js';
import { demoById } from './demos.js';

const $ = (id) => document.getElementById(id);
const LAB_INPUTS = { dx: 'lab-dx', dy: 'lab-dy', rot: 'lab-deg', f: 'lab-source', lab_seed: 'lab-seed' };

/** cnnDefaults returns the configuration of the first CNN of the demos (the convolution fields' defaults). */
function cnnDefaults() {
  const run = state.presets.demos.flatMap((d) => d.runs).find((r) => isConvolutional(r.config));
  return run ? run.config : null;
}

/** addressDefaults returns the address defaults of demo id. */
export function addressDefaults(id) {
  return defaultsFor(demoById(id), cnnDefaults());
}

export { FORM_KEYS };

/**
 * readControls returns the values the page shows now; a field whose text
 * is not a number (or list of numbers) keeps the default of the demo.
 */
export function readControls() {
  const v = { ...addressDefaults(state.demo), ...readValues().values };
  v.dx = Number($('lab-dx').value);
  v.dy = Number($('lab-dy').value);
  v.rot = Number($('lab-deg').value);
  v.f = $('lab-source').value;
  const seed = parseNumber($('lab-seed').value);
  if (Number.isFinite(seed)) v.lab_seed = seed;
  v.view = state.mode;
  return v;
}

/** writeControls puts values into the form and the lab's controls (not the panel). */
export function writeControls(v) {
  writeValues(v);
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
