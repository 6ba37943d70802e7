importScripts("./sw-push.js");

// The client page's service worker: keeps the page itself (HTML, CSS, JS, icons, manifest and
// /config.json) so it opens offline. It never touches the API: answers, homework and
// everything else about the client stay out of Cache Storage.

// One value per set of shell files: tests/unit/test_client_service_worker.py says which value
// the files on disk need, so a changed file always reaches installed pages.
const SHELL_VERSION = "3c8f9439d0fc";
const CACHE_NAME = `emotipal-client-shell-${SHELL_VERSION}`;
const CACHE_PREFIX = "emotipal-client-shell-";

// The app shell, relative to this file. Every file here must exist (the test checks), and
// every module the page imports must be here, or one missing file breaks the install.
const SHELL = [
  "index.html",
  "client.css",
  "manifest.webmanifest",
  "icons/icon-192.png",
  "icons/icon-512.png",
  "icons/icon-maskable-512.png",
  "icons/apple-touch-icon.png",
  "app.js",
  "barriers.js",
  "crisis.js",
  "drafts.js",
  "homework.js",
  "notes.js",
  "past.js",
  "plan.js",
  "push.js",
  "session.js",
  "settings.js",
  "i18n/index.js",
  "i18n/en.js",
  "i18n/es.js",
  "../shared/base.css",
  "../shared/icon.svg",
  "../shared/api.js",
  "../shared/dom.js",
  "../shared/form.js",
  "../shared/i18n.js",
  "../shared/tz-picker.js",
  "../shared/items/boolean.js",
  "../shared/items/date.js",
  "../shared/items/datetime.js",
  "../shared/items/fields.js",
  "../shared/items/group.js",
  "../shared/items/index.js",
  "../shared/items/long_text.js",
  "../shared/items/multi_choice.js",
  "../shared/items/number.js",
  "../shared/items/scale.js",
  "../shared/items/single_choice.js",
  "../shared/items/text.js",
  "../shared/items/time.js",
];

const PAGE_URL = new URL("./", self.location).href; // the address the page opens at
const CONFIG_URL = new URL("/config.json", self.location).href; // where the API is (no client data)
const SHELL_URLS = new Set([PAGE_URL, ...SHELL.map((path) => new URL(path, self.location).href)]);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE_NAME);
    // Straight from the server, not the browser's HTTP cache, so one version is kept whole.
    await cache.addAll([...SHELL_URLS, CONFIG_URL].map((url) => new Request(url, { cache: "reload" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME)
      .map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is on another origin (and never under /v1/ here): not intercepted, never cached.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/v1/")) return;
  if (request.mode === "navigate") {
    if (url.href.split("#")[0].split("?")[0] === PAGE_URL || url.pathname === new URL(PAGE_URL).pathname + "index.html") {
      event.respondWith(networkFirst(request, PAGE_URL, { keep: false }));
    }
    return;
  }
  if (url.href === CONFIG_URL) {
    event.respondWith(networkFirst(request, CONFIG_URL, { keep: true }));
    return;
  }
  if (SHELL_URLS.has(url.origin + url.pathname)) event.respondWith(cacheFirst(request, url.origin + url.pathname));
  // Anything else goes to the network as if there were no service worker.
});

/** The server's answer when it gives one; offline, the copy kept at install. */
async function networkFirst(request, cachedUrl, { keep }) {
  const cache = await caches.open(CACHE_NAME);
  try {
    const response = await fetch(request);
    if (keep && response.ok) await cache.put(cachedUrl, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(cachedUrl);
    if (cached) return cached;
    throw error;
  }
}

/** The copy of this shell version; the network only if it is somehow missing. */
async function cacheFirst(request, cachedUrl) {
  const cached = await caches.match(cachedUrl, { cacheName: CACHE_NAME });
  return cached || fetch(request);
}
