// The configuration form: its fields are written by the site build from
// the field table (fields.js); this module reads and writes them as loops
// over that table, asks the worker to count and check them as the student
// types (the worker's limits are the only limits), and marks the fields
// it refuses. Also the width-to-depth helper.

import { state, patch, setInternal, nextSeq } from './state.js';
import { Command, stepLimit } from './worker-client.js';
import { FIELDS, Kind, applies, readText, textOf, valuesOf, wireOf, brief, formatNumber } from './fields.js';

const elements = () => document.getElementById('config-form').elements;

/**
 * readValues reads every field of the form: {values, problems}. values
 * holds each field's value by name (a choice's string, a checkbox's
 * boolean, a number, a list of numbers); a field whose text is not a
 * number (or list of numbers) is left out of values and gets a problem
 * naming it. The form (readForm) and the address (address.js) both read
 * the form through it.
 */
export function readValues() {
  const f = elements();
  const values = {}, problems = [];
  for (const field of FIELDS) {
    const el = f[field.name];
    if (field.kind === Kind.boolean) values[field.name] = el.checked;
    else if (field.kind === Kind.choice) values[field.name] = el.value;
    else {
      const r = readText(field, el.value);
      if (r.problem) problems.push({ field: field.name, message: r.problem });
      else values[field.name] = r.value;
    }
  }
  return { values, problems };
}

/**
 * readForm returns {config, settings, maxSteps, problems}: the wire form
 * of the fields, and the fields that are not numbers at all (only those
 * that apply: a CNN's fields are not read for an MLP).
 */
export function readForm() {
  const { values, problems } = readValues();
  const wire = wireOf(values);
  return { ...wire, problems: problems.filter((p) => applies(FIELDS.find((f) => f.name === p.field), values)) };
}

/**
 * writeValues puts values (by field name) into the form; a field whose
 * value is undefined keeps what it shows.
 */
export function writeValues(values) {
  const f = elements();
  for (const field of FIELDS) {
    const v = values[field.name];
    if (v === undefined) continue;
    if (field.kind === Kind.boolean) f[field.name].checked = Boolean(v);
    else if (field.kind === Kind.choice) f[field.name].value = v;
    else f[field.name].value = textOf(field, v);
  }
  showApplying();
}

/** writeForm fills the form with a configuration and settings (a CNN's fields keep their text for an MLP). */
export function writeForm(config, settings, maxSteps = 0) {
  writeValues(valuesOf(config, settings, maxSteps));
}

/** setConvDefaults fills the fields that only a CNN has, once, so that choosing a CNN shows a working network. */
export function setConvDefaults(config) {
  const f = elements();
  const v = valuesOf(config, {});
  for (const field of FIELDS) if (field.when && !f[field.name].value && v[field.name] !== undefined) f[field.name].value = textOf(field, v[field.name]);
}

/** showApplying shows only the fields that apply (a CNN's fields for a CNN). */
function showApplying() {
  const f = elements();
  const current = {};
  for (const field of FIELDS) if (field.kind === Kind.choice) current[field.name] = f[field.name].value;
  for (const field of FIELDS) if (field.when) f[field.name].closest('.field').hidden = !applies(field, current);
}

/** describe returns a short label of a configuration and settings. */
export function describe(config, settings) {
  return brief(config, settings);
}

/** rangeText says a field's allowed values from the worker's limits. */
function rangeText(field) {
  const l = state.limits && state.limits[field.name];
  if (!l) return '';
  let s = l.max >= 1e12 ? `${formatNumber(l.min)} or more` : `${formatNumber(l.min)}–${formatNumber(l.max)}`;
  if (field.kind === Kind.list && l.max_len) s += `, up to ${formatNumber(l.max_len)} layers`;
  return s;
}

/** showLimits writes each field's allowed range beside it (once limits are known). */
export function showLimits() {
  for (const field of FIELDS) {
    if (field.kind !== Kind.list && field.kind !== Kind.number) continue;
    const input = document.getElementById('f-' + field.name);
    if (!input) continue;
    let hint = document.getElementById(`f-${field.name}-hint`);
    if (!hint) {
      hint = document.createElement('span');
      hint.id = `f-${field.name}-hint`;
      hint.className = 'hint';
      input.after(hint);
    }
    const r = rangeText(field);
    hint.textContent = r ? `(${r})` : '';
    describeBy(input);
  }
}

/** describeBy points an input's aria-describedby at its hint and error. */
function describeBy(input) {
  const ids = [`${input.id}-hint`, `${input.id}-error`].filter((id) => document.getElementById(id));
  input.setAttribute('aria-describedby', ids.join(' '));
}

