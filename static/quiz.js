// Quiz player: autosave status with retry while offline, and the countdown. The form works without it.
(function () {
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("save-status");
  if (form && status) {
    var retryDelay = 2000, pending = null;
    var say = function (text, state) { status.textContent = text; status.dataset.state = state; };
    var retry = function () {
      if (pending) return;
      pending = setTimeout(function () { pending = null; htmx.trigger(form, "change"); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 30000);
    };
    form.addEventListener("htmx:beforeRequest", function () { say(status.dataset.saving || "…", "saving"); });
    form.addEventListener("htmx:afterRequest", function (e) {
      if (e.detail.successful) { retryDelay = 2000; return; }
      if (e.detail.xhr && e.detail.xhr.status >= 400 && e.detail.xhr.status < 500) {
        say(e.detail.xhr.status === 401 ? status.dataset.expired : status.dataset.refused, "error");
        return;  // the server answered: retrying would not help; the message says what to do
      }
      say(status.dataset.offline, "offline"); retry();
    });
    form.addEventListener("htmx:sendError", function () { say(status.dataset.offline, "offline"); retry(); });
    window.addEventListener("online", function () { if (status.dataset.state === "offline") htmx.trigger(form, "change"); });
  }
  var timer = document.getElementById("timer");
  if (timer) {
    var end = Date.now() + parseInt(timer.dataset.seconds, 10) * 1000, out = timer.querySelector("span");
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
      if (left === 0) { window.location.reload(); return; }
      setTimeout(tick, 1000);
    };
    tick();
  }
})();
