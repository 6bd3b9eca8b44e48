// The page's settings in its address: pure functions that read them from
// a query string and write them back, keeping only what differs from the
// chosen demo's defaults. The form's keys are the field table's
// (fields.js); the lab's are listed here. Nothing here touches the page.

import { FIELDS, Kind, fieldsOf, valuesOf, parseList, listError, parseNumber, formatNumber, rangeWords, holds, writeList } from './fields.js';

/** The lab's choices in the address (the form's come from the field table). */
const LAB_CHOICES = { f: ['random', 'trained'], view: ['maps', 'lab'] };

/** CHOICE_KEYS are the allowed values of every choice in the address, by key. */
export const CHOICE_KEYS = Object.freeze({ ...Object.fromEntries(fieldsOf(Kind.choice).map((f) => [f.name, f.choices.map((c) => c.value)])), ...LAB_CHOICES });
/** LIST_KEYS, NUMBER_KEYS and BOOLEAN_KEYS are the other keys of the address, by kind. */
export const LIST_KEYS = Object.freeze(fieldsOf(Kind.list).map((f) => f.name));
export const NUMBER_KEYS = Object.freeze([...fieldsOf(Kind.number).map((f) => f.name), 'dx', 'dy', 'rot', 'lab_seed']);
export const BOOLEAN_KEYS = Object.freeze(fieldsOf(Kind.boolean).map((f) => f.name));
/** FORM_KEYS are the keys of the values that the configuration form holds, in its order. */
export const FORM_KEYS = Object.freeze(FIELDS.map((f) => f.name));

/** Keys the page reads itself (the demo, embedding, autostart, training workers, presentation mode, when an embed loads, a weights file's address); parse leaves them alone. */
export const PAGE_KEYS = ['demo', 'embed', 'autostart', 'workers', 'present', 'load', 'weights'];

/** WORKER_LIMITS bound the address's workers parameter: Go instances that train one step together. */
export const WORKER_LIMITS = Object.freeze({ label: 'Training workers', min: 1, max: 8, integer: true });

/**
 * readWorkers reads the workers parameter of a query string: {workers,
 * forced, problem}. Without it (or when it is not valid, with a problem
 * sentence) workers is null and forced is false: the training worker
 * chooses the count for the computer (site/shards.js). It never throws.
 */
export function readWorkers(search) {
  const auto = { workers: null, forced: false, problem: null };
  let raw;
  try {
    raw = new URLSearchParams(String(search)).getAll('workers');
  } catch {
    return auto;
  }
  if (raw.length === 0) return auto;
  const x = parseNumber(raw[0]);
  if (!holds(x, WORKER_LIMITS)) {
    return Object.assign(auto, { problem: `The address parameter workers (${WORKER_LIMITS.label}) must be ${rangeWords(WORKER_LIMITS)}, not ${quote(raw[0])}; using the count chosen for this computer.` });
  }
  return { workers: x, forced: true, problem: raw.length > 1 ? 'The address gives workers more than once; the first value counts.' : null };
}

/** ORDER is the order of the keys in a written address. */
export const ORDER = Object.freeze([...FORM_KEYS, 'view', 'dx', 'dy', 'rot', 'f', 'lab_seed']);

/**
 * LAB_LIMITS are the limits of the equivariance lab's controls (the same
 * as their inputs' min, max and step in index.html); lab_seed is the
 * random kernel's seed or, for the trained layer, the channel.
 */
export const LAB_LIMITS = Object.freeze({
  dx: { label: 'Shift dx', min: -10, max: 10, integer: true },
  dy: { label: 'Shift dy', min: -10, max: 10, integer: true },
  rot: { label: 'Rotation', min: 0, max: 360, integer: true, step: 15 },
  lab_seed: { label: 'Lab seed or channel', min: 0, max: 2 ** 31, integer: true },
});

/** LAB_DEFAULTS are the lab's settings when the address gives none. */
export const LAB_DEFAULTS = Object.freeze({ dx: 5, dy: 5, rot: 90, f: 'random', lab_seed: 1 });

/**
 * defaultsFor returns the address defaults of a demo ({id, mode, runs}):
 * its last run's configuration and settings, no step limit, the fields
 * that do not apply to the run (a CNN's, for an MLP) from cnn (a CNN
 * configuration), the lab's defaults and the demo's panel.
 */
export function defaultsFor(demo, cnn) {
  const run = demo.runs[demo.runs.length - 1] || { config: {}, settings: {} };
  const out = valuesOf(run.config, run.settings, 0);
  const conv = valuesOf(cnn || {}, {}, 0);
  for (const f of FIELDS) if (out[f.name] === undefined) out[f.name] = conv[f.name] === undefined ? [] : conv[f.name];
  return Object.assign(out, { demo: demo.id, view: demo.mode }, LAB_DEFAULTS);
}

/** limitOf returns the range of key from the form's limits or the lab's. */
function limitOf(key, limits) {
  return LAB_LIMITS[key] || (limits && limits[key]) || null;
}

/**
 * readList reads "16,32,48" or "64*54" (54 copies of 64) within range l;
 * it returns the list or a sentence saying what is wrong.
 */
