// The bridge to the canvas iframe (Go wasm with Ebitengine): calls wait
// until its API is up, then go straight to it.

import { state, patch, setInternal } from './state.js';
import { show } from './messages.js';

/** withCanvas runs fn(api) now if the canvas is ready, else once it is. */
export function withCanvas(fn) {
  const win = document.getElementById('canvas-frame').contentWindow;
  if (win && win.fashionlabCanvas) { fn(win.fashionlabCanvas); return; }
  setInternal({ canvasWaiting: [...state.internal.canvasWaiting, fn] });
}

/** watchCanvas polls the iframe until its API or its start-up error appears. */
export function watchCanvas() {
  const poll = setInterval(() => {
    const win = document.getElementById('canvas-frame').contentWindow;
    if (win && win.fashionlabCanvasError) {
      clearInterval(poll);
      show(`The drawing panel could not start (${win.fashionlabCanvasError}); training and the charts still work.`, 'error', 'canvas');
      return;
    }
    if (win && win.fashionlabCanvas) {
      clearInterval(poll);
      patch({ canvasReady: true }, 'canvas');
      const q = state.internal.canvasWaiting;
      setInternal({ canvasWaiting: [] });
      win.fashionlabCanvas.setMode(state.mode);
      for (const fn of q) fn(win.fashionlabCanvas);
    }
  }, 100);
}
