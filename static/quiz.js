// Quiz player: every answer goes to the device's journal first (field.js sends it in order and forgets
// it only once the server confirmed it), the attempt's pages are saved when it starts so the officer
// keeps answering without signal, and the countdown. The form works without this file.
(function () {
  "use strict";
  var field = window.CascadaField;
  var form = document.querySelector("form[data-autosave]");
  var finishForm = document.querySelector("form[action$='/finish']");
  var match = /^\/attempts\/(\d+)/.exec(location.pathname), attempt = match ? parseInt(match[1], 10) : 0;
  var savedCopy = !!document.documentElement.dataset.savedAt;
  if (!field || !attempt) return;

  // When the server confirms the finish, the review is where the officer goes (also after a reopen).
  field.onSent(function (entry, response) {
    if (entry.kind === "finish" && entry.attempt === attempt) {
      window.location.assign(response.headers.get("HX-Redirect") || "/attempts/" + attempt + "/review");
    }
  });

  // Time on the device since the attempt started: monotonic, kept across the attempt's pages.
  var clockKey = "cascada-clock:" + attempt, base = parseInt(localStorage.getItem(clockKey) || "0", 10);
  var opened = performance.now();
  function elapsed() { return base + Math.round(performance.now() - opened); }
  function keepClock() { localStorage.setItem(clockKey, String(elapsed())); }
  window.addEventListener("pagehide", keepClock);

  if (form) player();
  if (finishForm) finishForm.addEventListener("submit", function (event) {
    if (navigator.onLine) return;
    event.preventDefault();
    field.add({kind: "finish", attempt: attempt, url: finishForm.action, fields: []}).then(function (result) {
      if (result !== "done") field.say("finishing");
    });
  });

  function player() {
    var position = parseInt(form.dataset.position, 10), typing = null;
    function fields() {
      var pairs = [];
      new FormData(form).forEach(function (value, name) { if (name !== "csrf_token" && name !== "go") pairs.push([name, value]); });
      return pairs;
    }
    function journal() {
      clearTimeout(typing); keepClock();
      return field.add({kind: "answer", attempt: attempt, position: position, url: form.action, late: form.dataset.late,
                        fields: fields(), elapsed: elapsed()});
    }
    form.addEventListener("change", journal);
    form.addEventListener("input", function (event) {
      if (event.target.matches("textarea, input[name=response]:not([type=radio]):not([type=checkbox])")) {
        clearTimeout(typing); typing = setTimeout(journal, 1200);
      }
    });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) { journal(); return; }  // with signal the form posts as it does without script
      event.preventDefault();
      var go = event.submitter ? event.submitter.value : String(position);
      var target = go === "finish" ? form.dataset.finish : "/attempts/" + attempt + "?q=" + go;
      var pause = new Promise(function (resolve) { setTimeout(resolve, 4000); });
      Promise.race([journal(), pause]).then(function () { window.location.assign(target); });
    });
    restore();
    if (!savedCopy) prefetch();
  }

  // What waits on the device shows in the form and in the question list (a saved page knows nothing of it).
  function restore() {
    field.entries().then(function (entries) {
      var mine = entries.filter(function (e) { return e.kind === "answer" && e.attempt === attempt; });
      mine.forEach(function (entry) {
        var link = document.querySelector(".question-nav li:nth-child(" + (entry.position + 1) + ") button");
        if (link) link.classList.add("answered");
      });
      var here = mine.filter(function (e) { return e.position === parseInt(form.dataset.position, 10); }).pop();
      if (!here) return;
      var has = function (name, value) { return here.fields.some(function (p) { return p[0] === name && p[1] === value; }); };
      form.querySelectorAll("input[type=radio], input[type=checkbox]").forEach(function (box) { box.checked = has(box.name, box.value); });
      form.querySelectorAll("select, textarea, input[name=response]:not([type=radio]):not([type=checkbox])").forEach(function (input) {
        var pair = here.fields.filter(function (p) { return p[0] === input.name; }).pop();
        if (pair) input.value = pair[1];
      });
    });
  }

  // Every question page of the attempt and its finish page, saved once when the attempt starts. A
  // page refused (a busy server's 503, a login page) leaves the attempt unmarked: the next page tries again.
  function prefetch() {
    var key = "cascada-attempt-saved:" + attempt;
    if (!("caches" in window) || localStorage.getItem(key)) return;
    var urls = ["/attempts/" + attempt, form.dataset.finish, "/offline"];
    // The question numbers are buttons of the answer form (they save before moving without script).
    document.querySelectorAll(".question-nav button[name=go]").forEach(function (button) {
      urls.push("/attempts/" + attempt + "?q=" + button.value);
    });
    caches.open("cascada-attempt-" + attempt).then(function (cache) {
      return urls.reduce(function (chain, url) {
        return chain.then(function () {
          return fetch(url, {credentials: "same-origin"}).then(function (response) {
            if (!response.ok || response.redirected) throw new Error(url + " " + response.status);
            return cache.put(url, response);
          });
        });
      }, Promise.resolve());
    }).then(function () { localStorage.setItem(key, "1"); }, function () {});
  }

  var timer = document.getElementById("timer");
  if (timer) {
    var endKey = "cascada-end:" + attempt, fromServer = parseInt(timer.dataset.seconds, 10);
    var end = parseInt(localStorage.getItem(endKey) || "0", 10), out = timer.querySelector("span");
    if (!savedCopy || !end) { end = Date.now() + fromServer * 1000; localStorage.setItem(endKey, String(end)); }
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      if (left > 0) { setTimeout(tick, 1000); return; }
      // The server judges time: with signal it closes the attempt; without, the answers wait here.
      if (navigator.onLine && !savedCopy && fromServer > 0) field.flush().then(function () { window.location.reload(); });
    };
    tick();
  }
})();
