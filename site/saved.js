// Runs that outlive the page: at start-up the runs saved in the browser
// (storage.js) come back with their curves, and the network of the last
// one goes back into the worker; while the page runs, every change of a
// run is saved and every checkpoint the worker sends is kept; a run
// interrupted by a reload, a closed tab or a worker crash shows a Resume
// button that continues it from its latest checkpoint; "Remove runs"
// takes the runs of the demo on show off the page and out of the store,
// after asking.

import { state, subscribe, patch, patchRun, runById, restoreRuns, resumeRun, rewindRun, restartRun, failCurrent, finishRun, isBusy, ownRuns } from './state.js';
import { COMMANDS, EVENTS, startFields, stepLimit } from './worker-client.js';
import { Storage } from './storage.js';
import { show } from './messages.js';
import { announce } from './a11y.js';

const $ = (id) => document.getElementById(id);

/** Delays of saving after a change: run states and epochs soon, step curves less often. */
const SAVE_SOON_MS = 300;
const SAVE_STEPS_MS = 2000;
/** How long start-up waits for the browser's storage before going on without it. */
const OPEN_LIMIT_MS = 5000;

/** WHAT says in words what a failed storage operation was for. */
const WHAT = {
  open: 'Runs are not saved in this browser',
  read: 'The saved runs could not be read',
  slow: 'Runs are not saved in this visit',
  runs: 'The runs could not be saved',
  checkpoint: 'A checkpoint could not be saved, so its run cannot be resumed from it after a reload',
  remove: 'The removed runs could not be deleted from this browser, so a reload may bring them back',
};

/**
 * revive turns a saved run into a run of this visit: one that was
 * training, starting or paused is interrupted (Resume continues it), one
 * that was queued was not started.
 */
export function revive(r) {
  const out = { ...r, epochs: r.epochs || [], stepLoss: r.stepLoss || [], stepNorm: r.stepNorm || [] };
  if (['running', 'starting', 'paused'].includes(r.status) || (r.status === 'failed' && r.reason !== 'refused')) {
    out.status = 'interrupted';
    out.reason = 'the page was closed or reloaded';
  } else if (r.status === 'queued') {
    out.status = 'cancelled';
    out.reason = 'the page was closed or reloaded';
  }
  return out;
}

/**
 * openStorage starts opening the full page's database before a Saved is
 * made (a new browser profile takes a while to create it), keeping any
 * failure until Saved takes it over: {storage, failures}.
 */
export function openStorage() {
  const failures = [];
  const storage = new Storage((what, why) => failures.push([what, why]));
  storage.open();
  return { storage, failures };
}

