// Drawing of the page's figures on a canvas: panels of line charts (with
// each line named at its end) and grouped bar charts, laid out side by
// side when the canvas is wide and one under the other when it is narrow.
// Text is drawn in CSS pixels at no less than MIN_FONT, whatever the
// width. drawPanels records the names it drew on the canvas
// (data-labels), so that what a chart names can be read back.

/** MIN_FONT is the smallest text size, in CSS pixels, of any chart. */
export const MIN_FONT = 12;

/** niceTicks returns about n round values between lo and hi. */
export function niceTicks(lo, hi, n) {
  const span = hi - lo || 1;
  const step0 = span / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) || step0;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/**
 * decimate keeps about n points of a per-step series as [step, value]
 * pairs (steps counted from 1), the last one included.
 */
export function decimate(values, n) {
  const step = Math.max(1, Math.ceil(values.length / n));
  const out = [];
  for (let i = 0; i < values.length; i += step) out.push([i + 1, values[i]]);
  if (values.length && (values.length - 1) % step) out.push([values.length, values[values.length - 1]]);
  return out;
}

/** tickText writes a tick value as people write it (0.5, 1,000, 2e-5). */
export function tickText(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

/** fit shortens text with an ellipsis until it is at most w pixels wide. */
function fit(g, text, w) {
  if (g.measureText(text).width <= w) return text;
  let t = text;
  while (t.length > 1 && g.measureText(t + '…').width > w) t = t.slice(0, -1);
  return t + '…';
}

/** spread moves labels [{y}] apart to at least gap pixels, within [top, bottom]. */
function spread(labels, gap, top, bottom) {
  labels.sort((a, b) => a.y - b.y);
  for (let i = 0; i < labels.length; i++) {
    labels[i].y = Math.max(labels[i].y, top, i ? labels[i - 1].y + gap : top);
  }
  for (let i = labels.length - 1; i >= 0; i--) {
    const limit = i === labels.length - 1 ? bottom : labels[i + 1].y - gap;
    if (labels[i].y > limit) labels[i].y = limit;
  }
}

/**
 * layout returns the columns for n panels at css width w: three side by
 * side from 900 px, two from 520 px, else one under the other.
 */
function layout(n, w) {
  if (w >= 900) return Math.min(n, 3);
  if (w >= 520) return Math.min(n, 2);
  return 1;
}

/**
 * drawPanels draws panels on canvas and sizes its height to fit them.
 * A line panel is {title, xLabel, yMin, yMax, integerX, series: [{name,
 * color, dash, points: [[x, y]], end}], bands: [{color, upper, lower}]}
 * where end is the text at the line's end (its name by default), and
 * marks: [{y, text}] are levels drawn across; a bar
 * panel is {title, kind: 'bars', keys: [{key, text, alpha}], groups:
 * [{name, color, values: {key: value}}], yMin, yMax}. opts.height is a
 * panel's height in CSS pixels, opts.font the text size, opts.width the
 * width to draw at (the canvas's own by default), opts.cols the number of
 * panels side by side (by the width by default).
 */
export function drawPanels(canvas, panels, opts = {}) {
  const dpr = window.devicePixelRatio || 1;
  const cssW = Math.max(200, opts.width || canvas.clientWidth || (canvas.parentElement && canvas.parentElement.clientWidth) || 600);
  const font = Math.max(MIN_FONT, opts.font || MIN_FONT);
  const cols = opts.cols ? Math.min(opts.cols, panels.length) || 1 : layout(panels.length, cssW);
  const rows = Math.ceil(panels.length / cols) || 1;
  const panelH = opts.height || Math.round(Math.min(300, Math.max(220, cssW / cols * 0.62)));
  const cssH = rows * panelH;
  canvas.style.height = `${cssH}px`;
  if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
  }
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, cssW, cssH);
  g.font = `${font}px system-ui, sans-serif`;
  const drawn = [];
  const pw = cssW / cols;
  panels.forEach((p, i) => {
    const box = { x: (i % cols) * pw, y: Math.floor(i / cols) * panelH, w: pw, h: panelH };
    if (p.kind === 'bars') bars(g, box, p, font, drawn);
    else lines(g, box, p, font, drawn);
  });
  canvas.dataset.labels = JSON.stringify(drawn);
  return drawn;
}

