// FashionLab service worker: keeps the site working offline after a first
// visit. The site build puts BUILD above this text: the build's version
// (a hash of every file it serves) and the files to keep. Installing
// caches them all in the cache "fashionlab-<version>"; activating deletes
// the caches of older builds. Content-hashed files (name.<hash>.ext) are
// answered from the cache first, since they never change under their
// name; everything else goes to the network first and falls back to the
// cache when offline. Cached responses keep their headers (COOP, COEP,
// CORP, Content-Type), so the page stays cross-origin isolated offline.
'use strict';
/* global BUILD */
const CACHE = 'fashionlab-' + BUILD.version;
const HASHED = /\.[0-9a-f]{8,}\.[a-z0-9]+$/;

self.addEventListener('install', (e) => {
  // Files already in the HTTP cache (immutable) are not downloaded again.
  e.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await Promise.all(BUILD.files.map(async (name) => {
      const r = await fetch(name, { cache: HASHED.test(name) ? 'force-cache' : 'no-cache' });
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      await cache.put(name, r);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('fashionlab-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** cached returns the cached response of a request of the site, or undefined. */
async function cached(request) {
  const cache = await caches.open(CACHE);
  const url = new URL(request.url);
  if (request.mode === 'navigate') {
    const page = url.pathname.endsWith('/') ? 'index.html' : url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    return cache.match(new URL(page, self.registration.scope).href);
  }
  return cache.match(request, { ignoreSearch: true });
}

self.addEventListener('fetch', (e) => {
  const request = e.request;
  if (request.method !== 'GET' || !request.url.startsWith(self.registration.scope)) return;
  if (HASHED.test(new URL(request.url).pathname)) {
    e.respondWith(cached(request).then((hit) => hit || fetch(request)));
    return;
  }
  e.respondWith(fetch(request).catch(async (err) => {
    const hit = await cached(request);
    if (hit) return hit;
    throw err;
  }));
});