function readList(text, l) {
  const r = parseList(text);
  if (!r.list) return listError(r);
  if (r.list.length > l.max_len) return `at most ${formatNumber(l.max_len)} layers are allowed`;
  if (!r.list.every((v) => holds(v, l))) return `each value must be ${rangeWords(l)}`;
  return r.list;
}

export { writeList, rangeWords };

/** show quotes a value of the address, shortened. */
function quote(text) {
  const s = text.length > 40 ? text.slice(0, 40) + '…' : text;
  return `"${s}"`;
}

/**
 * parse reads the settings of a query string ("?lr=0.01&view=lab"):
 * values holds every key of defaults, taken from the address when it
 * gives a valid value; problems lists [{param, message}] for every value
 * out of range or unreadable (that key keeps its default) and for unknown
 * parameters. The page's own keys (PAGE_KEYS) are skipped.
 * It never throws.
 */
export function parse(search, limits, defaults) {
  const values = JSON.parse(JSON.stringify(defaults));
  const problems = [];
  let params;
  try {
    params = new URLSearchParams(String(search));
  } catch {
    return { values, problems: [{ param: '', message: 'The address could not be read; every setting keeps its default.' }] };
  }
  const seen = new Set();
  const known = new Set([...ORDER, ...PAGE_KEYS]);
  for (const [key, raw] of params) {
    if (PAGE_KEYS.includes(key)) continue;
    if (!known.has(key)) {
      problems.push({ param: key, message: `Unknown address parameter ${quote(key)} ignored; known: ${[...PAGE_KEYS, ...ORDER].join(', ')}.` });
      continue;
    }
    if (seen.has(key)) {
      problems.push({ param: key, message: `The address gives ${key} more than once; the first value counts.` });
      continue;
    }
    seen.add(key);
    const fallback = `; using the default ${JSON.stringify(defaults[key])}`;
    if (CHOICE_KEYS[key]) {
      if (CHOICE_KEYS[key].includes(raw)) values[key] = raw;
      else problems.push({ param: key, message: `The address parameter ${key} must be ${CHOICE_KEYS[key].join(' or ')}, not ${quote(raw)}${fallback}.` });
    } else if (BOOLEAN_KEYS.includes(key)) {
      if (raw === '0' || raw === '1') values[key] = raw === '1';
      else problems.push({ param: key, message: `The address parameter ${key} must be 0 or 1, not ${quote(raw)}${fallback}.` });
    } else if (LIST_KEYS.includes(key)) {
      const l = limitOf(key, limits);
      const list = l ? readList(raw, l) : 'it has no limits yet';
      if (Array.isArray(list)) values[key] = list;
      else problems.push({ param: key, message: `The address parameter ${key} (${l ? l.label : key}) is not valid: ${list}; not ${quote(raw)}${fallback}.` });
    } else {
      const l = limitOf(key, limits);
      const x = parseNumber(raw);
      if (l && holds(x, l)) values[key] = x;
      else problems.push({ param: key, message: `The address parameter ${key} (${l ? l.label : key}) must be ${l ? rangeWords(l) : 'a number'}, not ${quote(raw)}${fallback}.` });
    }
  }
  return { values, problems };
}

/**
 * readWeights reads the weights parameter of a query string: the address
 * of a model.safetensors file, absolute or relative to base (the page's
 * address), http or https. It returns {url, problem}: url is the absolute
 * address or null, problem a sentence naming the parameter and what is
 * wrong ('' when nothing is). It never throws.
 */
export function readWeights(search, base) {
  let all;
  try {
    all = new URLSearchParams(String(search)).getAll('weights');
  } catch {
    return { url: null, problem: '' };
  }
  if (!all.length) return { url: null, problem: '' };
  const raw = all[0];
  const twice = all.length > 1 ? ' The address gives weights more than once; the first value counts.' : '';
  const refuse = (why) => ({ url: null, problem: `The address parameter weights ${why}, not ${quote(raw)}; no network was loaded.${twice}` });
  if (raw.trim() === '') return refuse('must be the address of a model.safetensors file');
  let u;
  try {
    u = new URL(raw, base);
  } catch {
    return refuse('must be the address of a model.safetensors file');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return refuse('must be an http or https address');
  return { url: u.href, problem: twice.trim() };
}

/** same reports whether two values of the address are equal (numbers, strings, booleans or lists). */
function same(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  return a === b;
}

/**
 * serialize writes values as a query string ("?demo=custom&lr=0.01"):
 * the demo always, every other key of ORDER only when it differs from
 * defaults. parse(serialize(v, d), limits, d).values equals v for valid v.
 */
export function serialize(values, defaults) {
  const parts = [];
  if (values.demo) parts.push(['demo', values.demo]);
  for (const key of ORDER) {
    const v = values[key];
    if (v === undefined || same(v, defaults[key])) continue;
    if (Array.isArray(v)) parts.push([key, writeList(v)]);
    else if (typeof v === 'boolean') parts.push([key, v ? '1' : '0']);
    else parts.push([key, String(v)]);
  }
  const text = new URLSearchParams(parts).toString().replace(/%2C/gi, ',').replace(/%2A/gi, '*');
  return text ? '?' + text : '';
}
