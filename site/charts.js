// The four curves (accuracy and loss per epoch, loss and gradient norm per
// step) drawn on canvases, and their text alternative: an aria-label per
// chart and a table of each run's latest values.

import { state } from './state.js';

/** niceTicks returns about n round values between lo and hi. */
function niceTicks(lo, hi, n) {
  const span = hi - lo || 1;
  const step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) || step0;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** drawChart draws line series [{color, dash, points: [[x, y]]}] with axes. */
function drawChart(canvas, series, opts) {
  const dpr = window.devicePixelRatio || 1;
  const cssW = canvas.clientWidth || canvas.width, cssH = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(cssW * dpr)) { canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr); }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cssW, cssH);
  const font = document.body.classList.contains('present') ? 20 : 12; // presentation mode: larger text
  const k = font / 12;
  const pad = { l: 44 * k, r: 10, t: 10, b: 28 * k };
  const W = cssW - pad.l - pad.r, H = cssH - pad.t - pad.b;
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const s of series) for (const [x, y] of s.points) {
    if (!Number.isFinite(y)) continue;
    xmin = Math.min(xmin, x); xmax = Math.max(xmax, x); ymin = Math.min(ymin, y); ymax = Math.max(ymax, y);
  }
  g.font = `${font}px system-ui, sans-serif`;
  g.fillStyle = '#5b5f68';
  if (!Number.isFinite(xmin)) { g.fillText('no data yet', pad.l + 8, pad.t + 16 * k); return; }
  if (opts.yMin !== undefined) ymin = Math.min(ymin, opts.yMin);
  if (opts.yMax !== undefined) ymax = Math.max(ymax, opts.yMax);
  if (xmax === xmin) xmax = xmin + 1;
  if (ymax === ymin) { ymax += 0.5; ymin -= 0.5; }
  const X = (x) => pad.l + ((x - xmin) / (xmax - xmin)) * W;
  const Y = (y) => pad.t + H - ((y - ymin) / (ymax - ymin)) * H;
  g.strokeStyle = '#e6e4de';
  g.lineWidth = 1;
  g.textAlign = 'right';
  for (const t of niceTicks(ymin, ymax, 4)) {
    g.beginPath(); g.moveTo(pad.l, Y(t)); g.lineTo(pad.l + W, Y(t)); g.stroke();
    g.fillText(String(t), pad.l - 4, Y(t) + 4);
  }
  g.textAlign = 'center';
  for (const t of niceTicks(xmin, xmax, 5)) if (!opts.integerX || Number.isInteger(t)) g.fillText(String(t), X(t), pad.t + H + 14 * k);
  g.fillText(opts.xLabel || '', pad.l + W / 2, cssH - 2);
  for (const s of series) {
    g.strokeStyle = s.color;
    g.lineWidth = 1.8 * k;
    g.setLineDash(s.dash ? [5, 4] : []);
    g.beginPath();
    let pen = false;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) { pen = false; continue; }
      if (pen) g.lineTo(X(x), Y(y)); else g.moveTo(X(x), Y(y));
      pen = true;
    }
    g.stroke();
    if (s.points.length === 1) { g.fillStyle = s.color; g.fillRect(X(s.points[0][0]) - 2, Y(s.points[0][1]) - 2, 4, 4); }
  }
  g.setLineDash([]);
}

/** decimate keeps at most n points of a per-step series. */
function decimate(values, n) {
  const step = Math.max(1, Math.ceil(values.length / n));
  const out = [];
  for (let i = 0; i < values.length; i += step) out.push([i + 1, values[i]]);
  if (values.length && (values.length - 1) % step) out.push([values.length, values[values.length - 1]]);
  return out;
}

const pct = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)} %`);
const num = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(4));

/** drawCharts redraws the four charts from the runs on the page. */
export function drawCharts() {
  const acc = [], loss = [], step = [], norm = [];
  for (const r of state.runs) {
    const ep = (k) => r.epochs.map((e) => [e.epoch, e[k] === null ? NaN : e[k]]);
    acc.push({ color: r.color, points: ep('val_acc') }, { color: r.color, dash: true, points: ep('train_acc') });
    loss.push({ color: r.color, points: ep('val_loss') }, { color: r.color, dash: true, points: ep('train_loss') });
    step.push({ color: r.color, points: decimate(r.stepLoss, 600) });
    norm.push({ color: r.color, points: decimate(r.stepNorm, 600) });
  }
  const $ = (id) => document.getElementById(id);
  drawChart($('chart-acc'), acc, { xLabel: 'epoch', yMin: 0, yMax: 1, integerX: true });
  drawChart($('chart-loss'), loss, { xLabel: 'epoch', yMin: 0, integerX: true });
  drawChart($('chart-step'), step, { xLabel: 'step', yMin: 0 });
  drawChart($('chart-norm'), norm, { xLabel: 'step', yMin: 0 });
}

/**
 * describeCharts updates the text alternative: each chart's aria-label
 * and the table of latest values. Called on epoch ends and run changes,
 * not on every step.
 */
export function describeCharts() {
  const $ = (id) => document.getElementById(id);
  const runs = state.runs.filter((r) => r.epochs.length || r.stepLoss.length);
  const last = (r) => r.epochs[r.epochs.length - 1];
  const each = (f) => (runs.length ? runs.map(f).join('; ') : 'no data yet');
  $('chart-acc').setAttribute('aria-label', 'Accuracy per epoch: ' + each((r) => `${r.label}: validation ${pct(last(r) && last(r).val_acc)}, training ${pct(last(r) && last(r).train_acc)} at epoch ${last(r) ? last(r).epoch : 0}`));
  $('chart-loss').setAttribute('aria-label', 'Loss per epoch: ' + each((r) => `${r.label}: validation ${num(last(r) && last(r).val_loss)}, training ${num(last(r) && last(r).train_loss)}`));
  $('chart-step').setAttribute('aria-label', 'Training loss per step: ' + each((r) => `${r.label}: ${num(r.smoothLoss)} after ${r.stepsDone} steps`));
  $('chart-norm').setAttribute('aria-label', 'Gradient norm per step: ' + each((r) => `${r.label}: ${num(r.smoothNorm)} after ${r.stepsDone} steps`));
  const body = $('chart-table').tBodies[0];
  body.textContent = '';
  for (const r of state.runs) {
    const e = last(r) || {};
    const tr = document.createElement('tr');
    const cells = [r.label, statusWord(r), e.epoch ?? '–', pct(e.train_acc), pct(e.val_acc), num(e.train_loss), num(e.val_loss), num(r.smoothLoss), num(r.smoothNorm)];
    cells.forEach((c, i) => {
      const td = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) td.scope = 'row';
      td.textContent = String(c);
      tr.appendChild(td);
    });
    body.appendChild(tr);
  }
}

/** statusWord says in a few words where a run is. */
export function statusWord(r) {
  switch (r.status) {
    case 'done':
      return { finished: 'finished', stopped: 'stopped', limit: 'step limit reached', diverged: 'diverged' }[r.reason] || r.reason;
    case 'cancelled': return 'not started (' + r.reason + ')';
    case 'failed': return r.reason === 'refused' ? 'not started: the worker refused it' : 'interrupted (' + r.reason + ')';
    default: return r.status;
  }
}
