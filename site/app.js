// FashionLab page: demos, configuration, controls, charts, predictions and
// the bridge to the training worker (Go wasm in a Web Worker) and to the
// canvas (Go wasm with Ebiten in an iframe). Messages follow the schema of
// FashionLab's protocol package.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  const COLORS = ['#2f6fde', '#e4572e', '#29a36a', '#9b51e0', '#f2a541', '#17a2b8', '#d6336c', '#6c757d'];
  const MLP = () => ({ net: 'mlp', dense_hiddens: [256, 256], activation: 'relu' });
  const CNN = () => ({ net: 'cnn', n_channels: [16, 32, 48], kernel_sizes: [3, 3, 3], strides: [1, 1, 1], paddings: [0, 0, 0], dense_hiddens: [256, 256], activation: 'relu' });
  const SETTINGS = (over) => Object.assign({ optimizer: 'adam', lr: 1e-4, momentum: 0.9, batch_size: 128, epochs: 3, shuffle: false, seed: 197331, normalize: true, train_limit: 0, eval_train_size: 2000 }, over || {});

  // The five questions of the homework, sized for the browser subset.
  const DEMOS = {
    q1: {
      title: 'q1 · Is a convolution equivariant to shifts and rotations?',
      text: `<p>f(x) = relu(conv(relu(conv(x)))) uses one random 3×3 convolution twice. The lab shows x, f(x), and for a shift and a rotation T the inputs T(x), the outputs f(T(x)) and T(f(x)), and their difference |T(f(x)) − f(T(x))|.</p>
<p class="look">Look for: the shift difference is zero except where content was clipped at the border; the rotation difference is not. Move the sliders; switch f to the trained network's first layer after a short run.</p>`,
      mode: 'lab',
      runs: [{ label: 'default CNN (for its first layer)', config: CNN(), settings: SETTINGS({ epochs: 1, lr: 1e-3 }) }],
    },
    q2: {
      title: 'q2 · Learning rate × normalization (MLP)',
      text: `<p>Six runs of the 784-256-256-10 MLP, one after the other: learning rates 1e-2, 1e-4 and 1e-6, each with and without per-pixel normalization.</p>
<p class="look">Look for: normalization helps generalization and lets lr 1e-2 train; raw pixels at lr 1e-2 saturate the softmax after one step (loss stuck near 18.6, zero gradient, accuracy at chance); lr 1e-6 barely moves.</p>`,
      mode: 'maps',
      runs: [1e-2, 1e-4, 1e-6].flatMap((lr) => [true, false].map((norm) => ({
        label: `MLP lr ${lr.toExponential(0)} ${norm ? 'normalized' : 'raw'}`, config: MLP(), settings: SETTINGS({ lr, normalize: norm, epochs: 3 }),
      }))),
    },
    q3: {
      title: 'q3 · Same parameters, different shape: 256×256 vs 54 layers of 64',
      text: `<p>The default MLP has 269,322 parameters; 54 hidden layers of width 64 have 271,370. Both train with Adam at lr 1e-4.</p>
<p class="look">Look for: the 54-layer network stays at loss 2.30 and chance accuracy, its gradient norm flat near 0.1; the 256-wide one trains with a gradient norm near 1.</p>`,
      mode: 'maps',
      runs: [
        { label: 'MLP 256,256', config: MLP(), settings: SETTINGS({ epochs: 3 }) },
        { label: 'MLP 64×54', config: { net: 'mlp', dense_hiddens: Array(54).fill(64), activation: 'relu' }, settings: SETTINGS({ epochs: 3 }) },
      ],
    },
    q4: {
      title: 'q4 · MLP vs CNN at about the same number of parameters',
      text: `<p>The MLP (269,322 parameters) and the default CNN (283,898: 16, 32, 48 channels of 3×3 convolutions, then 256, 256) on the same data.</p>
<p class="look">Look for: the MLP fits the training images faster; the CNN's validation accuracy catches up and overtakes it (at full scale: MLP val 0.897, CNN 0.903). Open the feature maps to see what the convolutions detect.</p>`,
      mode: 'maps',
      runs: [
        { label: 'MLP 256,256', config: MLP(), settings: SETTINGS({ epochs: 3 }) },
        { label: 'CNN 16,32,48', config: CNN(), settings: SETTINGS({ epochs: 3 }) },
      ],
    },
    q5: {
      title: 'q5 · Kernel size: deep 1×1 vs shallow 28×28 vs default 3×3',
      text: `<p>A deep CNN of five 1×1 convolutions (32, 48, 64, 64, 48 channels, 277,290 parameters), a shallow CNN of one 28×28 convolution with 44 channels (283,382), and the default CNN (283,898).</p>
<p class="look">Look for: the deep 1×1 network lags: each 2×2 pool rounds down (28, 14, 7, 3, 1) so only the top-left 16×16 pixels reach the classifier; the shallow one behaves like an MLP; the default CNN generalizes best.</p>`,
      mode: 'maps',
      runs: [
        { label: 'deep k1 ×5', config: { net: 'cnn', n_channels: [32, 48, 64, 64, 48], kernel_sizes: [1, 1, 1, 1, 1], strides: [1, 1, 1, 1, 1], paddings: [0, 0, 0, 0, 0], dense_hiddens: [256, 256], activation: 'relu' }, settings: SETTINGS({ epochs: 2 }) },
        { label: 'shallow k28', config: { net: 'cnn', n_channels: [44], kernel_sizes: [28], strides: [1], paddings: [0], dense_hiddens: [256, 256], activation: 'relu' }, settings: SETTINGS({ epochs: 2 }) },
        { label: 'default CNN', config: CNN(), settings: SETTINGS({ epochs: 2 }) },
      ],
    },
    custom: {
      title: 'Custom configuration',
      text: '<p>Choose every field of the network configuration and the training settings, then press Start. Runs stay overlaid on the charts until Reset.</p>',
      mode: 'maps',
      runs: null,
    },
  };

  // ---- parameter count: a port of model.(*Network).NumParams ----

  // countParams returns the number of trainable scalars of a configuration,
  // or throws an Error saying why the configuration is invalid.
  function countParams(cfg) {
    let width = 28 * 28;
    let total = 0;
    const hidden = cfg.dense_hiddens || [];
    if (cfg.net === 'cnn') {
      const n = (cfg.n_channels || []).length;
      if (n === 0) throw new Error('a CNN needs at least one convolution layer');
      for (const key of ['kernel_sizes', 'strides', 'paddings']) {
        if ((cfg[key] || []).length !== n) throw new Error(`${n} channels but ${(cfg[key] || []).length} ${key.replace('_', ' ')}`);
      }
      let h = 28, w = 28, c = 1;
      for (let i = 0; i < n; i++) {
        const out = cfg.n_channels[i], k = cfg.kernel_sizes[i], s = cfg.strides[i], p = cfg.paddings[i];
        if (out < 1 || k < 1 || s < 1 || p < 0) throw new Error(`convolution layer ${i + 1}: sizes must be positive`);
        const oh = Math.floor((h + 2 * p - k) / s) + 1, ow = Math.floor((w + 2 * p - k) / s) + 1;
        if (h + 2 * p < k || w + 2 * p < k || oh < 1 || ow < 1) throw new Error(`convolution layer ${i + 1}: the kernel is larger than its ${h}x${w} input`);
        total += c * k * k * out + out;
        if (i < n - 1) {
          if (oh < 2 || ow < 2) throw new Error(`convolution layer ${i + 1} leaves a ${oh}x${ow} map, too small for the 2x2 max-pool after it`);
          h = Math.floor(oh / 2); w = Math.floor(ow / 2);
        }
        c = out;
      }
      width = c * 16;
    } else if (cfg.net !== 'mlp') {
      throw new Error(`unknown network kind "${cfg.net}"`);
    }
    for (const out of [...hidden, 10]) {
      if (!(out >= 1)) throw new Error('dense hidden sizes must be positive');
      total += width * out + out;
      width = out;
    }
    return total;
  }

  // layersToMatch answers: how many hidden layers of width w give about
  // target parameters? It returns the count whose total is closest.
  function layersToMatch(w, target) {
    if (!(w >= 1) || !(target >= 1)) return null;
    let best = { layers: 0, params: countParams({ net: 'mlp', dense_hiddens: [] }) };
    for (let n = 1; n <= 10000; n++) {
      const p = countParams({ net: 'mlp', dense_hiddens: Array(n).fill(w) });
      if (Math.abs(p - target) < Math.abs(best.params - target)) best = { layers: n, params: p };
      if (p > target) break;
    }
    return best;
  }

  // ---- state ----

  const state = {
    demo: 'q1',
    embed: false,
    worker: 'loading', // loading | idle | running | paused
    ready: null,
    runs: [],
    queue: [],
    current: null,
    nextRunId: 1,
    errors: [], // uncaught exceptions and failures of the page itself
    workerErrors: [], // commands the worker refused
    messages: [],
    equivariance: null,
    maps: null,
    predictions: null,
    firstStepMs: null,
    navigationStart: performance.timeOrigin,
    frames: { count: 0, maxGapMs: 0, last: 0, since: performance.now() },
  };
  const pending = new Map(); // count id -> resolve
  let nextCountId = 1;

  function showMessage(text, kind) {
    const div = document.createElement('div');
    div.className = 'msg' + (kind === 'info' ? ' info' : '');
    div.textContent = text;
    $('messages').appendChild(div);
    state.messages.push({ text, kind: kind || 'error' });
    if (kind === 'info') setTimeout(() => div.remove(), 8000);
  }

  // ---- worker ----

  const worker = new Worker('worker.js');
  const send = (msg) => worker.postMessage(msg);
  worker.onerror = (e) => { state.errors.push(String(e.message)); showMessage('The training worker failed: ' + e.message); };
  worker.onmessage = (e) => handle(e.data);

  function runById(id) { return state.runs.find((r) => r.id === id); }

  function handle(m) {
    switch (m.kind) {
      case 'ready':
        state.ready = { train: m.train, val: m.val, test: m.test };
        state.readyMs = performance.now();
        state.worker = 'idle';
        $('image-index').max = m.val - 1;
        setStatus(`Ready: ${m.train.toLocaleString()} training, ${m.val.toLocaleString()} validation images loaded.`);
        send({ kind: 'get_image', set: 'train', index: 0 });
        if (autostart) startDemo();
        break;
      case 'started': {
        const r = runById(m.run);
        if (!r) break;
        Object.assign(r, { params: m.params, stepsPerEpoch: m.steps_per_epoch, epochsTotal: m.epochs, layers: m.layers, status: 'running', startedAt: performance.now() });
        if (r.expectedParams !== m.params) console.warn(`FashionLab: parameter count ${r.expectedParams} differs from the worker's ${m.params}`);
        renderLegend();
        break;
      }
      case 'steps': {
        const r = runById(m.run);
        if (!r) break;
        if (state.firstStepMs === null) state.firstStepMs = performance.now();
        for (let i = 0; i < m.loss.length; i++) {
          r.smoothLoss = r.smoothLoss === undefined ? m.loss[i] : 0.9 * r.smoothLoss + 0.1 * m.loss[i];
          r.smoothNorm = r.smoothNorm === undefined ? m.grad_norm[i] : 0.9 * r.smoothNorm + 0.1 * m.grad_norm[i];
          r.stepLoss.push(r.smoothLoss);
          r.stepNorm.push(r.smoothNorm);
        }
        r.stepsDone = m.first_step + m.loss.length - 1;
        r.epochNow = m.epoch;
        r.images += m.images;
        r.seconds += m.seconds;
        if (m.seconds > 0) {
          const ips = m.images / m.seconds;
          r.imagesPerSec = r.imagesPerSec ? 0.7 * r.imagesPerSec + 0.3 * ips : ips;
        }
        dirty = true;
        break;
      }
      case 'epoch': {
        const r = runById(m.run);
        if (!r) break;
        r.epochs.push({ epoch: m.epoch, train_loss: m.train_loss, train_acc: m.train_acc, val_loss: m.val_loss, val_acc: m.val_acc, grad_norm: m.grad_norm, seconds: m.seconds });
        dirty = true;
        renderLegend();
        break;
      }
      case 'state':
        state.worker = m.state;
        if (state.current && m.run === state.current.id && m.state !== 'idle') state.current.status = m.state;
        updateButtons();
        break;
      case 'done': {
        const r = runById(m.run);
        if (r) {
          r.status = 'done';
          r.reason = m.reason;
          r.detail = m.detail;
        }
        state.current = null;
        renderLegend();
        send({ kind: 'get_predictions', n: 60 });
        if (m.reason === 'diverged') showMessage(`${r ? r.label : 'The run'} diverged: ${m.detail}`, 'info');
        if (m.reason !== 'stopped' && state.queue.length > 0) startNext();
        else state.queue = [];
        updateButtons();
        break;
      }
      case 'param_count': {
        const resolve = pending.get(m.id);
        pending.delete(m.id);
        if (resolve) resolve(m.params);
        break;
      }
      case 'image':
        state.labImage = m.pixels;
        state.labLabel = m.label;
        updateLab();
        break;
      case 'activations':
        state.maps = { index: m.index, label: m.label, pred: m.pred, layers: m.maps.map((fm) => ({ h: fm.h, w: fm.w, c: fm.c })) };
        $('maps-note').textContent = `${CLASSES[m.label]}, predicted ${CLASSES[m.pred]}` + (m.maps.length === 0 ? ' · an MLP has no feature maps' : '');
        withCanvas((c) => c.setMaps({ image: m.image, label: m.label, pred: m.pred, maps: m.maps }));
        break;
      case 'predictions':
        state.predictions = { n: m.n, accuracy: m.confusion.reduce((a, v, i) => a + (i % 11 === 0 ? v : 0), 0) / m.confusion.reduce((a, v) => a + v, 0) };
        drawGallery(m);
        drawConfusion(m.confusion);
        $('predict-note').textContent = `Validation accuracy ${(100 * state.predictions.accuracy).toFixed(1)} %`;
        break;
      case 'weights':
        state.weights = m.tensors;
        updateLab();
        break;
      case 'error':
        if (m.command === 'count') break; // shown inline by the form
        state.workerErrors.push(m.message);
        showMessage(m.message);
        if (m.command === 'start') { state.current = null; state.queue = []; }
        updateButtons();
        break;
      default:
        console.warn('FashionLab: unknown message from the worker', m.kind);
    }
    if (m.kind === 'steps' || m.kind === 'epoch' || m.kind === 'done') updateStatus();
  }

  // workerCount asks the worker for a configuration's parameter count.
  function workerCount(config) {
    const id = nextCountId++;
    return new Promise((resolve) => { pending.set(id, resolve); send({ kind: 'count', id, config }); });
  }

  // ---- runs ----

  function enqueue(spec) {
    const r = {
      id: state.nextRunId++, label: spec.label, color: COLORS[(state.nextRunId - 2) % COLORS.length],
      config: spec.config, settings: spec.settings, maxSteps: spec.maxSteps || 0,
      expectedParams: countParams(spec.config), status: 'queued', epochs: [], stepLoss: [], stepNorm: [],
      stepsDone: 0, images: 0, seconds: 0, imagesPerSec: 0,
    };
    state.runs.push(r);
    state.queue.push(r);
    return r;
  }

  function startNext() {
    const r = state.queue.shift();
    if (!r) return;
    state.current = r;
    r.status = 'starting';
    send({ kind: 'start', run: r.id, config: r.config, settings: r.settings, max_steps: r.maxSteps });
    renderLegend();
    updateButtons();
  }

  function startDemo() {
    const demo = DEMOS[state.demo];
    let specs;
    if (demo.runs) {
      specs = demo.runs;
    } else {
      const form = readForm();
      if (form.error) { showMessage(form.error); return; }
      specs = [{ label: describe(form.config, form.settings), config: form.config, settings: form.settings, maxSteps: form.maxSteps }];
    }
    if (state.current) send({ kind: 'stop' });
    state.queue = [];
    for (const s of specs) enqueue(s);
    startNext();
  }

  function describe(config, settings) {
    const hidden = config.dense_hiddens.length > 2 && config.dense_hiddens.every((h) => h === config.dense_hiddens[0]) ? `${config.dense_hiddens[0]}×${config.dense_hiddens.length}` : config.dense_hiddens.join(',');
    const body = config.net === 'cnn' ? `CNN ${config.n_channels.join(',')} k${config.kernel_sizes.join(',')} dense ${hidden}` : `MLP ${hidden}`;
    return `${body} ${config.activation} ${settings.optimizer} lr ${settings.lr}${settings.normalize ? '' : ' raw'}`;
  }

  // ---- form ----

  function parseInts(s, name) {
    s = s.trim();
    if (s === '') return [];
    const out = [];
    for (let item of s.split(',')) {
      item = item.trim();
      let [v, n] = item.split('*');
      n = n === undefined ? 1 : Number(n);
      v = Number(v);
      if (!Number.isInteger(v) || !Number.isInteger(n) || n < 1 || n > 10000) throw new Error(`${name}: "${s}" is not a list like 256,256 or 64*54`);
      for (let i = 0; i < n; i++) out.push(v);
    }
    return out;
  }

  function readForm() {
    const f = $('config-form').elements;
    try {
      const config = { net: f.net.value, dense_hiddens: parseInts(f.dense_hiddens.value, 'dense hidden sizes'), activation: f.activation.value };
      if (config.net === 'cnn') {
        for (const k of ['n_channels', 'kernel_sizes', 'strides', 'paddings']) config[k] = parseInts(f[k].value, k.replace('_', ' '));
      }
      const lr = Number(f.lr.value);
      if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate: "${f.lr.value}" is not a positive number`);
      const int = (name, min) => {
        const v = Number(f[name].value);
        if (!Number.isInteger(v) || v < min) throw new Error(`${name.replace('_', ' ')}: "${f[name].value}" must be an integer of at least ${min}`);
        return v;
      };
      const settings = SETTINGS({
        optimizer: f.optimizer.value, lr, batch_size: int('batch_size', 1), epochs: int('epochs', 0),
        normalize: f.normalize.checked, shuffle: f.shuffle.checked, seed: int('seed', 0), train_limit: int('train_limit', 0),
      });
      const params = countParams(config);
      return { config, settings, params, maxSteps: int('max_steps', 0) };
    } catch (err) {
      return { error: err.message };
    }
  }

  function writeForm(config, settings) {
    const f = $('config-form').elements;
    f.net.value = config.net;
    const hidden = config.dense_hiddens.length > 2 && config.dense_hiddens.every((h) => h === config.dense_hiddens[0]) ? `${config.dense_hiddens[0]}*${config.dense_hiddens.length}` : config.dense_hiddens.join(',');
    f.dense_hiddens.value = hidden;
    f.activation.value = config.activation;
    if (config.net === 'cnn') for (const k of ['n_channels', 'kernel_sizes', 'strides', 'paddings']) f[k].value = config[k].join(',');
    f.optimizer.value = settings.optimizer;
    f.lr.value = String(settings.lr);
    f.batch_size.value = settings.batch_size;
    f.epochs.value = settings.epochs;
    f.normalize.checked = settings.normalize;
    f.shuffle.checked = settings.shuffle;
    f.seed.value = settings.seed;
    onFormChange();
  }

  function onFormChange() {
    const f = $('config-form').elements;
    for (const el of document.querySelectorAll('.cnn-only')) el.style.display = f.net.value === 'cnn' ? '' : 'none';
    const r = readForm();
    $('param-count').textContent = r.error ? '–' : r.params.toLocaleString('en-US');
    $('param-note').textContent = r.error || '';
    state.paramCount = r.error ? null : r.params;
  }

  function onMatcherChange() {
    const w = Number($('match-width').value), target = Number($('match-target').value);
    const best = layersToMatch(w, target);
    $('match-result').textContent = best ? `${best.layers} hidden layers of width ${w}: ${best.params.toLocaleString('en-US')} parameters` : 'enter a positive width and target';
  }

  // ---- status and controls ----

  function setStatus(text) { $('status').textContent = text; }

  function updateStatus() {
    const r = state.current || state.runs[state.runs.length - 1];
    if (!r) return;
    const total = (r.epochsTotal || r.settings.epochs) * (r.stepsPerEpoch || 1);
    const limit = r.maxSteps > 0 ? Math.min(total, r.maxSteps) : total;
    let text = `${r.label}: ${r.status === 'done' ? 'done (' + r.reason + ')' : r.status}, epoch ${r.epochNow || 0}/${r.epochsTotal || r.settings.epochs}, step ${r.stepsDone}/${limit}`;
    if (r.imagesPerSec) text += ` · ${Math.round(r.imagesPerSec).toLocaleString('en-US')} images/s`;
    if (r.status === 'running' && r.imagesPerSec && r.stepsPerEpoch) {
      const batch = r.settings.batch_size;
      const eta = ((limit - r.stepsDone) * batch) / r.imagesPerSec;
      text += ` · ETA ${formatSeconds(eta)}`;
    }
    const last = r.epochs[r.epochs.length - 1];
    if (last && last.val_acc !== null) text += ` · val acc ${(last.val_acc * 100).toFixed(1)} %`;
    if (state.queue.length) text += ` · ${state.queue.length} more queued`;
    setStatus(text);
  }

  function formatSeconds(s) {
    if (!Number.isFinite(s)) return '–';
    if (s < 60) return `${Math.round(s)} s`;
    return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  }

  function updateButtons() {
    const running = state.worker === 'running', paused = state.worker === 'paused', loaded = state.worker !== 'loading';
    $('btn-start').disabled = !loaded;
    $('btn-pause').disabled = !running;
    $('btn-resume').disabled = !paused;
    $('btn-stop').disabled = !(running || paused);
    $('btn-reset').disabled = !loaded;
  }

  function renderLegend() {
    const ul = $('legend');
    ul.textContent = '';
    for (const r of state.runs) {
      const li = document.createElement('li');
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = r.color;
      li.appendChild(sw);
      const last = r.epochs[r.epochs.length - 1];
      const acc = last && last.val_acc !== null ? ` · val ${(100 * last.val_acc).toFixed(1)} %` : '';
      li.appendChild(document.createTextNode(`${r.label} · ${(r.params || r.expectedParams).toLocaleString('en-US')} parameters · ${r.status}${r.reason ? ' (' + r.reason + ')' : ''}${acc}`));
      ul.appendChild(li);
    }
  }

  // ---- charts ----

  let dirty = true;

  function niceTicks(lo, hi, n) {
    const span = hi - lo || 1;
    const step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) || step0;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    return ticks;
  }

  // drawChart draws line series [{color, dash, points: [[x, y]]}] with axes.
  function drawChart(canvas, series, opts) {
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || canvas.width, cssH = canvas.clientHeight || canvas.height;
    if (canvas.width !== Math.round(cssW * dpr)) { canvas.width = Math.round(cssW * dpr); canvas.height = Math.round(cssH * dpr); }
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    const pad = { l: 48, r: 10, t: 10, b: 26 };
    const W = cssW - pad.l - pad.r, H = cssH - pad.t - pad.b;
    let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
    for (const s of series) for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) continue;
      xmin = Math.min(xmin, x); xmax = Math.max(xmax, x); ymin = Math.min(ymin, y); ymax = Math.max(ymax, y);
    }
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = '#666a73';
    if (!Number.isFinite(xmin)) { g.fillText('no data yet', pad.l + 8, pad.t + 16); return; }
    if (opts.yMin !== undefined) ymin = Math.min(ymin, opts.yMin);
    if (opts.yMax !== undefined) ymax = Math.max(ymax, opts.yMax);
    if (xmax === xmin) xmax = xmin + 1;
    if (ymax === ymin) { ymax += 0.5; ymin -= 0.5; }
    const X = (x) => pad.l + ((x - xmin) / (xmax - xmin)) * W;
    const Y = (y) => pad.t + H - ((y - ymin) / (ymax - ymin)) * H;
    g.strokeStyle = '#e6e4de';
    g.lineWidth = 1;
    g.textAlign = 'right';
    for (const t of niceTicks(ymin, ymax, 4)) {
      g.beginPath(); g.moveTo(pad.l, Y(t)); g.lineTo(pad.l + W, Y(t)); g.stroke();
      g.fillText(String(t), pad.l - 4, Y(t) + 4);
    }
    g.textAlign = 'center';
    for (const t of niceTicks(xmin, xmax, 5)) if (!opts.integerX || Number.isInteger(t)) g.fillText(String(t), X(t), pad.t + H + 16);
    g.fillText(opts.xLabel || '', pad.l + W / 2, cssH - 1);
    for (const s of series) {
      g.strokeStyle = s.color;
      g.lineWidth = 1.8;
      g.setLineDash(s.dash ? [5, 4] : []);
      g.beginPath();
      let pen = false;
      for (const [x, y] of s.points) {
        if (!Number.isFinite(y)) { pen = false; continue; }
        if (pen) g.lineTo(X(x), Y(y)); else g.moveTo(X(x), Y(y));
        pen = true;
      }
      g.stroke();
      if (s.points.length === 1) { g.fillStyle = s.color; g.fillRect(X(s.points[0][0]) - 2, Y(s.points[0][1]) - 2, 4, 4); }
    }
    g.setLineDash([]);
  }

  // decimate keeps at most n points of a per-step series.
  function decimate(values, n) {
    const step = Math.max(1, Math.ceil(values.length / n));
    const out = [];
    for (let i = 0; i < values.length; i += step) out.push([i + 1, values[i]]);
    if (values.length && (values.length - 1) % step) out.push([values.length, values[values.length - 1]]);
    return out;
  }

  function drawCharts() {
    const acc = [], loss = [], step = [], norm = [];
    for (const r of state.runs) {
      const ep = (k) => r.epochs.map((e) => [e.epoch, e[k] === null ? NaN : e[k]]);
      acc.push({ color: r.color, points: ep('val_acc') }, { color: r.color, dash: true, points: ep('train_acc') });
      loss.push({ color: r.color, points: ep('val_loss') }, { color: r.color, dash: true, points: ep('train_loss') });
      step.push({ color: r.color, points: decimate(r.stepLoss, 600) });
      norm.push({ color: r.color, points: decimate(r.stepNorm, 600) });
    }
    drawChart($('chart-acc'), acc, { xLabel: 'epoch', yMin: 0, yMax: 1, integerX: true });
    drawChart($('chart-loss'), loss, { xLabel: 'epoch', yMin: 0, integerX: true });
    drawChart($('chart-step'), step, { xLabel: 'step', yMin: 0 });
    drawChart($('chart-norm'), norm, { xLabel: 'step', yMin: 0 });
  }

  // ---- predictions ----

  function drawGallery(m) {
    const c = $('gallery'), g = c.getContext('2d');
    const cols = 12, cell = 40, rows = Math.ceil(m.n / cols);
    c.width = cols * cell; c.height = Math.max(1, rows) * (cell + 12);
    g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
    const img = g.createImageData(28, 28);
    for (let i = 0; i < m.n; i++) {
      for (let p = 0; p < 784; p++) {
        const v = 255 - Math.round(255 * m.images[i * 784 + p]);
        img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
      }
      const x = (i % cols) * cell + 6, y = Math.floor(i / cols) * (cell + 12) + 4;
      g.putImageData(img, x, y);
      const wrong = m.labels[i] !== m.preds[i];
      g.strokeStyle = wrong ? '#c0392b' : '#dcdad4';
      g.lineWidth = wrong ? 2 : 1;
      g.strokeRect(x - 1, y - 1, 30, 30);
      g.fillStyle = wrong ? '#c0392b' : '#666a73';
      g.font = '9px system-ui, sans-serif';
      g.fillText(CLASSES[m.preds[i]].slice(0, 7), x - 3, y + 38);
    }
  }

  function drawConfusion(conf) {
    const c = $('confusion'), g = c.getContext('2d');
    const n = 10, off = 70, cell = (c.width - off - 10) / n;
    g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
    let max = 1;
    const rowSum = [];
    for (let t = 0; t < n; t++) { rowSum[t] = 0; for (let p = 0; p < n; p++) { rowSum[t] += conf[t * n + p]; if (t !== p) max = Math.max(max, conf[t * n + p]); } }
    g.font = '10px system-ui, sans-serif';
    for (let t = 0; t < n; t++) {
      g.fillStyle = '#1d1f23'; g.textAlign = 'right';
      g.fillText(CLASSES[t].slice(0, 11), off - 4, off + t * cell + cell / 2 + 3);
      for (let p = 0; p < n; p++) {
        const v = conf[t * n + p];
        const frac = t === p ? v / Math.max(1, rowSum[t]) : v / max;
        g.fillStyle = t === p ? `rgba(46,139,87,${0.15 + 0.85 * frac})` : `rgba(192,57,43,${frac * 0.9})`;
        g.fillRect(off + p * cell, off + t * cell, cell - 1, cell - 1);
        g.fillStyle = frac > 0.6 ? '#fff' : '#1d1f23'; g.textAlign = 'center';
        if (v) g.fillText(String(v), off + p * cell + cell / 2, off + t * cell + cell / 2 + 3);
      }
    }
    g.save();
    for (let p = 0; p < n; p++) {
      g.setTransform(1, 0, 0, 1, off + p * cell + cell / 2 + 3, off - 4);
      g.rotate(-Math.PI / 3); g.textAlign = 'left'; g.fillStyle = '#1d1f23';
      g.fillText(CLASSES[p].slice(0, 11), 0, 0);
    }
    g.restore();
  }

  // ---- canvas (Ebiten, in the iframe) ----

  let canvasQueue = [];
  function withCanvas(fn) {
    const win = $('canvas-frame').contentWindow;
    if (win && win.fashionlabCanvas) { fn(win.fashionlabCanvas); return; }
    canvasQueue.push(fn);
  }
  const canvasPoll = setInterval(() => {
    const win = $('canvas-frame').contentWindow;
    if (win && win.fashionlabCanvasError) {
      clearInterval(canvasPoll);
      state.errors.push(win.fashionlabCanvasError);
      showMessage('The canvas could not start: ' + win.fashionlabCanvasError);
    }
    if (win && win.fashionlabCanvas) {
      clearInterval(canvasPoll);
      state.canvasReady = true;
      const q = canvasQueue; canvasQueue = [];
      win.fashionlabCanvas.setMode(state.mode);
      for (const fn of q) fn(win.fashionlabCanvas);
    }
  }, 100);

  function setMode(mode) {
    state.mode = mode;
    $('tab-maps').classList.toggle('active', mode === 'maps');
    $('tab-lab').classList.toggle('active', mode === 'lab');
    $('maps-controls').style.display = mode === 'maps' ? '' : 'none';
    $('lab-controls').style.display = mode === 'lab' ? '' : 'none';
    withCanvas((c) => c.setMode(mode));
    if (mode === 'lab') updateLab();
  }

  function updateLab() {
    if (!state.labImage) return;
    const dx = Number($('lab-dx').value), dy = Number($('lab-dy').value), deg = Number($('lab-deg').value);
    $('lab-dx-out').textContent = dx; $('lab-dy-out').textContent = dy; $('lab-deg-out').textContent = deg + '°';
    const source = $('lab-source').value;
    const req = { image: state.labImage, dx, dy, degrees: deg, source, seed: Number($('lab-seed').value) || 0 };
    if (source === 'trained') {
      // The worker holds the network of the latest run only.
      const run = state.runs[state.runs.length - 1];
      if (!run || run.config.net !== 'cnn' || !(run.stepsDone > 0)) { $('lab-stats').textContent = 'the latest run must be a CNN that has trained: press Start (q1 trains one), then choose this again'; return; }
      if (!state.weights || state.weightsRun !== run.id) {
        state.weightsRun = run.id;
        state.weights = null;
        send({ kind: 'get_weights' });
        $('lab-stats').textContent = 'fetching the trained weights…';
        return;
      }
      req.config = run.config;
      req.weight = state.weights[0].data;
      req.bias = state.weights[1].data;
    }
    withCanvas((c) => Promise.resolve(c.setLab(req)).then((res) => {
      if (res.error) { $('lab-stats').textContent = res.error; return; }
      state.equivariance = { dx, dy, degrees: deg, source, shiftMax: res.shiftMax, rotateMax: res.rotateMax, shiftMaxAll: res.shiftMaxAll, rotateMaxAll: res.rotateMaxAll, scale: res.scale };
      $('lab-stats').textContent = res.note || `interior max |diff|: shift ${res.shiftMax.toFixed(4)}, rotation ${res.rotateMax.toFixed(4)} (max |f(x)| ${res.scale.toFixed(3)})`;
    }));
  }

  // ---- demos and URL parameters ----

  function selectDemo(name) {
    state.demo = name;
    const d = DEMOS[name];
    for (const b of document.querySelectorAll('#demos button')) b.classList.toggle('active', b.dataset.demo === name);
    $('demo-title').textContent = d.title;
    $('demo-text').innerHTML = d.text;
    if (d.runs) writeForm(d.runs[d.runs.length - 1].config, d.runs[d.runs.length - 1].settings);
    $('config').style.display = name === 'custom' || !state.embed ? '' : 'none';
    setMode(d.mode);
  }

  const params = new URLSearchParams(location.search);
  let autostart = false;
  {
    const demo = params.get('demo');
    if (demo !== null && !(demo in DEMOS)) showMessage(`Unknown demo "${demo}" in the address; showing q1. Choose one of ${Object.keys(DEMOS).join(', ')}.`);
    else if (demo) state.demo = demo;
    const embed = params.get('embed');
    if (embed !== null && embed !== '0' && embed !== '1') showMessage(`The address parameter embed must be 0 or 1, not "${embed}"; showing the full page.`);
    state.embed = embed === '1';
    const auto = params.get('autostart');
    if (auto !== null && auto !== '0' && auto !== '1') showMessage(`The address parameter autostart must be 0 or 1, not "${auto}"; not starting.`);
    autostart = auto === '1';
    const known = new Set(['demo', 'embed', 'autostart']);
    for (const k of params.keys()) if (!known.has(k)) showMessage(`Unknown address parameter "${k}" ignored; known: demo, embed, autostart.`);
    document.body.classList.toggle('embed', state.embed);
  }

  // ---- wiring ----

  for (const b of document.querySelectorAll('#demos button')) b.addEventListener('click', () => {
    selectDemo(b.dataset.demo);
    const u = new URL(location.href);
    u.searchParams.set('demo', b.dataset.demo);
    history.replaceState(null, '', u);
  });
  $('config-form').addEventListener('input', () => { onFormChange(); if (state.demo !== 'custom') selectDemo('custom'); });
  $('config-form').addEventListener('submit', (e) => e.preventDefault());
  $('match-width').addEventListener('input', onMatcherChange);
  $('match-target').addEventListener('input', onMatcherChange);
  $('btn-start').addEventListener('click', startDemo);
  $('btn-pause').addEventListener('click', () => send({ kind: 'pause' }));
  $('btn-resume').addEventListener('click', () => send({ kind: 'resume' }));
  $('btn-stop').addEventListener('click', () => { state.queue = []; send({ kind: 'stop' }); });
  $('btn-reset').addEventListener('click', () => {
    state.queue = []; state.runs = []; state.current = null; state.weights = null;
    send({ kind: 'reset' });
    renderLegend(); dirty = true;
    setStatus('Reset. Choose a demo and press Start.');
  });
  $('tab-maps').addEventListener('click', () => setMode('maps'));
  $('tab-lab').addEventListener('click', () => setMode('lab'));
  $('btn-maps').addEventListener('click', () => send({ kind: 'get_activations', index: Number($('image-index').value) || 0 }));
  $('btn-predict').addEventListener('click', () => send({ kind: 'get_predictions', n: 60 }));
  for (const id of ['lab-dx', 'lab-dy', 'lab-deg', 'lab-source', 'lab-seed']) $(id).addEventListener('input', updateLab);

  // Frame counter: the page's own rate, independent of the canvas.
  function frame(t) {
    const f = state.frames;
    if (f.last) f.maxGapMs = Math.max(f.maxGapMs, t - f.last);
    f.last = t;
    f.count++;
    if (dirty) { dirty = false; drawCharts(); updateStatus(); }
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  window.addEventListener('error', (e) => state.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => state.errors.push(String(e.reason)));
  fetch('build.json', { cache: 'no-cache' }).then((r) => r.json()).then((m) => {
    $('build-info').textContent = `subset of ${m.train.toLocaleString('en-US')} training images`;
  }).catch(() => {});

  selectDemo(state.demo);
  onMatcherChange();
  updateButtons();

  // The page's programmatic interface, for embedding and tests.
  window.fashionlab = {
    countParams,
    layersToMatch,
    workerCount,
    send,
    start: startDemo,
    // run queues runs [{label, config, settings, maxSteps}] and starts them.
    run(specs) {
      if (state.current) send({ kind: 'stop' });
      state.queue = [];
      for (const s of specs) enqueue(Object.assign({}, s, { settings: SETTINGS(s.settings) }));
      startNext();
    },
    selectDemo,
    resetFrames() { state.frames = { count: 0, maxGapMs: 0, last: 0, since: performance.now() }; },
    state() {
      return JSON.parse(JSON.stringify({
        demo: state.demo, embed: state.embed, worker: state.worker, ready: state.ready, errors: state.errors, workerErrors: state.workerErrors,
        messages: state.messages, paramCount: state.paramCount, readyMs: state.readyMs, firstStepMs: state.firstStepMs, canvasReady: !!state.canvasReady,
        equivariance: state.equivariance, maps: state.maps, predictions: state.predictions, queued: state.queue.length,
        frames: { count: state.frames.count, maxGapMs: state.frames.maxGapMs, seconds: (performance.now() - state.frames.since) / 1000 },
        runs: state.runs.map((r) => ({ id: r.id, label: r.label, status: r.status, reason: r.reason, params: r.params, expectedParams: r.expectedParams, stepsDone: r.stepsDone, imagesPerSec: r.imagesPerSec, images: r.images, seconds: r.seconds, epochs: r.epochs })),
      }));
    },
  };
})();
