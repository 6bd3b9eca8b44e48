// The controls' look: which buttons can act now (and why not), the status
// line, the list of runs with the queue, and the in-page question asked
// when Start is pressed while a run is going.

import { state, isBusy, ownRuns } from './state.js';
import { setDisabled } from './a11y.js';
import { statusWord } from './charts.js';
import { FIELD_NAMES } from './fields.js';
import { styled, viewRuns } from './views.js';

const $ = (id) => document.getElementById(id);

/** formatSeconds says a duration in s or min. */
function formatSeconds(s) {
  if (!Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * resultOf returns the validation accuracy run r reports and the epoch it
 * comes from: for a finished run that keeps its best epoch's weights
 * (the keep-best setting), the epoch of highest validation accuracy (as the
 * worker chooses it: the first of equals), otherwise the last logged one.
 * kept says whether the weights are that epoch's rather than the last's.
 */
export function resultOf(r) {
  const logged = r.epochs.filter((e) => e.epoch > 0 && e.val_acc !== null);
  const last = r.epochs[r.epochs.length - 1];
  if (r.settings && r.settings[FIELD_NAMES.KeepBest] && r.status === 'done' && r.reason === 'finished' && logged.length) {
    const best = logged.reduce((a, e) => (e.val_acc > a.val_acc ? e : a));
    return { acc: best.val_acc, epoch: best.epoch, kept: true };
  }
  return { acc: last && last.val_acc !== null ? last.val_acc : null, epoch: last ? last.epoch : 0, kept: false };
}

/** accuracyText says a run's reported validation accuracy, and which epoch's weights it keeps. */
function accuracyText(r, word) {
  const res = resultOf(r);
  if (res.acc === null) return '';
  return ` · ${word} ${(100 * res.acc).toFixed(1)} %${res.kept ? ` (best epoch, ${res.epoch}: its weights are kept)` : ''}`;
}

/** renderWorkers says how many Go instances train a step and whether SIMD kernels run. */
function renderWorkers() {
  const w = state.workers;
  const el = $('workers-info');
  if (!w || w.count === null || state.worker === 'loading') {
    el.textContent = '';
    return;
  }
  const of = w.count < w.requested ? ` of ${w.requested}` : '';
  el.textContent = `training on ${w.count}${of} worker${w.requested === 1 ? '' : 's'} (background thread${w.requested === 1 ? '' : 's'} of this tab) · SIMD (the processor's vector instructions) ${w.simd ? 'on' : 'off'}`;
}

/** workerReason says why nothing can be sent to the worker now, or ''. */
function workerReason() {
  if (state.worker === 'loading') return state.restarts ? 'the training worker is restarting' : 'the training worker is still loading the data';
  return '';
}

/** renderButtons enables each control that can act now and says why the others cannot. */
export function renderButtons() {
  const w = workerReason();
  const demo = state.presets && state.presets.demos.find((d) => d.id === state.demo);
  let start = w;
  if (!start && !demo) start = 'the demos are still loading';
  if (!start && state.demo === 'custom' && state.form.problems.length) start = 'fix the marked fields of the configuration first';
  setDisabled($('btn-start'), start);
  const running = state.worker === 'running' && state.current;
  setDisabled($('btn-pause'), w || (running ? '' : 'nothing is training'));
  setDisabled($('btn-resume'), w || (state.worker === 'paused' ? '' : 'nothing is paused'));
  setDisabled($('btn-stop'), w || (state.current || state.queue.length ? '' : 'nothing is training or queued'));
  setDisabled($('btn-remove'), ownRuns().length ? '' : `${demo && demo.id !== 'custom' ? demo.short : 'this view'} has no runs to remove`);
  const noNet = w || (state.networkRun ? '' : 'start a run first: this needs a network the worker has trained');
  setDisabled($('btn-maps'), noNet);
  setDisabled($('btn-predict'), noNet);
}

/** renderStatus writes the status line. */
export function renderStatus() {
  renderWorkers();
  const el = $('status');
  if (state.worker === 'loading') {
    el.textContent = state.restarts ? 'Restarting the training worker…' : 'Loading the training worker and the data…';
    return;
  }
  const demo = state.presets && state.presets.demos.find((d) => d.id === state.demo);
  // What trains now, else the latest run of this view that started: after
  // Stop the status speaks of the run that was stopped, not of the queued
  // ones cancelled with it (which never started).
  const r = state.current || viewRuns().findLast((x) => !['queued', 'cancelled'].includes(x.status));
  const ready = state.ready ? `${state.ready.train.toLocaleString('en-US')} training and ${state.ready.val.toLocaleString('en-US')} validation images loaded` : '';
  if (!r) {
    el.textContent = `Ready: ${ready}. Press Start to train ${demo ? (demo.id === 'custom' ? 'your configuration' : demo.short) : 'a demo'}.`;
    return;
  }
  const epochs = r.epochsTotal;
  const acc = accuracyText(r, 'validation accuracy');
  const queued = state.queue.length ? ` · ${state.queue.length} more queued` : '';
  let text;
  if (r === state.current) {
    const total = (epochs || 0) * (r.stepsPerEpoch || 0);
    const limit = r.maxSteps > 0 && total ? Math.min(total, r.maxSteps) : total;
    const position = r.status === 'starting' ? 'starting' : `epoch ${Math.max(1, r.epochNow || 1)} of ${epochs}, step ${r.stepsDone} of ${limit || '–'}`;
    text = `${r.status === 'paused' ? 'Paused: ' : ''}${r.label}: ${position}`;
    if (r.status === 'paused' && state.internal.pausedWhy) text += ` (${state.internal.pausedWhy})`;
    if (r.status === 'running' && r.imagesPerSec) {
      text += ` · ${Math.round(r.imagesPerSec).toLocaleString('en-US')} images/s`;
      if (limit) text += ` · about ${formatSeconds(((limit - r.stepsDone) * r.settings[FIELD_NAMES.BatchSize]) / r.imagesPerSec)} left`;
    }
  } else {
    text = `${r.label}: ${statusWord(r)}${r.status === 'done' ? ` after ${r.stepsDone} steps` : ''}`;
  }
  el.textContent = text + acc + queued + '.';
}

/** renderLegend lists the runs of the view shown with their state and the queue, and how many other views hold. */
export function renderLegend() {
  const ol = $('legend');
  ol.textContent = '';
  const shown = styled(viewRuns());
  const others = state.runs.length - shown.length;
  $('legend-others').textContent = others > 0 ? `${others} more run${others > 1 ? 's' : ''} of other questions ${others > 1 ? 'are' : 'is'} saved in ${others > 1 ? 'their' : 'its'} own view${state.demo === 'custom' ? '; tick them below to compare' : ''}.` : '';
  for (const { run: r, color, name } of shown) {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = color;
    sw.setAttribute('aria-hidden', 'true');
    li.appendChild(sw);
    const acc = accuracyText(r, 'val');
    const params = r.params ? ` · ${r.params.toLocaleString('en-US')} parameters` : '';
    let where = statusWord(r);
    if (r.status === 'queued') where = `queued (${state.queue.indexOf(r) + 1} of ${state.queue.length})`;
    if (r.status === 'interrupted') where = `interrupted (${r.reason})`;
    li.appendChild(document.createTextNode(`${name}${params} · ${where}${acc}`));
    if (r.status === 'interrupted') {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'resume-run';
      b.dataset.resume = String(r.id);
      b.textContent = 'Resume';
      b.setAttribute('aria-label', `Resume ${r.label}`);
      li.append(' ', b);
    }
    li.dataset.status = r.status;
    ol.appendChild(li);
  }
}

/**
 * askStart shows the in-page question for a Start while a run is going;
 * choose(answer) gets "replace", "queue" or "cancel".
 */
export function askStart(demoName, choose) {
  const dlg = $('confirm');
  const r = state.current;
  const queued = state.queue.length ? ` and ${state.queue.length} more ${state.queue.length > 1 ? 'are' : 'is'} queued` : '';
  $('confirm-text').textContent = `"${r ? r.label : 'A run'}" is ${r && r.status === 'paused' ? 'paused' : 'training'}${queued}. Stop it (and the queue) and start ${demoName} now, or queue ${demoName} after it?`;
  $('confirm-replace').textContent = `Stop it and start ${demoName}`;
  $('confirm-queue').textContent = `Queue ${demoName} after it`;
  const done = (answer) => { dlg.close(); choose(answer); };
  $('confirm-replace').onclick = () => done('replace');
  $('confirm-queue').onclick = () => done('queue');
  $('confirm-cancel').onclick = () => done('cancel');
  dlg.oncancel = (e) => { e.preventDefault(); done('cancel'); };
  dlg.showModal();
  $('confirm-queue').focus();
}

export { isBusy };
