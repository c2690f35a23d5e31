// Home-visit notes on a phone with a poor signal: every keystroke is kept in localStorage (keyed by
// case id and user id, never a name), restored on load, and sent with fetch. When the phone is offline
// or the send fails, the draft stays and is sent again when the signal returns. The server ignores a
// repeat of the same client_key, so a retry never logs the visit twice. Without JS the form posts.
(function () {
  "use strict";
  var form = document.getElementById("hv-form");
  if (!form || !window.fetch || !window.localStorage) { return; }
  var key = form.dataset.draftKey;
  var status = document.getElementById("hv-status");
  var SKIP = { csrfmiddlewaretoken: true };
  var OFFLINE = "Saved on this phone — will send when you're back online.";
  var sending = false;
  var timer = null;

  function say(text, sent) {
    status.textContent = text;
    status.classList.toggle("hv-sent", !!sent);
  }

  function read() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name && !SKIP[el.name]; });
  }

  function save(pending) {
    var values = {};
    fields().forEach(function (el) {
      if (el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else if (el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else if (el.type !== "submit") {
        values[el.name] = el.value;
      }
    });
    var old = read();
    var draft = { values: values, pending: pending === undefined ? !!(old && old.pending) : pending,
                  savedAt: new Date().toISOString() };
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full: the form still posts */ }
    return draft;
  }

  function restore(draft) {
    var values = draft.values || {};
    fields().forEach(function (el) {
      if (!(el.name in values)) { return; }
      var v = values[el.name];
      if (el.type === "checkbox") { el.checked = v.indexOf(el.value) !== -1; }
      else if (el.type === "radio") { el.checked = el.value === v; }
      else if (el.type !== "submit") { el.value = v; }
    });
  }

  function retryLater() {
    if (!timer) { timer = window.setInterval(function () { if (navigator.onLine) { send(); } }, 30000); }
  }

  function send() {
    if (sending) { return; }
    save(true);
    if (!navigator.onLine) { say(OFFLINE); retryLater(); return; }
    sending = true;
    say("Sending…");
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "Accept": "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
        if (!json) { throw new Error("not signed in or server error"); }
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      })
      .then(function (result) {
        sending = false;
        if (result.body.ok) {
          localStorage.removeItem(key);
          if (timer) { window.clearInterval(timer); timer = null; }
          say(result.body.message || "Sent.", true);
          if (result.body.next) { window.location.assign(result.body.next); }
        } else if (result.status === 400) {
          // The notes need a fix: let the server show its messages beside the fields. The draft stays
          // pending; the fixed notes go through fetch again with the same key.
          HTMLFormElement.prototype.submit.call(form);
        } else {
          throw new Error("server said " + result.status);
        }
      })
      .catch(function () {
        sending = false;
        say(OFFLINE);
        retryLater();
      });
  }

  var draft = read();
  var serverErrors = form.querySelector(".error");
  if (draft && !serverErrors) {
    restore(draft);
    if (draft.pending) { say(OFFLINE); send(); }
    else { say("Restored what you typed earlier on this phone."); }
  }
  form.addEventListener("input", function () { save(); });
  form.addEventListener("change", function () { save(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
  window.addEventListener("online", function () { if ((read() || {}).pending) { send(); } });
})();
