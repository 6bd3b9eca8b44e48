// The homework's figure of each question, drawn from the runs of its view
// the way the report draws it: q2 one panel per learning rate with
// normalized against raw; q3 the gradient norm and the accuracy of the two
// MLPs side by side; q4 training and validation accuracy of the MLP and
// the CNN with the gap between them shaded; q5 training and validation
// accuracy per architecture as bars; Fast its accuracy against the 0.88
// line; Custom the runs the person picked. Every line is named at its end
// on the chart. The figure's answer (conclusions.js) goes under it.

import { state } from './state.js';
import { drawPanels, decimate } from './plot.js';
import { styled, viewRuns, demoName, compared, setCompared } from './views.js';
import { roleOf, lrName, renderConclusion, conclusionText, lastEpoch, quantity } from './conclusions.js';
import { FIELD_NAMES as F } from './fields.js';

const $ = (id) => document.getElementById(id);

/** epochs returns a run's per-epoch points of key (epoch 0 included when logged). */
function epochs(r, key) {
  return r.epochs.map((e) => [e.epoch, e[key] === null || e[key] === undefined ? NaN : e[key]]);
}

/** two writes an accuracy with two decimals, '' when there is none. */
function two(v) {
  return Number.isFinite(v) ? v.toFixed(2) : '';
}

/** lastVal returns a run's latest validation accuracy with two decimals, or ''. */
function lastVal(r) {
  const e = lastEpoch(r);
  return e ? two(e.val_acc) : '';
}

/** accuracyPanel is one panel of validation (solid) and training (dashed, unnamed) accuracy per epoch. */
function accuracyPanel(title, runs, withTrain) {
  const series = [];
  for (const { run, color, name } of runs) {
    series.push({ name, run: run.id, color, points: epochs(run, 'val_acc'), end: `${name} ${lastVal(run)}`.trim() });
    if (withTrain) series.push({ name, run: run.id, color, dash: true, points: epochs(run, 'train_acc'), end: '' });
  }
  return { title, xLabel: 'epoch', yMin: 0, yMax: 1, integerX: true, series };
}

/** FIGURES builds each view's panels from its styled runs, with the caption under them. */
const FIGURES = {
  q2(runs) {
    const byLr = new Map();
    for (const s of runs) {
      const key = s.run.settings[F.LearningRate];
      if (!byLr.has(key)) byLr.set(key, []);
      byLr.get(key).push(s);
    }
    const lrs = [...byLr.keys()].sort((a, b) => b - a);
    const panels = lrs.map((lr) => ({
      title: `lr ${lrName(lr)}: validation accuracy`, xLabel: 'epoch', yMin: 0, yMax: 1, integerX: true,
      series: byLr.get(lr).map(({ run, color, name }) => {
        const kind = run.settings[F.Normalize] ? 'normalized' : 'raw';
        const repeat = name.match(/ \(\d+\)$/);
        return { name, run: run.id, color, dash: !run.settings[F.Normalize], points: epochs(run, 'val_acc'), end: `${kind}${repeat ? repeat[0] : ''} ${lastVal(run)}`.trim() };
      }),
    }));
    return { panels: panels.length ? panels : [{ title: 'validation accuracy per learning rate', series: [] }], caption: 'One panel per learning rate: normalized inputs (solid) against raw pixels (dashed), validation accuracy per epoch.' };
  },
  q3(runs) {
    return {
      panels: [
        { title: 'gradient norm per step (smoothed)', xLabel: 'step', yMin: 0, series: runs.map(({ run, color, name }) => ({ name, run: run.id, color, points: decimate(run.stepNorm, 400), end: name })) },
        accuracyPanel('validation accuracy per epoch', runs, false),
      ],
      caption: 'The two MLPs of about the same parameter count side by side: the gradient norm of each step (left) and the validation accuracy of each epoch (right).',
    };
  },
  q4(runs) {
    const panels = runs.map(({ run, color, name }) => {
      const e = lastEpoch(run);
      return {
        title: `${name}: accuracy`, xLabel: 'epoch', yMin: 0, yMax: 1, integerX: true,
        series: [
          { name, run: run.id, color, dash: true, points: epochs(run, 'train_acc'), end: `train ${e ? two(e.train_acc) : ''}`.trim() },
          { name, run: run.id, color, points: epochs(run, 'val_acc'), end: `val ${e ? two(e.val_acc) : ''}${e ? ` · gap ${two(quantity(run, 'gap'))}` : ''}` },
        ],
        bands: [{ color, upper: epochs(run, 'train_acc'), lower: epochs(run, 'val_acc') }],
      };
    });
    return { panels: panels.length ? panels : [{ title: 'training vs validation accuracy', series: [] }], caption: 'Training (dashed) and validation (solid) accuracy per epoch; the shaded band is the gap between them, which grows as a network overfits.' };
  },
  q5(runs) {
    const groups = runs.filter(({ run }) => lastEpoch(run)).map(({ run, color, name }) => ({ name, run: run.id, color, values: { train: lastEpoch(run).train_acc, val: lastEpoch(run).val_acc } }));
    return {
      panels: [{ kind: 'bars', title: 'accuracy after the last epoch', yMin: 0, yMax: 1, groups,
        keys: [{ key: 'train', text: 'training', alpha: 0.4, format: two }, { key: 'val', text: 'validation', alpha: 1, format: two }] }],
      caption: 'Training (light) and validation (dark) accuracy of each architecture after its last epoch.',
    };
  },
  fast(runs) {
    const panel = accuracyPanel('accuracy per epoch (dashed: training)', runs, true);
    panel.marks = [{ y: 0.88, text: '0.88' }];
    return { panels: [panel], caption: 'Validation (solid) and training (dashed) accuracy per epoch; the promise is 0.88 validation accuracy.' };
  },
  q1(runs) {
    return { panels: [accuracyPanel('the CNN trained for the lab: accuracy per epoch (dashed: training)', runs, true)], caption: 'Validation (solid) and training (dashed) accuracy of the CNN trained for the lab. The equivariance lab below is this question\'s figure; this CNN gives it a trained first layer.' };
  },
  custom(runs) {
    return {
      panels: [accuracyPanel('validation accuracy per epoch', runs, false),
        { title: 'training loss per step (smoothed)', xLabel: 'step', yMin: 0, series: runs.map(({ run, color, name }) => ({ name, run: run.id, color, points: decimate(run.stepLoss, 400), end: name })) }],
      caption: 'The runs ticked above, overlaid: validation accuracy per epoch and training loss per step.',
    };
  },
};

