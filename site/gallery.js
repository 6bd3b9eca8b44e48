// Predictions of the network the worker holds: a gallery of the first
// validation images (wrong ones framed in red with the predicted class)
// and the confusion matrix, each with a text alternative.

import { state, setInternal } from './state.js';

/** classes returns the class names of presets.json. */
const classes = () => state.presets.classes;

/**
 * drawGallery draws the images, labels and predictions of a predictions
 * event, as many columns as fit the width shown, each image 40 CSS pixels
 * and its label 12 px, so that both stay legible on a phone.
 */
export function drawGallery(m) {
  setInternal({ gallery: m }); // drawn again when the width changes (redrawGallery)
  const c = document.getElementById('gallery'), g = c.getContext('2d');
  delete document.getElementById('results').dataset.empty;
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(200, c.parentElement.clientWidth || 480);
  const cell = 68, size = 40, font = 12; // redrawGallery uses the same cell
  const cols = Math.max(3, Math.min(12, Math.floor(width / cell))), rows = Math.ceil(m.n / cols);
  const cssW = cols * cell, cssH = Math.max(1, rows) * (size + font + 12);
  c.style.width = `${cssW}px`;
  c.style.height = `${cssH}px`;
  c.width = Math.round(cssW * dpr); c.height = Math.round(cssH * dpr);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = '#fff'; g.fillRect(0, 0, cssW, cssH);
  g.imageSmoothingEnabled = false;
  const tile = document.createElement('canvas');
  tile.width = tile.height = 28;
  const tg = tile.getContext('2d');
  const img = tg.createImageData(28, 28);
  let wrong = 0;
  g.font = `${font}px system-ui, sans-serif`;
  g.textAlign = 'center';
  for (let i = 0; i < m.n; i++) {
    for (let p = 0; p < 784; p++) {
      const v = 255 - Math.round(255 * m.images[i * 784 + p]);
      img.data[4 * p] = img.data[4 * p + 1] = img.data[4 * p + 2] = v; img.data[4 * p + 3] = 255;
    }
    tg.putImageData(img, 0, 0);
    const x = (i % cols) * cell + (cell - size) / 2, y = Math.floor(i / cols) * (size + font + 12) + 4;
    g.drawImage(tile, x, y, size, size);
    const bad = m.labels[i] !== m.preds[i];
    if (bad) wrong++;
    g.strokeStyle = bad ? '#c0392b' : '#dcdad4';
    g.lineWidth = bad ? 2 : 1;
    g.strokeRect(x - 1, y - 1, size + 2, size + 2);
    g.fillStyle = bad ? '#c0392b' : '#4a4d55';
    let name = classes()[m.preds[i]];
    while (name.length > 3 && g.measureText(name).width > cell - 4) name = name.slice(0, -2) + '…';
    g.fillText(name, x + size / 2, y + size + font + 2);
  }
  c.setAttribute('aria-label', `The first ${m.n} validation images: ${m.n - wrong} predicted correctly, ${wrong} wrong.`);
}

/** redrawGallery draws the latest predictions again when the width shown holds another number of columns. */
export function redrawGallery() {
  const m = state.internal.gallery, c = document.getElementById('gallery');
  if (!m || document.getElementById('results').dataset.empty !== undefined) return;
  const width = Math.max(200, c.parentElement.clientWidth || 480);
  const cols = Math.max(3, Math.min(12, Math.floor(width / 68)));
  if (Math.round(parseFloat(c.style.width)) !== cols * 68) drawGallery(m);
}

/** clear blanks the gallery and the confusion matrix. */
export function clearPredictions() {
  setInternal({ gallery: null });
  document.getElementById('results').dataset.empty = 'true';
  for (const id of ['gallery', 'confusion']) {
    const c = document.getElementById(id);
    c.getContext('2d').clearRect(0, 0, c.width, c.height);
  }
  document.getElementById('gallery').setAttribute('aria-label', 'No predictions yet');
  document.getElementById('confusion').setAttribute('aria-label', 'No confusion matrix yet');
}

/** drawConfusion draws the 10×10 confusion matrix (rows true, columns predicted). */
export function drawConfusion(conf) {
  const c = document.getElementById('confusion'), g = c.getContext('2d');
  const n = 10, off = 78, right = 44, cell = (c.width - off - right) / n;
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
  let max = 1, worst = null;
  const rowSum = [];
  for (let t = 0; t < n; t++) {
    rowSum[t] = 0;
    for (let p = 0; p < n; p++) {
      const v = conf[t * n + p];
      rowSum[t] += v;
      if (t !== p && v > 0 && (!worst || v > worst.v)) worst = { t, p, v };
      if (t !== p) max = Math.max(max, v);
    }
  }
  g.font = '11px system-ui, sans-serif';
  for (let t = 0; t < n; t++) {
    g.fillStyle = '#1d1f23'; g.textAlign = 'right';
    g.fillText(classes()[t], off - 4, off + t * cell + cell / 2 + 4);
    for (let p = 0; p < n; p++) {
      const v = conf[t * n + p];
      const frac = t === p ? v / Math.max(1, rowSum[t]) : v / max;
      g.fillStyle = t === p ? `rgba(46,139,87,${0.15 + 0.85 * frac})` : `rgba(192,57,43,${frac * 0.9})`;
      g.fillRect(off + p * cell, off + t * cell, cell - 1, cell - 1);
      g.fillStyle = frac > 0.6 ? '#fff' : '#1d1f23'; g.textAlign = 'center';
      if (v) g.fillText(String(v), off + p * cell + cell / 2, off + t * cell + cell / 2 + 4);
    }
  }
  for (let p = 0; p < n; p++) {
    g.setTransform(1, 0, 0, 1, off + p * cell + cell / 2 + 3, off - 4);
    g.rotate(-Math.PI / 3); g.textAlign = 'left'; g.fillStyle = '#1d1f23';
    g.fillText(classes()[p], 0, 0);
  }
  g.setTransform(1, 0, 0, 1, 0, 0);
  const total = rowSum.reduce((a, b) => a + b, 0);
  const right0 = conf.reduce((a, v, i) => a + (i % (n + 1) === 0 ? v : 0), 0);
  c.setAttribute('aria-label', `Confusion matrix of ${total} validation images: ${right0} on the diagonal` +
    (worst ? `; the most frequent mistake: ${classes()[worst.t]} taken for ${classes()[worst.p]} (${worst.v} times).` : '.'));
}
