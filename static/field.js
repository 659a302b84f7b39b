// Field mode: what the officer does without signal waits on the device (IndexedDB) and is sent, in
// order, when the connection returns; courses saved for reading offline. Every page works without it.
(function () {
  "use strict";
  if (!("indexedDB" in window) || !window.fetch || !window.Promise) return;
  var lang = document.documentElement.lang || "es";
  var statusLine = function () { return document.querySelector("[data-field-status]"); };

  // --- the outbox: one IndexedDB store, in the order things were done ------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) dbPromise = new Promise(function (resolve, reject) {
      var open = indexedDB.open("cascada", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("outbox", {keyPath: "id", autoIncrement: true}); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
    return dbPromise;
  }
  function store(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction("outbox", mode), result;
        Promise.resolve(work(tx.objectStore("outbox"))).then(function (value) { result = value; });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function request(req) { return new Promise(function (resolve) { req.onsuccess = function () { resolve(req.result); }; }); }
  // A hint in localStorage spares pages with nothing waiting from opening the database at all.
  var HINT = "cascada-outbox";
  var outbox = {
    all: function () { return store("readonly", function (s) { return request(s.getAll()); }); },
    remove: function (id) { return store("readwrite", function (s) { s.delete(id); }); },
    put: function (entry) { return store("readwrite", function (s) { return request(s.put(entry)); }); },
    // An answer replaces the unsent answer at the same position: the latest choice is what counts.
    add: function (entry) {
      localStorage.setItem(HINT, "1");
      return store("readwrite", function (s) {
        return request(s.getAll()).then(function (entries) {
          entries.forEach(function (old) {
            if (entry.kind === "answer" && old.kind === "answer" && !old.refused && old.attempt === entry.attempt &&
                old.position === entry.position) s.delete(old.id);
          });
          return request(s.add(entry));
        });
      });
    }
  };

  // --- the one status line -------------------------------------------------------------------------
  var state = "idle", waiting = 0;
  function say(next, count) {
    state = next; if (count !== undefined) waiting = count;
    var line = statusLine();
    if (!line) return;
    line.dataset.state = next;
    line.textContent = (line.dataset[next] || "").replace("{n}", String(waiting));
  }

  // --- sending, in order ---------------------------------------------------------------------------
  var sending = null, timer = null, delay = 2000, listeners = [], lateSeen = false;
  function csrf() { var meta = document.querySelector('meta[name="csrf-token"]'); return meta ? meta.content : ""; }
  function post(url, fields) {
    var body = new FormData();
    (fields || []).forEach(function (pair) { body.append(pair[0], pair[1]); });
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"X-CSRF-Token": csrf(), "HX-Request": "true"}});
  }
  function send(entry) {
    return post(entry.url, entry.fields).then(function (response) {
      if (response.status === 409 && entry.kind === "answer") {
        return post(entry.late, (entry.fields || []).concat([["seq", String(entry.id)], ["elapsed_ms", String(entry.elapsed)]]));
      }
      return response;
    });
  }
  function later(seconds) {
    clearTimeout(timer);
    timer = setTimeout(flush, seconds ? seconds * 1000 : delay);
    delay = Math.min(delay * 2, 30000);
  }
  function step(entries) {
    var pending = entries.filter(function (e) { return !e.refused; });
    if (!pending.length) return Promise.resolve("done");
    var entry = pending[0];
    say("sending", pending.length);
    return send(entry).then(function (response) {
      if (response.ok) {
        if (response.status === 202) lateSeen = true;  // kept as late: the instructor decides
        return outbox.remove(entry.id).then(function () {
          listeners.forEach(function (listener) { listener(entry, response); });
          return step(entries.slice(entries.indexOf(entry) + 1));
        });
      }
      if (response.status === 503 || response.status >= 500) {  // overloaded: the answer stays, try again
        return {state: "busy", count: pending.length, retryAfter: parseInt(response.headers.get("Retry-After") || "0", 10)};
      }
      if (response.status === 401 || response.status === 403) return {state: "expired", count: pending.length};
      entry.refused = response.status;  // the server answered no: kept on the device, never re-sent
      return outbox.put(entry).then(function () { return step(entries.slice(entries.indexOf(entry) + 1)); });
    }, function () { return {state: "offline", count: pending.length}; });
  }
  function flush() {
    if (sending) return sending;
    clearTimeout(timer);
    sending = outbox.all().then(step).then(function (result) {
      sending = null;
      if (result === "done") {
        delay = 2000;
        return outbox.all().then(function (left) {
          var refused = left.filter(function (e) { return e.refused; }).length;
          if (refused < left.length) return flush();  // added while this round was sending
          if (!left.length) localStorage.removeItem(HINT);
          if (refused) say("refused", refused);
          else if (lateSeen) say("late", 0);
          else if (state !== "idle" && state !== "finishing") say("saved", 0);
          return "done";
        });
      }
      say(result.state, result.count);
      if (result.state !== "expired") later(result.retryAfter);
      return result.state;
    }, function () { sending = null; return "error"; });
    return sending;
  }
  window.addEventListener("online", function () { delay = 2000; flush(); });

  // --- journal API for quiz.js ---------------------------------------------------------------------
  window.CascadaField = {
    add: function (entry) { return outbox.add(entry).then(flush); },
    entries: function () { return outbox.all(); },
    flush: flush,
    say: say,
    onSent: function (listener) { listeners.push(listener); },
    state: function () { return state; }
  };

  // --- lessons marked read: queued like answers ----------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form.mark-done") && !navigator.onLine) {  // with signal the form posts as usual
      event.preventDefault();
      var next = document.querySelector("a[rel=next]");
      outbox.add({kind: "mark", url: form.action, fields: []}).then(flush).then(function (result) {
        if (result === "done") { window.location.assign(form.dataset.continue || form.action.replace(/\/[^/]+\/done$/, "/continue")); return; }
        if (next && result === "offline") window.location.assign(next.href);
      });
    } else if (/\/logout$/.test(form.action) && waiting > 0) {
      var line = statusLine(), question = line && line.dataset.logout;
      if (question && !window.confirm(question.replace("{n}", String(waiting)))) event.preventDefault();
    }
  });

  // --- saved courses ------------------------------------------------------------------------------
  var SAVED = "cascada-saved";
  function savedCourses() { try { return JSON.parse(localStorage.getItem(SAVED) || "{}"); } catch (e) { return {}; } }
  function keep(all) { localStorage.setItem(SAVED, JSON.stringify(all)); }
  function size(bytes) {
    var mb = bytes >= 1e6, number = new Intl.NumberFormat(lang, {maximumFractionDigits: mb ? 1 : 0});
    return mb ? number.format(bytes / 1e6) + " MB" : number.format(Math.max(1, Math.round(bytes / 1e3))) + " kB";
  }
  function day(iso) { return new Date(iso).toLocaleDateString(lang, {day: "numeric", month: "long", year: "numeric"}); }
  function cacheName(slug, version) { return "cascada-course-" + slug + "-" + version; }

  function download(slug, title, bundleUrl, progress) {
    return fetch(bundleUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (bundle) {
      var name = cacheName(slug, bundle.version), used = 0, done = 0, savedAt = new Date().toISOString();
      bundle.paths.push("/offline");  // what a page that was not saved shows instead
      return caches.open(name).then(function (cache) {
        return bundle.paths.reduce(function (chain, path) {
          return chain.then(function () {
            return fetch(path, {credentials: "same-origin"}).then(function (response) {
              if (!response.ok) throw new Error(path + " " + response.status);
              return response.blob().then(function (blob) {
                used += blob.size; done += 1;
                if (progress) progress(done / bundle.paths.length);
                var headers = new Headers(response.headers); headers.set("X-Saved-At", savedAt);
                return cache.put(path, new Response(blob, {status: 200, headers: headers}));
              });
            });
          });
        }, Promise.resolve());
      }).then(function () {
        var all = savedCourses(), old = all[slug];
        if (old && old.version !== bundle.version) caches.delete(cacheName(slug, old.version));
        all[slug] = {title: title, version: bundle.version, savedAt: savedAt, bytes: used};
        keep(all);
        return all[slug];
      });
    });
  }
  function remove(slug) {
    var all = savedCourses(), entry = all[slug];
    delete all[slug]; keep(all);
    return entry ? caches.delete(cacheName(slug, entry.version)) : Promise.resolve();
  }

  function saveSection(section) {
    var slug = section.dataset.slug, sizeText = section.querySelector("[data-field-size]");
    var bar = section.querySelector("[data-field-progress]"), get = section.querySelector("[data-field-download]");
    var drop = section.querySelector("[data-field-remove]");
    function show() {
      var entry = savedCourses()[slug];
      drop.hidden = !entry;
      if (entry) sizeText.textContent = section.dataset.savedOn.replace("{date}", day(entry.savedAt)).replace("{size}", size(entry.bytes));
      else fetch(section.dataset.bundle, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(function (bundle) { sizeText.textContent = section.dataset.size.replace("{size}", size(bundle.bytes)); })
        .catch(function () {});
    }
    section.hidden = false;
    show();
    get.addEventListener("click", function () {
      get.disabled = true; bar.hidden = false; bar.value = 0;
      download(slug, section.dataset.title, section.dataset.bundle, function (part) { bar.value = part; })
        .then(function () { bar.hidden = true; show(); renderList(); }, function () { sizeText.textContent = section.dataset.failed; })
        .then(function () { get.disabled = false; });
    });
    drop.addEventListener("click", function () { remove(slug).then(function () { show(); renderList(); }); });
  }

  function renderList() {
    var section = document.querySelector("[data-field-saved]");
    if (!section) return;
    var all = savedCourses(), slugs = Object.keys(all), list = section.querySelector("ul"), total = 0;
    list.textContent = "";
    slugs.forEach(function (slug) {
      var entry = all[slug], item = document.createElement("li"), link = document.createElement("a");
      var button = document.createElement("button");
      total += entry.bytes;
      link.href = "/courses/" + slug; link.textContent = entry.title;
      button.type = "button"; button.className = "secondary"; button.textContent = section.dataset.remove;
      button.setAttribute("aria-label", section.dataset.remove + ": " + entry.title);
      button.addEventListener("click", function () { remove(slug).then(renderList); });
      item.append(link, " · " + section.dataset.entry.replace("{size}", size(entry.bytes)).replace("{date}", day(entry.savedAt)) +
                  (entry.stale ? " " + section.dataset.stale : "") + " ", button);
      list.append(item);
    });
    section.querySelector("[data-field-total]").textContent = section.dataset.total.replace("{size}", size(total));
    section.hidden = slugs.length === 0;
  }

  // A saved copy says it is one, and whether a newer version of its course exists.
  function markSavedCopy() {
    var at = document.documentElement.dataset.savedAt, note = document.getElementById("saved-copy");
    if (!at || !note) return;
    var when = new Date(decodeURIComponent(at)), slug = (/^\/courses\/([^/]+)/.exec(location.pathname) || [])[1];
    var entry = slug && savedCourses()[slug];
    note.textContent = note.dataset.copy.replace("{date}", isNaN(when) ? "" : day(when.toISOString())) +
      (entry && entry.stale ? " " + note.dataset.stale : "");
    note.hidden = false;
  }

  // At the next connection, a course saved from an older published version is fetched again.
  function refreshStale() {
    var all = savedCourses();
    if (!Object.keys(all).length || !navigator.onLine || document.documentElement.dataset.savedAt) return;
    var last = parseInt(localStorage.getItem("cascada-saved-checked") || "0", 10);
    if (Date.now() - last < 10 * 60 * 1000) return;
    localStorage.setItem("cascada-saved-checked", String(Date.now()));
    fetch("/field/versions", {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : {}; }).then(function (current) {
      Object.keys(all).forEach(function (slug) {
        if (!current[slug] || current[slug] === all[slug].version) return;
        all[slug].stale = true; keep(all);
        download(slug, all[slug].title, "/field/courses/" + slug).then(renderList, function () {});
      });
    }).catch(function () {});
  }

  function start() {
    // After the page has loaded, so the worker's start-up never slows the first page down. Once a
    // worker answers for the page, the browser itself checks /sw.js for a new deploy.
    if ("serviceWorker" in navigator && !navigator.serviceWorker.controller) {
      var register = function () { navigator.serviceWorker.register("/sw.js").catch(function () {}); };
      if (document.readyState === "complete") register(); else window.addEventListener("load", register);
    }
    if ("caches" in window && "serviceWorker" in navigator) {
      document.querySelectorAll("[data-field-save]").forEach(saveSection);
      renderList();
      markSavedCopy();
      refreshStale();
    }
    if (localStorage.getItem(HINT)) flush();  // the device holds something: send it
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
