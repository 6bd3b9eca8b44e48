// The page inside course notes: an embed (?embed=1) loads nothing heavy
// until it is visible or the reader asks for it (?load=click waits for
// the click); embeds and pages of the same site train one at a time
// (starting or resuming a run pauses the one training elsewhere, and the
// paused one says so); "Copy embed code" gives the <iframe> snippet of
// the demo as shown, with the same size and attributes as embeds.html.

import { state, subscribe, changed, setInternal } from './state.js';
import { show } from './messages.js';
import { announce } from './a11y.js';

const $ = (id) => document.getElementById(id);

/** EMBED_WIDTH is the width, in CSS pixels, the embeds are laid out for. */
export const EMBED_WIDTH = 640;

/**
 * EMBED_HEIGHTS are the iframe heights that show each demo without inner
 * scrolling at EMBED_WIDTH, with its runs' figure and answer (measured by
 * TestEmbedsFit640 and TestEachQuestionAnswersFromItsOwnRuns); none is
 * taller than 1,400 px.
 */
export const EMBED_HEIGHTS = Object.freeze({ q1: 1260, q2: 1400, q3: 1300, q4: 1400, q5: 1400, fast: 1400, custom: 1400 });

/** Keys of the address that are about the page, not the demo's settings: dropped from an embed's address. */
const PAGE_ONLY = ['embed', 'autostart', 'present', 'load'];

/** escapeHTML makes text safe inside an HTML attribute or element. */
export function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

/**
 * embedURL returns the address of an embed of the page at base (its
 * origin and path) for the settings of search (the demo and what differs
 * from its defaults).
 */
export function embedURL(base, search) {
  const params = new URLSearchParams(search);
  for (const k of PAGE_ONLY) params.delete(k);
  params.set('embed', '1');
  const text = params.toString().replace(/%2C/gi, ',').replace(/%2A/gi, '*');
  return base + '?' + text;
}

/** snippet returns the <iframe> that embeds demo (its id and title) at url. */
export function snippet(demo, url) {
  const h = EMBED_HEIGHTS[demo.id] || EMBED_HEIGHTS.custom;
  return `<iframe src="${escapeHTML(url)}" title="FashionLab: ${escapeHTML(demo.title)}" width="${EMBED_WIDTH}" height="${h}" style="max-width:100%;border:0" allow="clipboard-write"></iframe>`;
}

/** pageBase returns the address of the page without its query (…/ or …/index.html). */
export function pageBase() {
  return location.origin + location.pathname;
}

/**
 * loadGate resolves once the embed may load its worker, data and canvas:
 * at once for the full page; for an embed, when it comes into view (at
 * least a quarter of it, or all of it when it is short), or when the
 * reader presses "Load this demo" (the only way with ?load=click). The
 * card it shows names the demo and what it will download (from
 * build.json). It returns how the load was triggered.
 */
export async function loadGate(demo) {
  if (!state.embed) return 'page';
  const params = new URLSearchParams(location.search);
  const load = params.get('load');
  if (load !== null && load !== 'visible' && load !== 'click') show(`The address parameter load must be visible or click, not "${load}"; loading when visible.`, 'error', 'address-load');
  const onClick = load === 'click';
  const gate = $('embed-gate');
  document.body.classList.add('gated');
  gate.hidden = false;
  $('gate-title').textContent = demo.title;
  $('gate-text').textContent = onClick ? 'Press the button to load this demo.' : 'This demo loads when it comes into view, or now with the button.';
  fetch('build.json', { cache: 'no-cache' }).then((r) => r.json()).then((m) => {
    $('gate-size').textContent = `It downloads ${downloadWords(m, demo)}.`;
  }).catch(() => {});
  const how = await new Promise((resolve) => {
    $('btn-load').addEventListener('click', () => resolve('click'), { once: true });
    if (onClick || !('IntersectionObserver' in window)) return;
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting && e.intersectionRatio > 0)) { seen.disconnect(); resolve('visible'); }
    }, { threshold: [0, 0.25] });
    seen.observe(gate);
  });
  gate.hidden = true;
  document.body.classList.remove('gated');
  announce(`${demo.title}: loading.`);
  return how;
}

/** needsCanvas reports whether the demo's embed shows the canvas panel (the q2 and q3 embeds do not). */
export function needsCanvas(demoId) {
  return !state.embed || !['q2', 'q3'].includes(demoId);
}

