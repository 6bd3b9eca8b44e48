// embeds.html: one card per demo of presets.json with its embed code (the
// same snippet as the page's "Copy embed code" for the demo's defaults)
// and a preview, which is that very iframe.

import { snippet, embedURL, copyOrSelect } from './embed.js';

const main = document.getElementById('embeds');
const loading = document.getElementById('embeds-loading');

/** card returns the section of one demo: title, code, copy button, preview. */
function card(demo, base) {
  const code = snippet(demo, embedURL(base, `?demo=${demo.id}`));
  const s = document.createElement('section');
  s.className = 'card embed-card';
  s.id = `embed-${demo.id}`;
  const h = document.createElement('h2');
  h.textContent = `${demo.short}: ${demo.title}`;
  const label = document.createElement('label');
  label.htmlFor = `code-${demo.id}`;
  label.textContent = 'Embed code';
  const field = document.createElement('textarea');
  field.id = `code-${demo.id}`;
  field.readOnly = true;
  field.rows = 3;
  field.className = 'snippet';
  field.value = code;
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Copy';
  const note = document.createElement('span');
  note.setAttribute('role', 'status');
  button.addEventListener('click', () => copyOrSelect(code, field, note, 'Copied.', 'Selected: press Ctrl+C (⌘C) to copy.'));
  const preview = document.createElement('div');
  preview.className = 'preview';
  preview.innerHTML = code; // the snippet itself, built from escaped values
  s.append(h, label, field, button, note, preview);
  return s;
}

(async () => {
  const r = await fetch('presets.json', { cache: 'no-cache' });
  if (!r.ok) throw new Error(`presets.json: HTTP ${r.status}`);
  const { demos } = await r.json();
  const base = new URL('./', location.href).href;
  for (const d of demos.filter((x) => x.id !== 'custom')) main.appendChild(card(d, base));
  loading.remove();
})().catch((err) => {
  loading.textContent = `The demos could not be loaded (${err.message || err}); reload the page.`;
});
