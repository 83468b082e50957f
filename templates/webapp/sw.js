// The service worker (selfcare/webapp.py renders this file). It keeps the site's static files
// and the offline page, and answers from them only when the network can't; it never stores a
// page, since pages hold health data.
const CACHE = {{ cache_name|tojson }};
const OFFLINE_URL = {{ offline_url|tojson }};
const OFFLINE_TODAY_URL = {{ offline_today_url|tojson }};
const TODAY_URL = {{ today_url|tojson }};
const SHELL = {{ ([offline_url, offline_today_url] + shell)|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // Today without signal is a page that takes entries and keeps them on the phone.
    const fallback = new URL(request.url).pathname === TODAY_URL ? OFFLINE_TODAY_URL : OFFLINE_URL;
    event.respondWith(fetch(request).catch(() => caches.match(fallback)));
    return;
  }
  if (new URL(request.url).pathname.startsWith("/assets/")) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});
