// Screen-reader announcements: one polite live region (#announce) that says
// what changed in words (a demo chosen, a run started, paused, finished,
// the worker restarted), rather than every step's numbers.

import { state, setInternal } from './state.js';

/** announce speaks text through the live region (a repeat is spoken again). */
export function announce(text) {
  const region = document.getElementById('announce');
  if (!region) return;
  if (text === state.internal.lastAnnounced) region.textContent = '';
  setInternal({ lastAnnounced: text });
  // A separate task makes screen readers notice a replaced text.
  setTimeout(() => { region.textContent = text; }, 50);
}

/**
 * setDisabled disables or enables a control and keeps its reason in its
 * title and, when shown, in the element named by its aria-describedby
 * (visible next to it).
 */
export function setDisabled(el, reason, shown = true) {
  el.disabled = Boolean(reason);
  el.title = reason || '';
  const id = el.getAttribute('aria-describedby');
  const note = id && document.getElementById(id);
  if (note && note.dataset.reasonFor === el.id) note.textContent = reason && shown ? `${el.textContent}: ${reason}` : '';
}
