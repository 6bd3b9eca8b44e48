// The four curves of the runs of the view shown (accuracy and loss per
// epoch, loss and gradient norm per step), each run in its view colour and
// named at the end of its line, and their text alternative: an aria-label
// per chart and a table of each run's latest values.

import { state } from './state.js';
import { drawPanels, decimate } from './plot.js';
import { styled, viewRuns } from './views.js';

const pct = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)} %`);
const num = (v) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toPrecision(4));

/**
 * drawCharts redraws the four charts from the runs of the view shown,
 * each run in its view colour and named at the end of its line.
 */
export function drawCharts() {
  const acc = [], loss = [], step = [], norm = [];
  for (const { run: r, color, name } of styled(viewRuns())) {
    const ep = (k) => r.epochs.map((e) => [e.epoch, e[k] === null ? NaN : e[k]]);
    acc.push({ name, run: r.id, color, points: ep('val_acc') }, { name, run: r.id, color, dash: true, points: ep('train_acc'), end: '' });
    loss.push({ name, run: r.id, color, points: ep('val_loss') }, { name, run: r.id, color, dash: true, points: ep('train_loss'), end: '' });
    step.push({ name, run: r.id, color, points: decimate(r.stepLoss, 600) });
    norm.push({ name, run: r.id, color, points: decimate(r.stepNorm, 600) });
  }
  const $ = (id) => document.getElementById(id);
  const opts = { font: state.present ? 16 : 12 };
  drawPanels($('chart-acc'), [{ xLabel: 'epoch', yMin: 0, yMax: 1, integerX: true, series: acc }], opts);
  drawPanels($('chart-loss'), [{ xLabel: 'epoch', yMin: 0, integerX: true, series: loss }], opts);
  drawPanels($('chart-step'), [{ xLabel: 'step', yMin: 0, series: step }], opts);
  drawPanels($('chart-norm'), [{ xLabel: 'step', yMin: 0, series: norm }], opts);
}

/**
 * describeCharts updates the text alternative: each chart's aria-label
 * and the table of latest values. Called on epoch ends and run changes,
 * not on every step.
 */
export function describeCharts() {
  const $ = (id) => document.getElementById(id);
  const runs = styled(viewRuns()).filter(({ run }) => run.epochs.length || run.stepLoss.length).map(({ run, name }) => ({ ...run, label: name }));
  const last = (r) => r.epochs[r.epochs.length - 1];
  const each = (f) => (runs.length ? runs.map(f).join('; ') : 'no data yet');
  $('chart-acc').setAttribute('aria-label', 'Accuracy per epoch: ' + each((r) => `${r.label}: validation ${pct(last(r) && last(r).val_acc)}, training ${pct(last(r) && last(r).train_acc)} at epoch ${last(r) ? last(r).epoch : 0}`));
  $('chart-loss').setAttribute('aria-label', 'Loss per epoch: ' + each((r) => `${r.label}: validation ${num(last(r) && last(r).val_loss)}, training ${num(last(r) && last(r).train_loss)}`));
  $('chart-step').setAttribute('aria-label', 'Training loss per step: ' + each((r) => `${r.label}: ${num(r.smoothLoss)} after ${r.stepsDone} steps`));
  $('chart-norm').setAttribute('aria-label', 'Gradient norm per step: ' + each((r) => `${r.label}: ${num(r.smoothNorm)} after ${r.stepsDone} steps`));
  const body = $('chart-table').tBodies[0];
  body.textContent = '';
  for (const { run: r, name } of styled(viewRuns())) {
    const e = last(r) || {};
    const tr = document.createElement('tr');
    const cells = [name, statusWord(r), e.epoch ?? '–', pct(e.train_acc), pct(e.val_acc), num(e.train_loss), num(e.val_loss), num(r.smoothLoss), num(r.smoothNorm)];
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
