// Cascada's service worker: saved pages and the app's own files answer without signal, and a page
// that is not saved gets the offline page instead of the browser's error. Plain JavaScript, no build.
// Served from /sw.js by app/field/routes.py, which fills in this deploy's asset list and version.
"use strict";
var VERSION = "__VERSION__";
var SHELL = "cascada-shell-" + VERSION;
var ASSETS = ["__ASSETS__"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  // Only the app's files of older deploys go; saved courses and attempts are the officer's.
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("cascada-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "GET" && (url.pathname.indexOf("/static/") === 0 || url.pathname.indexOf("/images/") > 0)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(navigate(request, url));
  }
  // The pages' own fetches (answers, marks) handle a lost connection themselves: see field.js.
});

// The app's files carry their version in the URL, so a kept copy is always the right one.
function cacheFirst(request) {
  return caches.match(request, {ignoreVary: true}).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok && request.url.indexOf("/static/") > 0) {
        var copy = response.clone();
        caches.open(SHELL).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  });
}

function navigate(request, url) {
  return fetch(request).then(function (response) {
    if (request.method === "GET" && response.ok && !response.redirected && url.pathname.indexOf("/attempts/") === 0) {
      refreshAttempt(url, response.clone());
    }
    return response;
  }).catch(function () {
    var saved = request.method === "GET" ? caches.match(request, {ignoreVary: true}) : Promise.resolve(null);
    return saved.then(function (hit) {
      if (hit) return markSaved(hit);
      // The offline page is kept with the first saved course or quiz attempt (see field.js).
      return caches.match("/offline", {ignoreVary: true}).then(function (page) {
        return page || new Response(bareOffline(), {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
      });
    });
  });
}

// Before anything is saved the offline page is not on the device either: a few words in the phone's language.
function bareOffline() {
  var en = /^en\b/.test(self.navigator.language || "");
  var words = en ? ["en", "Offline", "This page is not saved on this phone. Open it again when you have signal."]
    : ["es", "Sin conexión", "Esta página no está guardada en este teléfono. Vuelva a abrirla cuando tenga señal."];
  return "<!doctype html><html lang=" + words[0] + "><meta charset=utf-8><meta name=viewport content=\"width=device-width\">" +
    "<title>" + words[1] + "</title><body style=\"font-family:system-ui,sans-serif;margin:1rem\"><h1>" + words[1] + "</h1><p>" + words[2];
}

// A saved copy says so: <html data-saved-at="..."> lets field.js show the date it was saved.
function markSaved(response) {
  var savedAt = response.headers.get("X-Saved-At") || response.headers.get("Date") || "";
  return response.text().then(function (html) {
    var marked = html.replace("<html ", '<html data-saved-at="' + encodeURIComponent(savedAt) + '" ');
    return new Response(marked, {status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}

// Pages of an attempt the device holds are kept current while there is signal.
function refreshAttempt(url, response) {
  var match = /^\/attempts\/(\d+)/.exec(url.pathname), name = match && "cascada-attempt-" + match[1];
  if (!name) return;
  caches.has(name).then(function (held) {
    if (held) caches.open(name).then(function (cache) { cache.put(url.pathname + url.search, response); });
  });
}
