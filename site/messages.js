// The page's one message area: messages in plain words, each with a key so
// that a new message replaces an older one of the same key instead of
// piling up; every message can be dismissed, and the area stays in view.

import { state, patch } from './state.js';

const MAX_SHOWN = 3;

/**
 * show puts a message in the area. kind is "error" or "info"; key names
 * its subject (a later message with the same key replaces it; the text is
 * the key when none is given). Info messages go away by themselves.
 */
export function show(text, kind = 'error', key = text) {
  const list = state.messages.filter((m) => m.key !== key);
  list.push({ key, text, kind });
  while (list.length > MAX_SHOWN) list.shift();
  patch({ messages: list }, 'messages');
  render();
  if (kind === 'info') setTimeout(() => dismiss(key, text), 10000);
}

/** dismiss removes the message with the key (only if its text is still text, when given). */
export function dismiss(key, text) {
  const list = state.messages.filter((m) => m.key !== key || (text !== undefined && m.text !== text));
  if (list.length === state.messages.length) return;
  patch({ messages: list }, 'messages');
  render();
}

/** render draws the messages into #messages. */
function render() {
  const area = document.getElementById('messages');
  area.textContent = '';
  for (const m of state.messages) {
    const div = document.createElement('div');
    div.className = 'msg ' + m.kind;
    div.setAttribute('role', m.kind === 'error' ? 'alert' : 'status');
    const p = document.createElement('p');
    p.textContent = m.text;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'dismiss';
    close.textContent = '×';
    close.setAttribute('aria-label', 'Dismiss this message');
    close.addEventListener('click', () => dismiss(m.key));
    div.append(p, close);
    area.appendChild(div);
  }
}
