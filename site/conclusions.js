// Each question's answer, computed from the runs of its view: which run
// plays which part (found from its settings, never from its label), the
// numbers of the latest finished run of each part, a sentence that says
// what they show (and says so plainly when they disagree with the
// homework), and a table of the page's numbers beside the native
// full-scale ones and the homework's (presets.json's references, written
// by the site build from Go). Every number shown is a <data> element
// whose value is the exact number and whose data-run and data-quantity
// say where it comes from, so that it can be checked against the run.

import { state } from './state.js';
import { FIELD_NAMES as F } from './fields.js';

/** lrName writes a learning rate as the homework does: 1e-4. */
export function lrName(lr) {
  const e = Math.round(Math.log10(lr));
  return Math.abs(lr - Math.pow(10, e)) < 1e-12 * Math.pow(10, e) ? `1e${e}` : String(lr);
}

/**
 * roleOf returns the part run r plays in question q, as the reference
 * rows name it ("lr 1e-4 normalized", "mlp 64*54", "cnn", "deep pad2"),
 * from its configuration and settings; '' when it plays none.
 */
export function roleOf(q, r) {
  const c = r.config, s = r.settings;
  if (!c || !s) return '';
  switch (q) {
    case 'q2':
      return c[F.Net] === 'mlp' ? `lr ${lrName(s[F.LearningRate])} ${s[F.Normalize] ? 'normalized' : 'raw'}` : '';
    case 'q3': {
      const h = c[F.Hidden] || [];
      if (c[F.Net] !== 'mlp') return '';
      if (h.length > 2 && h.every((w) => w === h[0])) return `mlp ${h[0]}*${h.length}`;
      return `mlp ${h.join(',')}`;
    }
    case 'q4':
      return c[F.Net];
    case 'q5': {
      if (c[F.Net] !== 'cnn') return '';
      const k = c[F.Kernels] || [];
      if (k.length === 1 && k[0] >= 28) return 'shallow';
      if (k.length && k.every((x) => x === 1)) return (c[F.Paddings] || [])[0] > 0 ? 'deep pad2' : 'deep';
      return 'default';
    }
    case 'fast':
      return 'fast';
    default:
      return '';
  }
}

/** ROLE_WORDS are the parts' names in sentences. */
const ROLE_WORDS = {
  'mlp 64*54': 'the 54-layer MLP (64 wide)', 'mlp 256,256': 'the 256,256 MLP', mlp: 'the MLP', cnn: 'the CNN',
  deep: 'deep 1×1', 'deep pad2': 'deep 1×1 with padding 2', shallow: 'shallow 28×28', default: 'default 3×3',
};

/** isFinished reports whether a run ended and logged at least one epoch. */
function isFinished(r) {
  return r.status === 'done' && r.epochs.some((e) => e.epoch > 0 && e.val_acc !== null);
}

/** lastEpoch returns a run's last logged epoch with a validation accuracy. */
export function lastEpoch(r) {
  const es = r.epochs.filter((e) => e.epoch > 0 && e.val_acc !== null);
  return es[es.length - 1];
}

/**
 * quantity returns a run's number: val_acc and train_acc at its last
 * epoch, gap (train − val there), grad_norm_min and grad_norm_max over
 * epochs 1 to the last, best_val_acc over its epochs.
 */
export function quantity(r, q) {
  const e = lastEpoch(r);
  if (!e) return NaN;
  const norms = r.epochs.filter((x) => x.epoch > 0 && Number.isFinite(x.grad_norm)).map((x) => x.grad_norm);
  switch (q) {
    case 'val_acc': return e.val_acc;
    case 'train_acc': return e.train_acc;
    case 'gap': return e.train_acc - e.val_acc;
    case 'grad_norm_min': return norms.length ? Math.min(...norms) : NaN;
    case 'grad_norm_max': return norms.length ? Math.max(...norms) : NaN;
    case 'best_val_acc': return Math.max(...r.epochs.filter((x) => x.epoch > 0 && x.val_acc !== null).map((x) => x.val_acc));
    default: return NaN;
  }
}

/**
 * decimals returns how many decimals show different values apart: 2, or
 * 3 when two of them would read the same with 2 (at most 4).
 */
