// The configuration form: reads and writes the wire form of a network
// configuration and training settings, asks the worker to count and check
// them as the student types (the worker's limits are the only limits), and
// marks the fields it refuses. Also the width-to-depth helper.

import { state, patch } from './state.js';
import { Command } from './worker-client.js';
import { writeList } from './url-state.js';

const LIST_FIELDS = ['n_channels', 'kernel_sizes', 'strides', 'paddings', 'dense_hiddens'];
const CNN_FIELDS = ['n_channels', 'kernel_sizes', 'strides', 'paddings'];
const NUMBER_FIELDS = ['lr', 'momentum', 'batch_size', 'epochs', 'seed', 'train_limit', 'eval_train_size', 'max_steps'];
const NAMES = {
  n_channels: 'Channels', kernel_sizes: 'Kernel sizes', strides: 'Strides', paddings: 'Paddings', dense_hiddens: 'Dense hidden sizes',
  lr: 'Learning rate', momentum: 'SGD momentum', batch_size: 'Batch size', epochs: 'Epochs', seed: 'Seed',
  train_limit: 'Training images', eval_train_size: 'Training images evaluated per epoch', max_steps: 'Step limit',
};

const elements = () => document.getElementById('config-form').elements;

/**
 * splitList turns the text of a list field into numbers: comma-separated
 * items, "v*n" meaning n copies of v. It does not judge the values; the
 * worker does. It returns null when the text is not a list of numbers.
 */
function splitList(text, maxLen) {
  const out = [];
  if (text.trim() === '') return out;
  for (const item of text.split(',')) {
    const [v, n = '1'] = item.split('*').map((s) => s.trim());
    const value = Number(v), count = Number(n);
    if (v === '' || !Number.isFinite(value) || !Number.isInteger(count) || count < 1) return null;
    for (let i = 0; i < count && out.length <= maxLen; i++) out.push(value);
  }
  return out;
}

/**
 * readForm returns {config, settings, maxSteps, problems}: the wire form
 * of the fields, and the fields that are not numbers at all.
 */
export function readForm() {
  const f = elements();
  const problems = [];
  const maxLen = (state.limits && state.limits.n_channels && state.limits.n_channels.max_len) || 10000;
  const list = (name) => {
    const v = splitList(f[name].value, Math.max(maxLen, 10000));
    if (v === null) { problems.push({ field: name, message: `${NAMES[name]} must be whole numbers separated by commas, like 16,32,48 or 64*54.` }); return []; }
    return v;
  };
  const config = { net: f.net.value, dense_hiddens: list('dense_hiddens'), activation: f.activation.value };
  if (config.net === 'cnn') for (const k of CNN_FIELDS) config[k] = list(k);
  const number = (name) => {
    const text = f[name].value.trim();
    const v = Number(text);
    if (text === '' || !Number.isFinite(v)) { problems.push({ field: name, message: `${NAMES[name]} must be a number.` }); return 0; }
    return v;
  };
  const settings = {
    optimizer: f.optimizer.value, lr: number('lr'), momentum: number('momentum'), batch_size: number('batch_size'), epochs: number('epochs'),
    seed: number('seed'), train_limit: number('train_limit'), eval_train_size: number('eval_train_size'),
    normalize: f.normalize.checked, shuffle: f.shuffle.checked,
  };
  const maxSteps = number('max_steps');
  const l = state.limits && state.limits.max_steps;
  if (l && !problems.some((p) => p.field === 'max_steps') && (maxSteps < l.min || maxSteps > l.max || (l.integer && !Number.isInteger(maxSteps)))) {
    problems.push({ field: 'max_steps', message: `${l.label} must be a whole number from ${l.min.toLocaleString('en-US')} to ${l.max.toLocaleString('en-US')}.` });
  }
  return { config, settings, maxSteps, problems };
}

