// Presentation mode for lectures (?present=1 or the header's toggle):
// larger fonts, one chart per row at full width, thicker lines; the
// address keeps present=1 so that a link opens the page that way.

import { state, patch } from './state.js';
import { show } from './messages.js';
import { announce } from './a11y.js';

const $ = (id) => document.getElementById(id);

/** setPresent turns presentation mode on or off. */
function setPresent(on) {
  patch({ present: on }, 'present');
  document.body.classList.toggle('present', on);
  $('btn-present').setAttribute('aria-pressed', String(on));
}

/**
 * initPresent reads ?present (0 or 1; anything else gets a message and
 * means off) and wires the toggle; onChange() runs after a toggle (the
 * page rewrites its address and redraws).
 */
export function initPresent(onChange) {
  const raw = new URLSearchParams(location.search).get('present');
  if (raw !== null && raw !== '0' && raw !== '1') show(`The address parameter present must be 0 or 1, not "${raw}"; showing the page without presentation mode.`, 'error', 'address-present');
  setPresent(raw === '1');
  $('btn-present').addEventListener('click', () => {
    setPresent(!state.present);
    announce(state.present ? 'Presentation mode: larger text and charts.' : 'Presentation mode off.');
    onChange();
  });
}
