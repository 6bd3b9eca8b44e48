// Offline use: registers the service worker (sw.js, written by the site
// build for its version) and says in the footer once this version of the
// site is kept for offline use.

const $ = (id) => document.getElementById(id);

/**
 * registerOffline registers sw.js. The footer says "works offline" once
 * an active worker controls the site with no newer one installing; a
 * failure is said there too (the page works on without it).
 */
export async function registerOffline() {
  const info = $('offline-info');
  if (!('serviceWorker' in navigator)) {
    info.textContent = 'this browser cannot keep the site for offline use';
    return;
  }
  let reg;
  try {
    reg = await navigator.serviceWorker.register('sw.js');
  } catch (err) {
    // Offline, the check for a newer sw.js fails; the saved version still serves the site.
    const saved = await navigator.serviceWorker.getRegistration();
    info.textContent = saved && saved.active ? 'works offline: this version is saved in the browser' : `not available offline (${err.message || err})`;
    return;
  }
  try {
    info.textContent = 'saving the site for offline use…';
    const w = reg.installing || reg.waiting || reg.active;
    await new Promise((resolve, reject) => {
      const check = () => {
        if (w.state === 'activated') resolve();
        else if (w.state === 'redundant') reject(new Error('the service worker could not save the site'));
      };
      w.addEventListener('statechange', check);
      check();
    });
    info.textContent = 'works offline: this version is saved in the browser';
  } catch (err) {
    info.textContent = `not available offline (${err.message || err})`;
  }
}