export function decimals(values) {
  for (let d = 2; d < 4; d++) {
    const seen = new Set();
    let same = false;
    for (const v of new Set(values)) {
      if (!Number.isFinite(v)) continue;
      const t = v.toFixed(d);
      if (seen.has(t)) same = true;
      seen.add(t);
    }
    if (!same) return d;
  }
  return 4;
}

/** Part is a number in a sentence: {value, run, quantity, digits}. */
function num(value, run, quantityName, digits) {
  return { value, run: run ? run.id : null, quantity: quantityName, digits };
}

/** refs returns the reference rows of question q. */
function refs(q) {
  return ((state.presets && state.presets.references) || []).filter((r) => r.question === q);
}

/** refValue returns a reference number of q's part role, or undefined. */
export function refValue(q, role, quantityName, source) {
  const r = refs(q).find((x) => x.run === role && x.quantity === quantityName && x.source.startsWith(source));
  return r ? r.value : undefined;
}

/** plain writes a reference number with its own digits (0.8785, 0.095). */
function plain(v) {
  return v === undefined ? '–' : String(Number(v.toPrecision(4)));
}

/**
 * parts returns the latest finished run of each part of question q among
 * runs, and how many finished runs each part has: {role: {run, count}}.
 */
export function parts(q, runs) {
  const out = {};
  for (const r of runs) {
    if (!isFinished(r)) continue;
    const role = roleOf(q, r);
    if (!role) continue;
    out[role] = { run: r, count: (out[role] ? out[role].count : 0) + 1 };
  }
  return out;
}

/**
 * conclude returns the answer of question q from runs: {sentences: [[text
 * or number part]], agrees: true/false/null, rows: table rows} or null when
 * no run has finished yet.
 */
