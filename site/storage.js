// The browser's copy of the page's runs: an IndexedDB database with the
// runs (settings, state, per-epoch log, per-step curves), the latest
// checkpoint file of each run (weights, optimizer, position, log) and
// which run's network the worker held. Every failure (no IndexedDB, as
// in some private windows; the quota; a refused write) is passed to
// onError in plain words and never thrown: the page works without it.

const DB_NAME = 'fashionlab';
const DB_VERSION = 1;
const RUNS = 'runs';
const CHECKPOINTS = 'checkpoints';
const META = 'meta';

/** Fields of a run that are kept (the rest is rebuilt or belongs to the session). */
const RUN_FIELDS = ['id', 'label', 'demo', 'color', 'config', 'settings', 'maxSteps', 'status', 'reason', 'detail', 'params', 'layers', 'epochsTotal', 'stepsPerEpoch',
  'epochs', 'stepLoss', 'stepNorm', 'smoothLoss', 'smoothNorm', 'stepsDone', 'epochNow', 'images', 'seconds', 'imagesPerSec'];

/** describe says what went wrong with an IndexedDB request in plain words. */
export function describe(err) {
  const name = (err && err.name) || 'Error';
  if (name === 'QuotaExceededError') return 'the browser\'s storage for this site is full (QuotaExceededError)';
  if (name === 'InvalidStateError' || name === 'SecurityError') return `the browser does not allow storage here, as in some private windows (${name})`;
  return `${(err && err.message) || 'an unknown failure'} (${name})`;
}

/** request turns an IDBRequest into a promise. */
function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** done returns a promise of a transaction's end (its error on abort). */
function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException('the write was aborted', 'AbortError'));
  });
}

/** record returns the kept fields of run r (a structured-cloneable copy). */
export function record(r) {
  const out = {};
  for (const k of RUN_FIELDS) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

/**
 * Storage is the database. open() must succeed before the other methods
 * act; when it fails they do nothing and resolve (onError was told).
 */
export class Storage {
  /**
   * @param {function(string, string)} onError gets (what failed, why)
   * @param {string} name the database's name (DB_NAME for the full page)
   */
  constructor(onError, name = DB_NAME) {
    this.onError = onError;
    this.name = name;
    this.db = null;
    this.opening = null;
  }

  /** open opens the database (once, however often it is called); it resolves to whether saving works. */
  open() {
    if (!this.opening) this.opening = this.openNow();
    return this.opening;
  }

  /** openNow does open's work, every time it is called. */
  async openNow() {
    try {
      if (typeof indexedDB === 'undefined' || !indexedDB) throw new DOMException('IndexedDB is not available', 'InvalidStateError');
      const req = indexedDB.open(this.name, DB_VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(CHECKPOINTS)) db.createObjectStore(CHECKPOINTS, { keyPath: 'id' });
        if (!db.objectStoreNames.contains(META)) db.createObjectStore(META, { keyPath: 'key' });
      };
      this.db = await request(req);
      this.db.onversionchange = () => { this.db.close(); this.db = null; };
      return true;
    } catch (err) {
      this.db = null;
      this.onError('open', describe(err));
      return false;
    }
  }

  /** write runs fn(stores) in one read-write transaction over names; it resolves to whether it was written. */
  async write(names, fn, what) {
    if (!this.db) return false;
    try {
      const tx = this.db.transaction(names, 'readwrite');
      fn(...names.map((n) => tx.objectStore(n)));
      await done(tx);
      return true;
    } catch (err) {
      this.onError(what, describe(err));
      return false;
    }
  }

  /** load returns {runs, checkpoints: Set of run ids, network} (empty when storage is off). */
  async load() {
    const out = { runs: [], checkpoints: new Set(), network: null };
    if (!this.db) return out;
    try {
      const tx = this.db.transaction([RUNS, CHECKPOINTS, META], 'readonly');
      const [runs, keys, meta] = await Promise.all([
        request(tx.objectStore(RUNS).getAll()),
        request(tx.objectStore(CHECKPOINTS).getAllKeys()),
        request(tx.objectStore(META).get('network')),
      ]);
      out.runs = runs.sort((a, b) => a.id - b.id);
      for (const id of keys) out.checkpoints.add(id);
      out.network = meta ? meta.run : null;
    } catch (err) {
      this.onError('read', describe(err));
    }
    return out;
  }

  /** saveRuns writes the runs' records. */
  saveRuns(runs) {
    return this.write([RUNS], (s) => { for (const r of runs) s.put(record(r)); }, 'runs');
  }

  /**
   * saveCheckpoint keeps a checkpoint event's file as run r's latest, and
   * r's record with it in the same transaction, so that a saved
   * checkpoint never gets ahead of the curves saved beside it.
   */
  saveCheckpoint(m, r) {
    return this.write([RUNS, CHECKPOINTS], (runs, cps) => {
      runs.put(record(r));
      cps.put({ id: m.run, epoch: m.epoch, step: m.step, done: m.done, data: m.data });
    }, 'checkpoint');
  }

  /** checkpoint returns the run's latest checkpoint {id, epoch, step, done, data}, or undefined. */
  async checkpoint(id) {
    if (!this.db) return undefined;
    try {
      return await request(this.db.transaction([CHECKPOINTS], 'readonly').objectStore(CHECKPOINTS).get(id));
    } catch (err) {
      this.onError('read', describe(err));
      return undefined;
    }
  }

  /** saveNetwork records which run's network the worker holds (null: none). */
  saveNetwork(id) {
    return this.write([META], (s) => s.put({ key: 'network', run: id }), 'runs');
  }

  /** remove deletes runs ids with their checkpoints (and the record of the network, when it was one of theirs). */
  async remove(ids) {
    if (!this.db) return false;
    let network = null;
    try {
      const meta = await request(this.db.transaction([META], 'readonly').objectStore(META).get('network'));
      network = meta ? meta.run : null;
    } catch (err) { /* the write below reports a failing store */ }
    return this.write([RUNS, CHECKPOINTS, META], (runs, cps, meta) => {
      for (const id of ids) { runs.delete(id); cps.delete(id); }
      if (ids.includes(network)) meta.delete('network');
    }, 'remove');
  }
}
