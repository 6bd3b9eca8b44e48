// The only module that talks to the training worker (Go wasm in a Web
// Worker): the page's other modules take the message kinds (Command and
// Event, or protocol.js's COMMANDS and EVENTS re-exported here) and the
// start command's fields (startFields, stepLimit) from here; requests
// that expect an answer are matched by id, and a worker that dies is
// reported once and replaced by a new one.

import { COMMANDS, EVENTS, FIELD_NAMES } from './protocol.js';

export { COMMANDS, EVENTS };

/** stepLimit returns the step-limit field of a start, count or load_checkpoint command. */
export function stepLimit(maxSteps) {
  return { [FIELD_NAMES.MaxSteps]: maxSteps || 0 };
}

/** startFields returns the fields of the start command of run r ({id, config, settings, maxSteps}). */
export function startFields(r) {
  return { run: r.id, config: r.config, settings: r.settings, ...stepLimit(r.maxSteps) };
}

/** camelKinds maps protocol.js's kinds (MATCH_DEPTH: 'match_depth') to camelCase names (matchDepth). */
function camelKinds(kinds) {
  return Object.freeze(Object.fromEntries(Object.entries(kinds).map(([key, kind]) => [key.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase()), kind])));
}

/** Commands the page sends: every kind of protocol.js (generated from Go by the site build), e.g. Command.matchDepth. */
export const Command = camelKinds(COMMANDS);

/** Events the worker sends (protocol.js), e.g. Event.paramCount. */
export const Event = camelKinds(EVENTS);

/** Requests answered by an event carrying the same id. */
const answers = { [Command.count]: Event.paramCount, [Command.matchDepth]: Event.depthMatch };

/**
 * WorkerClient owns one training worker at a time. onEvent(message) gets
 * every event but the answers to requests; onDeath(text) is called once
 * per dead worker, before it is replaced.
 */
export class WorkerClient {
  /**
   * start(workers) starts a training worker configured for workers (a
   * count or 'auto') and returns it: index.html's fashionlabBoot.start,
   * the one way a worker starts. early, when given, is a worker it already
   * started, with the events it sent before this client existed ({worker,
   * workers, events}): the client takes it over as its first worker if it
   * was started for opts.workers, else ends it.
   * @param {{start: function((number|string)): Worker, workers: (number|string), onEvent: function(object), onDeath: function(string), early?: {worker: Worker, workers: (number|string), events: Event[]}}} opts
   */
  constructor(opts) {
    this.opts = opts;
    this.nextId = 1;
    this.pending = new Map(); // id -> {kind, resolve, reject}
    this.worker = null;
    this.dead = false;
    this.spawn();
  }

  /** spawn starts a fresh worker. */
  spawn() {
    let early = this.opts.early;
    this.opts.early = null;
    if (early && early.workers !== this.opts.workers) {
      early.worker.terminate();
      early = null;
    }
    const w = early ? early.worker : this.opts.start(this.opts.workers);
    this.worker = w;
    this.dead = false;
    w.onmessage = (e) => { if (this.worker === w) this.receive(e.data); };
    w.onerror = (e) => {
      e.preventDefault();
      if (this.worker === w) this.die(`the training program failed with "${e.message || 'an uncaught error'}"`);
    };
    w.onmessageerror = () => { if (this.worker === w) this.die('a message from the training program could not be read'); };
    // The early events are handled once the page's current script is done
    // (it is still wiring its handlers), before any later event.
    if (early) queueMicrotask(() => { for (const e of early.events) ({ message: w.onmessage, error: w.onerror, messageerror: w.onmessageerror })[e.type](e); });
  }

  /** restart replaces a dead (or live) worker with a new one. */
  restart() {
    if (this.worker) this.worker.terminate();
    this.spawn();
  }

  /** die reports a dead worker once, fails its pending requests and restarts it. */
  die(why) {
    if (this.dead) return;
    this.dead = true;
    for (const p of this.pending.values()) p.reject(new Error('the training worker stopped'));
    this.pending.clear();
    this.opts.onDeath(why);
    this.restart();
  }

  /** send posts a command with its fields. */
  send(kind, fields) {
    if (this.dead) return;
    this.worker.postMessage(Object.assign({ kind }, fields || {}));
  }

  /**
   * request sends a command that the worker answers with an id-matched
   * event and returns a promise of that event.
   */
  request(kind, fields) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { kind, resolve, reject });
      this.send(kind, Object.assign({ id }, fields));
    });
  }

  /** receive routes one event from the worker. */
  receive(m) {
    if (!m || typeof m.kind !== 'string') return;
    if (m.kind === Event.paramCount || m.kind === Event.depthMatch) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (p) p.resolve(m);
      return;
    }
    if (m.kind === Event.error && answers[m.command]) {
      // A refused request: answer the oldest one of that kind.
      for (const [id, p] of this.pending) {
        if (p.kind === m.command) {
          this.pending.delete(id);
          if (m.command === Command.count) p.resolve({ params: 0, bytes: 0, problems: m.problems || [{ field: '', message: m.message }] });
          else p.reject(new Error(m.message));
          return;
        }
      }
      return;
    }
    if (m.kind === Event.error && m.fatal) {
      this.die(m.message || 'the training program cannot continue');
      return;
    }
    this.opts.onEvent(m);
  }
}
