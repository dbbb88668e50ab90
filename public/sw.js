// modemflash service worker: keeps the page usable with the network gone, which is the
// normal case in the middle of an update (the modem that was the connection is being
// flashed). At install it caches the app shell: index.html and every asset it links,
// read from the built page itself, so trunk's hashed file names need no list here; the
// wasm's lazily loaded parts are kept when the page fetches them.
// Hashed assets never change, so they are served cache-first; the page itself is
// fetched from the network when there is one (a new release is picked up) and from the
// cache when there is not.
const CACHE = 'modemflash-v1';
// English is the language the page falls back to offline; the others are kept as the page
// fetches them (src/i18n_fetch.rs).
const SHELL = ['./', 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png', 'i18n/en.json'];
/** The page's languages (src/i18n/*.json). */
const LANGUAGES = ['en', 'es', 'fr', 'pt', 'ru'];

/** Same-origin URLs a built index.html links: trunk's js, wasm and css (with their hashes). */
function linkedAssets(html) {
  const urls = new Set();
  for (const [, url] of html.matchAll(/(?:href|src|module_or_path:)\s*=?\s*["']([^"']+\.(?:js|wasm|css))["']/g)) {
    urls.add(new URL(url, self.registration.scope).href);
  }
  for (const [, url] of html.matchAll(/from\s+["']([^"']+\.js)["']/g)) {
    urls.add(new URL(url, self.registration.scope).href);
  }
  return [...urls].filter((u) => u.startsWith(self.location.origin));
}

/**
 * Modules the cached scripts import (`from "./x.js"`): the loader of the wasm's lazily
 * loaded parts (scripts/build-wasm), which the app's script imports.
 */
async function importedModules(cache, scripts) {
  const urls = new Set();
  for (const url of scripts.filter((u) => u.endsWith('.js'))) {
    const text = await (await cache.match(url))?.text();
    for (const [, rel] of text?.matchAll(/from\s+["'](\.\/[^"']+\.js)["']/g) ?? []) urls.add(new URL(rel, url).href);
  }
  return [...urls];
}

async function precache() {
  const cache = await caches.open(CACHE);
  const page = await fetch('./', { cache: 'no-cache' });
  if (!page.ok) throw new Error(`index.html: HTTP ${page.status}`);
  const html = await page.clone().text();
  await cache.put('./', page);
  const linked = linkedAssets(html);
  await cache.addAll([...SHELL.slice(1), ...linked]);
  await cache.addAll(await importedModules(cache, linked));
  // The lazily loaded parts of the wasm are kept as the page fetches them: it fetches
  // them all once a modem is connected (src/chunks.rs), before its network can go.
  // The catalogue the page fetched before this worker ran (src/i18n_fetch.rs) is kept too,
  // taken from the browser's HTTP cache: nothing more is downloaded.
  await Promise.all(
    LANGUAGES.map(async (code) => {
      const url = `i18n/${code}.json`;
      const stored = await fetch(url, { cache: 'only-if-cached', mode: 'same-origin' }).catch(() => null);
      if (stored?.ok) await cache.put(url, stored);
    }),
  );
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The page: network first (and refresh the cache, with what it links), cache when offline. */
async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      const html = await response.clone().text();
      await cache.put('./', response.clone());
      cache.addAll(linkedAssets(html)).catch(() => {});
    }
    return response;
  } catch (offline) {
    const cached = await cache.match('./');
    if (cached) return cached;
    throw offline;
  }
}

/** Anything else of ours: cache first, then the network (kept for next time). */
async function asset(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  // Stored before it is answered: a lazily loaded part the page has is one kept offline.
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

/**
 * What the page asks to revalidate (`cache: 'no-cache'`: a vendor's manifest, its signature
 * and the firmware it lists, which change under the same address): network first, and the
 * copy kept from last time when offline.
 */
async function fresh(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone()).catch(() => {});
    return response;
  } catch (offline) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw offline;
  }
}

/** The app's own page, with any query (`?accent=…` when embedded); not the demo vendor page. */
function isApp(url) {
  return new URL(url).pathname === new URL(self.registration.scope).pathname;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(self.location.origin)) return;
  if (request.mode === 'navigate') {
    if (isApp(request.url)) event.respondWith(page(request));
    return;
  }
  event.respondWith(request.cache === 'no-cache' ? fresh(request) : asset(request));
});
