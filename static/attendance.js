// Roll call: each tap is sent at once; without signal it waits (also across a reload) and is sent
// again when the connection returns. The forms work without this file.
(function () {
  var list = document.querySelector("[data-roll]"), status = document.getElementById("roll-status");
  if (!list || !status) return;
  var KEY = "cascada-roll:" + location.pathname, delay = 2000, timer = null;
  var queue = JSON.parse(localStorage.getItem(KEY) || "{}");  // form action -> "true"/"false", last tap wins
  var say = function (state) { status.textContent = status.dataset[state] || ""; status.dataset.state = state; };
  var keep = function () { localStorage.setItem(KEY, JSON.stringify(queue)); };
  var token = function () { var input = list.querySelector("input[name=csrf_token]"); return input ? input.value : ""; };

  function send(action) {
    var body = new FormData();
    body.append("present", queue[action]);
    body.append("csrf_token", token());
    var sent = queue[action];
    return fetch(action, {method: "POST", body: body, credentials: "same-origin", headers: {"HX-Request": "true"}})
      .then(function (response) {
        if (response.status >= 400 && response.status < 500) { say("refused"); delete queue[action]; keep(); return; }
        if (!response.ok) throw new Error("server " + response.status);
        return response.text().then(function (html) {
          var row = document.createElement("template"); row.innerHTML = html.trim();
          var fresh = row.content.firstElementChild, old = fresh && document.getElementById(fresh.id);
          if (old) old.replaceWith(fresh);
          if (queue[action] === sent) delete queue[action];
          keep(); delay = 2000; say("saved");
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
    var value = form.querySelector("input[name=present]").value;
    form.closest("li").querySelectorAll("button[aria-pressed]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.form === form));
    });
    queue[form.action] = value; keep();
    if (!timer) flush();
  });
  window.addEventListener("online", function () { if (timer) { clearTimeout(timer); flush(); } });
  if (Object.keys(queue).length) flush();
})();
