// The configuration form's fields, defined once in Go (protocol.Fields,
// written by the site build into protocol.js as FORM_FIELDS): each with
// its name, section (config, settings or start), kind (choice, list,
// number or boolean), label, choices and limit. The form (form.js), the
// address (url-state.js, address.js) and a run's label are loops over
// them. Also the one list parser, the one number reader and the one
// number formatter of the page's settings. Pure functions: nothing here
// touches the page.

import { FORM_FIELDS, LIST_SYNTAX, FIELD_NAMES } from './protocol.js';

/** FIELD_NAMES are the fields' JSON names by their Go names (FIELD_NAMES.Channels), for the few places that read one field. */
export { FIELD_NAMES };

/** FIELDS are the form's fields in the form's order. */
export const FIELDS = FORM_FIELDS;

/** Kinds and sections of the fields (protocol.Fields). */
export const Kind = Object.freeze({ choice: 'choice', list: 'list', number: 'number', boolean: 'boolean' });
export const Section = Object.freeze({ config: 'config', settings: 'settings', start: 'start' });

/** fieldsOf returns the fields of a kind. */
export function fieldsOf(kind) {
  return FIELDS.filter((f) => f.kind === kind);
}

/** fieldByName returns the field named name, or undefined. */
export function fieldByName(name) {
  return FIELDS.find((f) => f.name === name);
}

/** applies reports whether field f applies to values (flat, by name): a field with a condition only when it holds. */
export function applies(f, values) {
  return !f.when || values[f.when.field] === f.when.value;
}

/** isConvolutional reports whether a configuration has the fields that apply only under a condition (a CNN's convolution layers). */
export function isConvolutional(config) {
  const conditional = FIELDS.filter((f) => f.when);
  return conditional.length > 0 && conditional.every((f) => applies(f, config || {}));
}

// Go's unicode.IsSpace, which strings.TrimSpace trims (JavaScript's trim
// differs: it keeps U+0085 and trims U+FEFF).
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING = new RegExp(`^[${GO_SPACE}]+`), TRAILING = new RegExp(`[${GO_SPACE}]+$`);

/** trimSpace is Go's strings.TrimSpace. */
function trimSpace(s) {
  return s.replace(LEADING, '').replace(TRAILING, '');
}

const INT64_MIN = -(2n ** 63n), INT64_MAX = 2n ** 63n - 1n;

/** atoi is Go's strconv.Atoi for a 64-bit int: the number, or null when Go returns an error. */
function atoi(s) {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? null : Number(n);
}

/**
 * parseList reads the text of a list field as Go's model.ParseInts does,
 * rule for rule (a test runs both on the same cases): comma-separated
 * whole numbers, "v*n" meaning n copies of v (n from 1 to
 * LIST_SYNTAX.max_count), at most LIST_SYNTAX.max_items values, checked
 * before they are made. It does not judge the values; the worker does.
 * It returns {list} or {error, item}: error is 'value' (an item is not a
 * whole number), 'count' (a bad count after *) or 'length'.
 */
export function parseList(text, syntax = LIST_SYNTAX) {
  const s = trimSpace(String(text));
  const out = [];
  if (s === '') return { list: out };
  for (const raw of s.split(',')) {
    const item = trimSpace(raw);
    const star = item.indexOf('*');
    const v = atoi(trimSpace(star < 0 ? item : item.slice(0, star)));
    if (v === null) return { error: 'value', item };
    const n = atoi(trimSpace(star < 0 ? '1' : item.slice(star + 1)));
    if (n === null || n < 1 || n > syntax.max_count) return { error: 'count', item };
    if (out.length + n > syntax.max_items) return { error: 'length', item };
    for (let i = 0; i < n; i++) out.push(v);
  }
  return { list: out };
}

/** writeList writes a list as the form does: runs longer than 8 as "v*n". */
export function writeList(list) {
  const parts = [];
  for (let i = 0; i < list.length;) {
    let j = i;
    while (j < list.length && list[j] === list[i]) j++;
    parts.push(j - i > 8 ? `${list[i]}*${j - i}` : Array(j - i).fill(list[i]).join(','));
    i = j;
  }
  return parts.join(',');
}

/** parseNumber reads a decimal number ("0.001", "1e-3"); it returns NaN for anything else (no hex, no blanks, no Infinity). */
export function parseNumber(text) {
  const t = String(text).trim();
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t) ? Number(t) : NaN;
}

