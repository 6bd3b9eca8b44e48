// A view per question: each demo (q1 … q5, Fast) shows only the runs
// started from it, and Custom overlays any saved runs the person picks.
// Within a view every run has its own colour and its own name (a repeated
// label gets its number: "default CNN (2)"), so that a chart can name its
// runs on itself. Runs stay saved whichever view is shown.

import { state, setInternal } from './state.js';

/**
 * PALETTE is the colours of a view's runs, in order: distinct for the
 * common colour-vision deficiencies as far as ten colours can be; a view
 * with more runs gets further hues spread around the colour wheel.
 */
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

/** viewColor returns the colour of the i-th run of a view (never a repeat). */
export function viewColor(i) {
  if (i < PALETTE.length) return PALETTE[i];
  const hue = Math.round((i - PALETTE.length) * 137.508 + 20) % 360;
  const light = 30 + ((i - PALETTE.length) % 3) * 12;
  return `hsl(${hue} 70% ${light}%)`;
}

/** isCustom reports whether the view shown is the comparison view. */
export function isCustom() {
  return state.demo === 'custom';
}

/**
 * compared reports whether the comparison view overlays run r: the runs
 * started from Custom and the networks loaded from files unless the
 * person unticked them, and any other run the person ticked (both kept
 * in state.internal.compare for the visit).
 */
export function compared(r) {
  const c = state.internal.compare || { picked: new Set(), hidden: new Set() };
  if (r.demo === 'custom' || r.demo === 'file') return !c.hidden.has(r.id);
  return c.picked.has(r.id);
}

/** setCompared ticks (on) or unticks run r in the comparison view. */
export function setCompared(r, on) {
  if (!state.internal.compare) setInternal({ compare: { picked: new Set(), hidden: new Set() } });
  const c = state.internal.compare;
  const own = r.demo === 'custom' || r.demo === 'file';
  if (own) { if (on) c.hidden.delete(r.id); else c.hidden.add(r.id); } else if (on) c.picked.add(r.id); else c.picked.delete(r.id);
}

/** viewRuns returns the runs of view demo (the current one by default), in order. */
export function viewRuns(demo = state.demo) {
  if (demo === 'custom') return state.runs.filter(compared);
  return state.runs.filter((r) => r.demo === demo);
}

/**
 * styled returns the view's runs as {run, color, name}: the i-th run gets
 * viewColor(i), and a label that repeats in the view gets its ordinal.
 */
export function styled(runs = viewRuns()) {
  const seen = new Map();
  const total = new Map();
  for (const r of runs) total.set(r.label, (total.get(r.label) || 0) + 1);
  return runs.map((run, i) => {
    const n = (seen.get(run.label) || 0) + 1;
    seen.set(run.label, n);
    const name = total.get(run.label) > 1 ? `${run.label} (${n})` : run.label;
    return { run, color: viewColor(i), name };
  });
}

/** styleOf returns run r's colour and name in the current view, or its own when it is not in it. */
export function styleOf(r) {
  const s = styled().find((x) => x.run === r);
  return s || { run: r, color: r.color, name: r.label };
}

/** demoName returns the short name of the demo a run was started from. */
export function demoName(id) {
  if (id === 'file') return 'loaded from a file';
  const d = state.presets && state.presets.demos.find((x) => x.id === id);
  return d ? d.short : id;
}