/** frame draws a panel's title and returns its plot area. */
function frame(g, box, p, font, right) {
  g.fillStyle = '#1d1f23';
  g.textAlign = 'left';
  g.font = `600 ${font}px system-ui, sans-serif`;
  if (p.title) g.fillText(fit(g, p.title, box.w - 12), box.x + 8, box.y + font + 4);
  g.font = `${font}px system-ui, sans-serif`;
  const l = box.x + font * 3.4, t = box.y + font * 2 + 6;
  return { l, t, r: box.x + box.w - right - 8, b: box.y + box.h - font * 2.6 };
}

/** yAxis draws horizontal grid lines and their values. */
function yAxis(g, a, lo, hi, Y, font) {
  g.strokeStyle = '#e6e4de';
  g.lineWidth = 1;
  g.fillStyle = '#4a4d55';
  g.textAlign = 'right';
  for (const t of niceTicks(lo, hi, 4)) {
    g.beginPath(); g.moveTo(a.l, Y(t)); g.lineTo(a.r, Y(t)); g.stroke();
    g.fillText(tickText(t), a.l - 4, Y(t) + font * 0.35);
  }
}

/** lines draws one line panel into box. */
function lines(g, box, p, font, drawn) {
  const series = p.series.filter((s) => s.points.some(([, y]) => Number.isFinite(y)));
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (const s of series) for (const [x, y] of s.points) {
    if (!Number.isFinite(y)) continue;
    xmin = Math.min(xmin, x); xmax = Math.max(xmax, x); ymin = Math.min(ymin, y); ymax = Math.max(ymax, y);
  }
  // Room at the right for the names at the lines' ends: at most half the panel.
  let right = 0;
  const ends = series.map((s) => s.end === undefined ? s.name : s.end);
  for (const e of ends) right = Math.max(right, g.measureText(e).width + 10);
  right = Math.min(right, box.w * 0.5);
  const a = frame(g, box, p, font, right);
  if (!series.length) {
    g.fillStyle = '#5b5f68';
    g.textAlign = 'left';
    g.fillText(p.empty || 'no data yet: press Start', a.l + 8, a.t + font * 1.5);
    return;
  }
  if (p.yMin !== undefined) ymin = Math.min(ymin, p.yMin);
  if (p.yMax !== undefined) ymax = Math.max(ymax, p.yMax);
  if (xmax === xmin) xmax = xmin + 1;
  if (ymax === ymin) { ymax += 0.5; ymin -= 0.5; }
  const X = (x) => a.l + ((x - xmin) / (xmax - xmin)) * (a.r - a.l);
  const Y = (y) => a.b - ((y - ymin) / (ymax - ymin)) * (a.b - a.t);
  yAxis(g, a, ymin, ymax, Y, font);
  g.textAlign = 'center';
  for (const t of niceTicks(xmin, xmax, Math.max(2, Math.floor((a.r - a.l) / (font * 4))))) {
    if (!p.integerX || Number.isInteger(t)) g.fillText(tickText(t), X(t), a.b + font + 3);
  }
  g.fillText(p.xLabel || '', (a.l + a.r) / 2, a.b + font * 2.3);
  for (const mark of p.marks || []) {
    // A level to reach: a grey dashed line across with its text above it, at the left.
    g.strokeStyle = '#6b6f78';
    g.lineWidth = 1;
    g.setLineDash([3, 3]);
    g.beginPath(); g.moveTo(a.l, Y(mark.y)); g.lineTo(a.r, Y(mark.y)); g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#4a4d55';
    g.textAlign = 'left';
    g.fillText(mark.text, a.l + 6, Y(mark.y) - 4);
  }
  for (const band of p.bands || []) {
    const up = band.upper.filter(([, y]) => Number.isFinite(y)), lo = band.lower.filter(([, y]) => Number.isFinite(y));
    if (up.length < 2 || lo.length < 2) continue;
    g.fillStyle = band.color;
    g.globalAlpha = 0.16;
    g.beginPath();
    up.forEach(([x, y], i) => (i ? g.lineTo(X(x), Y(y)) : g.moveTo(X(x), Y(y))));
    for (let i = lo.length - 1; i >= 0; i--) g.lineTo(X(lo[i][0]), Y(lo[i][1]));
    g.closePath();
    g.fill();
    g.globalAlpha = 1;
  }
  const labels = [];
  series.forEach((s, i) => {
    g.strokeStyle = s.color;
    g.lineWidth = 2;
    g.setLineDash(s.dash ? [6, 4] : []);
    g.beginPath();
    let pen = false, last = null;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) { pen = false; continue; }
      if (pen) g.lineTo(X(x), Y(y)); else g.moveTo(X(x), Y(y));
      pen = true;
      last = [x, y];
    }
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = s.color;
    if (last) {
      g.beginPath(); g.arc(X(last[0]), Y(last[1]), 2.5, 0, 2 * Math.PI); g.fill();
      if (ends[i] !== '') labels.push({ y: Y(last[1]), x: X(last[0]), text: ends[i], color: s.color, name: s.name, run: s.run });
    }
  });
  spread(labels, font + 2, a.t + font * 0.4, a.b + font * 0.4);
  g.textAlign = 'left';
  for (const l of labels) {
    g.fillStyle = l.color;
    g.fillText(fit(g, l.text, right - 8), a.r + 8, l.y + font * 0.35);
    drawn.push({ name: l.name, run: l.run });
  }
}