/** formatNumber writes a number as a person reads it: 60,000, 0.999, 1e-8. */
export function formatNumber(v) {
  if (typeof v !== 'number') return String(v);
  return v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : v.toLocaleString('en-US');
}

/** rangeWords says the allowed values of a limit ("a whole number from 1 to 200"). */
export function rangeWords(l) {
  if (l.step) return `a multiple of ${l.step} from ${formatNumber(l.min)} to ${formatNumber(l.max)}`;
  return `${l.integer ? 'a whole number' : 'a number'} from ${formatNumber(l.min)} to ${formatNumber(l.max)}`;
}

/** holds reports whether number x is within limit l. */
export function holds(x, l) {
  return Number.isFinite(x) && x >= l.min && x <= l.max && (!l.integer || Number.isInteger(x)) && (!l.step || x % l.step === 0);
}

/** listError says why parseList refused a text ({error, item}), as a phrase to follow a field's name. */
export function listError(r) {
  if (r.error === 'count') return `the count after * in "${r.item}" must be a whole number from 1 to ${formatNumber(LIST_SYNTAX.max_count)}`;
  if (r.error === 'length') return `a list holds at most ${formatNumber(LIST_SYNTAX.max_items)} values`;
  return 'it must be whole numbers separated by commas, like 16,32,48 or 64*54';
}

/**
 * readText reads the text of a number or list field: {value} or
 * {problem} (a sentence naming the field). Only the syntax is judged;
 * the worker judges the values against the limits.
 */
export function readText(f, text) {
  if (f.kind === Kind.list) {
    const r = parseList(text);
    return r.list ? { value: r.list } : { problem: `${f.label}: ${listError(r)}.` };
  }
  const x = parseNumber(text);
  return Number.isFinite(x) ? { value: x } : { problem: `${f.label} must be a number.` };
}

/** textOf writes the value of a number or list field as the form shows it. */
export function textOf(f, value) {
  return f.kind === Kind.list ? writeList(value || []) : String(value ?? '');
}

/** zeroOf is the value of a field that a configuration or settings leaves out (JSON omitempty). */
function zeroOf(f) {
  return { [Kind.list]: [], [Kind.number]: 0, [Kind.boolean]: false, [Kind.choice]: '' }[f.kind];
}

/**
 * valuesOf returns the flat values (by field name) of a configuration,
 * settings and step limit: a field they leave out is its zero value,
 * except a field that does not apply (a convolution field of an MLP),
 * which is left undefined.
 */
export function valuesOf(config, settings, maxSteps = 0) {
  const start = {};
  for (const f of FIELDS) if (f.section === Section.start) start[f.name] = maxSteps; // the step limit
  const from = { [Section.config]: config || {}, [Section.settings]: settings || {}, [Section.start]: start };
  const v = {};
  for (const f of FIELDS) {
    const x = from[f.section][f.name];
    v[f.name] = x === undefined ? zeroOf(f) : Array.isArray(x) ? [...x] : x;
  }
  for (const f of FIELDS) if (from[f.section][f.name] === undefined && !applies(f, v)) v[f.name] = undefined;
  return v;
}

/**
 * wireOf returns the wire form of flat values: {config, settings,
 * maxSteps}, the configuration without the fields that do not apply.
 */
export function wireOf(values) {
  const config = {}, settings = {};
  let maxSteps = 0;
  for (const f of FIELDS) {
    if (values[f.name] === undefined || !applies(f, values)) continue;
    if (f.section === Section.config) config[f.name] = values[f.name];
    else if (f.section === Section.settings) settings[f.name] = values[f.name];
    else maxSteps = values[f.name];
  }
  return { config, settings, maxSteps };
}

/** brief returns a run's short label from its configuration and settings ("CNN 16,32,48 k3,3,3 dense 256,256 relu adam lr 0.001"). */
export function brief(config, settings) {
  const v = valuesOf(config, settings);
  const words = [];
  for (const f of FIELDS) {
    const x = v[f.name];
    if (!f.brief || x === undefined || !applies(f, v)) continue;
    if (f.kind === Kind.boolean) {
      if (!x) words.push(f.brief);
      continue;
    }
    if (f.kind === Kind.list && x.length === 0) continue;
    const text = f.kind === Kind.choice ? (f.choices.find((c) => c.value === x) || { label: x }).label : f.kind === Kind.list ? writeList(x) : String(x);
    words.push(f.brief.replace('{}', text));
  }
  return words.join(' ');
}
