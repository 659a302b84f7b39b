// Roll call: each tap is sent at once; without signal it waits (also across a reload), its row says
// "Sin enviar", and it is sent again when the connection returns. The forms work without this file.
(function () {
  var list = document.querySelector("[data-roll]"), status = document.getElementById("roll-status");
  if (!list || !status) return;
  var KEY = "cascada-roll:" + location.pathname, delay = 2000, timer = null;
  var queue = JSON.parse(localStorage.getItem(KEY) || "{}");  // form action -> state, last tap wins
  var say = function (state) { status.textContent = status.dataset[state] || ""; status.dataset.state = state; };
  var keep = function () { localStorage.setItem(KEY, JSON.stringify(queue)); };
  var token = function () { var input = list.querySelector("input[name=csrf_token]"); return input ? input.value : ""; };
  var legacy = {"true": "present", "false": "absent"};  // taps queued by the two-button page

  function formFor(action) {
    return Array.prototype.find.call(list.querySelectorAll("form[data-tap]"), function (f) { return f.action === action; });
  }
  function show(action, state) {  // the row as if saved, flagged "not sent" until the server answers
    var form = formFor(action), row = form && form.closest("li");
    if (!row) return;
    row.dataset.state = state;
    row.querySelectorAll("button[aria-pressed]").forEach(function (button) {
      var pressed = button.form.querySelector("input[name=status]").value === state;
      button.setAttribute("aria-pressed", String(pressed));
      if (pressed) {
        var label = row.querySelector(".roll-state");
        label.className = "roll-state state-" + state; label.innerHTML = button.innerHTML;
      }
    });
    var flag = row.querySelector("[data-queued]");
    if (flag) flag.hidden = !(action in queue);
    recount();
  }
  function recount() {
    var totals = {present: 0, late: 0, excused: 0, absent: 0, pending: 0};
    list.querySelectorAll("li[data-state]").forEach(function (row) { totals[row.dataset.state] += 1; });
    document.querySelectorAll("[data-count]").forEach(function (cell) { cell.textContent = totals[cell.dataset.count]; });
  }
  function send(action) {
    var body = new FormData(), sent = queue[action];
    body.append("status", legacy[sent] || sent);
    body.append("csrf_token", token());
    return fetch(action, {method: "POST", body: body, credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (response) {
        if (response.status >= 400 && response.status < 500) { say("refused"); delete queue[action]; keep(); return; }
        if (!response.ok) throw new Error("server " + response.status);
        return response.text().then(function (html) {
          var row = document.createElement("template"); row.innerHTML = html.trim();
          var fresh = row.content.firstElementChild, old = fresh && document.getElementById(fresh.id);
          if (queue[action] === sent) delete queue[action];
          if (old) old.replaceWith(fresh);
          if (action in queue) show(action, queue[action]);
          keep(); recount(); delay = 2000; say("saved");
        });
      });
  }
  function flush() {
    timer = null;
    Object.keys(queue).reduce(function (chain, action) {
      return chain.then(function () { return send(action); });
    }, Promise.resolve()).catch(function () {
      say("offline");
      timer = setTimeout(flush, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-tap]")) return;
    event.preventDefault();
    queue[form.action] = form.querySelector("input[name=status]").value; keep();
    show(form.action, queue[form.action]);
    if (!timer) flush();
  });
  window.addEventListener("online", function () { if (timer) { clearTimeout(timer); flush(); } });
  Object.keys(queue).forEach(function (action) { show(action, legacy[queue[action]] || queue[action]); });
  if (Object.keys(queue).length) { say("waiting"); flush(); }
})();