/** writeForm fills the form with a configuration and settings. */
export function writeForm(config, settings, maxSteps = 0) {
  const f = elements();
  f.net.value = config.net;
  f.activation.value = config.activation;
  f.dense_hiddens.value = writeList(config.dense_hiddens || []);
  for (const k of CNN_FIELDS) if (config[k]) f[k].value = writeList(config[k]);
  for (const k of ['lr', 'momentum', 'batch_size', 'epochs', 'seed', 'train_limit', 'eval_train_size']) f[k].value = String(settings[k] ?? '');
  f.train_limit.value = String(settings.train_limit ?? 0); // presets.json leaves out 0 (all the subset's images)
  f.optimizer.value = settings.optimizer;
  f.normalize.checked = settings.normalize;
  f.shuffle.checked = settings.shuffle;
  f.max_steps.value = String(maxSteps);
  showKind();
}

/** setConvDefaults fills the convolution fields once, so that switching Kind to CNN shows a working network. */
export function setConvDefaults(config) {
  const f = elements();
  for (const k of CNN_FIELDS) if (!f[k].value) f[k].value = writeList(config[k]);
}

/** showKind shows the convolution fields for a CNN only. */
function showKind() {
  const cnn = elements().net.value === 'cnn';
  for (const el of document.querySelectorAll('.cnn-only')) el.hidden = !cnn;
}

/** describe returns a short label of a configuration and settings. */
export function describe(config, settings) {
  const body = config.net === 'cnn' ? `CNN ${config.n_channels.join(',')} k${config.kernel_sizes.join(',')} dense ${writeList(config.dense_hiddens)}` : `MLP ${writeList(config.dense_hiddens) || 'no hidden layer'}`;
  return `${body} ${config.activation} ${settings.optimizer} lr ${settings.lr}${settings.normalize ? '' : ' raw'}`;
}

/** rangeText says a field's allowed values from the worker's limits. */
function rangeText(name) {
  const l = state.limits && state.limits[name];
  if (!l) return '';
  const fmt = (v) => (typeof v !== 'number' ? String(v) : v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : v.toLocaleString('en-US'));
  let s = l.max >= 1e12 ? `${fmt(l.min)} or more` : `${fmt(l.min)}–${fmt(l.max)}`;
  if (LIST_FIELDS.includes(name) && l.max_len) s += `, up to ${fmt(l.max_len)} layers`;
  return s;
}

/** showLimits writes each field's allowed range beside it (once limits are known). */
export function showLimits() {
  for (const name of [...LIST_FIELDS, ...NUMBER_FIELDS]) {
    const input = document.getElementById('f-' + name);
    if (!input) continue;
    let hint = document.getElementById(`f-${name}-hint`);
    if (!hint) {
      hint = document.createElement('span');
      hint.id = `f-${name}-hint`;
      hint.className = 'hint';
      input.after(hint);
    }
    const r = rangeText(name);
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
  showKind();
  clearTimeout(state.internal.formTimer);
  const seq = ++state.internal.formSeq;
  patch({ form: Object.assign({}, state.form, { pending: true }) }, 'form');
  if (state.worker === 'loading') {
    document.getElementById('param-count').textContent = '…';
    document.getElementById('param-note').textContent = '(counted by the training worker once it has loaded)';
  }
  state.internal.formTimer = setTimeout(async () => {
    const r = readForm();
    let answer;
    if (r.problems.length) {
      answer = { params: 0, bytes: 0, problems: r.problems };
    } else {
      try {
        answer = await client.request(Command.count, { config: r.config, settings: r.settings });
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
  }, 120);
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
  const seq = ++state.internal.matchSeq;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(target) || target < 1) {
    out.textContent = 'Enter a whole width and target of at least 1.';
    return;
  }
  try {
    const m = await client.request(Command.matchDepth, { width, target });
    if (seq !== state.internal.matchSeq) return;
    let text = `${m.layers.toLocaleString('en-US')} hidden layers of width ${width}: ${m.params.toLocaleString('en-US')} parameters`;
    if (m.capped) text += ` — the search stops at ${m.layers.toLocaleString('en-US')} layers, so more layers might come closer to ${target.toLocaleString('en-US')}`;
    const maxLen = state.limits && state.limits.dense_hiddens && state.limits.dense_hiddens.max_len;
    if (maxLen && m.layers > maxLen) text += `; the form trains at most ${maxLen} hidden layers`;
    out.textContent = text + '.';
  } catch (err) {
    if (seq === state.internal.matchSeq) out.textContent = 'The helper cannot answer: this training worker does not search depths.';
    console.warn('FashionLab: match_depth:', err.message);
  }
}