/** figureFor returns the panels and caption of view demo for its styled runs. */
export function figureFor(demo, runs) {
  return (FIGURES[demo] || FIGURES.custom)(runs.filter(({ run }) => run.epochs.length || run.stepLoss.length));
}

/** describe returns the figure's text alternative: every run with its latest numbers. */
function describe(runs) {
  if (!runs.length) return 'No runs in this view yet.';
  return runs.map(({ run, name }) => {
    const e = lastEpoch(run);
    return e ? `${name}: validation ${two(e.val_acc)}, training ${two(e.train_acc)} after epoch ${e.epoch}` : `${name}: no epoch yet`;
  }).join('; ');
}

/** renderPicker lists every run in the comparison view with a tick box, grouped by the view it came from. */
function renderPicker() {
  const box = $('view-pick');
  box.hidden = state.demo !== 'custom';
  if (box.hidden) return;
  const list = $('view-pick-list');
  // Rebuilt only when the runs or their ticks change, so that a click is never lost to a redraw.
  const key = JSON.stringify(state.runs.map((r) => [r.id, r.label, r.demo, compared(r)]));
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.dataset.run : null;
  list.textContent = '';
  for (const r of state.runs) {
    const li = document.createElement('li');
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.dataset.run = String(r.id);
    cb.checked = compared(r);
    label.append(cb, ` ${r.label} · ${demoName(r.demo)}`);
    li.appendChild(label);
    list.appendChild(li);
    if (focused === String(r.id)) cb.focus();
  }
  if (!state.runs.length) list.innerHTML = '<li>No saved runs yet: train a question or your configuration.</li>';
}

/** renderView redraws the view's title, picker, figure and answer. */
export function renderView() {
  if (!state.presets) return;
  const d = state.presets.demos.find((x) => x.id === state.demo);
  const runs = styled(viewRuns());
  $('charts-title').textContent = state.demo === 'custom' ? 'Compare runs' : `Your runs of ${d ? d.short : state.demo}`;
  renderPicker();
  const { panels, caption } = figureFor(state.demo, runs);
  if (runs.length) for (const panel of panels) panel.empty = 'the curves start after the first steps';
  const canvas = $('figure');
  drawPanels(canvas, panels, state.present ? { font: 16, height: 240, cols: 3 } : state.embed ? { height: 180 } : {});
  canvas.setAttribute('aria-label', `${$('charts-title').textContent}. ${caption} ${describe(runs)}`);
  $('figure-caption').textContent = caption;
  renderConclusion($('conclusion'), state.demo, runs.map((s) => s.run));
}

/** initViews wires the comparison view's tick boxes; redraw() redraws the page's run views. */
export function initViews(redraw) {
  $('all-curves').addEventListener('toggle', redraw);
  $('btn-download-figure').addEventListener('click', () => figurePNG().then((b) => {
    const url = URL.createObjectURL(b);
    const a = document.createElement('a');
    a.href = url;
    a.download = `fashionlab-${state.demo}.png`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }));
  $('view-pick-list').addEventListener('change', (e) => {
    const cb = e.target.closest('input[data-run]');
    if (!cb) return;
    const r = state.runs.find((x) => String(x.id) === cb.dataset.run);
    if (r) setCompared(r, cb.checked);
    redraw();
  });
}

/** figurePNG returns a promise of the figure's PNG Blob. */
export function figurePNG() {
  const c = $('figure');
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('the figure could not be encoded'))), 'image/png'));
}

/**
 * reportFigures returns the Markdown that report.md gets after the
 * worker's report: for each view with a logged run, its figure (a PNG
 * inlined as a data: address, drawn 900 px wide) and its answer.
 */
export function reportFigures() {
  let md = '\n## Figures and answers drawn on the page\n';
  let any = false;
  for (const d of state.presets.demos) {
    const runs = styled(viewRuns(d.id)).filter(({ run }) => run.epochs.length);
    if (!runs.length) continue;
    any = true;
    const { panels, caption } = figureFor(d.id, runs);
    const c = document.createElement('canvas');
    drawPanels(c, panels, { width: 900 });
    md += `\n### ${d.title}\n\n![${d.short}: ${caption}](${c.toDataURL('image/png')})\n\n${caption}\n`;
    const answer = conclusionText(d.id, runs.map((s) => s.run));
    if (answer) md += `\n${answer}\n`;
  }
  return any ? md : '';
}

export { roleOf };