/** Saved keeps the runs in the browser and brings them back. */
export class Saved {
  /**
   * @param {import('./worker-client.js').WorkerClient} client
   * @param {function(object[])} removeFromPage takes runs off the page (Training.remove)
   * @param {{storage: Storage, failures: string[][]}|null} early the full page's database from openStorage, or null
   */
  constructor(client, removeFromPage, early = null) {
    this.client = client;
    this.removeFromPage = removeFromPage;
    // An embed keeps its demo's runs apart: several embeds of course notes share the origin.
    if (early && !state.embed) {
      this.storage = early.storage;
      this.storage.onError = (what, why) => this.failed(what, why);
      for (const [what, why] of early.failures) this.failed(what, why);
    } else {
      const name = state.embed ? `fashionlab-embed-${state.demo}` : undefined;
      this.storage = new Storage((what, why) => this.failed(what, why), name);
    }
    this.on = false;
    this.network = null; // the run whose network the worker held when last saved
    this.timer = 0;
    this.due = 0;
    this.restoring = null; // {id, train}: the load_checkpoint in flight
    this.restored = false; // restore finished in time
    this.late = false; // the storage did not answer in time: this visit goes on without it
    this.ready = Promise.race([this.restore(), new Promise((resolve) => setTimeout(resolve, OPEN_LIMIT_MS))]).then(() => {
      if (this.restored) return;
      this.late = true;
      this.on = false;
      this.failed('slow', `the browser's storage did not answer within ${OPEN_LIMIT_MS / 1000} s`);
    });
    subscribe((what) => this.changed(what));
    $('legend').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-resume]');
      if (b) this.resume(Number(b.dataset.resume));
    });
    $('btn-remove').addEventListener('click', () => this.askRemove());
    // A closing tab writes what changed since the last save, if it can.
    window.addEventListener('pagehide', () => { if (this.timer) { clearTimeout(this.timer); this.timer = 0; this.save(); } });
  }

  /** failed shows a storage failure in the message area. */
  failed(what, why) {
    let after = what === 'open' ? ' The page works as before, but a reload starts empty.' : '';
    if (what !== 'open' && why.includes('QuotaExceededError')) after = ' "Remove runs" on a question you no longer need frees space; the page trains on meanwhile.';
    show(`${WHAT[what] || 'Saving runs failed'}: ${why}.${after}`, 'error', 'storage-' + what);
  }

  /** restore opens the store and puts its runs on the page. */
  async restore() {
    const on = await this.storage.open();
    const saved = on ? await this.storage.load() : null;
    if (this.late) return; // start-up went on without it
    this.restored = true;
    this.on = on;
    if (!on) return;
    this.network = saved.network;
    if (!saved.runs.length) return;
    restoreRuns(saved.runs.map(revive));
    const n = saved.runs.length;
    announce(`${n} saved run${n > 1 ? 's' : ''} restored.`);
  }

  /** changed schedules saving after a change of the state. */
  changed(what) {
    if (!this.on) return;
    if (what === 'network' && state.networkRun && state.networkRun.demo !== 'file') {
      this.network = state.networkRun.id;
      this.storage.saveNetwork(this.network);
    }
    if (['runs', 'epoch', 'network', 'steps'].includes(what)) this.schedule(what === 'steps' ? SAVE_STEPS_MS : SAVE_SOON_MS);
  }

  /** schedule saves the runs after ms, or sooner if already due sooner. */
  schedule(ms) {
    const at = performance.now() + ms;
    if (this.timer && this.due <= at) return;
    clearTimeout(this.timer);
    this.due = at;
    this.timer = setTimeout(() => { this.timer = 0; this.save(); }, ms);
  }

  /** save writes the runs trained on the page (not the networks loaded from files). */
  save() {
    const runs = state.runs.filter((r) => r.demo !== 'file');
    if (runs.length) this.storage.saveRuns(runs);
  }

  /**
   * restoreNetwork loads the network of the last saved run back into the
   * worker (without training), so that its predictions and feature maps
   * come back; it does nothing when there is none.
   */
  async restoreNetwork() {
    const r = this.network !== null ? runById(this.network) : null;
    if (!r || state.networkRun || isBusy()) return;
    const cp = await this.storage.checkpoint(r.id);
    if (!cp || state.networkRun || isBusy()) return;
    this.restoring = { id: r.id, train: false };
    this.client.send(COMMANDS.LOAD_CHECKPOINT, { run: r.id, data: cp.data, train: false });
  }

  /**
   * resume continues interrupted run id from its latest checkpoint, or
   * trains it again from its beginning when it has none (the same seed
   * gives the same curve).
   */
  async resume(id) {
    const r = runById(id);
    if (!r || r.status !== 'interrupted') return;
    if (isBusy() || state.worker !== 'idle') {
      show(`"${r.label}" can be resumed once nothing else trains: stop the current run first.`, 'error', 'resume');
      return;
    }
    const cp = this.on ? await this.storage.checkpoint(id) : undefined;
    if (isBusy()) return;
    resumeRun(r);
    if (cp) {
      this.restoring = { id, train: true };
      this.client.send(COMMANDS.LOAD_CHECKPOINT, { run: id, data: cp.data, train: true, ...stepLimit(r.maxSteps) });
      announce(`Resuming ${r.label} after ${cp.epoch} epoch${cp.epoch === 1 ? '' : 's'}${cp.step ? ` and ${cp.step} steps` : ''}.`);
      return;
    }
    restartRun(r);
    this.client.send(COMMANDS.START, startFields(r));
    announce(`${r.label} has no checkpoint; it trains again from its beginning.`);
  }

  /** askRemove asks before removing the runs of the demo on show. */
  askRemove() {
    const runs = ownRuns();
    if (!runs.length) return;
    const demo = state.presets.demos.find((d) => d.id === state.demo);
    const what = `the ${runs.length === 1 ? 'run' : `${runs.length} runs`} of ${demo && demo.id !== 'custom' ? demo.short : 'Custom'}`;
    const dlg = $('confirm-remove');
    $('confirm-remove-title').textContent = `Remove ${what}?`;
    $('confirm-remove-text').textContent = `This removes ${what} from the page and from this browser, with ${runs.length === 1 ? 'its' : 'their'} curves and weights${state.current && runs.includes(state.current) ? ', and stops the one training' : ''}. The other questions' runs stay. It cannot be undone.`;
    const close = (yes) => {
      dlg.close();
      $('btn-remove').focus();
      if (yes) this.remove(runs, what);
    };
    $('remove-yes').onclick = () => close(true);
    $('remove-no').onclick = () => close(false);
    dlg.oncancel = (e) => { e.preventDefault(); close(false); };
    dlg.showModal();
    $('remove-no').focus();
  }

  /** remove takes runs off the page and deletes them and their checkpoints from the store. */
  async remove(runs, what) {
    const ids = runs.map((r) => r.id);
    if (ids.includes(this.network)) this.network = null;
    this.removeFromPage(runs);
    const kept = !this.on || await this.storage.remove(ids);
    const text = `Removed ${what}${this.on ? ' from the page and from this browser' : ''}.`;
    if (kept) show(text, 'info', 'remove');
    announce(text);
  }

  /** handle applies checkpoints and restores; it returns false for other events. */
  handle(m) {
    switch (m.kind) {
      case EVENTS.CHECKPOINT: {
        const r = runById(m.run);
        if (this.on && r && r.demo !== 'file') {
          const at = { epoch: m.epoch, step: m.step };
          this.storage.saveCheckpoint(m, r).then((ok) => { if (ok) patch({ saved: { ...state.saved, [m.run]: at } }, 'saved'); });
        }
        return true;
      }
      case EVENTS.RESTORED: {
        const r = runById(m.run);
        const training = this.restoring && this.restoring.id === m.run && this.restoring.train;
        this.restoring = null;
        if (!r) return true;
        patchRun(r, { params: m.params, stepsPerEpoch: m.steps_per_epoch, epochsTotal: m.epochs, layers: m.layers });
        if (training) rewindRun(r, m.epoch, m.steps);
        patch({ networkRun: r, maps: null }, 'network');
        if (training && !m.training) finishRun(r.id, 'finished', '');
        if (!m.training) this.client.send(COMMANDS.GET_PREDICTIONS, { n: 60 });
        return true;
      }
      case EVENTS.ERROR: {
        if (m.event === EVENTS.CHECKPOINT) {
          show(m.message, 'error', 'storage-checkpoint');
          return true;
        }
        if (m.command !== COMMANDS.LOAD_CHECKPOINT) return false;
        const was = this.restoring;
        this.restoring = null;
        const r = runById(m.run);
        const label = r ? `"${r.label}"` : 'A saved run';
        if (was && was.train) {
          failCurrent('its checkpoint could not be read');
          show(`${label} could not be resumed: ${m.message}`, 'error', 'resume');
        } else {
          show(`The network of ${label} could not be loaded back: ${m.message}`, 'error', 'resume');
        }
        return true;
      }
      default:
        return false;
    }
  }
}
