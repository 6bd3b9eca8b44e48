// Taking a run out of the page and bringing a network in: downloads of the
// weights (model.safetensors, as the native trainer writes it), the
// metrics (metrics.json and metrics.csv, the native columns), the curves
// and the predictions as PNG, report.md of the runs done in the page (the
// native -experiment report, written by the worker from the runs' logs); and an upload control that loads a
// model.safetensors into the worker to show its feature maps and
// predictions. The worker writes and reads the files; this module moves
// the bytes between it and the person's disk.

import { state, patch, addLoadedRun, isBusy } from './state.js';
import { COMMANDS, EVENTS } from './worker-client.js';
import { brief } from './fields.js';
import { show, dismiss } from './messages.js';
import { announce, setDisabled } from './a11y.js';
import { reportFigures } from './figures.js';

const $ = (id) => document.getElementById(id);

/**
 * MAX_WEIGHTS_BYTES bounds a weights file the page reads (protocol.MaxWeightsBytes,
 * which the worker enforces too): 256 MB, the weights of the largest network whose
 * training fits the page's 1 GB memory budget (16 bytes per parameter). Its size is
 * checked before a byte of it is read, so a huge file gets a message instead of
 * running the worker out of memory.
 */
const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

/** sizeWords writes a byte count as "1.5 GB" or "300 MB". */
function sizeWords(n) {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${Math.ceil(n / 1024 ** 2)} MB`;
}

/** tooLarge is the sentence refusing a file of n bytes. */
function tooLarge(n) {
  return `is ${sizeWords(n)}; the page loads weights files of up to ${sizeWords(MAX_WEIGHTS_BYTES)} (the largest network it can train)`;
}

/** readCapped reads a response's body, or returns null once it passes cap bytes. */
async function readCapped(resp, cap) {
  const reader = resp.body.getReader();
  const chunks = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > cap) {
      reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Canvases drawn into each PNG download, two per row. */
const PICTURES = {
  curves: { file: 'curves.png', canvases: ['chart-acc', 'chart-loss', 'chart-step', 'chart-norm'] },
  predictions: { file: 'predictions.png', canvases: ['gallery', 'confusion'] },
};

/** save offers bytes (a Blob) as a download named name. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** picture draws the canvases two per row on one canvas and returns a promise of its PNG Blob. */
function picture(ids) {
  const cs = ids.map($).filter(Boolean);
  const cols = Math.min(2, cs.length), rows = Math.ceil(cs.length / cols);
  const w = Math.max(...cs.map((c) => c.width)), h = Math.max(...cs.map((c) => c.height));
  const out = document.createElement('canvas');
  out.width = cols * w;
  out.height = rows * h;
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  cs.forEach((c, i) => g.drawImage(c, (i % cols) * w, Math.floor(i / cols) * h));
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('the picture could not be encoded'))), 'image/png'));
}

/** loggedRuns returns the page's runs that have logged at least one epoch. */
function loggedRuns() {
  return state.runs.filter((r) => r.epochs.length > 0);
}

/** Exchange owns the download buttons and the upload control. */
export class Exchange {
  /** @param {import('./worker-client.js').WorkerClient} client */
  constructor(client) {
    this.client = client;
    $('btn-download-weights').addEventListener('click', () => this.exportWeights());
    $('btn-download-json').addEventListener('click', () => this.exportMetrics('json'));
    $('btn-download-csv').addEventListener('click', () => this.exportMetrics('csv'));
    for (const [what, p] of Object.entries(PICTURES)) {
      $('btn-download-' + what).addEventListener('click', () => picture(p.canvases).then((b) => save(b, p.file)).catch((err) => show(`The picture could not be saved: ${err.message}`, 'error', 'exchange')));
    }
    $('btn-download-report').addEventListener('click', () => this.exportReport());
    $('upload-weights').addEventListener('change', (e) => this.load(e.target));
  }

  /** note writes the line under the controls. */
  note(text) {
    $('exchange-note').textContent = text;
  }

  /** render enables the controls that can act now and says why the others cannot. */
  render() {
    const w = state.worker === 'loading' ? 'the training worker is still loading' : '';
    const noNet = w || (state.networkRun ? '' : 'start a run or load a file first');
    for (const id of ['btn-download-weights', 'btn-download-json', 'btn-download-csv']) setDisabled($(id), noNet);
    $('exchange-why').textContent = noNet ? `Weights and metrics: ${noNet}.` : '';
    setDisabled($('btn-download-curves'), state.runs.length ? '' : 'there are no curves yet');
    setDisabled($('btn-download-predictions'), state.predictions ? '' : 'there are no predictions yet');
    setDisabled($('btn-download-report'), w || (loggedRuns().length ? '' : 'no run has logged an epoch yet'));
    $('upload-weights').disabled = Boolean(w);
  }

  /** exportWeights asks the worker for the network it holds. */
  exportWeights() {
    if (!state.networkRun) return;
    this.note('Writing model.safetensors…');
    this.client.send(COMMANDS.EXPORT_WEIGHTS);
  }

  /** exportMetrics asks the worker for the run's metrics; format is 'json' or 'csv'. */
  exportMetrics(format) {
    if (!state.networkRun) return;
    this.note(`Writing metrics.${format}…`);
    this.client.send(COMMANDS.EXPORT_METRICS, { format });
  }

  /** exportReport asks the worker for report.md of the runs with a logged epoch. */
  exportReport() {
    const runs = loggedRuns().map((r) => ({
      label: r.label, demo: r.demo || '', config: r.config, settings: r.settings, params: r.params || 0,
      reason: r.status === 'done' ? r.reason : '', detail: r.detail || '', epochs: r.epochs,
    }));
    if (!runs.length) return;
    this.note('Writing report.md…');
    this.client.send(COMMANDS.EXPORT_REPORT, { runs });
  }

  /** load sends the chosen file to the worker. */
  async load(input) {
    const file = input.files && input.files[0];
    if (!file) return;
    if (isBusy()) {
      show('A run is training: stop it before loading a file, which replaces the network the worker holds.', 'error', 'exchange');
      input.value = '';
      return;
    }
    if (file.size > MAX_WEIGHTS_BYTES) {
      show(`${file.name} ${tooLarge(file.size)}; no network was loaded from it.`, 'error', 'exchange');
      this.note('');
      input.value = '';
      return;
    }
    this.note(`Reading ${file.name}…`);
    try {
      const data = new Uint8Array(await file.arrayBuffer());
      dismiss('exchange');
      this.client.send(COMMANDS.LOAD_WEIGHTS, { name: file.name, data });
    } catch (err) {
      show(`${file.name} could not be read: ${err.message}`, 'error', 'exchange');
      this.note('');
    }
    input.value = ''; // choosing the same file again loads it again
  }

  /**
   * loadURL fetches the model.safetensors file at url (the address's
   * weights parameter; same origin, or a server that allows this page by
   * CORS) and loads it as the upload does. A failed request or an HTTP
   * error gets a message naming the parameter and the address.
   */
  async loadURL(url) {
    let name;
    try {
      name = decodeURIComponent(new URL(url).pathname.split('/').pop() || '') || 'the file';
    } catch {
      // A bad % escape (%ff): the same message as any bad value of the parameter.
      const raw = new URLSearchParams(location.search).get('weights') || url;
      show(`The address parameter weights must be the address of a model.safetensors file, not "${raw.length > 40 ? raw.slice(0, 40) + '…' : raw}"; no network was loaded.`, 'error', 'address-weights');
      return;
    }
    const fail = (why) => {
      show(`The weights file of the address (weights=${url}) ${why}; no network was loaded from it.`, 'error', 'exchange');
      this.note('');
    };
    this.note(`Fetching ${url}…`);
    let resp;
    try {
      resp = await fetch(url, { mode: 'cors', credentials: 'same-origin' });
    } catch (err) {
      fail(`could not be fetched (${err.message}): the server is unreachable, or it does not allow this page to read the file (CORS)`);
      return;
    }
    if (!resp.ok) {
      fail(`could not be fetched: the server answered HTTP ${resp.status}${resp.statusText ? ' ' + resp.statusText : ''}`);
      return;
    }
    const declared = Number(resp.headers.get('Content-Length'));
    if (declared > MAX_WEIGHTS_BYTES) {
      resp.body.cancel();
      fail(tooLarge(declared));
      return;
    }
    let data;
    try {
      data = await readCapped(resp, MAX_WEIGHTS_BYTES);
    } catch (err) {
      fail(`could not be read to its end (${err.message})`);
      return;
    }
    if (!data) {
      fail(`is larger than ${sizeWords(MAX_WEIGHTS_BYTES)}, the most the page loads (the largest network it can train)`);
      return;
    }
    if (isBusy()) {
      fail('arrived while a run trains: stop it and reload the page to load the file');
      return;
    }
    dismiss('exchange');
    this.note(`Reading ${name}…`);
    this.client.send(COMMANDS.LOAD_WEIGHTS, { name, data });
  }

  /** handle applies the worker's answers to exports and loads; it returns false for other events. */
  handle(m) {
    switch (m.kind) {
      case EVENTS.WEIGHTS_FILE:
        save(new Blob([m.data], { type: 'application/octet-stream' }), m.name);
        this.note(`Saved ${m.name} (${m.data.length.toLocaleString('en-US')} bytes).`);
        return true;
      case EVENTS.METRICS:
        save(new Blob([m.text], { type: m.format === 'json' ? 'application/json' : 'text/csv' }), m.name);
        this.note(`Saved ${m.name}.`);
        return true;
      case EVENTS.REPORT:
        save(new Blob([m.text + reportFigures()], { type: 'text/markdown' }), m.name);
        this.note(`Saved ${m.name}.`);
        return true;
      case EVENTS.LOADED: {
        dismiss('exchange'); // an earlier file's error no longer applies
        const r = addLoadedRun({ label: `${m.name} (${brief(m.config, m.settings)})`, config: m.config, settings: m.settings, params: m.params, layers: m.layers });
        patch({ networkRun: r, maps: null }, 'network');
        const text = `Loaded ${m.name}: ${m.params.toLocaleString('en-US')} parameters. Its predictions and feature maps are shown below.${m.note ? ' ' + m.note : ''}`;
        this.note(text);
        announce(`Loaded ${m.name}.`);
        this.client.send(COMMANDS.GET_PREDICTIONS, { n: 60 });
        return true;
      }
      case EVENTS.ERROR:
        if (![COMMANDS.EXPORT_WEIGHTS, COMMANDS.EXPORT_METRICS, COMMANDS.EXPORT_REPORT, COMMANDS.LOAD_WEIGHTS].includes(m.command)) return false;
        show(m.message, 'error', 'exchange');
        this.note('');
        return true;
      default:
        return false;
    }
  }
}