/** bars draws one grouped bar panel into box, each bar with its value above it. */
function bars(g, box, p, font, drawn) {
  const a = frame(g, box, p, font, 0);
  a.b -= font * 1.4; // two lines of group names
  a.t += font + 4; // room for the key and the values above the bars
  const groups = p.groups;
  if (!groups.length) {
    g.fillStyle = '#5b5f68';
    g.textAlign = 'left';
    g.fillText(p.empty || 'no data yet: press Start', a.l + 8, a.t + font * 1.5);
    return;
  }
  const ymin = p.yMin ?? 0, ymax = p.yMax ?? 1;
  const Y = (y) => a.b - ((y - ymin) / (ymax - ymin)) * (a.b - a.t);
  yAxis(g, a, ymin, ymax, Y, font);
  const gw = (a.r - a.l) / groups.length;
  const bw = Math.min(font * 3.4, (gw * 0.8) / p.keys.length);
  groups.forEach((grp, i) => {
    const cx = a.l + gw * (i + 0.5);
    p.keys.forEach((k, j) => {
      const v = grp.values[k.key];
      const x = cx + (j - p.keys.length / 2) * bw;
      if (!Number.isFinite(v)) return;
      g.fillStyle = grp.color;
      g.globalAlpha = k.alpha;
      g.fillRect(x + 1, Y(v), bw - 2, a.b - Y(v));
      g.globalAlpha = 1;
      g.fillStyle = '#1d1f23';
      g.textAlign = 'center';
      g.fillText(k.format ? k.format(v) : tickText(v), x + bw / 2, Y(v) - 3);
    });
    g.fillStyle = grp.color;
    g.textAlign = 'center';
    const words = grp.name.split(', ');
    g.fillText(fit(g, words[0], gw - 4), cx, a.b + font + 3);
    if (words[1]) g.fillText(fit(g, words.slice(1).join(', '), gw - 4), cx, a.b + font * 2 + 5);
    drawn.push({ name: grp.name, run: grp.run });
  });
  // The key, inside the chart at its top right (on the line under the title when both do not fit on one).
  g.textAlign = 'right';
  let x = a.r;
  const keyWidth = p.keys.reduce((sum, k) => sum + g.measureText(k.text).width + font + 16, 0);
  g.font = `600 ${font}px system-ui, sans-serif`;
  const below = g.measureText(p.title || '').width + keyWidth + 16 > box.w;
  g.font = `${font}px system-ui, sans-serif`;
  const keyY = below ? box.y + 2 * font + 8 : box.y + font + 4;
  for (const k of [...p.keys].reverse()) {
    const w = g.measureText(k.text).width;
    g.fillStyle = '#1d1f23';
    g.fillText(k.text, x, keyY);
    g.fillStyle = '#555';
    g.globalAlpha = k.alpha;
    g.fillRect(x - w - font - 4, keyY - font + 1, font, font);
    g.globalAlpha = 1;
    x -= w + font + 16;
  }
}
