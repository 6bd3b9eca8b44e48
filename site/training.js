// What Start, Pause, Resume, Stop and Remove runs do, and how the worker's run
// events (started, steps, epoch, state, done, refused starts) move the runs
// and the queue along.

import { state, addRuns, addSteps, addEpoch, takeNext, cancelQueue, finishRun, failCurrent, interruptCurrent, removeRuns, runById, patch, patchRun, setWorker, isBusy } from './state.js';
import { Command, Event, startFields } from './worker-client.js';
import { show, dismiss } from './messages.js';
import { announce } from './a11y.js';
import { readForm, describe } from './form.js';
import { clearPredictions } from './gallery.js';
import { resultOf } from './controls.js';

/** Training holds the worker client; its methods are the controls' actions. */
export class Training {
  /** @param {import('./worker-client.js').WorkerClient} client */
  constructor(client) {
    this.client = client;
  }

  /** demoSpecs returns the runs Start would queue for the current demo, or null with a message. */
  demoSpecs() {
    const demo = state.presets.demos.find((d) => d.id === state.demo);
    if (demo.id !== 'custom') return { name: demo.short, specs: demo.runs };
    const f = readForm();
    if (f.problems.length || state.form.problems.length) {
      show('The configuration has problems; the marked fields say what to change.', 'error', 'form');
      return null;
    }
    return { name: 'your configuration', specs: [{ label: describe(f.config, f.settings), config: f.config, settings: f.settings, maxSteps: f.maxSteps }] };
  }

  /**
   * start queues the demo's runs. mode "now" (nothing is busy, or the
   * student chose to replace what runs) or "queue" (after what is queued).
   */
  start(mode = 'now') {
    const d = this.demoSpecs();
    if (!d) return;
    for (const key of ['form', 'stop', 'remove', 'start', 'diverged', 'run-failed']) dismiss(key); // about earlier runs
    if (mode === 'now' && isBusy()) {
      const n = cancelQueue(`replaced by ${d.name}`);
      addRuns(d.specs, state.demo);
      this.stopCurrent();
      announce(`Stopping the current run${n ? ` and ${n} queued` : ''}; ${d.name} starts next.`);
      return;
    }
    addRuns(d.specs, state.demo);
    if (!isBusy()) this.startNext();
    else announce(`${d.name}: ${d.specs.length} run${d.specs.length > 1 ? 's' : ''} queued.`);
  }

  /** startNext sends the first queued run to the worker. */
  startNext() {
    const r = takeNext();
    if (!r) return;
    this.client.send(Command.start, startFields(r));
    announce(`Starting ${r.label}.`);
  }

  /** stopCurrent ends the current run (a paused one too). */
  stopCurrent() {
    if (!state.current) return;
    this.client.send(Command.stop);
  }

  /** pause, resume: what their buttons say. */
  pause() { this.client.send(Command.pause); }
  resume() { this.client.send(Command.resume); }

  /** stop ends the current run and every queued one. */
  stop() {
    const n = cancelQueue('stopped before it started');
    this.stopCurrent();
    const text = n ? `Stopped. ${n} queued run${n > 1 ? 's were' : ' was'} cancelled.` : 'Stopped.';
    show(text, 'info', 'stop');
    announce(text);
  }

  /**
   * remove takes runs off the page: a current one among them is stopped
   * (its end is not shown), and when the worker's network was theirs the
   * predictions, feature maps and lab readout that came from it go too.
   */
  remove(runs) {
    const stopping = state.current && runs.includes(state.current);
    const network = removeRuns(runs);
    if (stopping) this.stopCurrent();
    if (network) {
      if (!stopping && !isBusy()) this.client.send(Command.reset);
      clearPredictions();
      for (const id of ['predict-note', 'maps-note', 'lab-stats']) document.getElementById(id).textContent = '';
      patch({ maps: null, equivariance: null }, 'reset');
    }
    dismiss('stop');
  }

  /** onDeath keeps the runs on the page, marks the current one interrupted and says what was lost. */
  onDeath(why) {
    const r = interruptCurrent('the worker stopped');
    const n = cancelQueue('the worker restarted');
    patch({ networkRun: null, weights: null, weightsRun: null, restarts: state.restarts + 1 }, 'restart');
    setWorker('loading');
    const lost = (r ? ` "${r.label}" was interrupted; its Resume button in the list of runs continues it.` : '') + (n ? ` ${n} queued run${n > 1 ? 's were' : ' was'} not started.` : '');
    const text = `The training worker stopped unexpectedly: ${why}. A new one is starting; the curves already on the page stay.${lost} Press Start to train again.`;
    show(text, 'error', 'worker-died');
    announce('The training worker stopped; a new one is starting.');
  }

  /** handle applies one run event of the worker; it returns false for other events. */
  handle(m) {
    switch (m.kind) {
      case Event.started: {
        const r = runById(m.run);
        if (!r) return true;
        patchRun(r, { params: m.params, stepsPerEpoch: m.steps_per_epoch, epochsTotal: m.epochs, layers: m.layers, status: 'running' });
        patch({ networkRun: r }, 'network');
        return true;
      }
      case Event.steps: {
        const r = runById(m.run);
        if (!r) return true;
        addSteps(r, m);
        return true;
      }
      case Event.epoch: {
        const r = runById(m.run);
        if (!r) return true;
        addEpoch(r, m);
        return true;
      }
      case Event.state: {
        setWorker(m.state);
        const r = state.current;
        if (r && r.id === m.run && m.state !== 'idle' && r.status !== m.state) {
          patchRun(r, { status: m.state });
          announce(`${r.label}: ${m.state}.`);
        }
        return true;
      }
      case Event.done: {
        const r = finishRun(m.run, m.reason, m.detail);
        if (r) {
          const res = resultOf(r);
          const acc = res.acc !== null ? `, validation accuracy ${(100 * res.acc).toFixed(1)} %${res.kept ? ` (the weights of epoch ${res.epoch}, its best)` : ''}` : '';
          announce(`${r.label}: ${m.reason === 'finished' ? 'finished' : m.reason}${acc}.`);
          if (m.reason === 'diverged') show(`${r.label} diverged: ${m.detail}. Its curves stop there; a smaller learning rate usually helps.`, 'info', 'diverged');
          if (state.networkRun === r) this.client.send(Command.getPredictions, { n: 60 });
        }
        if (state.queue.length && !state.current) this.startNext();
        return true;
      }
      case Event.error:
        if (m.command !== Command.start) {
          // A run the worker dropped after a failure while training.
          const r = state.current;
          if (!r || !m.run || m.run !== r.id) return false;
          failCurrent('the worker dropped it');
          patch({ networkRun: null, weights: null, weightsRun: null }, 'network');
          show(`"${r.label}" stopped: ${m.message} Its curves stay on the page.`, 'error', 'run-failed');
          if (state.queue.length) this.startNext();
          return true;
        }
        {
          const r = state.current;
          const problems = (m.problems || []).map((p) => p.message).join(' ');
          failCurrent('refused');
          show(`${r ? `"${r.label}" could not start: ` : ''}${problems || m.message}`, 'error', 'start');
          if (state.queue.length) this.startNext();
        }
        return true;
      default:
        return false;
    }
  }
}