/** markProblems marks the refused fields and writes why next to each. */
export function markProblems(problems) {
  const byField = new Map();
  for (const p of problems) if (!byField.has(p.field)) byField.set(p.field, p.message);
  for (const el of document.querySelectorAll('#config-form [aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of document.querySelectorAll('#config-form .field-error')) el.remove();
  const general = [];
  // Fields a problem also concerns (the memory budget: the sizes) are
  // marked with a pointer to the problem's own sentence.
  for (const p of problems) {
    for (const f of p.also || []) if (!byField.has(f)) byField.set(f, 'This field sets how much memory training needs: see the note below the form.');
  }
  for (const [field, message] of byField) {
    const input = field && document.getElementById('f-' + field);
    if (!input || input.closest('[hidden]')) { general.push(message); continue; }
    input.setAttribute('aria-invalid', 'true');
    const err = document.createElement('span');
    err.id = `${input.id}-error`;
    err.className = 'field-error';
    err.textContent = message;
    input.closest('.field').appendChild(err);
    describeBy(input);
  }
  for (const input of document.querySelectorAll('#config-form input')) if (input.id) describeBy(input);
  document.getElementById('form-problem').textContent = general.join(' ');
}

/**
 * checkForm asks the worker to count and check the form (debounced) and
 * shows the parameter count, the memory estimate and the problems.
 */
export function checkForm(client) {
  showApplying();
  clearTimeout(state.internal.formTimer);
  const seq = nextSeq('formSeq');
  patch({ form: Object.assign({}, state.form, { pending: true }) }, 'form');
  if (state.worker === 'loading') {
    document.getElementById('param-count').textContent = '…';
    document.getElementById('param-note').textContent = '(counted by the training worker once it has loaded)';
  }
  const check = async () => {
    const r = readForm();
    let answer;
    if (r.problems.length) {
      answer = { params: 0, bytes: 0, problems: r.problems };
    } else {
      try {
        answer = await client.request(Command.count, { config: r.config, settings: r.settings, ...stepLimit(r.maxSteps) });
      } catch {
        return; // the worker restarted; the form is checked again when it is ready
      }
      if (seq !== state.internal.formSeq) return;
    }
    const problems = answer.problems || [];
    markProblems(problems);
    const params = problems.length ? null : answer.params;
    document.getElementById('param-count').textContent = params === null ? '–' : params.toLocaleString('en-US');
    let note = '';
    if (params !== null && answer.bytes) note = `(about ${formatBytes(answer.bytes)} to train)`;
    if (problems.length) note = 'see the marked fields';
    document.getElementById('param-note').textContent = note;
    patch({ form: { params, bytes: answer.bytes || null, problems, pending: false } }, 'form');
  };
  setInternal({ formTimer: setTimeout(check, 120) });
}

/** formatBytes says a byte count in MB or GB. */
function formatBytes(b) {
  return b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(b / 1e6))} MB`;
}

/** initForm wires the form's inputs. onEdit runs on every edit by the student. */
export function initForm(client, onEdit) {
  const form = document.getElementById('config-form');
  form.addEventListener('input', () => { onEdit(); checkForm(client); });
  form.addEventListener('submit', (e) => e.preventDefault());
  const matcher = () => checkMatcher(client);
  document.getElementById('match-width').addEventListener('input', matcher);
  document.getElementById('match-target').addEventListener('input', matcher);
}

/** checkMatcher asks the worker how many layers of width W match the target. */
export async function checkMatcher(client) {
  const out = document.getElementById('match-result');
  const wText = document.getElementById('match-width').value.trim(), tText = document.getElementById('match-target').value.trim();
  const width = Number(wText), target = Number(tText);
  const seq = nextSeq('matchSeq');
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(target) || target < 1) {
    out.textContent = 'Enter a whole width and target of at least 1.';
    return;
  }
  try {
    const m = await client.request(Command.matchDepth, { width, target });
    if (seq !== state.internal.matchSeq) return;
    let text = `${m.layers.toLocaleString('en-US')} hidden layers of width ${width}: ${m.params.toLocaleString('en-US')} parameters`;
    if (m.capped) text += ` — the search stops at ${m.layers.toLocaleString('en-US')} layers, so more layers might come closer to ${target.toLocaleString('en-US')}`;
    const hidden = FIELDS.find((f) => f.kind === Kind.list && !f.when); // the MLP's hidden layers
    const maxLen = hidden && state.limits && state.limits[hidden.name] && state.limits[hidden.name].max_len;
    if (maxLen && m.layers > maxLen) text += `; the form trains at most ${maxLen} hidden layers`;
    out.textContent = text + '.';
  } catch (err) {
    if (seq === state.internal.matchSeq) out.textContent = 'The helper cannot answer: this training worker does not search depths.';
    console.warn('FashionLab: match_depth:', err.message);
  }
}
