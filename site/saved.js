// Runs that outlive the page: at start-up the runs saved in the browser
// (storage.js) come back with their curves, and the network of the last
// one goes back into the worker; while the page runs, every change of a
// run is saved and every checkpoint the worker sends is kept; a run
// interrupted by a reload, a closed tab or a worker crash shows a Resume
// button that continues it from its latest checkpoint; "Clear saved runs"
// empties the store after asking.

import { state, subscribe, patch, patchRun, runById, restoreRuns, resumeRun, rewindRun, restartRun, failCurrent, finishRun, isBusy, setStorage } from './state.js';
import { COMMANDS, EVENTS, startFields, stepLimit } from './worker-client.js';
import { Storage } from './storage.js';
import { show } from './messages.js';
import { announce, setDisabled } from './a11y.js';

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
  clear: 'The saved runs could not be cleared',
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
   * @param {function()} clearPage clears the page as Reset does
   * @param {{storage: Storage, failures: string[][]}|null} early the full page's database from openStorage, or null
   */
  constructor(client, clearPage, early = null) {
    this.client = client;
    this.clearPage = clearPage;
    // An embed keeps its demo's runs apart: several embeds of course notes share the origin.
    if (early && !state.embed) {
      this.storage = early.storage;
      this.storage.onError = (what, why) => this.failed(what, why);
      for (const [what, why] of early.failures) this.failed(what, why);
    } else {
      const name = state.embed ? `fashionlab-embed-${state.demo}` : undefined;
      this.storage = new Storage((what, why) => this.failed(what, why), name);
    }
    // Its bookkeeping is state.storage (state.js), changed through setStorage.
    this.ready = Promise.race([this.restore(), new Promise((resolve) => setTimeout(resolve, OPEN_LIMIT_MS))]).then(() => {
      if (state.storage.restored) return;
      setStorage({ late: true, on: false });
      this.render();
      this.failed('slow', `the browser's storage did not answer within ${OPEN_LIMIT_MS / 1000} s`);
    });
    subscribe((what) => this.changed(what));
    $('legend').addEventListener('click', (e) => {
      const b = e.target.closest('button[data-resume]');
      if (b) this.resume(Number(b.dataset.resume));
    });
    $('btn-clear-saved').addEventListener('click', () => this.askClear());
    // A closing tab writes what changed since the last save, if it can.
    window.addEventListener('pagehide', () => { if (state.storage.timer) { clearTimeout(state.storage.timer); setStorage({ timer: 0 }); this.save(); } });
  }

  /** failed shows a storage failure in the message area. */
  failed(what, why) {
    let after = what === 'open' ? ' The page works as before, but a reload starts empty.' : '';
    if (what !== 'open' && why.includes('QuotaExceededError')) after = ' "Clear saved runs" frees the space; the page trains on meanwhile.';
    show(`${WHAT[what] || 'Saving runs failed'}: ${why}.${after}`, 'error', 'storage-' + what);
  }

  /** restore opens the store and puts its runs on the page. */
  async restore() {
    const on = await this.storage.open();
    const saved = on ? await this.storage.load() : null;
    if (state.storage.late) return; // start-up went on without it
    setStorage({ restored: true, on });
    this.render();
    if (!on) return;
    setStorage({ network: saved.network });
    if (!saved.runs.length) return;
    restoreRuns(saved.runs.map(revive));
    const n = saved.runs.length;
    announce(`${n} saved run${n > 1 ? 's' : ''} restored.`);
  }

  /** render enables "Clear saved runs" when storage works. */
  render() {
    setDisabled($('btn-clear-saved'), state.storage.on ? '' : 'runs are not saved in this browser');
  }

  /** changed schedules saving after a change of the state. */
  changed(what) {
    if (!state.storage.on) return;
    if (what === 'network' && state.networkRun && state.networkRun.demo !== 'file') {
      setStorage({ network: state.networkRun.id });
      this.storage.saveNetwork(state.storage.network);
    }
    if (['runs', 'epoch', 'network', 'steps'].includes(what)) this.schedule(what === 'steps' ? SAVE_STEPS_MS : SAVE_SOON_MS);
  }

  /** schedule saves the runs after ms, or sooner if already due sooner. */
  schedule(ms) {
    const at = performance.now() + ms;
    if (state.storage.timer && state.storage.due <= at) return;
    clearTimeout(state.storage.timer);
    setStorage({ due: at, timer: setTimeout(() => { setStorage({ timer: 0 }); this.save(); }, ms) });
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
    const r = state.storage.network !== null ? runById(state.storage.network) : null;
    if (!r || state.networkRun || isBusy()) return;
    const cp = await this.storage.checkpoint(r.id);
    if (!cp || state.networkRun || isBusy()) return;
    setStorage({ restoring: { id: r.id, train: false } });
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
    const cp = state.storage.on ? await this.storage.checkpoint(id) : undefined;
    if (isBusy()) return;
    resumeRun(r);
    if (cp) {
      setStorage({ restoring: { id, train: true } });
      this.client.send(COMMANDS.LOAD_CHECKPOINT, { run: id, data: cp.data, train: true, ...stepLimit(r.maxSteps) });
      announce(`Resuming ${r.label} after ${cp.epoch} epoch${cp.epoch === 1 ? '' : 's'}${cp.step ? ` and ${cp.step} steps` : ''}.`);
      return;
    }
    restartRun(r);
    this.client.send(COMMANDS.START, startFields(r));
    announce(`${r.label} has no checkpoint; it trains again from its beginning.`);
  }

  /** askClear asks before emptying the store. */
  askClear() {
    const dlg = $('confirm-clear');
    const close = (yes) => {
      dlg.close();
      $('btn-clear-saved').focus();
      if (yes) this.clear();
    };
    $('clear-yes').onclick = () => close(true);
    $('clear-no').onclick = () => close(false);
    dlg.oncancel = (e) => { e.preventDefault(); close(false); };
    dlg.showModal();
    $('clear-no').focus();
  }

  /** clear empties the store and the page. */
  async clear() {
    clearTimeout(state.storage.timer);
    setStorage({ timer: 0, network: null });
    this.clearPage();
    if (await this.storage.clear()) {
      show('The saved runs were deleted from this browser; the page starts empty after a reload too.', 'info', 'storage-clear');
      announce('Saved runs deleted.');
    }
  }

  /** handle applies checkpoints and restores; it returns false for other events. */
  handle(m) {
    switch (m.kind) {
      case EVENTS.CHECKPOINT: {
        const r = runById(m.run);
        if (state.storage.on && r && r.demo !== 'file') {
          const at = { epoch: m.epoch, step: m.step };
          this.storage.saveCheckpoint(m, r).then((ok) => { if (ok) patch({ saved: { ...state.saved, [m.run]: at } }, 'saved'); });
        }
        return true;
      }
      case EVENTS.RESTORED: {
        const r = runById(m.run);
        const training = state.storage.restoring && state.storage.restoring.id === m.run && state.storage.restoring.train;
        setStorage({ restoring: null });
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
        const was = state.storage.restoring;
        setStorage({ restoring: null });
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