export function conclude(q, runs) {
  const p = parts(q, runs);
  if (!Object.keys(p).length) return null;
  const get = (role, qty) => (p[role] ? quantity(p[role].run, qty) : NaN);
  const run = (role) => (p[role] ? p[role].run : null);
  const sentences = [];
  let agrees = null;
  const say = (...bits) => sentences.push(bits);
  if (q === 'q2') {
    const lrs = [...new Set(Object.keys(p).map((role) => role.split(' ')[1]))].sort((a, b) => Number(b) - Number(a));
    let disagree = false, checked = false;
    for (const lr of lrs) {
      const n = `lr ${lr} normalized`, w = `lr ${lr} raw`;
      const vn = get(n, 'val_acc'), vr = get(w, 'val_acc');
      const d = decimals([vn, vr]);
      if (p[n] && p[w]) {
        say(`At lr ${lr}, normalized inputs reached `, num(vn, run(n), 'val_acc', d), ' validation accuracy and raw ones ', num(vr, run(w), 'val_acc', d), '.');
        const fn = refValue('q2', n, 'val_acc', 'FashionLab'), fr = refValue('q2', w, 'val_acc', 'FashionLab');
        if (lr === '1e-4') {
          checked = true;
          if (vn >= vr) say(` Normalizing helped, as it does at full scale (${plain(fn)} against ${plain(fr)}).`);
          else {
            disagree = true;
            say(` Here raw pixels did better: the opposite of the full-scale runs (${plain(fn)} against ${plain(fr)}) and of the homework's point that normalization helps. These runs do not show it; more images or epochs do.`);
          }
        } else if (lr === '1e-2') {
          checked = true;
          if (vr < 0.2 && vn >= 0.5) say(' Raw pixels saturate the softmax at this rate and stay at chance (0.10), while normalized ones train, as in the homework.');
          else if (vr < 0.2) say(' Raw pixels stayed at chance (0.10) as in the homework, but the normalized run did not train well either here.');
          else {
            disagree = true;
            say(` Raw pixels trained here, unlike at full scale (${plain(fr)}, saturated at chance).`);
          }
        }
      } else {
        for (const role of [n, w]) if (p[role]) say(`At lr ${lr}, ${role.endsWith('raw') ? 'raw' : 'normalized'} inputs reached `, num(get(role, 'val_acc'), run(role), 'val_acc', 2), ' validation accuracy.');
      }
    }
    agrees = checked ? !disagree : null;
  } else if (q === 'q3') {
    const deep = 'mlp 64*54', wide = 'mlp 256,256';
    const d = decimals([get(deep, 'val_acc'), get(wide, 'val_acc')]);
    for (const role of [deep, wide]) {
      if (!p[role]) continue;
      const g = decimals([get(role, 'grad_norm_min'), get(role, 'grad_norm_max')]);
      say(`${cap(ROLE_WORDS[role])} reached `, num(get(role, 'val_acc'), run(role), 'val_acc', d), ' validation accuracy, with a gradient norm of ',
        num(get(role, 'grad_norm_min'), run(role), 'grad_norm_min', g), '–', num(get(role, 'grad_norm_max'), run(role), 'grad_norm_max', g), ' over its epochs.');
    }
    if (p[deep] && p[wide]) {
      const ok = get(deep, 'val_acc') < 0.2 && get(wide, 'val_acc') > get(deep, 'val_acc') + 0.2;
      agrees = ok;
      say(ok ? ' As the homework says, the deep narrow network stays at chance (0.10) with a small, flat gradient while the wide one trains: the same parameters, but 54 layers pass almost no gradient back to the first.'
        : ` These runs do not show the homework's point (at full scale: ${plain(refValue('q3', deep, 'val_acc', 'FashionLab'))} for the 54-layer MLP against ${plain(refValue('q3', wide, 'val_acc', 'FashionLab'))}).`);
    }
  } else if (q === 'q4') {
    const vals = ['mlp', 'cnn'].flatMap((role) => [get(role, 'train_acc'), get(role, 'val_acc'), get(role, 'gap')]);
    const d = decimals(vals);
    for (const role of ['mlp', 'cnn']) {
      if (!p[role]) continue;
      say(`${cap(ROLE_WORDS[role])} reached `, num(get(role, 'train_acc'), run(role), 'train_acc', d), ' on training images and ', num(get(role, 'val_acc'), run(role), 'val_acc', d),
        ' on validation ones: a gap of ', num(get(role, 'gap'), run(role), 'gap', d), '. ');
    }
    if (p.mlp && p.cnn) {
      const more = get('mlp', 'gap') > get('cnn', 'gap');
      const rm = refValue('q4', 'mlp', 'train_acc', 'homework') - refValue('q4', 'mlp', 'val_acc', 'homework');
      const rc = refValue('q4', 'cnn', 'train_acc', 'homework') - refValue('q4', 'cnn', 'val_acc', 'homework');
      say(more ? `The MLP overfits more, as in the homework's report (gaps of ${plain(rm)} and ${plain(rc)} after about 50 epochs).`
        : `Here the CNN's gap is the larger one: unlike the homework's report (MLP ${plain(rm)}, CNN ${plain(rc)} after about 50 epochs), these runs do not show the MLP overfitting more.`);
      if (get('cnn', 'val_acc') < get('mlp', 'val_acc')) say(` The CNN's validation accuracy is still below the MLP's after these few epochs; the homework's CNN passes it only after about 50 (${plain(refValue('q4', 'cnn', 'val_acc', 'homework'))} against ${plain(refValue('q4', 'mlp', 'val_acc', 'homework'))}).`);
      else say(' The CNN also generalizes better, as the homework reports.');
      agrees = more;
    }
  } else if (q === 'q5') {
    const order = ['shallow', 'default', 'deep pad2', 'deep'].filter((role) => p[role]);
    const byPage = [...order].sort((a, b) => get(b, 'val_acc') - get(a, 'val_acc'));
    const d = decimals(order.map((role) => get(role, 'val_acc')));
    say('Validation accuracy, best first:');
    byPage.forEach((role, i) => say(`${i ? ', ' : ''}${ROLE_WORDS[role]} `, num(get(role, 'val_acc'), run(role), 'val_acc', d)));
    say('.');
    if (order.length > 1) {
      agrees = byPage.every((role, i) => role === order[i]);
      const native = order.map((role) => `${ROLE_WORDS[role]} ${plain(refValue('q5', role, 'val_acc', 'FashionLab'))}`).join(', ');
      say(agrees ? ` The same order as the full-scale runs (${native}).` : ` The full-scale runs give a different order (${native}); these runs do not show it.`);
      if (p.deep) say(' The deep 1×1 network lags because each 2×2 pool rounds down (28, 14, 7, 3, 1): only the top-left 16×16 pixels reach its classifier; padding 2 makes every pool exact.');
    }
  } else if (q === 'fast') {
    const r = Object.values(p)[0];
    if (!r) return null;
    const v = quantity(r.run, 'val_acc'), best = quantity(r.run, 'best_val_acc');
    const d = decimals([v, best]);
    const at = r.run.epochs.find((e) => e.epoch > 0 && e.val_acc === best);
    say('The run ended at ', num(v, r.run, 'val_acc', d), ` validation accuracy; its best epoch, epoch ${at ? at.epoch : '–'}, reached `, num(best, r.run, 'best_val_acc', d), '.');
    // With "Keep the best epoch" the run's result (its list entry, predictions and weights) is that epoch's.
    const kept = !!(r.run.settings && r.run.settings[F.KeepBest]);
    agrees = (kept ? best : v) >= 0.88;
    if (kept) say(agrees ? ' The run keeps that epoch\'s weights, so its result keeps the 0.88 it promises.' : ' Even its best epoch did not reach 0.88 this time.');
    else say(agrees ? ' It keeps the 0.88 it promises.' : ' It did not end at 0.88 this time.');
  }
  const repeated = Object.values(p).filter((x) => x.count > 1).length;
  if (repeated) say(' Where a run was trained more than once, the numbers are of its latest run; the figure shows them all.');
  // Sentences follow one another with one space.
  for (const bits of sentences) if (typeof bits[0] === 'string') bits[0] = bits[0].trimStart();
  for (let i = 1; i < sentences.length; i++) {
    const prev = sentences[i - 1][sentences[i - 1].length - 1];
    if (typeof prev === 'string' && /[.!?:]$/.test(prev) && typeof sentences[i][0] === 'string') sentences[i][0] = ' ' + sentences[i][0];
  }
  return { sentences, agrees, rows: table(q, p) };
}

