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
 * setDisabled disables or enables a control. A control marked
 * aria-disabled in the page (Start, Pause, Resume, Stop, Remove runs)
 * stays focusable: its reason is kept in data-why and shown in #why when
 * a person focuses it or tries it (initReasons). Any other control gets
 * the disabled property, its reason in its title and, when shown, in the
 * element named by its aria-describedby.
 */
export function setDisabled(el, reason, shown = true) {
  if (el.hasAttribute('aria-disabled')) {
    el.setAttribute('aria-disabled', reason ? 'true' : 'false');
    el.dataset.why = reason || '';
    if (document.activeElement === el) showReason(el);
    return;
  }
  el.disabled = Boolean(reason);
  el.title = reason || '';
  const id = el.getAttribute('aria-describedby');
  const note = id && document.getElementById(id);
  if (note && note.dataset.reasonFor === el.id) note.textContent = reason && shown ? `${el.textContent}: ${reason}` : '';
}

/** isDisabled reports whether a control cannot act now (either way of setDisabled). */
export function isDisabled(el) {
  return el.disabled || el.getAttribute('aria-disabled') === 'true';
}

/** showReason writes why control el cannot act into #why, or clears it when it can. */
function showReason(el) {
  const why = document.getElementById('why');
  if (why) why.textContent = isDisabled(el) && el.dataset.why ? `${el.textContent}: ${el.dataset.why}.` : '';
}

/**
 * initReasons makes the aria-disabled controls say why they cannot act
 * when focused or tried (a click, Enter or Space does nothing else), and
 * clears the reason when the focus leaves them.
 */
export function initReasons() {
  document.addEventListener('click', (e) => {
    const b = e.target.closest && e.target.closest('[aria-disabled="true"]');
    if (!b) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    showReason(b);
  }, true);
  document.addEventListener('focusin', (e) => { if (e.target.hasAttribute && e.target.hasAttribute('aria-disabled')) showReason(e.target); });
  document.addEventListener('focusout', (e) => {
    const why = document.getElementById('why');
    if (why && e.target.hasAttribute && e.target.hasAttribute('aria-disabled')) why.textContent = '';
  });
}