/** downloadWords says what an embed of demo downloads, with the transfer sizes of build.json. */
function downloadWords(m, demo) {
  const t = m.transfer || {};
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  const worker = (t[m.worker] || 0) + (t[m.wasm_exec] || 0);
  const data = (m.subset_parts || []).reduce((s, p) => s + (t[p] || 0), 0);
  const parts = [`the training program (${mb(worker)})`, `${m.train.toLocaleString('en-US')} training images (${mb(data)})`];
  if (needsCanvas(demo.id)) parts.push(`the drawing panel (${mb(t[m.canvas] || 0)})`);
  return parts.join(', ') + '; other demos of the same site share these files';
}

/**
 * oneAtATime makes the pages and embeds of this site in one browser train
 * one at a time: when this one starts or resumes training it says so on a
 * BroadcastChannel, and one that is training pauses and says why, in its
 * messages and in its status line (state.internal.pausedWhy, until it
 * trains again). The latest start wins; a tie goes to the larger id.
 * pause() pauses the run here. When the page comes back into view (an
 * embed scrolled back to, a tab shown again), redraw() redraws it at once
 * and a pause is said again, so that nothing shown is stale.
 */
export function oneAtATime(pause, redraw = () => changed('all')) {
  const cameBack = () => {
    redraw();
    const why = state.internal.pausedWhy;
    if (why && state.worker === 'paused') {
      const text = `Paused: ${why}. Press Resume to continue here (that pauses the other).`;
      show(text, 'info', 'paused-by-other');
      announce(text);
    }
  };
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') cameBack(); });
  if (state.embed && 'IntersectionObserver' in window) {
    let seen = true;
    new IntersectionObserver((entries) => {
      const now = entries.some((e) => e.isIntersecting);
      if (now && !seen) cameBack();
      seen = now;
    }).observe(document.body);
  }
  subscribe((what) => {
    if (what === 'worker' && state.worker === 'running') setInternal({ pausedWhy: '' });
  });
  if (!('BroadcastChannel' in window)) return;
  const channel = new BroadcastChannel('fashionlab-training');
  const me = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  let since = 0; // when this one started training, 0 when it is not
  const title = () => {
    const d = state.presets.demos.find((x) => x.id === state.demo);
    return d ? d.short : state.demo;
  };
  const announceStart = () => channel.postMessage({ kind: 'training', from: me, at: since, title: title() });
  subscribe((what) => {
    if (what !== 'worker') return;
    if (state.worker === 'running' && !since) {
      since = performance.timeOrigin + performance.now();
      announceStart();
    } else if (state.worker !== 'running') since = 0;
  });
  channel.onmessage = (e) => {
    const m = e.data;
    if (!m || m.kind !== 'training' || m.from === me || !since) return;
    if (since > m.at || (since === m.at && me > m.from)) { announceStart(); return; } // this one started later: it keeps training
    pause();
    since = 0;
    setInternal({ pausedWhy: `"${m.title}" started training in another demo of this site, and one demo trains at a time so that each gets the whole processor` });
    const text = `Paused: ${state.internal.pausedWhy}. Press Resume to continue here (that pauses the other).`;
    show(text, 'info', 'paused-by-other');
    announce(text);
    redraw();
  };
}

/** initCopy wires "Copy embed code": the clipboard when allowed, else the selected snippet to copy by hand. */
export function initCopy() {
  const button = $('btn-copy-embed'), field = $('embed-code'), note = $('copy-note');
  button.addEventListener('click', async () => {
    const d = state.presets.demos.find((x) => x.id === state.demo);
    const code = snippet(d, embedURL(pageBase(), location.search));
    field.value = code;
    field.hidden = false;
    await copyOrSelect(code, field, note,
      'Copied the embed code; paste it into your notes. It is also in the field below.',
      'The browser did not allow copying: the code is selected in the field below; press Ctrl+C (⌘C) to copy it.');
  });
}

/**
 * copyOrSelect puts code on the clipboard and says so in note (copied);
 * when the browser does not allow it, it selects code in field for the
 * person to copy by hand and says that instead (selected).
 */
export async function copyOrSelect(code, field, note, copied, selected) {
  try {
    await navigator.clipboard.writeText(code);
    note.textContent = copied;
  } catch {
    field.focus();
    field.select();
    note.textContent = selected;
  }
}