/** cap starts a sentence with a capital. */
function cap(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** QUANTITY_WORDS name the quantities in the table. */
const QUANTITY_WORDS = { val_acc: 'validation accuracy', train_acc: 'training accuracy', grad_norm_min: 'least gradient norm', grad_norm_max: 'largest gradient norm' };

/** TABLE_WORDS are the parts' short names in the table. */
const TABLE_WORDS = { 'mlp 64*54': 'MLP 64×54', 'mlp 256,256': 'MLP 256,256', mlp: 'MLP', cnn: 'CNN', deep: 'deep 1×1', 'deep pad2': 'deep 1×1, padding 2', shallow: 'shallow 28×28', default: 'default 3×3' };

/** sigDigits returns the decimals that write v with three significant digits, at least two. */
function sigDigits(v) {
  return Number.isFinite(v) && v > 0 ? Math.max(2, 2 - Math.floor(Math.log10(v))) : 2;
}

/**
 * table returns rows {role, quantity, here: part, native, pytorch,
 * report} for every reference number of question q, with the page's
 * number of the part's latest finished run.
 */
function table(q, p) {
  const rows = new Map();
  for (const ref of refs(q)) {
    const key = `${ref.run}|${ref.quantity}`;
    if (!rows.has(key)) {
      const r = p[ref.run] ? p[ref.run].run : null;
      const v = r ? quantity(r, ref.quantity) : NaN;
      rows.set(key, { role: ref.run, quantity: QUANTITY_WORDS[ref.quantity] || ref.quantity, here: r ? num(v, r, ref.quantity, ref.quantity.startsWith('grad') ? sigDigits(v) : 3) : null });
    }
    const row = rows.get(key);
    const source = ref.source.startsWith('FashionLab') ? 'native' : ref.source.startsWith('PyTorch') ? 'pytorch' : 'report';
    if (row[source] !== undefined) continue; // the first row of a source (PyTorch's 20 epochs in q4, as the native run)
    row[source] = plain(ref.value);
    row.epochs = row.epochs || {};
    row.epochs[source] = ref.epoch ? `${ref.epoch} epochs` : 'about 50 epochs';
  }
  // Each part's rows together, in the order the parts first appear.
  const order = [...new Set([...rows.values()].map((row) => row.role))];
  return [...rows.values()].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
}

/** dataElement returns a number part as a <data> element. */
function dataElement(part) {
  const el = document.createElement('data');
  el.value = String(part.value);
  if (part.run !== null) el.dataset.run = String(part.run);
  el.dataset.quantity = part.quantity;
  el.textContent = Number.isFinite(part.value) ? part.value.toFixed(part.digits) : '–';
  return el;
}

/**
 * renderConclusion writes question q's answer from runs into el: the
 * sentences, then the table of the page's numbers beside the native and
 * the homework's. It returns the conclusion (null before any run ends).
 */
export function renderConclusion(target, q, runs) {
  const el = document.createElement('div');
  const c = conclude(q, runs);
  fillConclusion(el, q, c);
  // Only a changed answer replaces the shown one (it is a live region).
  if (target.innerHTML !== el.innerHTML) target.replaceChildren(...el.childNodes);
  target.dataset.agrees = el.dataset.agrees;
  return c;
}

/** fillConclusion writes conclusion c of question q into el. */
function fillConclusion(el, q, c) {
  el.dataset.agrees = c && c.agrees !== null ? String(c.agrees) : '';
  if (!c) {
    const anyRef = refs(q).length;
    if (q !== 'q1' && q !== 'custom' && (anyRef || q === 'fast')) {
      const p = document.createElement('p');
      p.className = 'pending';
      p.textContent = 'The answer appears here, computed from your runs, once they finish.';
      el.appendChild(p);
    }
    return;
  }
  const p = document.createElement('p');
  p.className = 'answer';
  for (const s of c.sentences) for (const bit of s) p.append(typeof bit === 'string' ? bit : dataElement(bit));
  el.appendChild(p);
  if (c.agrees === false) {
    const w = document.createElement('p');
    w.className = 'disagrees';
    w.textContent = q === 'fast' ? 'This run fell short of the 0.88 this demo promises.'
      : 'Your runs disagree with the homework here: the sentence above says where. Runs this short move with the seed; press Start again, or try more images in Custom.';
    el.appendChild(w);
  }
  if (c.rows.length) {
    // In an embed the table is one click away, so that the embed stays short.
    const wrap = document.createElement('details');
    wrap.className = 'table-wrap';
    wrap.open = !state.embed;
    const summary = document.createElement('summary');
    summary.textContent = 'Your numbers beside the full-scale ones';
    wrap.appendChild(summary);
    const t = document.createElement('table');
    t.className = 'compare';
    const first = c.rows.find((row) => row.here);
    const r = first ? state.runs.find((x) => x.id === first.here.run) : null;
    const scale = r ? ` (${r.settings[F.Epochs]} epoch${r.settings[F.Epochs] === 1 ? '' : 's'}, ${r.settings[F.TrainLimit] ? r.settings[F.TrainLimit].toLocaleString('en-US') : 'all the'} images)` : '';
    // One column of quantities only when they differ; the epochs of each source under the table.
    const quantities = new Set(c.rows.map((row) => row.quantity));
    const what = quantities.size > 1 ? '' : `: ${[...quantities][0]}`;
    const report = c.rows.some((row) => row.report !== undefined);
    const heads = ['run', ...(what ? [] : ['number']), `here${scale}`, 'FashionLab native', 'PyTorch reference', ...(report ? ['homework report'] : [])];
    t.innerHTML = `<caption>Your numbers beside the full-scale ones (60,000 training images)${what}</caption><thead><tr>${heads.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`;
    const body = document.createElement('tbody');
    const epochs = { native: new Set(), pytorch: new Set(), report: new Set() };
    for (const row of c.rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = TABLE_WORDS[row.role] || row.role;
      tr.appendChild(th);
      for (const [k, v] of Object.entries(row.epochs || {})) epochs[k].add(v);
      for (const cell of [...(what ? [] : [row.quantity]), row.here, row.native, row.pytorch, ...(report ? [row.report] : [])]) {
        const td = document.createElement('td');
        if (cell && typeof cell === 'object') td.appendChild(dataElement(cell));
        else td.textContent = cell || '–';
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    const foot = document.createElement('p');
    foot.className = 'hint';
    const names = { native: 'FashionLab native', pytorch: 'PyTorch reference', report: 'homework report' };
    foot.textContent = Object.entries(epochs).filter(([, v]) => v.size).map(([k, v]) => `${names[k]}: after ${[...v].join(' or ')}`).join('; ') + '.';
    t.appendChild(body);
    wrap.appendChild(t);
    el.appendChild(wrap);
    el.appendChild(foot);
  }
}

/** conclusionText returns question q's answer from runs as plain text (for report.md), or ''. */
export function conclusionText(q, runs) {
  const c = conclude(q, runs);
  if (!c) return '';
  return c.sentences.map((s) => s.map((b) => (typeof b === 'string' ? b : b.value.toFixed(b.digits))).join('')).join('');
}
