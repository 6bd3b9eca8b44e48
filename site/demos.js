// The demos of presets.json (written by the site build from Go): the
// buttons that choose one, its texts, and filling the form with its last
// run so that the form always shows what Start would train.

import { state, patch } from './state.js';
import { writeForm } from './form.js';
import { announce } from './a11y.js';

const $ = (id) => document.getElementById(id);

/** loadPresets fetches presets.json. */
export async function loadPresets() {
  const r = await fetch('presets.json', { cache: 'no-cache' });
  if (!r.ok) throw new Error(`presets.json: HTTP ${r.status}`);
  return r.json();
}

/** demoById returns the demo with the id, or undefined. */
export function demoById(id) {
  return state.presets.demos.find((d) => d.id === id);
}

/** buildNav makes one button per demo; choose(id) runs on a click. */
export function buildNav(choose) {
  const nav = $('demos');
  nav.textContent = '';
  for (const d of state.presets.demos) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.demo = d.id;
    b.textContent = d.short;
    b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => choose(d.id));
    nav.appendChild(b);
  }
}

/**
 * selectDemo shows demo id: its texts, its last run in the form, and its
 * visual mode (setMode). announceIt speaks the change.
 */
export function selectDemo(id, setMode, announceIt) {
  const d = demoById(id);
  patch({ demo: id }, 'demo');
  for (const b of document.querySelectorAll('#demos button')) b.setAttribute('aria-pressed', String(b.dataset.demo === id));
  $('demo-title').textContent = d.title;
  $('demo-text').textContent = d.text;
  $('demo-look').textContent = d.look ? `${d.id === 'custom' ? '' : 'What these runs show: '}${d.look}` : '';
  $('demo-full').textContent = d.full_scale || '';
  const runs = d.runs.length;
  $('demo-wait').textContent = d.wait ? `Start trains ${runs > 1 ? `${runs} runs, one after the other` : 'one run'}: ${d.wait}.` : '';
  if (runs) writeForm(d.runs[runs - 1].config, d.runs[runs - 1].settings);
  document.body.dataset.demo = id;
  setMode(d.mode);
  if (announceIt) announce(`${d.title} chosen.`);
}
